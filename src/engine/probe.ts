/**
 * The network explorer's engine side: one network (trained weights or its seed's random ones) asked about one input
 * at a time. It runs on the page, not in the worker: a forward pass of the networks a note trains takes well under a
 * millisecond, and the explorer asks after every stroke, where a round trip to a worker busy training would lag.
 */
import { gradCam, saliency } from "./attribution";
import { createEngineContext, type EngineContext } from "./context";
import { explainValue, type Explanation } from "./explain";
import type { Activation, Layer } from "./layer";
import { ResidualLayer } from "./layers/residual";
import type { LayerSpec, ModelSpec } from "./model-spec";
import { layerLabel, Sequential } from "./model";
import { softmaxRows } from "./metrics";
import { size } from "./tensor";

/** One stage of the strip: the input, then every layer's output for the sample. */
export interface ProbeStage {
	/** −1 for the input. */
	layer: number;
	label: string;
	spec: LayerSpec | null;
	/** Per-sample shape: [C, H, W] or [F]. */
	shape: number[];
	data: Float32Array;
	/** A residual block's outputs inside it (body, shortcut, add), as Sequential.activations lists them. */
	inner?: Activation[];
}

export interface ProbeResult {
	input: Float32Array;
	stages: ProbeStage[];
	/** Class probabilities (softmax of the logits, whether or not the network ends in a softmax layer). */
	probs: Float32Array;
}

/** What the cnn-conv stepper needs to show one filter of a conv layer at work on this sample. */
export interface ConvCell {
	/** The input channels this filter sees (all of them, or its group's), [C/g][H][W]. */
	input: number[][][];
	/** Which input channels those are (0-based): a grouped or depthwise filter sees only its group. */
	channels: number[];
	/** The filter's kernel, [C/g][KH][KW]. */
	kernel: number[][][];
	bias: number;
	spec: { stride: [number, number]; pad: [number, number]; padEnd?: [number, number]; dilation: [number, number]; kernel: [number, number] };
}

function planes(data: ArrayLike<number>, c: number, h: number, w: number, offset = 0): number[][][] {
	const out: number[][][] = [];
	for (let k = 0; k < c; k++) {
		const plane: number[][] = [];
		for (let y = 0; y < h; y++) {
			const row = new Array<number>(w);
			for (let x = 0; x < w; x++) row[x] = data[offset + (k * h + y) * w + x];
			plane.push(row);
		}
		out.push(plane);
	}
	return out;
}

/** A map Grad-CAM can run on: a layer of the stack, or (with `path`) a conv inside residual block `layer`. */
export interface CamTarget {
	layer: number;
	path?: string;
	/** The layer's own label ("conv 8 3×3"); for an inner conv, the conv's. */
	label: string;
}

/** The paths of the convs inside `block` (nested blocks' too), body before shortcut, in order. */
function innerConvs(block: ResidualLayer, prefix: string, isConv: (l: Layer) => boolean): string[] {
	const out: string[] = [];
	const walk = (branch: readonly Layer[], name: string): void =>
		branch.forEach((l, j) => {
			const path = `${prefix}${name}.${j}`;
			if (l instanceof ResidualLayer) out.push(...innerConvs(l, `${path}.`, isConv));
			else if (isConv(l)) out.push(path);
		});
	walk(block.body, "body");
	walk(block.shortcut, "shortcut");
	return out;
}

/** The inner output at `path` (searching nested blocks' lists). */
function findInner(list: readonly Activation[], path: string): Activation | null {
	for (const a of list) {
		if (a.path === path) return a;
		if (a.inner && path.startsWith(`${a.path ?? ""}.`)) return findInner(a.inner, path);
	}
	return null;
}

function explainLayer(l: Layer, input: Float32Array, index: number): Explanation | null {
	const weight = l.params.find((q) => q.name === "weight")?.value;
	const bias = l.params.find((q) => q.name === "bias")?.value;
	const runningMean = l.state?.find((q) => q.name === "running_mean")?.value;
	const runningVar = l.state?.find((q) => q.name === "running_var")?.value;
	return explainValue(l.spec, l.inShape, input, { weight, bias, runningMean, runningVar }, l.outShape, index);
}

