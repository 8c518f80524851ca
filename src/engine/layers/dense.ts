import type { Backend } from "../backend";
import type { Layer, Param } from "../layer";
import { denseBackward, denseForward } from "../ops/dense";
import type { LayerSpec } from "../model-spec";
import { size, type Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** Fully connected layer (PyTorch Linear, weight [units, in]). A multi-dimensional input is read flattened. */
export class DenseLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[];
	needInputGrad = true;
	private readonly inF: number;
	private readonly weight: Param;
	private readonly bias: Param | null;
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private lastX: Tensor | null = null;
	private n = 0;

	constructor(readonly spec: Extract<LayerSpec, { type: "dense" }>, inShape: number[], private readonly backend: Backend) {
		this.inShape = inShape.slice();
		this.inF = size(inShape);
		const u = spec.units;
		if (!(u >= 1) || this.inF < 1) throw new Error(`dense: needs units ≥ 1 and a non-empty input, got ${u} units on [${inShape.join(", ")}]`);
		this.outShape = [u];
		this.weight = { name: "weight", shape: [u, this.inF], value: new Float32Array(u * this.inF), grad: new Float32Array(u * this.inF), fanIn: this.inF, fanOut: u, init: "he" };
		this.bias = spec.bias
			? { name: "bias", shape: [u], value: new Float32Array(u), grad: new Float32Array(u), fanIn: this.inF, fanOut: u, init: "zeros" }
			: null;
		this.params = this.bias ? [this.weight, this.bias] : [this.weight];
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor): Tensor {
		this.n = batchOf(x, this.inShape, "dense");
		const y = this.out.forBatch(this.n);
		denseForward(this.backend, this.n, this.inF, this.spec.units, x.data, this.weight.value, this.bias ? this.bias.value : null, y.data);
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		const x = this.lastX;
		if (!x) throw new Error("dense: backward before forward");
		const dx = this.dIn.forBatch(this.n);
		denseBackward(this.backend, this.n, this.inF, this.spec.units, x.data, this.weight.value, dy.data, this.needInputGrad ? dx.data : null, this.weight.grad, this.bias ? this.bias.grad : null);
		return dx;
	}
}
