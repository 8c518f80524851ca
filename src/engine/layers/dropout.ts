import type { Layer, Param } from "../layer";
import { dropoutBackward, dropoutForward } from "../ops/dropout";
import type { Rng } from "../rng";
import type { LayerSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** Inverted dropout with masks drawn from the layer's own Rng; the identity when not training. */
export class DropoutLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[] = [];
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private mask = new Float32Array(0);
	private trained = false;
	private n = 0;

	constructor(readonly spec: Extract<LayerSpec, { type: "dropout" }>, inShape: number[], private readonly rng: Rng) {
		if (!(spec.p >= 0 && spec.p < 1)) throw new Error(`dropout: p must be in [0, 1), got ${spec.p}`);
		this.inShape = inShape.slice();
		this.outShape = inShape.slice();
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor, training: boolean): Tensor {
		this.n = batchOf(x, this.inShape, "dropout");
		this.trained = training;
		if (!training) return x;
		const y = this.out.forBatch(this.n);
		if (this.mask.length !== y.data.length) this.mask = new Float32Array(y.data.length);
		dropoutForward(x.data, y.data, this.mask, y.data.length, this.spec.p, this.rng);
		return y;
	}

	backward(dy: Tensor): Tensor {
		if (!this.trained) return dy;
		const dx = this.dIn.forBatch(this.n);
		dropoutBackward(dy.data, this.mask, dx.data, dx.data.length);
		return dx;
	}
}
