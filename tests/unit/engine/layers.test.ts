import { describe, expect, it } from "vitest";
import type { Layer } from "../../../src/engine/layer";
import { createLayer } from "../../../src/engine/layers";
import { softmaxCrossEntropy } from "../../../src/engine/ops/softmax-cross-entropy";
import { Rng } from "../../../src/engine/rng";
import type { ConvLayerSpec, LayerSpec, PoolSpec } from "../../../src/engine/model-spec";
import type { Tensor } from "../../../src/engine/tensor";
import { ctx } from "../../support/engine";

/**
 * Central-difference gradient checks: L = Σ y ⊙ r for a fixed random r, so dL/dy = r. Each input and parameter
 * value checked is nudged by ±EPS in float32 and the loss is summed in float64; the analytic gradient from
 * backward must agree within a tolerance that float32 rounding of the forward allows (bugs give O(1) errors).
 */
const EPS = 1e-3;
const ATOL = 3e-3;
const RTOL = 1e-2;

function randomTensor(shape: number[], rng: Rng, spaced = false): Tensor {
	let n = 1;
	for (const d of shape) n *= d;
	const data = new Float32Array(n);
	if (spaced) {
		// Distinct values at least 0.01 apart and away from 0, so ±EPS never crosses a kink or changes a max.
		const order = rng.shuffle(Int32Array.from({ length: n }, (_, i) => i));
		for (let i = 0; i < n; i++) data[order[i]] = (i - n / 2 + 0.5) * 0.02 + (i >= n / 2 ? 0.05 : -0.05);
	} else {
		for (let i = 0; i < n; i++) data[i] = rng.next() * 2 - 1;
	}
	return { shape, data };
}

function lossOf(layer: Layer, x: Tensor, r: Float32Array): number {
	const y = layer.forward(x, true);
	let s = 0;
	for (let i = 0; i < r.length; i++) s += y.data[i] * r[i];
	return s;
}

/** Up to 30 indices spread over [0, n). */
function sampleIdx(n: number): number[] {
	const step = Math.max(1, Math.floor(n / 30));
	const out: number[] = [];
	for (let i = 0; i < n; i += step) out.push(i);
	return out;
}

