/**
 * The engine's description of a network: what src/notation produces from a note and what the model builder consumes.
 * Spatial pairs are always [vertical, horizontal] ([h, w]), as in PyTorch.
 */
export type Pair = [number, number];

export interface ConvLayerSpec {
	type: "conv";
	filters: number;
	kernel: Pair;
	stride: Pair;
	/** Padding on the top and left. */
	pad: Pair;
	/** Padding on the bottom and right when it differs (Keras 'same' with a stride); defaults to `pad`. */
	padEnd?: Pair;
	dilation: Pair;
	bias: boolean;
	/**
	 * Channel groups (PyTorch's `groups`, 1 when absent): filter j sees input channels [j·C/g, (j+1)·C/g) only, so
	 * the weight is [filters, C/groups, KH, KW]. Both C and filters must divide by it.
	 */
	groups?: number;
}

/**
 * Depthwise convolution: one group per input channel, `multiplier` filters each (MobileNet's depthwise step), so
 * C·multiplier outputs. The layer is a conv with groups = C; this spec exists because C is only known from the
 * input shape.
 */
export interface DepthwiseConvSpec {
	type: "depthwise";
	multiplier: number;
	kernel: Pair;
	stride: Pair;
	pad: Pair;
	dilation: Pair;
	bias: boolean;
}

/** Transposed convolution (ConvTranspose2d): output (i − 1)·s − 2p + d·(k − 1) + outputPad + 1 per axis. */
export interface ConvTransposeSpec {
	type: "convtranspose";
	filters: number;
	kernel: Pair;
	stride: Pair;
	pad: Pair;
	/** Extra rows / columns at the bottom and right; each must be smaller than its stride or its dilation. */
	outputPad: Pair;
	dilation: Pair;
	bias: boolean;
	groups?: number;
}

/**
 * Batch normalisation over the channels of a [C, H, W] input (BatchNorm2d) or the features of an [F] one
 * (BatchNorm1d). PyTorch's defaults when absent: momentum 0.1 (running ← (1 − m)·running + m·batch), eps 1e-5.
 */
export interface BatchNormSpec {
	type: "batchnorm";
	momentum?: number;
	eps?: number;
}

/** Adaptive average pooling to a fixed [oh, ow] grid, PyTorch's bins. */
export interface AdaptivePoolSpec {
	type: "adaptiveavgpool";
	size: Pair;
}

export interface PoolSpec {
	type: "maxpool" | "avgpool";
	kernel: Pair;
	stride: Pair;
	pad: Pair;
	ceil: boolean;
	/** avgpool only: divide by the full window (PyTorch's default true) or by the in-input part. */
	countIncludePad: boolean;
}

export type LayerSpec =
	| ConvLayerSpec
	| PoolSpec
	| { type: "relu" }
	| { type: "leakyrelu"; slope: number }
	| { type: "sigmoid" }
	| { type: "tanh" }
	| { type: "flatten" }
	| { type: "dense"; units: number; bias: boolean }
	| { type: "dropout"; p: number }
	| { type: "softmax" }
	| DepthwiseConvSpec
	| ConvTransposeSpec
	| BatchNormSpec
	| AdaptivePoolSpec
	/** Global average pooling: [C, H, W] → [C], the mean of each map (AdaptiveAvgPool2d(1) then Flatten). */
	| { type: "gap" }
	| ResidualSpec;

/**
 * A residual block, y = F(x) + shortcut(x): `body` is F (any layers, a residual block among them at most one level
 * deep), `shortcut` the layers on the other branch — empty for the identity, or the projection the notation chose
 * (a 1×1 conv with the body's stride, then batch norm when the body has one). Both branches see the block's input
 * and must end in the same shape; the sum is the block's output. Written in a note as `residual [project] … end`.
 */
export interface ResidualSpec {
	type: "residual";
	body: LayerSpec[];
	shortcut: LayerSpec[];
}

/** Per-sample input shape, channels first: [C, H, W]. */
export type InputShape = [number, number, number];

export interface ModelSpec {
	input: InputShape;
	layers: LayerSpec[];
}

export type OptimizerName = "sgd" | "momentum" | "adam";

export interface OptimizerSpec {
	name: OptimizerName;
	lr: number;
	/** SGD momentum (0 for plain SGD; "momentum" defaults to 0.9). */
	momentum: number;
	weightDecay: number;
	beta1: number;
	beta2: number;
	eps: number;
}
