import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { gradCheck } from "../../support/grad-check";

// Whole models of the first layers (no batch norm or dropout, so the training-mode loss the shared check
// differentiates is the evaluation loss too): every parameter's gradient against central differences.
describe("finite-difference gradient check of whole models", () => {
	it("conv → relu → maxpool → flatten → dense (non-square input, 2 channels, batch 3)", () => {
		const spec: ModelSpec = {
			input: [2, 7, 6],
			layers: [
				{ type: "conv", filters: 3, kernel: [3, 2], stride: [1, 1], pad: [1, 0], dilation: [1, 1], bias: true },
				{ type: "relu" },
				{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: true, countIncludePad: true },
				{ type: "flatten" },
				{ type: "dense", units: 4, bias: true },
				{ type: "softmax" },
			],
		};
		const r = gradCheck(spec, 3, 11);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.checked).toBeGreaterThan(100);
	});

	it("two convs with stride and dilation, avgpool, tanh, leaky relu, sigmoid and two dense layers", () => {
		const spec: ModelSpec = {
			input: [1, 9, 9],
			layers: [
				{ type: "conv", filters: 2, kernel: [3, 3], stride: [2, 1], pad: [1, 1], dilation: [1, 2], bias: true },
				{ type: "tanh" },
				{ type: "avgpool", kernel: [2, 2], stride: [1, 2], pad: [1, 0], ceil: false, countIncludePad: false },
				{ type: "conv", filters: 3, kernel: [2, 2], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: false },
				{ type: "leakyrelu", slope: 0.1 },
				{ type: "flatten" },
				{ type: "dense", units: 5, bias: true },
				{ type: "sigmoid" },
				{ type: "dense", units: 3, bias: true },
			],
		};
		const r = gradCheck(spec, 2, 5);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.checked).toBeGreaterThan(50);
	});
});
