import { describe, expect, it } from "vitest";
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { ctx } from "../../support/engine";

/**
 * Central finite differences of the whole model's mean loss against lossAndGrad's parameter gradients. The engine
 * is float32, so the step is 1e-3 and the tolerance allows for ~1e-7 relative error in the loss divided by 2h.
 * A step that crosses a ReLU or max-pool kink shows up as disagreeing one-sided slopes; such points are counted
 * and must stay rare, everything else must agree.
 */
function check(spec: ModelSpec, n: number, seed: number): { checked: number; kinks: number } {
	const model = Sequential.build(spec, seed, ctx);
	const size = spec.input.reduce((a, b) => a * b, 1);
	const data = new Float32Array(n * size);
	let s = seed * 7919 + 1;
	for (let i = 0; i < data.length; i++) {
		s = (s * 16807) % 2147483647;
		data[i] = (s / 2147483647) * 2 - 1;
	}
	const x = { shape: [n, ...spec.input], data };
	const labels = Array.from({ length: n }, (_, i) => (i * 3 + 1) % model.outputs);
	model.lossAndGrad(x, labels);
	const grads = model.params().map((p) => p.grad.slice());
	const lossAt = (): number => model.evaluateBatch(x, labels).loss;
	const h = 1e-3;
	let checked = 0;
	let kinks = 0;
	model.params().forEach((p, k) => {
		for (let i = 0; i < p.value.length; i++) {
			const orig = p.value[i];
			const l0 = lossAt();
			p.value[i] = orig + h;
			const lp = lossAt();
			p.value[i] = orig - h;
			const lm = lossAt();
			p.value[i] = orig;
			const hp = p.value[i] + h - orig;
			const numeric = (lp - lm) / (2 * hp);
			const right = (lp - l0) / hp;
			const left = (l0 - lm) / hp;
			if (Math.abs(right - left) > 2e-3 + 0.05 * Math.abs(numeric)) {
				kinks++;
				continue;
			}
			const g = grads[k][i];
			const tol = 5e-4 + 1e-2 * Math.abs(g);
			if (!(Math.abs(numeric - g) <= tol)) {
				throw new Error(`layer param ${k} (${p.name} ${p.shape.join("×")}) [${i}]: analytic ${g}, numeric ${numeric}`);
			}
			checked++;
		}
	});
	return { checked, kinks };
}

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
		const r = check(spec, 3, 11);
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
		const r = check(spec, 2, 5);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.checked).toBeGreaterThan(50);
	});
});
