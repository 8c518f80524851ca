/** Builds one engine layer from its description and the per-sample input shape. */
import type { EngineContext } from "../context";
import type { Layer } from "../layer";
import type { Rng } from "../rng";
import type { LayerSpec } from "../model-spec";
import { ActivationLayer } from "./activation";
import { AdaptivePoolLayer } from "./adaptive-pool";
import { BatchNormLayer } from "./batch-norm";
import { Conv2dLayer } from "./conv";
import { ConvTranspose2dLayer } from "./conv-transpose";
import { DenseLayer } from "./dense";
import { DropoutLayer } from "./dropout";
import { FlattenLayer } from "./flatten";
import { Pool2dLayer } from "./pool";
import { ResidualLayer } from "./residual";
import { SoftmaxLayer } from "./softmax";

export { ActivationLayer, AdaptivePoolLayer, BatchNormLayer, Conv2dLayer, ConvTranspose2dLayer, DenseLayer, DropoutLayer, FlattenLayer, Pool2dLayer, ResidualLayer, SoftmaxLayer };

/**
 * The layer for `spec` on samples of shape `inShape` ([C, H, W] or [F]). Parameters are allocated but left at
 * zero (init.ts fills them from their `init` rule); `rng` drives dropout masks; layers with products run them on
 * `ctx.backend`. Throws on shapes that cannot work.
 */
export function createLayer(spec: LayerSpec, inShape: number[], rng: Rng, ctx: EngineContext): Layer {
	switch (spec.type) {
		case "conv":
		case "depthwise":
			return new Conv2dLayer(spec, inShape, ctx.backend);
		case "convtranspose":
			return new ConvTranspose2dLayer(spec, inShape, ctx.backend);
		case "batchnorm":
			return new BatchNormLayer(spec, inShape);
		case "adaptiveavgpool":
		case "gap":
			return new AdaptivePoolLayer(spec, inShape);
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
			return new DenseLayer(spec, inShape, ctx.backend);
		case "dropout":
			return new DropoutLayer(spec, inShape, rng);
		case "softmax":
			return new SoftmaxLayer(spec, inShape);
		case "residual":
			return new ResidualLayer(spec, inShape, rng, ctx, createLayer);
	}
}
