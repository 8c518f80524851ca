import type { Backend } from "../backend";
import type { ConvGeom } from "../im2col";
import type { Layer, Param } from "../layer";
import { ConvWorkspace } from "../ops/conv2d";
import { convTranspose2dBackward, convTranspose2dForward, convTransposeGeom } from "../ops/conv-transpose2d";
import type { ConvTransposeSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** ConvTranspose2d over [C, H, W] samples; weight [C, filters/groups, KH, KW] and optional bias [filters], as PyTorch. */
export class ConvTranspose2dLayer implements Layer {
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

	constructor(readonly spec: ConvTransposeSpec, inShape: number[], private readonly backend: Backend) {
		if (inShape.length !== 3) throw new Error(`convtranspose: needs a [C, H, W] input, got [${inShape.join(", ")}]`);
		const [c] = inShape;
		const [kh, kw] = spec.kernel;
		const groups = spec.groups ?? 1;
		if (spec.filters % groups !== 0) throw new Error(`convtranspose: ${spec.filters} filters must divide by groups = ${groups}`);
		const per = spec.filters / groups;
		this.inShape = inShape.slice();
		this.geom = convTransposeGeom([1, ...inShape], [c, per, kh, kw], { ...spec, groups });
		this.outShape = [spec.filters, this.geom.h, this.geom.w];
		// PyTorch's fans for a transposed weight [Cin, Cout/g, kh, kw]: in = Cout/g·k·k, out = Cin·k·k.
		const fanIn = per * kh * kw;
		const fanOut = c * kh * kw;
		const wLen = c * per * kh * kw;
		this.weight = { name: "weight", shape: [c, per, kh, kw], value: new Float32Array(wLen), grad: new Float32Array(wLen), fanIn, fanOut, init: "he" };
		this.bias = spec.bias
			? { name: "bias", shape: [spec.filters], value: new Float32Array(spec.filters), grad: new Float32Array(spec.filters), fanIn, fanOut, init: "zeros" }
			: null;
		this.params = this.bias ? [this.weight, this.bias] : [this.weight];
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	/** The geometry for a batch of n (what the WebAssembly memory is priced from, src/engine/wasm/training-memory.ts). */
	geometry(n: number): ConvGeom {
		return { ...this.geom, n };
	}

	forward(x: Tensor): Tensor {
		const n = batchOf(x, this.inShape, "convtranspose");
		if (this.geom.n !== n) this.geom = { ...this.geom, n };
		const y = this.out.forBatch(n);
		convTranspose2dForward(this.backend, this.geom, x.data, this.weight.value, this.bias ? this.bias.value : null, y.data, this.ws);
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		const x = this.lastX;
		if (!x) throw new Error("convtranspose: backward before forward");
		const dx = this.dIn.forBatch(this.geom.n);
		convTranspose2dBackward(this.backend, this.geom, x.data, this.weight.value, dy.data, this.needInputGrad ? dx.data : null, this.weight.grad, this.bias ? this.bias.grad : null, this.ws);
		return dx;
	}
}
