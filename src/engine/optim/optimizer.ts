import type { Param } from "../layer";

/** Updates a fixed list of parameters in place from their `grad`; state is allocated once, at construction. */
export interface Optimizer {
	/** Learning rate; may be changed between steps (schedules). */
	lr: number;
	/** Number of steps taken. */
	readonly steps: number;
	step(): void;
	/** Per-parameter state by name, copied, for tests and inspection. */
	state(): Record<string, Record<string, Float32Array | number>>;
}

export function checkParams(params: readonly Param[]): void {
	for (const p of params) {
		if (p.value.length !== p.grad.length) throw new Error(`optimizer: parameter ${p.name} has ${p.value.length} values but ${p.grad.length} gradients`);
	}
}
