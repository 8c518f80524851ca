/**
 * Output-size arithmetic exactly as PyTorch computes it. Shared by the engine and by the spec checker, so the
 * shapes a note shows are the shapes the engine produces.
 */

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
