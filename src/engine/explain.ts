/**
 * How one value of one layer's output came about, with the real numbers: the network explorer shows these when a
 * user clicks a cell of a feature map or a dense unit. Pure functions over one sample's layer input and the layer's
 * parameters; nothing here runs a layer (the values they re-derive are checked against the layer's own output in
 * the tests, so the explanation cannot drift from what the engine computed).
 *
 * Convolution cells are not explained here: the explorer hands them to the cnn-conv stepper's model
 * (src/render/conv/model.ts), which already derives every window's sum of products.
 */
import type { LayerSpec, PoolSpec } from "./model-spec";
import { binEnd, binStart } from "./shapes";

/** One input value of a pooling window; `pad` marks a position in the padding (no input value there). */
export interface WindowCell {
	row: number;
	col: number;
	value: number;
	pad: boolean;
}

export interface PoolExplanation {
	kind: "maxpool" | "avgpool";
	channel: number;
	row: number;
	col: number;
	/** The window in input coordinates (row-major, kernel height × width), padding included. */
	window: WindowCell[];
	kh: number;
	kw: number;
	/** maxpool: the index into `window` of the largest value; avgpool: −1. */
	chosen: number;
	/** avgpool: the divisor (the full window, or only its in-input part); maxpool: 1. */
	divisor: number;
	value: number;
}

export interface Contribution {
	/** Index into the (flattened) input. */
	index: number;
	x: number;
	w: number;
	product: number;
}

/** A sum of products: a dense unit (input · weight row) or a transposed-conv cell (the inputs that land on it). */
export interface DenseExplanation {
	kind: "dense" | "convtranspose";
	unit: number;
	/** The largest |x·w| first, at most `top` of them. */
	top: Contribution[];
	/** The sum of every other product, and how many there are. */
	restSum: number;
	restCount: number;
	bias: number;
	value: number;
}

export interface ElementwiseExplanation {
	kind: "relu" | "leakyrelu" | "sigmoid" | "tanh" | "dropout" | "flatten";
	/** Index into the input of the value this one came from. */
	index: number;
	input: number;
	value: number;
	slope?: number;
}

export interface SoftmaxExplanation {
	kind: "softmax";
	unit: number;
	logits: number[];
	/** max of the logits, subtracted before exp for stability (as the engine does). */
	max: number;
	/** Σ exp(logit − max). */
	denominator: number;
	value: number;
}

export interface BatchNormExplanation {
	kind: "batchnorm";
	channel: number;
	input: number;
	mean: number;
	variance: number;
	eps: number;
	gamma: number;
	beta: number;
	value: number;
}

export type Explanation = PoolExplanation | DenseExplanation | ElementwiseExplanation | SoftmaxExplanation | BatchNormExplanation;

/** The parameters a layer explanation needs: weight and bias values as the layer holds them (PyTorch layouts). */
export interface LayerParams {
	weight?: Float32Array;
	bias?: Float32Array;
	/** Batch norm's running statistics (what evaluation normalises with). */
	runningMean?: Float32Array;
	runningVar?: Float32Array;
}

/** The window of pooling output (channel, row, col) over input [C, H, W]. */
export function explainPool(spec: PoolSpec, inShape: readonly number[], input: ArrayLike<number>, channel: number, row: number, col: number): PoolExplanation {
	const [, h, w] = inShape;
	const [kh, kw] = spec.kernel;
	const [sh, sw] = spec.stride;
	const [ph, pw] = spec.pad;
	const top = row * sh - ph;
	const left = col * sw - pw;
	const window: WindowCell[] = [];
	let best = -1;
	let sum = 0;
	let inside = 0;
	for (let i = 0; i < kh; i++)
		for (let j = 0; j < kw; j++) {
			const r = top + i;
			const c = left + j;
			// In ceil mode a window may run past the padded input too; those cells are padding as well.
			const pad = r < 0 || c < 0 || r >= h || c >= w;
			const value = pad ? 0 : input[(channel * h + r) * w + c];
			window.push({ row: r, col: c, value, pad });
			if (!pad) {
				inside++;
				sum += value;
				if (best < 0 || value > window[best].value) best = window.length - 1;
			}
		}
	if (spec.type === "maxpool") return { kind: "maxpool", channel, row, col, window, kh, kw, chosen: best, divisor: 1, value: best < 0 ? -Infinity : window[best].value };
	// PyTorch's count_include_pad counts the padding cells inside the padded input, never those past it (ceil mode).
	let divisor = inside;
	if (spec.countIncludePad) {
		const r0 = Math.max(top, -ph);
		const c0 = Math.max(left, -pw);
		const r1 = Math.min(top + kh, h + ph);
		const c1 = Math.min(left + kw, w + pw);
		divisor = Math.max(0, r1 - r0) * Math.max(0, c1 - c0);
	}
	return { kind: "avgpool", channel, row, col, window, kh, kw, chosen: -1, divisor, value: divisor > 0 ? sum / divisor : 0 };
}

