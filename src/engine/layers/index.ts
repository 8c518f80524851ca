/** Builds one engine layer from its description and the per-sample input shape. */
import type { Layer } from "../layer";
import type { Rng } from "../rng";
import type { LayerSpec } from "../model-spec";
import { ActivationLayer } from "./activation";
import { Conv2dLayer } from "./conv";
import { DenseLayer } from "./dense";
import { DropoutLayer } from "./dropout";
import { FlattenLayer } from "./flatten";
import { Pool2dLayer } from "./pool";
import { SoftmaxLayer } from "./softmax";

export { ActivationLayer, Conv2dLayer, DenseLayer, DropoutLayer, FlattenLayer, Pool2dLayer, SoftmaxLayer };

/**
 * The layer for `spec` on samples of shape `inShape` ([C, H, W] or [F]). Parameters are allocated but left at
 * zero (init.ts fills them from their `init` rule); `rng` drives dropout masks. Throws on shapes that cannot work.
 */
export function createLayer(spec: LayerSpec, inShape: number[], rng: Rng): Layer {
	switch (spec.type) {
		case "conv":
			return new Conv2dLayer(spec, inShape);
		case "maxpool":
		case "avgpool":
			return new Pool2dLayer(spec, inShape);
		case "relu":
		case "leakyrelu":
		case "sigmoid":
		case "tanh":
			return new ActivationLayer(spec, inShape);
		case "flatten":
			return new FlattenLayer(spec, inShape);
		case "dense":
			return new DenseLayer(spec, inShape);
		case "dropout":
			return new DropoutLayer(spec, inShape, rng);
		case "softmax":
			return new SoftmaxLayer(spec, inShape);
	}
}
