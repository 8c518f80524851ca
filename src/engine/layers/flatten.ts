import type { Layer, Param } from "../layer";
import type { LayerSpec } from "../model-spec";
import { size, type Tensor } from "../tensor";
import { batchOf } from "./buffers";

/** [C, H, W] → [C·H·W] in NCHW order (as torch.flatten). Shares the data; nothing is copied. */
export class FlattenLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[] = [];
	private readonly out: Tensor = { shape: [0, 0], data: new Float32Array(0) };
	private readonly dIn: Tensor = { shape: [0], data: new Float32Array(0) };

	constructor(readonly spec: Extract<LayerSpec, { type: "flatten" }>, inShape: number[]) {
		this.inShape = inShape.slice();
		this.outShape = [size(inShape)];
	}

	forward(x: Tensor): Tensor {
		const n = batchOf(x, this.inShape, "flatten");
		this.out.shape = [n, this.outShape[0]];
		this.out.data = x.data;
		return this.out;
	}

	backward(dy: Tensor): Tensor {
		this.dIn.shape = [dy.shape[0], ...this.inShape];
		this.dIn.data = dy.data;
		return this.dIn;
	}
}
