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
	| { type: "softmax" };

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
