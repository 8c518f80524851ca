/**
 * Output-size arithmetic exactly as PyTorch computes it. Shared by the engine and by the spec checker, so the
 * shapes a note shows are the shapes the engine produces.
 */
import type { AdaptivePoolSpec, ConvLayerSpec, ConvTransposeSpec, DepthwiseConvSpec, Pair } from "./model-spec";

/**
 * Convolution output length along one axis: ⌊(in + padBegin + padEnd − dilation·(k−1) − 1) / stride⌋ + 1.
 * Returns 0 or less when the dilated kernel does not fit in the padded input (PyTorch rejects that).
 */
export function convOutSize(inSize: number, k: number, stride: number, padBegin: number, padEnd: number, dilation: number): number {
	const span = dilation * (k - 1) + 1;
	const room = inSize + padBegin + padEnd - span;
	if (room < 0) return 0;
	return Math.floor(room / stride) + 1;
}

/**
 * Pooling output length along one axis: ⌊(in + 2p − k + (ceil ? s−1 : 0)) / s⌋ + 1, then, in ceil mode, one less
 * when the last window would start inside the right padding (PyTorch drops it). May be ≤ 0 for impossible shapes.
 */
export function poolOutSize(inSize: number, k: number, stride: number, pad: number, ceil: boolean): number {
	const num = inSize + 2 * pad - k + (ceil ? stride - 1 : 0);
	if (num < 0) return 0;
	let out = Math.floor(num / stride) + 1;
	if (ceil && (out - 1) * stride >= inSize + pad) out--;
	return out;
}

/** Why a pooling configuration is invalid in PyTorch, or null when it is accepted. */
export function poolProblem(inSize: number, k: number, stride: number, pad: number, ceil: boolean): string | null {
	if (k < 1 || stride < 1 || pad < 0) return "kernel and stride must be at least 1, padding at least 0";
	if (pad > Math.floor(k / 2)) return "padding must be at most half the kernel";
	if (poolOutSize(inSize, k, stride, pad, ceil) < 1) return "the kernel is larger than the padded input";
	return null;
}

/** Transposed-convolution output length along one axis: (in − 1)·s − 2p + d·(k − 1) + outputPad + 1. */
export function convTransposeOutSize(inSize: number, k: number, stride: number, pad: number, outputPad: number, dilation: number): number {
	return (inSize - 1) * stride - 2 * pad + dilation * (k - 1) + outputPad + 1;
}

/** Why a transposed convolution along one axis is invalid in PyTorch, or null when it is accepted. */
export function convTransposeProblem(inSize: number, k: number, stride: number, pad: number, outputPad: number, dilation: number): string | null {
	if (k < 1 || stride < 1 || dilation < 1 || pad < 0 || outputPad < 0) return "kernel, stride and dilation must be at least 1, padding and output padding at least 0";
	if (!(outputPad < stride || outputPad < dilation)) return `output padding ${outputPad} must be smaller than the stride (${stride}) or the dilation (${dilation})`;
	if (convTransposeOutSize(inSize, k, stride, pad, outputPad, dilation) < 1) return "the padding removes the whole output";
	return null;
}

/**
 * Adaptive average pooling's bins along one axis, as PyTorch: output i averages input rows ⌊i·in/out⌋ up to
 * ⌈(i + 1)·in/out⌉ (exclusive); bins overlap when out does not divide in, and repeat rows when out > in.
 */
export function binStart(i: number, inSize: number, outSize: number): number {
	return Math.floor((i * inSize) / outSize);
}

/** End (exclusive) of adaptive bin i; see binStart. */
export function binEnd(i: number, inSize: number, outSize: number): number {
	return Math.ceil(((i + 1) * inSize) / outSize);
}

/**
 * Why `groups` does not fit a convolution with `channels` inputs and `filters` outputs (PyTorch requires both to
 * divide by it), or null.
 */
