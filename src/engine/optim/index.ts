import type { Param } from "../layer";
import type { OptimizerSpec } from "../model-spec";
import { Adam } from "./adam";
import type { Optimizer } from "./optimizer";
import { Sgd } from "./sgd";

export type { Optimizer } from "./optimizer";
export { Sgd, type SgdOptions } from "./sgd";
export { Adam, type AdamOptions } from "./adam";

/** The optimizer a spec names, over the given parameters. "momentum" is SGD whose momentum defaults to 0.9. */
export function createOptimizer(spec: OptimizerSpec, params: readonly Param[]): Optimizer {
	switch (spec.name) {
		case "adam":
			return new Adam(params, { lr: spec.lr, beta1: spec.beta1, beta2: spec.beta2, eps: spec.eps, weightDecay: spec.weightDecay });
		case "momentum":
			return new Sgd(params, { lr: spec.lr, momentum: spec.momentum || 0.9, weightDecay: spec.weightDecay });
		case "sgd":
			return new Sgd(params, { lr: spec.lr, momentum: spec.momentum, weightDecay: spec.weightDecay });
	}
}

/** An OptimizerSpec with PyTorch's defaults for whatever is not given. */
export function optimizerSpec(name: OptimizerSpec["name"], over: Partial<OptimizerSpec> = {}): OptimizerSpec {
	return {
		name,
		lr: name === "adam" ? 0.001 : 0.01,
		momentum: name === "momentum" ? 0.9 : 0,
		weightDecay: 0,
		beta1: 0.9,
		beta2: 0.999,
		eps: 1e-8,
		...over,
	};
}
