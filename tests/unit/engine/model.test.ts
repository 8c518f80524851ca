import { describe, expect, it } from "vitest";
import { Sequential } from "../../../src/engine/model";
import { softmaxCrossEntropy } from "../../../src/engine/metrics";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { ctx } from "../../support/engine";

const conv = (filters: number, k: number, pad: number): LayerSpec => ({ type: "conv", filters, kernel: [k, k], stride: [1, 1], pad: [pad, pad], dilation: [1, 1], bias: true });
const maxpool2: LayerSpec = { type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true };
const acceptance: ModelSpec = {
	input: [1, 8, 8],
	layers: [conv(8, 3, 1), { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};

function batch(n: number, seed: number): { shape: number[]; data: Float32Array } {
	const data = new Float32Array(n * 64);
	let s = seed;
	for (let i = 0; i < data.length; i++) {
		s = (s * 1103515245 + 12345) % 2147483648;
		data[i] = s / 2147483648;
	}
	return { shape: [n, 1, 8, 8], data };
}

describe("Sequential", () => {
	it("counts the acceptance network's parameters: 8·(3·3·1)+8 and 10·128+10", () => {
		const m = Sequential.build(acceptance, 7, ctx);
		expect(m.paramCount()).toBe(8 * 9 + 8 + 10 * 128 + 10);
		expect(m.outputs).toBe(10);
		expect(m.outputShape).toEqual([10]);
	});

	it("gives the same weights for the same seed and others for another seed", () => {
		const a = Sequential.build(acceptance, 7, ctx).exportWeights();
		const b = Sequential.build(acceptance, 7, ctx).exportWeights();
		const c = Sequential.build(acceptance, 8, ctx).exportWeights();
		expect(Array.from(a)).toEqual(Array.from(b));
		expect(Array.from(a)).not.toEqual(Array.from(c));
		// Biases start at zero, weights do not.
		expect(Array.from(a.subarray(72, 80))).toEqual(new Array(8).fill(0));
		expect(a.subarray(0, 72).some((v) => v !== 0)).toBe(true);
	});

	it("predicts probabilities whose argmax is the logits' argmax", () => {
		const m = Sequential.build(acceptance, 3, ctx);
		const x = batch(5, 1);
		const logits = m.forward(x, false).data.slice();
		const p = m.predict(x);
		expect(p.shape).toEqual([5, 10]);
		for (let i = 0; i < 5; i++) {
			const row = Array.from(p.data.subarray(i * 10, i * 10 + 10));
			expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
			const lrow = Array.from(logits.subarray(i * 10, i * 10 + 10));
			expect(row.indexOf(Math.max(...row))).toBe(lrow.indexOf(Math.max(...lrow)));
		}
	});

	it("lossAndGrad's loss is the mean −log of the predicted probability of each label", () => {
		const m = Sequential.build(acceptance, 4, ctx);
		const x = batch(6, 2);
		const labels = [0, 3, 9, 1, 1, 5];
		const p = m.predict(x).data;
		const expected = labels.reduce((a, l, i) => a - Math.log(p[i * 10 + l]), 0) / labels.length;
		const { loss, correct } = m.lossAndGrad(x, labels);
		expect(loss).toBeCloseTo(expected, 5);
		const argmaxHits = labels.filter((l, i) => {
			const row = Array.from(p.subarray(i * 10, i * 10 + 10));
			return row.indexOf(Math.max(...row)) === l;
		}).length;
		expect(correct).toBe(argmaxHits);
		expect(m.params().every((q) => q.grad.some((g) => g !== 0))).toBe(true);
	});

	it("returns every layer's activation for one sample, copied, with shapes", () => {
		const m = Sequential.build(acceptance, 5, ctx);
		const one = batch(1, 3);
		const acts = m.activations({ shape: [1, 8, 8], data: one.data });
		expect(acts.map((a) => a.label)).toEqual(["conv 8 3×3", "relu", "maxpool 2", "flatten", "dense 10", "softmax"]);
		expect(acts.map((a) => a.shape)).toEqual([[8, 8, 8], [8, 8, 8], [8, 4, 4], [128], [10], [10]]);
		expect(acts[1].data.every((v) => v >= 0)).toBe(true);
		expect(acts[5].data.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
		const kept = acts[0].data.slice();
		m.activations({ shape: [1, 8, 8], data: batch(1, 99).data });
		expect(Array.from(acts[0].data)).toEqual(Array.from(kept));
	});

	it("carries its weights over to a fresh model with exportWeights / importWeights", () => {
		const a = Sequential.build(acceptance, 1, ctx);
		const b = Sequential.build(acceptance, 2, ctx);
		const x = batch(3, 4);
		b.importWeights(a.exportWeights());
		expect(Array.from(b.predict(x).data)).toEqual(Array.from(a.predict(x).data));
		expect(() => b.importWeights(new Float32Array(5))).toThrow(/5 values.*1370/);
	});
});

describe("softmax cross-entropy", () => {
	it("is stable at logits of ±1000 and matches hand values", () => {
		const d = new Float32Array(4);
		const r = softmaxCrossEntropy(Float32Array.from([1000, -1000, 0, Math.log(3)]), [1, 1], 2, 2, d);
		// Row 1: −log softmax = 2000; row 2: logits 0, ln 3 → p = [1/4, 3/4], loss −ln(3/4).
		expect(r.loss).toBeCloseTo((2000 - Math.log(0.75)) / 2, 6);
		expect(r.correct).toBe(1);
		expect(Array.from(d).map((v) => +v.toFixed(6))).toEqual([0.5, -0.5, 0.125, -0.125]);
	});
});
