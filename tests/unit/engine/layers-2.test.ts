import { describe, expect, it } from "vitest";
import * as F from "../../../src/engine/functional";
import { Sequential } from "../../../src/engine/model";
import type { ConvLayerSpec, LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { adaptivePoolOutShape, batchNormOutShape, convOutShape, convTransposeOutShape, depthwiseOutShape, gapOutShape } from "../../../src/engine/shapes";
import { expectClose } from "../../support/oracle";
import { ctx } from "../../support/engine";
import { gradCheck as sharedGradCheck, randomData } from "../../support/grad-check";

// Batch norm's γ and β get non-trivial values, so a wrong scale or shift term cannot hide behind γ = 1, β = 0.
const gradCheck = (spec: ModelSpec, n: number, seed: number) => sharedGradCheck(spec, n, seed, { randomScaleShift: true });

const conv = (filters: number, k: number, extra: Partial<ConvLayerSpec> = {}): ConvLayerSpec => ({
	type: "conv", filters, kernel: [k, k], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true, ...extra,
});

describe("finite-difference checks of models with the new layers", () => {
	it("grouped conv → batchnorm2d → relu → gap → dense (batch 4)", () => {
		const r = gradCheck({ input: [4, 6, 5], layers: [conv(6, 3, { groups: 2, pad: [1, 1] }), { type: "batchnorm" }, { type: "relu" }, { type: "gap" }, { type: "dense", units: 3, bias: true }] }, 4, 3);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.checked).toBeGreaterThan(100);
	});

	it("depthwise ×2 → batchnorm2d → tanh → adaptive 2×2 → flatten → dense → batchnorm1d → dense", () => {
		const r = gradCheck({
			input: [3, 7, 7],
			layers: [
				{ type: "depthwise", multiplier: 2, kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilation: [1, 1], bias: true },
				{ type: "batchnorm" }, { type: "tanh" }, { type: "adaptiveavgpool", size: [3, 2] }, { type: "flatten" },
				{ type: "dense", units: 5, bias: true }, { type: "batchnorm" }, { type: "dense", units: 3, bias: false },
			],
		}, 5, 7);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.checked).toBeGreaterThan(100);
	});

	it("conv s2 → transposed conv (s2 p1 outpad 1, groups 2) back to the input size → sigmoid → flatten → dense", () => {
		const spec: ModelSpec = {
			input: [2, 6, 6],
			layers: [
				conv(4, 3, { stride: [2, 2], pad: [1, 1] }), { type: "tanh" },
				{ type: "convtranspose", filters: 2, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 1], dilation: [1, 1], bias: true, groups: 2 },
				{ type: "sigmoid" }, { type: "flatten" }, { type: "dense", units: 3, bias: true },
			],
		};
		const model = Sequential.build(spec, 1, ctx);
		expect(model.layers[2].outShape).toEqual([2, 6, 6]);
		const r = gradCheck(spec, 2, 5);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.checked).toBeGreaterThan(100);
	});
});