function convCellOf(l: Layer, input: Float32Array, filter: number): ConvCell | null {
	if (l.spec.type !== "conv" && l.spec.type !== "depthwise") return null;
	const [c, h, w] = l.inShape;
	const [kh, kw] = l.spec.kernel;
	const weight = l.params.find((q) => q.name === "weight");
	const bias = l.params.find((q) => q.name === "bias");
	if (!weight) return null;
	const filters = weight.shape[0];
	const groups = l.spec.type === "depthwise" ? c : (l.spec.groups ?? 1);
	const cPer = c / groups;
	const group = Math.floor(filter / (filters / groups));
	const first = group * cPer;
	const per = size(weight.shape) / filters;
	return {
		input: planes(input, cPer, h, w, first * h * w),
		channels: Array.from({ length: cPer }, (_, i) => first + i),
		kernel: planes(weight.value, cPer, kh, kw, filter * per),
		bias: bias ? bias.value[filter] : 0,
		spec: l.spec,
	};
}

export class Probe {
	private readonly net: Sequential;

	/** `weights` as Sequential.exportWeights wrote them; without them the seed's initial (random) weights. */
	constructor(
		readonly spec: ModelSpec,
		seed: number,
		weights: Float32Array | null,
		ctx: EngineContext = createEngineContext(),
	) {
		this.net = Sequential.build(spec, seed, ctx);
		if (weights) this.net.importWeights(weights);
		this.trained = weights !== null;
	}

	readonly trained: boolean;

	get inputShape(): [number, number, number] {
		return this.spec.input;
	}

	/** Loads new weights (a refresh during training) without rebuilding the network. */
	setWeights(w: Float32Array): void {
		this.net.importWeights(w);
	}

	run(input: Float32Array): ProbeResult {
		const acts = this.net.activations({ shape: [1, ...this.spec.input], data: input });
		const stages: ProbeStage[] = [{ layer: -1, label: "input", spec: null, shape: this.spec.input.slice(), data: input }];
		acts.forEach((a, i) => stages.push({ layer: i, label: a.label, spec: this.net.layers[i].spec, shape: a.shape, data: a.data, ...(a.inner ? { inner: a.inner } : {}) }));
		const last = this.net.layers[this.net.layers.length - 1];
		const logitsAt = last && last.spec.type === "softmax" ? acts.length - 2 : acts.length - 1;
		const logits = logitsAt >= 0 ? acts[logitsAt].data : input;
		const k = logits.length;
		const probs = new Float32Array(k);
		softmaxRows(logits, 1, k, probs);
		return { input, stages, probs };
	}

	/** How the value at flat index `index` of layer `layer`'s output came about (null for a conv: see convCell). */
	explain(r: ProbeResult, layer: number, index: number): Explanation | null {
		const l = this.net.layers[layer];
		// stages[0] is the input, so stage `layer` is this layer's input
		return l ? explainLayer(l, r.stages[layer].data, index) : null;
	}

	/** explain() for the layer at `path` inside residual block `layer` ("body.0", "body.1.shortcut.0"). */
	explainInner(r: ProbeResult, layer: number, path: string, index: number): Explanation | null {
		const at = this.innerAt(r, layer, path);
		return at ? explainLayer(at.layer, at.input, index) : null;
	}

	/** The input and learned kernel of filter `filter` of conv layer `layer`, for the stepper's view. */
	convCell(r: ProbeResult, layer: number, filter: number): ConvCell | null {
		const l = this.net.layers[layer];
		return l ? convCellOf(l, r.stages[layer].data, filter) : null;
	}

	/** convCell() for the conv at `path` inside residual block `layer`. */
	convCellInner(r: ProbeResult, layer: number, path: string, filter: number): ConvCell | null {
		const at = this.innerAt(r, layer, path);
		return at ? convCellOf(at.layer, at.input, filter) : null;
	}