/**
 * Cell (oy, ox) of adaptive average pooling (and of gap, its 1×1 case) over channel `channel`: PyTorch's bin, start
 * ⌊i·H/oh⌋, end ⌈(i+1)·H/oh⌉, and its mean.
 */
export function explainAdaptive(size: readonly [number, number], inShape: readonly number[], input: ArrayLike<number>, channel: number, oy: number, ox: number): PoolExplanation {
	const [, h, w] = inShape;
	const r0 = binStart(oy, h, size[0]);
	const r1 = binEnd(oy, h, size[0]);
	const c0 = binStart(ox, w, size[1]);
	const c1 = binEnd(ox, w, size[1]);
	const window: WindowCell[] = [];
	let sum = 0;
	for (let r = r0; r < r1; r++)
		for (let c = c0; c < c1; c++) {
			const value = input[(channel * h + r) * w + c];
			window.push({ row: r, col: c, value, pad: false });
			sum += value;
		}
	return { kind: "avgpool", channel, row: oy, col: ox, window, kh: r1 - r0, kw: c1 - c0, chosen: -1, divisor: window.length, value: sum / window.length };
}

/** Unit `unit` of a dense layer over the flattened input: its largest contributions, the rest summed, the bias. */
export function explainDense(input: ArrayLike<number>, p: LayerParams, unit: number, top = 8): DenseExplanation {
	const n = input.length;
	const w = p.weight;
	if (!w || w.length < (unit + 1) * n) throw new Error(`explainDense: no weight row ${unit} for ${n} inputs`);
	const all: Contribution[] = [];
	let total = 0;
	for (let i = 0; i < n; i++) {
		const x = input[i];
		const wi = w[unit * n + i];
		const product = x * wi;
		total += product;
		all.push({ index: i, x, w: wi, product });
	}
	all.sort((a, b) => Math.abs(b.product) - Math.abs(a.product) || a.index - b.index);
	const kept = all.slice(0, Math.max(0, top));
	let keptSum = 0;
	for (const c of kept) keptSum += c.product;
	const bias = p.bias ? p.bias[unit] : 0;
	return { kind: "dense", unit, top: kept, restSum: total - keptSum, restCount: n - kept.length, bias, value: total + bias };
}

/**
 * Cell `index` of a transposed conv: every input value that lands on it (x[c][iy][ix] · w[c][f][ky][kx] where
 * iy·s − p + ky·d = oy), largest first, as ConvTranspose2d scatters them, plus the bias.
 */
