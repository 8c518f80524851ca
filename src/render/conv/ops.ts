/**
 * The arithmetic behind the view's output maps, on flat row-major buffers. Direct loops: the grids here are
 * small (a note's numbers, an image of at most 512 px a side), and the per-window sums are checked against the
 * engine's conv2d / pooling in the tests.
 */

/** y[oy][ox] = Σ_c Σ_i Σ_j x[c][oy·sh + i·dh][ox·sw + j·dw] · w[c][i][j] + bias, on an already padded x. */
export function convolveFlat(
	x: Float32Array,
	C: number,
	H: number,
	W: number,
	w: Float32Array,
	kh: number,
	kw: number,
	bias: number,
	sh: number,
	sw: number,
	dh: number,
	dw: number,
	out: Float32Array,
	outH: number,
	outW: number,
): void {
	for (let oy = 0; oy < outH; oy++)
		for (let ox = 0; ox < outW; ox++) {
			let s = 0;
			for (let c = 0; c < C; c++)
				for (let i = 0; i < kh; i++) {
					const xr = (c * H + oy * sh + i * dh) * W + ox * sw;
					const wr = (c * kh + i) * kw;
					for (let j = 0; j < kw; j++) s += x[xr + j * dw] * w[wr + j];
				}
			out[oy * outW + ox] = s + bias;
		}
}

export function reluFlat(x: Float32Array, y: Float32Array): void {
	for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
}

/** Max or average pooling without padding, floor mode (as PyTorch's defaults). */
export function poolFlat(kind: "max" | "avg", x: Float32Array, W: number, kh: number, kw: number, sh: number, sw: number, out: Float32Array, outH: number, outW: number): void {
	for (let oy = 0; oy < outH; oy++)
		for (let ox = 0; ox < outW; ox++) {
			let acc = kind === "max" ? -Infinity : 0;
			for (let i = 0; i < kh; i++)
				for (let j = 0; j < kw; j++) {
					const v = x[(oy * sh + i) * W + ox * sw + j];
					acc = kind === "max" ? (v > acc ? v : acc) : acc + v;
				}
			out[oy * outW + ox] = kind === "max" ? acc : acc / (kh * kw);
		}
}