export function groupsProblem(channels: number, filters: number, groups: number): string | null {
	if (!Number.isInteger(groups) || groups < 1) return `groups must be a whole number ≥ 1, got ${groups}`;
	if (channels % groups !== 0) return `${channels} input channels do not divide by groups = ${groups}`;
	if (filters % groups !== 0) return `${filters} filters do not divide by groups = ${groups}`;
	return null;
}

type Chw = readonly number[];

/** Per-sample output [F, Ho, Wo] of a (grouped) conv on [C, H, W], or the reason it has none. */
export function convOutShape(inShape: Chw, s: ConvLayerSpec): number[] | string {
	if (inShape.length !== 3) return "a convolution needs a [C, H, W] input";
	const why = groupsProblem(inShape[0], s.filters, s.groups ?? 1);
	if (why) return why;
	const end = s.padEnd ?? s.pad;
	const ho = convOutSize(inShape[1], s.kernel[0], s.stride[0], s.pad[0], end[0], s.dilation[0]);
	const wo = convOutSize(inShape[2], s.kernel[1], s.stride[1], s.pad[1], end[1], s.dilation[1]);
	return ho < 1 || wo < 1 ? "the dilated kernel does not fit the padded input" : [s.filters, ho, wo];
}

/** Per-sample output [C·multiplier, Ho, Wo] of a depthwise conv on [C, H, W], or the reason it has none. */
export function depthwiseOutShape(inShape: Chw, s: DepthwiseConvSpec): number[] | string {
	if (!Number.isInteger(s.multiplier) || s.multiplier < 1) return `the multiplier must be a whole number ≥ 1, got ${s.multiplier}`;
	const c = inShape[0];
	return convOutShape(inShape, { type: "conv", filters: c * s.multiplier, kernel: s.kernel, stride: s.stride, pad: s.pad, dilation: s.dilation, bias: s.bias, groups: c });
}

/** Per-sample output [F, Ho, Wo] of a transposed conv on [C, H, W], or the reason it has none. */
export function convTransposeOutShape(inShape: Chw, s: ConvTransposeSpec): number[] | string {
	if (inShape.length !== 3) return "a transposed convolution needs a [C, H, W] input";
	const why = groupsProblem(inShape[0], s.filters, s.groups ?? 1)
		?? convTransposeProblem(inShape[1], s.kernel[0], s.stride[0], s.pad[0], s.outputPad[0], s.dilation[0])
		?? convTransposeProblem(inShape[2], s.kernel[1], s.stride[1], s.pad[1], s.outputPad[1], s.dilation[1]);
	if (why) return why;
	return [
		s.filters,
		convTransposeOutSize(inShape[1], s.kernel[0], s.stride[0], s.pad[0], s.outputPad[0], s.dilation[0]),
		convTransposeOutSize(inShape[2], s.kernel[1], s.stride[1], s.pad[1], s.outputPad[1], s.dilation[1]),
	];
}

/** Batch norm keeps the shape: BatchNorm2d on [C, H, W], BatchNorm1d on [F]. */
export function batchNormOutShape(inShape: Chw): number[] | string {
	return inShape.length === 3 || inShape.length === 1 ? inShape.slice() : "batch norm needs a [C, H, W] or [F] input";
}

/** Adaptive average pooling: [C, H, W] → [C, oh, ow]. */
export function adaptivePoolOutShape(inShape: Chw, s: AdaptivePoolSpec): number[] | string {
	if (inShape.length !== 3) return "adaptive pooling needs a [C, H, W] input";
	if (!(s.size[0] >= 1 && s.size[1] >= 1)) return "the output size must be at least 1×1";
	return [inShape[0], s.size[0], s.size[1]];
}

/** Global average pooling: [C, H, W] → [C] (already flat). */
export function gapOutShape(inShape: Chw): number[] | string {
	return inShape.length === 3 ? [inShape[0]] : "global average pooling needs a [C, H, W] input";
}

/** Trainable parameters of a (grouped) conv: filters·(C/groups)·kh·kw weights plus the biases. */
export function convParamCount(channels: number, filters: number, kernel: Pair, groups: number, bias: boolean): number {
	return filters * (channels / groups) * kernel[0] * kernel[1] + (bias ? filters : 0);
}
