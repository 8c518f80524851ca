/**
 * The finite-difference gradient check the engine's layer and residual tests share: central differences of the
 * training-mode mean loss (batch norm normalises with the batch there, so the evaluation-mode loss is a different
 * function) against lossAndGrad's gradients, for every parameter. Kinks (ReLU, a step across a bin edge) show up as
 * disagreeing one-sided slopes and are counted, not compared; any other disagreement throws, naming the parameter.
 */
import { Sequential } from "../../src/engine/model";
import type { ModelSpec } from "../../src/engine/model-spec";
import { ctx } from "./engine";

/** `len` values in [-1, 1) from a Park–Miller generator: the same numbers for the same seed, on every machine. */
export function randomData(len: number, seed: number): Float32Array {
	const data = new Float32Array(len);
	let s = seed * 7919 + 1;
	for (let i = 0; i < len; i++) {
		s = (s * 16807) % 2147483647;
		data[i] = (s / 2147483647) * 2 - 1;
	}
	return data;
}

export interface GradCheck {
	/** Parameter values whose numeric and analytic gradients were compared (and agreed). */
	checked: number;
	/** Values skipped because a step crossed a kink. */
	kinks: number;
	/** `checked` per parameter name ("weight", "body.2.weight", ...), so a test can see a branch was reached. */
	perParam: Map<string, number>;
}

/**
 * Checks every parameter of `spec` built with `seed`, on `n` samples of random input. `randomScaleShift` gives batch
 * norm's γ and β (and other 1-D zero-initialised parameters) non-trivial values first, so a wrong scale or shift
 * term cannot hide behind γ = 1, β = 0.
 */
export function gradCheck(spec: ModelSpec, n: number, seed: number, opts: { randomScaleShift?: boolean } = {}): GradCheck {
	const model = Sequential.build(spec, seed, ctx);
	if (opts.randomScaleShift) {
		for (const p of model.params()) {
			if (p.init === "ones" || (p.init === "zeros" && p.shape.length === 1)) p.value.set(randomData(p.value.length, seed + p.value.length).map((v) => v * 0.5 + (p.init === "ones" ? 1 : 0)));
		}
	}
	const size = spec.input.reduce((a, b) => a * b, 1);
	const x = { shape: [n, ...spec.input], data: randomData(n * size, seed) };
	const labels = Array.from({ length: n }, (_, i) => (i * 3 + 1) % model.outputs);
	model.lossAndGrad(x, labels);
	const grads = model.params().map((p) => p.grad.slice());
	const lossAt = (): number => model.lossAndGrad(x, labels).loss;
	const h = 1e-3;
	let checked = 0;
	let kinks = 0;
	const perParam = new Map<string, number>();
	model.params().forEach((p, k) => {
		for (let i = 0; i < p.value.length; i++) {
			const orig = p.value[i];
			const l0 = lossAt();
			p.value[i] = orig + h;
			const lp = lossAt();
			p.value[i] = orig - h;
			const lm = lossAt();
			p.value[i] = orig;
			const numeric = (lp - lm) / (2 * h);
			if (Math.abs((lp - l0) / h - (l0 - lm) / h) > 2e-3 + 0.05 * Math.abs(numeric)) {
				kinks++;
				continue;
			}
			const g = grads[k][i];
			if (!(Math.abs(numeric - g) <= 5e-4 + 1e-2 * Math.abs(g))) {
				throw new Error(`param ${k} (${p.name} ${p.shape.join("×")}) [${i}]: analytic ${g}, numeric ${numeric}`);
			}
			checked++;
			perParam.set(p.name, (perParam.get(p.name) ?? 0) + 1);
		}
	});
	return { checked, kinks, perParam };
}