describe("batch norm layer", () => {
	const spec: ModelSpec = { input: [2, 3, 3], layers: [conv(3, 1), { type: "batchnorm" }, { type: "flatten" }, { type: "dense", units: 2, bias: true }] };

	it("keeps running statistics as named state, counted apart from the trainable parameters", () => {
		const m = Sequential.build(spec, 1, ctx);
		const bn = m.layers[1];
		expect(bn.params.map((p) => p.name)).toEqual(["weight", "bias"]);
		expect(Array.from(bn.params[0].value)).toEqual([1, 1, 1]);
		expect(Array.from(bn.params[1].value)).toEqual([0, 0, 0]);
		expect(bn.state?.map((s) => `${s.name} [${s.shape.join(",")}]`)).toEqual(["running_mean [3]", "running_var [3]", "num_batches_tracked []"]);
		// conv 2·3 + 3, batch norm 3 + 3, dense 27·2 + 2; running mean and variance 3 + 3.
		expect(m.paramCounts()).toEqual({ trainable: 9 + 6 + 56, nonTrainable: 6 });
		expect(m.paramCount()).toBe(71);
	});

	it("moves the running statistics in training only, and evaluation normalises with them", () => {
		const m = Sequential.build(spec, 2, ctx);
		const x = { shape: [4, 2, 3, 3], data: randomData(72, 9) };
		const convOut = m.layers[0].forward(x, false).data.slice();
		m.lossAndGrad(x, [0, 1, 0, 1]);
		const [mean, vari, count] = m.layers[1].state ?? [];
		expect(count.value[0]).toBe(1);
		// The same update through the functional op, from the fresh statistics.
		const fresh = F.batchNorm({ shape: [4, 3, 3, 3], data: convOut }, { shape: [3], data: new Float32Array([1, 1, 1]) }, { shape: [3], data: new Float32Array(3) },
			{ shape: [3], data: new Float32Array(3) }, { shape: [3], data: new Float32Array([1, 1, 1]) }, { training: true });
		expectClose(mean.value, fresh.runningMean.data, 1e-6, 1e-5, "running_mean");
		expectClose(vari.value, fresh.runningVar.data, 1e-6, 1e-5, "running_var");
		const before = vari.value.slice();
		m.evaluateBatch(x, [0, 1, 0, 1]);
		expect(Array.from(vari.value)).toEqual(Array.from(before));
		expect(count.value[0]).toBe(1);
		// Evaluation: (x − running mean)/√(running var + eps) with γ = 1, β = 0.
		const y = m.layers[1].forward({ shape: [4, 3, 3, 3], data: convOut }, false).data;
		for (let i = 0; i < y.length; i++) {
			const c = Math.floor(i / 9) % 3;
			expect(y[i]).toBeCloseTo((convOut[i] - mean.value[c]) / Math.sqrt(vari.value[c] + 1e-5), 5);
		}
	});

	it("saves and loads the running statistics with the weights", () => {
		const a = Sequential.build(spec, 3, ctx);
		a.lossAndGrad({ shape: [4, 2, 3, 3], data: randomData(72, 4) }, [0, 1, 1, 0]);
		const w = a.exportWeights();
		expect(w.length).toBe(a.weightCount());
		expect(w.length).toBe(71 + 3 + 3 + 1);
		const b = Sequential.build(spec, 99, ctx);
		b.importWeights(w);
		expect(Array.from(b.state()[1].value)).toEqual(Array.from(a.state()[1].value));
		const x = { shape: [2, 2, 3, 3], data: randomData(36, 5) };
		expect(Array.from(b.predict(x).data)).toEqual(Array.from(a.predict(x).data));
	});

	it("reuses its output buffer across batches of one size", () => {
		const m = Sequential.build(spec, 4, ctx);
		const bn = m.layers[1];
		const x = { shape: [4, 3, 3, 3], data: randomData(108, 6) };
		const y1 = bn.forward(x, true);
		const y2 = bn.forward(x, true);
		expect(y2).toBe(y1);
		expect(y2.data).toBe(y1.data);
	});
});

describe("output shapes of the new layer types agree with the layers", () => {
	const rows: [LayerSpec, number[], (inShape: number[]) => number[] | string][] = [
		[conv(6, 3, { groups: 3, stride: [2, 1] }), [3, 9, 8], (s) => convOutShape(s, conv(6, 3, { groups: 3, stride: [2, 1] }))],
		[{ type: "depthwise", multiplier: 3, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [2, 2], bias: false }, [4, 8, 8],
			(s) => depthwiseOutShape(s, { type: "depthwise", multiplier: 3, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [2, 2], bias: false })],
		[{ type: "convtranspose", filters: 5, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 0], dilation: [1, 1], bias: true }, [2, 3, 3],
			(s) => convTransposeOutShape(s, { type: "convtranspose", filters: 5, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 0], dilation: [1, 1], bias: true })],
		[{ type: "batchnorm" }, [3, 4, 4], (s) => batchNormOutShape(s)],
		[{ type: "batchnorm" }, [7], (s) => batchNormOutShape(s)],
		[{ type: "adaptiveavgpool", size: [4, 3] }, [2, 7, 5], (s) => adaptivePoolOutShape(s, { type: "adaptiveavgpool", size: [4, 3] })],
		[{ type: "gap" }, [6, 5, 5], (s) => gapOutShape(s)],
	];
	it.each(rows.map((r) => [r[0].type, ...r] as const))("%s", (_t, spec, inShape, fn) => {
		const m = Sequential.build({ input: (inShape.length === 3 ? inShape : [inShape[0], 1, 1]) as [number, number, number], layers: inShape.length === 3 ? [spec] : [{ type: "flatten" }, spec] }, 1, ctx);
		expect(fn(inShape)).toEqual(m.layers[m.layers.length - 1].outShape);
	});

	it("the transposed conv of 3×3 k3 s2 p1 with output padding 1 is 6×6, what a 6×6 k3 s2 p1 conv takes to 3×3", () => {
		expect(convOutShape([1, 6, 6], conv(1, 3, { stride: [2, 2], pad: [1, 1] }))).toEqual([1, 3, 3]);
		expect(convTransposeOutShape([1, 3, 3], { type: "convtranspose", filters: 1, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 1], dilation: [1, 1], bias: true })).toEqual([1, 6, 6]);
	});

	it("explains shapes PyTorch refuses", () => {
		expect(convOutShape([6, 5, 5], conv(8, 3, { groups: 4 }))).toMatch(/6 input channels do not divide by groups = 4/);
		expect(convTransposeOutShape([1, 3, 3], { type: "convtranspose", filters: 1, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [2, 2], dilation: [1, 1], bias: true }))
			.toMatch(/output padding 2 must be smaller than the stride \(2\) or the dilation \(1\)/);
		expect(gapOutShape([10])).toMatch(/needs a \[C, H, W\] input/);
	});
});
