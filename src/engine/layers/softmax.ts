import type { Layer, Param } from "../layer";
import { softmaxBackward, softmaxForward } from "../ops/softmax-cross-entropy";
import type { LayerSpec } from "../model-spec";
import { size, type Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/**
 * Softmax over the features of each sample. Training fuses softmax with the cross-entropy, so this backward (the
 * Jacobian-vector product) only serves models that put softmax elsewhere.
 */
export class SoftmaxLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[] = [];
	private readonly k: number;
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private n = 0;

	constructor(readonly spec: Extract<LayerSpec, { type: "softmax" }>, inShape: number[]) {
		this.inShape = inShape.slice();
		this.outShape = inShape.slice();
		this.k = size(inShape);
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor): Tensor {
		this.n = batchOf(x, this.inShape, "softmax");
		const y = this.out.forBatch(this.n);
		softmaxForward(this.n, this.k, x.data, y.data);
		return y;
	}

	backward(dy: Tensor): Tensor {
		const dx = this.dIn.forBatch(this.n);
		softmaxBackward(this.n, this.k, this.out.tensor.data, dy.data, dx.data);
		return dx;
	}
}
