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
 * One layer's output for one sample, copied so that it survives the next forward pass. A composite layer's (a
 * residual block's) entry also lists the outputs inside it, in `inner`.
 */
export interface Activation {
	label: string;
	shape: number[];
	data: Float32Array;
	/**
	 * Inside a composite layer: where the output sits, relative to the block and named as PyTorch names the
	 * block's submodules ("body.0", "shortcut.1", "body.2.body.0"); "shortcut" for an identity shortcut (the
	 * block's input) and "add" for the sum (the block's output). Absent on a model's top-level entries.
	 */
	path?: string;
	/** The layer inside this one: the body's outputs in order, then the shortcut's, then the sum ("add"). */
	inner?: Activation[];
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
	/** Composite layers only: the outputs inside the layer for sample `n` of the last forward pass, copied. */
	innerActivations?(n: number): Activation[];
	/**
	 * Composite layers only: ∂L/∂(the output at `path`, as innerActivations names it) for sample `n` of the last
	 * backward pass, copied; null when the layer has no such output.
	 */
	innerGradient?(path: string, n: number): Float32Array | null;
}
