import type { Param } from "./layer";
import type { Rng } from "./rng";

/**
 * Fills one parameter from its `init` rule: He normal (std √(2/fanIn)) suits ReLU layers, Glorot uniform
 * (±√(6/(fanIn+fanOut))) suits saturating activations, zeros for biases, ones for batch norm's scale. Values are drawn in storage order, so the
 * same Rng state gives the same weights.
 */
export function initParam(p: Param, rng: Rng): void {
	const v = p.value;
	if (p.init === "zeros") {
		v.fill(0);
	} else if (p.init === "ones") {
		v.fill(1);
	} else if (p.init === "he") {
		const std = Math.sqrt(2 / Math.max(1, p.fanIn));
		for (let i = 0; i < v.length; i++) v[i] = rng.normal() * std;
	} else {
		const limit = Math.sqrt(6 / Math.max(1, p.fanIn + p.fanOut));
		for (let i = 0; i < v.length; i++) v[i] = (rng.next() * 2 - 1) * limit;
	}
	p.grad.fill(0);
}

/** Initialises every parameter in order from one generator. */
export function initParams(params: readonly Param[], rng: Rng): void {
	for (const p of params) initParam(p, rng);
}
