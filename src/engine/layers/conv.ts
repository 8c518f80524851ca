import type { Backend } from "../backend";
import { convGeom, type ConvGeom } from "../im2col";
import type { Layer, Param } from "../layer";
import { conv2dBackward, conv2dForward, ConvWorkspace } from "../ops/conv2d";
import type { ConvLayerSpec, DepthwiseConvSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/**
 * Conv2d over [C, H, W] samples; weight [filters, C/groups, KH, KW] and optional bias [filters], as PyTorch. A
 * depthwise spec is the grouped conv with groups = C and C·multiplier filters.
 */
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

	constructor(readonly spec: ConvLayerSpec | DepthwiseConvSpec, inShape: number[], private readonly backend: Backend) {
		if (inShape.length !== 3) throw new Error(`${spec.type}: needs a [C, H, W] input, got [${inShape.join(", ")}]`);
		const [c] = inShape;
		const [kh, kw] = spec.kernel;
		const groups = spec.type === "depthwise" ? c : (spec.groups ?? 1);
		const filters = spec.type === "depthwise" ? c * spec.multiplier : spec.filters;
		if (!(filters >= 1)) throw new Error(`${spec.type}: needs at least one filter`);
		if (c % groups !== 0 || filters % groups !== 0) throw new Error(`${spec.type}: ${c} channels and ${filters} filters must both divide by groups = ${groups}`);
		const per = c / groups;
		this.inShape = inShape.slice();
		this.geom = convGeom([1, ...inShape], [filters, per, kh, kw], { ...spec, groups });
		this.outShape = [filters, this.geom.ho, this.geom.wo];
		// PyTorch's fans for a weight [filters, C/g, kh, kw]: in = C/g·k·k, out = filters·k·k.
		const fanIn = per * kh * kw;
		const fanOut = filters * kh * kw;
		const wLen = filters * fanIn;
		this.weight = { name: "weight", shape: [filters, per, kh, kw], value: new Float32Array(wLen), grad: new Float32Array(wLen), fanIn, fanOut, init: "he" };
		this.bias = spec.bias
			? { name: "bias", shape: [filters], value: new Float32Array(filters), grad: new Float32Array(filters), fanIn, fanOut, init: "zeros" }
			: null;
		this.params = this.bias ? [this.weight, this.bias] : [this.weight];
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	/** The geometry for a batch of n (what the WebAssembly memory is priced from, src/engine/wasm/training-memory.ts). */
	geometry(n: number): ConvGeom {
		return { ...this.geom, n };
	}

	forward(x: Tensor, training: boolean): Tensor {
		const n = batchOf(x, this.inShape, "conv");
		if (this.geom.n !== n) this.geom = { ...this.geom, n };
		const y = this.out.forBatch(n);
		conv2dForward(this.backend, this.geom, x.data, this.weight.value, this.bias ? this.bias.value : null, y.data, this.ws, training);
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		const x = this.lastX;
		if (!x) throw new Error("conv: backward before forward");
		const dx = this.dIn.forBatch(this.geom.n);
		conv2dBackward(this.backend, this.geom, x.data, this.weight.value, dy.data, this.needInputGrad ? dx.data : null, this.weight.grad, this.bias ? this.bias.grad : null, this.ws);
		return dx;
	}
}
