import type { LayerSpec } from "./model-spec";
import type { Tensor } from "./tensor";

/** A trainable array and its gradient, with what initialisation needs to know. */
export interface Param {
	name: string;
	shape: number[];
	value: Float32Array;
	grad: Float32Array;
	fanIn: number;
	fanOut: number;
	init: "he" | "glorot" | "zeros" | "ones";
}

/**
 * An array a layer keeps across batches without training it (batch norm's running statistics and its batch
 * count): saved and loaded with the weights, never seen by the optimiser, never counted as a parameter.
 */
export interface LayerState {
	name: string;
	shape: number[];
	value: Float32Array;
}

/**
 * One layer of a Sequential model. Shapes are per sample ([C, H, W] or [F]); tensors passed in and out carry the
 * batch as their first dimension. Output and gradient buffers belong to the layer and are reused while the batch
 * size stays the same, so a caller must copy what it wants to keep.
 */
export interface Layer {
	readonly spec: LayerSpec;
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[];
	/** Non-trainable state, when the layer has any. */
	readonly state?: LayerState[];
	/**
	 * When set to false (the model does this for its first layer, whose input gradient nobody reads), backward may
	 * skip computing dL/dx and return a tensor of unspecified contents. Defaults to true.
	 */
	needInputGrad?: boolean;
	forward(x: Tensor, training: boolean): Tensor;
	/** Writes (not accumulates) the parameter gradients and returns dL/dx for the last forward's input. */
	backward(dy: Tensor): Tensor;
}