	/**
	 * The sublayer at `path` inside block `layer` and what it read on this sample: the output before it in its branch,
	 * or, first in its branch, its block's input (the stage before the block, or the nested block's own input).
	 */
	private innerAt(r: ProbeResult, layer: number, path: string): { layer: Layer; input: Float32Array } | null {
		let block: Layer | undefined = this.net.layers[layer];
		let input: Float32Array | undefined = r.stages[layer]?.data;
		const inner = r.stages[layer + 1]?.inner;
		const parts = path.split(".");
		if (!inner || !input || parts.length % 2 !== 0) return null;
		let prefix = "";
		for (let k = 0; k < parts.length; k += 2) {
			if (!(block instanceof ResidualLayer) || !input) return null;
			const branch: readonly Layer[] | null = parts[k] === "body" ? block.body : parts[k] === "shortcut" ? block.shortcut : null;
			const j = Number(parts[k + 1]);
			const l: Layer | undefined = branch?.[j];
			if (!l) return null;
			if (j > 0) input = findInner(inner, `${prefix}${parts[k]}.${j - 1}`)?.data;
			block = l;
			prefix += `${parts[k]}.${j}.`;
		}
		return block && input ? { layer: block, input } : null;
	}

	/** ∂ logit[cls] / ∂ input for `input`, signed, [C, H, W]. */
	saliency(input: Float32Array, cls: number): Float32Array {
		return saliency(this.net, { shape: this.spec.input.slice(), data: input }, cls).data;
	}

	/** Grad-CAM of class `cls` on layer `layer`'s maps (or, with `innerPath`, on a map inside that residual block): [h, w], not resized. */
	gradCam(input: Float32Array, cls: number, layer: number, innerPath?: string): { h: number; w: number; data: Float32Array } {
		const r = gradCam(this.net, { shape: this.spec.input.slice(), data: input }, cls, layer, innerPath);
		return { h: r.shape[0], w: r.shape[1], data: r.data };
	}

	/** Layers whose outputs are maps Grad-CAM can use (before the logits), last first: the default is the last conv. */
	camLayers(): number[] {
		const out: number[] = [];
		const body = this.net.logitLayers;
		for (let i = body.length - 1; i >= 0; i--) if (body[i].outShape.length === 3) out.push(i);
		const convs = out.filter((i) => ["conv", "depthwise"].includes(body[i].spec.type));
		return [...convs, ...out.filter((i) => !convs.includes(i))];
	}

	/**
	 * Every map Grad-CAM can use: camLayers()'s layers in their order, with the convs inside residual blocks (last
	 * block first) after the top-level convs, each with its path in the block and its own label ("conv 8 3×3").
	 */
	camTargets(): CamTarget[] {
		const top = this.camLayers();
		const isConv = (l: Layer): boolean => (l.spec.type === "conv" || l.spec.type === "depthwise") && l.outShape.length === 3;
		const convs = top.filter((i) => isConv(this.net.layers[i]));
		const inner: CamTarget[] = [];
		const body = this.net.logitLayers;
		for (let i = body.length - 1; i >= 0; i--) {
			const l = body[i];
			if (l instanceof ResidualLayer) for (const path of innerConvs(l, "", isConv)) inner.push({ layer: i, path, label: layerLabel(this.innerLayer(i, path)?.spec ?? l.spec) });
		}
		const label = (i: number): CamTarget => ({ layer: i, label: this.label(i) });
		return [...convs.map(label), ...inner, ...top.filter((i) => !convs.includes(i)).map(label)];
	}

	/** The sublayer at `path` inside block `layer`, or null. */
	private innerLayer(layer: number, path: string): Layer | null {
		const parts = path.split(".");
		let l: Layer | undefined = this.net.layers[layer];
		for (let k = 0; k + 1 < parts.length; k += 2) {
			if (!(l instanceof ResidualLayer)) return null;
			l = (parts[k] === "body" ? l.body : l.shortcut)[Number(parts[k + 1])];
		}
		return l ?? null;
	}

	/** "conv 8 3×3" etc. for layer `i`. */
	label(i: number): string {
		return layerLabel(this.net.layers[i].spec);
	}
}