export function explainConvTranspose(spec: Extract<LayerSpec, { type: "convtranspose" }>, inShape: readonly number[], input: ArrayLike<number>, p: LayerParams, outShape: readonly number[], index: number, top = 8): DenseExplanation {
	const [c, h, w] = inShape;
	const [f, ho, wo] = outShape;
	const g = spec.groups ?? 1;
	const [kh, kw] = spec.kernel;
	const [sh, sw] = spec.stride;
	const [ph, pw] = spec.pad;
	const [dh, dw] = spec.dilation;
	const fo = Math.floor(index / (ho * wo));
	const oy = Math.floor((index % (ho * wo)) / wo);
	const ox = index % wo;
	const fPerG = f / g;
	const cPerG = c / g;
	const grp = Math.floor(fo / fPerG);
	const weight = p.weight;
	if (!weight) throw new Error("explainConvTranspose: no weight");
	const all: Contribution[] = [];
	let total = 0;
	for (let ci = grp * cPerG; ci < (grp + 1) * cPerG; ci++)
		for (let ky = 0; ky < kh; ky++) {
			const ny = oy + ph - ky * dh;
			if (ny < 0 || ny % sh !== 0 || ny / sh >= h) continue;
			const iy = ny / sh;
			for (let kx = 0; kx < kw; kx++) {
				const nx = ox + pw - kx * dw;
				if (nx < 0 || nx % sw !== 0 || nx / sw >= w) continue;
				const ix = nx / sw;
				// weight [C, F/g, KH, KW], as PyTorch lays out ConvTranspose2d
				const wv = weight[((ci * fPerG + (fo - grp * fPerG)) * kh + ky) * kw + kx];
				const xi = (ci * h + iy) * w + ix;
				const xv = input[xi];
				all.push({ index: xi, x: xv, w: wv, product: xv * wv });
				total += xv * wv;
			}
		}
	all.sort((a, b) => Math.abs(b.product) - Math.abs(a.product) || a.index - b.index);
	const kept = all.slice(0, top);
	let keptSum = 0;
	for (const k of kept) keptSum += k.product;
	const bias = p.bias ? p.bias[fo] : 0;
	return { kind: "convtranspose", unit: index, top: kept, restSum: total - keptSum, restCount: all.length - kept.length, bias, value: total + bias };
}

/** Softmax output `unit` from the logits, in the stable form the engine uses. */
export function explainSoftmax(logits: ArrayLike<number>, unit: number): SoftmaxExplanation {
	const list = Array.from(logits);
	const max = Math.max(...list);
	let denominator = 0;
	for (const v of list) denominator += Math.exp(v - max);
	return { kind: "softmax", unit, logits: list, max, denominator, value: Math.exp(list[unit] - max) / denominator };
}

/**
 * Any layer's output value at flat index `index` (of one sample's output), or null for a convolution (see the top
 * of this file). Element-wise layers (activations, dropout in evaluation, flatten) map the value to its one input.
 */
export function explainValue(spec: LayerSpec, inShape: readonly number[], input: ArrayLike<number>, params: LayerParams, outShape: readonly number[], index: number): Explanation | null {
	switch (spec.type) {
		case "conv":
			return null;
		case "maxpool":
		case "avgpool": {
			const [, ho, wo] = outShape;
			const channel = Math.floor(index / (ho * wo));
			const rest = index % (ho * wo);
			return explainPool(spec, inShape, input, channel, Math.floor(rest / wo), rest % wo);
		}
		case "dense":
			return explainDense(input, params, index);
		case "gap":
		case "adaptiveavgpool": {
			const sz: [number, number] = spec.type === "gap" ? [1, 1] : spec.size;
			const per = sz[0] * sz[1];
			const channel = Math.floor(index / per);
			const rest = index % per;
			return explainAdaptive(sz, inShape, input, channel, Math.floor(rest / sz[1]), rest % sz[1]);
		}
		case "batchnorm": {
			const channel = inShape.length === 3 ? Math.floor(index / (inShape[1] * inShape[2])) : index;
			const mean = params.runningMean?.[channel] ?? 0;
			const variance = params.runningVar?.[channel] ?? 1;
			const eps = spec.eps ?? 1e-5;
			const gamma = params.weight?.[channel] ?? 1;
			const beta = params.bias?.[channel] ?? 0;
			const x = input[index];
			return { kind: "batchnorm", channel, input: x, mean, variance, eps, gamma, beta, value: ((x - mean) / Math.sqrt(variance + eps)) * gamma + beta };
		}
		case "convtranspose":
			return explainConvTranspose(spec, inShape, input, params, outShape, index);
		case "softmax":
			return explainSoftmax(input, index);
		case "relu":
			return { kind: "relu", index, input: input[index], value: Math.max(0, input[index]) };
		case "leakyrelu": {
			const x = input[index];
			return { kind: "leakyrelu", index, input: x, value: x >= 0 ? x : x * spec.slope, slope: spec.slope };
		}
		case "sigmoid":
			return { kind: "sigmoid", index, input: input[index], value: 1 / (1 + Math.exp(-input[index])) };
		case "tanh":
			return { kind: "tanh", index, input: input[index], value: Math.tanh(input[index]) };
		case "dropout":
		case "flatten":
			return { kind: spec.type, index, input: input[index], value: input[index] };
		default:
			return null;
	}
}
