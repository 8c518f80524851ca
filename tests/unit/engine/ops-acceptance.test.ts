import { describe, expect, it } from "vitest";
import * as F from "../../../src/engine/functional";
import { createLayer } from "../../../src/engine/layers";
import { Rng } from "../../../src/engine/rng";
import { convOutSize, poolOutSize } from "../../../src/engine/shapes";
import type { LayerSpec } from "../../../src/engine/model-spec";
import { ctx } from "../../support/engine";

// Literal cases from shared/acceptance/README.md.
describe("acceptance: one convolution", () => {
	const x = { shape: [1, 1, 5, 5], data: Float32Array.from([1, 2, 3, 0, 1, 0, 1, 2, 3, 1, 3, 0, 1, 2, 2, 2, 3, 0, 1, 0, 1, 0, 2, 1, 3]) };
	const w = { shape: [1, 1, 3, 3], data: Float32Array.from([1, 0, -1, 1, 0, -1, 1, 0, -1]) };
	const expected = [-3, -4, 0, 3, 3, -4, 2, -2, 0, 6, -3, 1, 1, -1, 2];

	it("5×5 input, kernel rows 1 0 −1, stride 2×1, pad 1 gives the 3×5 output", () => {
		const y = F.conv2d(x, w, null, { stride: [2, 1], pad: [1, 1] }, ctx);
		expect(y.shape).toEqual([1, 1, 3, 5]);
		expect(Array.from(y.data)).toEqual(expected);
	});

	it("the conv layer gives the same numbers", () => {
		const l = createLayer({ type: "conv", filters: 1, kernel: [3, 3], stride: [2, 1], pad: [1, 1], dilation: [1, 1], bias: false }, [1, 5, 5], new Rng(1), ctx);
		l.params[0].value.set(w.data);
		expect(Array.from(l.forward(x, false).data)).toEqual(expected);
	});
});

describe("acceptance: output sizes", () => {
	it("conv sizes as PyTorch computes them", () => {
		expect(convOutSize(32, 4, 3, 0, 0, 1)).toBe(10); // 10.33 floors to 10
		expect(convOutSize(32, 4, 3, 1, 1, 1)).toBe(11);
		expect(convOutSize(32, 4, 2, 0, 0, 1)).toBe(15);
		expect([convOutSize(32, 4, 3, 1, 1, 1), convOutSize(32, 4, 2, 1, 1, 1)]).toEqual([11, 16]);
		expect(convOutSize(28, 3, 1, 0, 0, 2)).toBe(24);
		expect(convOutSize(32, 3, 2, 0, 1, 1)).toBe(16); // Keras 'same' at stride 2: pad 0 before, 1 after
		expect(convOutSize(4, 7, 1, 0, 0, 1)).toBe(0);
	});

	it("pool sizes, floor and ceil, with the dropped last window", () => {
		expect(poolOutSize(7, 2, 2, 0, false)).toBe(3);
		expect(poolOutSize(7, 2, 2, 0, true)).toBe(4);
		// ceil would give ⌈(5 + 2 − 2)/2⌉ + 1 = 4, but that window starts at 6 ≥ 5 + 1, inside the right padding.
		expect(poolOutSize(5, 2, 2, 1, true)).toBe(3);
		expect(poolOutSize(6, 2, 2, 1, true)).toBe(4);
		expect(poolOutSize(2, 3, 2, 0, true)).toBe(1); // kernel larger than the input, accepted in ceil mode
	});

	it("LeNet-5 layer by layer", () => {
		const specs: LayerSpec[] = [
			{ type: "conv", filters: 6, kernel: [5, 5], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true },
			{ type: "relu" },
			{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
			{ type: "conv", filters: 16, kernel: [5, 5], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true },
			{ type: "relu" },
			{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
			{ type: "flatten" },
			{ type: "dense", units: 120, bias: true },
			{ type: "relu" },
			{ type: "dense", units: 84, bias: true },
			{ type: "relu" },
			{ type: "dense", units: 10, bias: true },
		];
		let shape = [1, 32, 32];
		const shapes: string[] = [];
		let params = 0;
		for (const s of specs) {
			const l = createLayer(s, shape, new Rng(1), ctx);
			shape = l.outShape;
			shapes.push(shape.join("×"));
			for (const p of l.params) params += p.value.length;
		}
		expect(shapes).toEqual(["6×28×28", "6×28×28", "6×14×14", "16×10×10", "16×10×10", "16×5×5", "400", "120", "120", "84", "84", "10"]);
		expect(params).toBe(61706);
	});
});

describe("stability at the extremes", () => {
	it("sigmoid, tanh and softmax cross-entropy stay finite and exact at |x| = 1000", () => {
		const x = { shape: [4], data: Float32Array.from([-1000, -30, 30, 1000]) };
		expect(Array.from(F.sigmoid(x).data)).toEqual([0, Math.fround(1 / (1 + Math.exp(30))), 1, 1]);
		expect(Array.from(F.tanh(x).data)).toEqual([-1, -1, 1, 1]);
		const r = F.softmaxCrossEntropy({ shape: [2, 3], data: Float32Array.from([1000, -1000, 0, 0, 1000, 999]) }, [1, 2]);
		expect(r.losses.data[0]).toBe(2000);
		expect(r.losses.data[1]).toBeCloseTo(1 + Math.log(1 + Math.exp(-1)), 5);
		expect(r.loss).toBeCloseTo((2000 + 1 + Math.log(1 + Math.exp(-1))) / 2, 3);
		expect(Array.from(r.dlogits.data).every(Number.isFinite)).toBe(true);
	});
});