function fdCheck(layer: Layer, batch: number, seed: number, spaced: boolean): void {
	const rng = new Rng(seed);
	for (const p of layer.params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.next() - 0.5;
	const x = randomTensor([batch, ...layer.inShape], rng, spaced);
	const y = layer.forward(x, true);
	expect(y.shape).toEqual([batch, ...layer.outShape]);
	const r = randomTensor(y.shape, rng).data;
	const dx = Float32Array.from(layer.backward({ shape: y.shape.slice(), data: r.slice() }).data);
	const grads = layer.params.map((p) => Float32Array.from(p.grad));
	const check = (arr: Float32Array, analytic: Float32Array, what: string): void => {
		for (const i of sampleIdx(arr.length)) {
			const v = arr[i];
			arr[i] = v + EPS;
			const up = lossOf(layer, x, r);
			arr[i] = v - EPS;
			const down = lossOf(layer, x, r);
			arr[i] = v;
			const fd = (up - down) / (2 * EPS);
			if (!(Math.abs(analytic[i] - fd) <= ATOL + RTOL * Math.abs(fd))) {
				throw new Error(`${what}[${i}]: backward ${analytic[i]}, finite difference ${fd}`);
			}
		}
	};
	check(x.data, dx, "dx");
	layer.params.forEach((p, k) => check(p.value, grads[k], `d${p.name}`));
}

const conv = (o: Partial<ConvLayerSpec>): LayerSpec => ({
	type: "conv", filters: 3, kernel: [3, 3], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true, ...o,
});
const pool = (type: "maxpool" | "avgpool", o: Partial<PoolSpec>): LayerSpec => ({
	type, kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true, ...o,
});

const cases: Array<[string, LayerSpec, number[], boolean]> = [
	["conv 3×3", conv({}), [2, 6, 7], false],
	["conv 3×2 stride 2×1, pad 1×2, dilation 2×1, no bias", conv({ kernel: [3, 2], stride: [2, 1], pad: [1, 2], dilation: [2, 1], bias: false }), [2, 9, 6], false],
	["conv with asymmetric 'same' padding", conv({ kernel: [4, 4], stride: [2, 2], pad: [1, 1], padEnd: [2, 2] }), [1, 8, 8], false],
	["conv 1×1", conv({ kernel: [1, 1], filters: 4 }), [3, 4, 5], false],
	["conv 3×3 over 8 channels (Winograd forward, im2col rebuilt for the backward)", conv({ pad: [1, 1] }), [8, 5, 6], false],
	["maxpool 2", pool("maxpool", {}), [2, 6, 5], true],
	["maxpool 3 stride 2 pad 1 ceil (overlapping windows)", pool("maxpool", { kernel: [3, 3], stride: [2, 2], pad: [1, 1], ceil: true }), [2, 7, 6], true],
	["avgpool 3×2 stride 2 pad 1×0 ceil, padding not counted", pool("avgpool", { kernel: [3, 2], stride: [2, 2], pad: [1, 0], ceil: true, countIncludePad: false }), [2, 7, 5], false],
	["avgpool 2 pad 1 counting the padding", pool("avgpool", { pad: [1, 1] }), [1, 5, 5], false],
	["relu", { type: "relu" }, [3, 4, 4], true],
	["leakyrelu", { type: "leakyrelu", slope: 0.1 }, [3, 4, 4], true],
	["sigmoid", { type: "sigmoid" }, [2, 3, 3], false],
	["tanh", { type: "tanh" }, [2, 3, 3], false],
	["flatten", { type: "flatten" }, [2, 3, 4], false],
	["dense", { type: "dense", units: 5, bias: true }, [12], false],
	["dense on a [C,H,W] input, no bias", { type: "dense", units: 3, bias: false }, [2, 3, 2], false],
	["softmax (Jacobian-vector product)", { type: "softmax" }, [6], false],
];

describe("layer gradients match central differences", () => {
	it.each(cases)("%s", (_name, spec, inShape, spaced) => {
		const layer = createLayer(spec, inShape, new Rng(1), ctx);
		fdCheck(layer, 3, 42, spaced);
	});

	it("a conv → relu → maxpool → flatten → dense chain with softmax cross-entropy", () => {
		const rng = new Rng(5);
		const specs: LayerSpec[] = [conv({ filters: 4, pad: [1, 1] }), { type: "relu" }, pool("maxpool", {}), { type: "flatten" }, { type: "dense", units: 3, bias: true }];
		const layers: Layer[] = [];
		let shape = [1, 6, 6];
		for (const s of specs) {
			const l = createLayer(s, shape, rng, ctx);
			for (const p of l.params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.next() - 0.5;
			layers.push(l);
			shape = l.outShape;
		}
		const x = randomTensor([2, 1, 6, 6], rng);
		const labels = [2, 0];
		const loss = (): number => {
			let t = x;
			for (const l of layers) t = l.forward(t, true);
			const probs = new Float32Array(t.data.length);
			return softmaxCrossEntropy(2, 3, t.data, labels, probs, new Float32Array(2), null);
		};
		let t = x;
		for (const l of layers) t = l.forward(t, true);
		const dl = new Float32Array(t.data.length);
		softmaxCrossEntropy(2, 3, t.data, labels, new Float32Array(t.data.length), new Float32Array(2), dl);
		let dy: Tensor = { shape: t.shape.slice(), data: dl };
		for (let i = layers.length - 1; i >= 0; i--) dy = layers[i].backward(dy);
		const dx = Float32Array.from(dy.data);
		const w0 = layers[0].params[0];
		const dw0 = Float32Array.from(w0.grad);
		for (const [arr, an, what] of [[x.data, dx, "dx"], [w0.value, dw0, "dconv"]] as const) {
			for (const i of sampleIdx(arr.length)) {
				const v = arr[i];
				arr[i] = v + EPS;
				const up = loss();
				arr[i] = v - EPS;
				const down = loss();
				arr[i] = v;
				const fd = (up - down) / (2 * EPS);
				expect(Math.abs(an[i] - fd), `${what}[${i}] ${an[i]} vs ${fd}`).toBeLessThanOrEqual(ATOL + RTOL * Math.abs(fd));
			}
		}
	});
});

describe("layer behaviour", () => {
	it("reports PyTorch shapes and parameter metadata", () => {
		const c = createLayer(conv({ filters: 8, kernel: [4, 4], stride: [3, 3], pad: [1, 1] }), [3, 32, 32], new Rng(1), ctx);
		expect(c.outShape).toEqual([8, 11, 11]);
		expect(c.params.map((p) => [p.name, p.shape, p.init, p.fanIn, p.fanOut])).toEqual([
			["weight", [8, 3, 4, 4], "he", 48, 128],
			["bias", [8], "zeros", 48, 128],
		]);
		expect(createLayer(pool("maxpool", { ceil: true }), [1, 7, 7], new Rng(1), ctx).outShape).toEqual([1, 4, 4]);
		expect(createLayer(pool("maxpool", {}), [1, 7, 7], new Rng(1), ctx).outShape).toEqual([1, 3, 3]);
		expect(createLayer(conv({ filters: 4, dilation: [2, 2] }), [1, 28, 28], new Rng(1), ctx).outShape).toEqual([4, 24, 24]);
		const d = createLayer({ type: "dense", units: 10, bias: true }, [16, 5, 5], new Rng(1), ctx);
		expect(d.outShape).toEqual([10]);
		expect(d.params[0].shape).toEqual([10, 400]);
	});

	it("reuses its output buffer while the batch size stays, and follows a new batch size", () => {
		const l = createLayer(conv({}), [1, 5, 5], new Rng(1), ctx);
		const rng = new Rng(2);
		const a = l.forward(randomTensor([2, 1, 5, 5], rng), true).data;
		const b = l.forward(randomTensor([2, 1, 5, 5], rng), true).data;
		expect(b).toBe(a);
		const c = l.forward(randomTensor([3, 1, 5, 5], rng), true);
		expect(c.shape).toEqual([3, 3, 3, 3]);
		expect(c.data.length).toBe(81);
	});

	it("with needInputGrad = false, conv and dense still give the same parameter gradients", () => {
		for (const [spec, inShape] of [[conv({ pad: [1, 1] }), [2, 6, 5]], [{ type: "dense", units: 4, bias: true }, [7]]] as Array<[LayerSpec, number[]]>) {
			const grads: Float32Array[][] = [];
			for (const need of [true, false]) {
				const l = createLayer(spec, inShape, new Rng(1), ctx);
				const rng = new Rng(3);
				for (const p of l.params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.next() - 0.5;
				l.needInputGrad = need;
				const y = l.forward(randomTensor([3, ...inShape], rng), true);
				l.backward(randomTensor(y.shape, rng));
				grads.push(l.params.map((p) => Float32Array.from(p.grad)));
			}
			expect(grads[1]).toEqual(grads[0]);
		}
	});

	it("refuses an input of the wrong size and shapes that cannot work", () => {
		const l = createLayer(conv({}), [1, 5, 5], new Rng(1), ctx);
		expect(() => l.forward({ shape: [1, 1, 4, 4], data: new Float32Array(16) }, false)).toThrow(/expected input/);
		expect(() => createLayer(conv({ kernel: [7, 7] }), [1, 5, 5], new Rng(1), ctx)).toThrow(/does not fit/);
		expect(() => createLayer(pool("maxpool", { kernel: [2, 2], pad: [2, 2] }), [1, 5, 5], new Rng(1), ctx)).toThrow(/half the kernel/);
	});

	it("dropout: same seed, same mask; kept values scaled by 1/(1−p); identity when not training", () => {
		const spec: LayerSpec = { type: "dropout", p: 0.25 };
		const x = { shape: [4, 1000], data: new Float32Array(4000).fill(2) };
		const a = createLayer(spec, [1000], new Rng(9), ctx);
		const b = createLayer(spec, [1000], new Rng(9), ctx);
		const ya = Float32Array.from(a.forward(x, true).data);
		const yb = b.forward(x, true).data;
		expect(Array.from(yb)).toEqual(Array.from(ya));
		let zeros = 0;
		for (const v of ya) {
			if (v === 0) zeros++;
			else expect(v).toBeCloseTo(2 / 0.75, 6);
		}
		expect(zeros / 4000).toBeGreaterThan(0.22);
		expect(zeros / 4000).toBeLessThan(0.28);
		const dy = { shape: [4, 1000], data: new Float32Array(4000).fill(1) };
		const dx = a.backward(dy).data;
		for (let i = 0; i < 4000; i++) expect(dx[i]).toBe(ya[i] === 0 ? 0 : Math.fround(1 / 0.75));
		expect(a.forward(x, false).data).toBe(x.data);
	});
});
