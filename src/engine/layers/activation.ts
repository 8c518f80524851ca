import type { Layer, Param } from "../layer";
import {
	leakyReluBackward, leakyReluForward, reluBackward, reluForward, sigmoidBackward, sigmoidForward, tanhBackward, tanhForward,
} from "../ops/activations";
import type { LayerSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

type ActivationSpec = Extract<LayerSpec, { type: "relu" | "leakyrelu" | "sigmoid" | "tanh" }>;

/** ReLU, leaky ReLU, sigmoid or tanh, elementwise; the shape passes through. */
export class ActivationLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[] = [];
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private lastX: Tensor | null = null;
	private n = 0;

	constructor(readonly spec: ActivationSpec, inShape: number[]) {
		this.inShape = inShape.slice();
		this.outShape = inShape.slice();
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor): Tensor {
		this.n = batchOf(x, this.inShape, this.spec.type);
		const y = this.out.forBatch(this.n);
		const len = y.data.length;
		const s = this.spec;
		if (s.type === "relu") reluForward(x.data, y.data, len);
		else if (s.type === "leakyrelu") leakyReluForward(x.data, y.data, len, s.slope);
		else if (s.type === "sigmoid") sigmoidForward(x.data, y.data, len);
		else tanhForward(x.data, y.data, len);
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		const x = this.lastX;
		if (!x) throw new Error(`${this.spec.type}: backward before forward`);
		const dx = this.dIn.forBatch(this.n);
		const y = this.out.tensor;
		const len = dx.data.length;
		const s = this.spec;
		if (s.type === "relu") reluBackward(x.data, dy.data, dx.data, len);
		else if (s.type === "leakyrelu") leakyReluBackward(x.data, dy.data, dx.data, len, s.slope);
		else if (s.type === "sigmoid") sigmoidBackward(y.data, dy.data, dx.data, len);
		else tanhBackward(y.data, dy.data, dx.data, len);
		return dx;
	}
}
