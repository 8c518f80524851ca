import { convGeom, type ConvGeom } from "../im2col";
import type { Layer, Param } from "../layer";
import { conv2dBackward, conv2dForward, ConvWorkspace } from "../ops/conv2d";
import type { ConvLayerSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** Conv2d over [C, H, W] samples; weight [filters, C, KH, KW] and optional bias [filters], as PyTorch. */
export class Conv2dLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[];
	needInputGrad = true;
	private readonly weight: Param;
	private readonly bias: Param | null;
	private readonly ws = new ConvWorkspace();
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private geom: ConvGeom;
	private lastX: Tensor | null = null;

	constructor(readonly spec: ConvLayerSpec, inShape: number[]) {
		if (inShape.length !== 3) throw new Error(`conv: needs a [C, H, W] input, got [${inShape.join(", ")}]`);
		const [c] = inShape;
		const [kh, kw] = spec.kernel;
		this.inShape = inShape.slice();
		this.geom = convGeom([1, ...inShape], [spec.filters, c, kh, kw], spec);
		this.outShape = [spec.filters, this.geom.ho, this.geom.wo];
		const fanIn = c * kh * kw;
		const fanOut = spec.filters * kh * kw;
		const wLen = spec.filters * fanIn;
		this.weight = { name: "weight", shape: [spec.filters, c, kh, kw], value: new Float32Array(wLen), grad: new Float32Array(wLen), fanIn, fanOut, init: "he" };
		this.bias = spec.bias
			? { name: "bias", shape: [spec.filters], value: new Float32Array(spec.filters), grad: new Float32Array(spec.filters), fanIn, fanOut, init: "zeros" }
			: null;
		this.params = this.bias ? [this.weight, this.bias] : [this.weight];
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor, training: boolean): Tensor {
		const n = batchOf(x, this.inShape, "conv");
		if (this.geom.n !== n) this.geom = { ...this.geom, n };
		const y = this.out.forBatch(n);
		conv2dForward(this.geom, x.data, this.weight.value, this.bias ? this.bias.value : null, y.data, this.ws, training);
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		const x = this.lastX;
		if (!x) throw new Error("conv: backward before forward");
		const dx = this.dIn.forBatch(this.geom.n);
		conv2dBackward(this.geom, x.data, this.weight.value, dy.data, this.needInputGrad ? dx.data : null, this.weight.grad, this.bias ? this.bias.grad : null, this.ws);
		return dx;
	}
}
