/**
 * im2col / col2im for one image: the convolution's input windows laid out as a (Cin·KH·KW) × (Ho·Wo) matrix, so
 * the convolution is one GEMM with the weights. Padding becomes zeros in the matrix (or is skipped on the way
 * back). Each row handles its valid output columns as one contiguous range, so the inner loops carry no bounds
 * checks.
 */
import { convOutSize } from "./shapes";

/**
 * Everything about one convolution's shapes: input [n, cin, h, w], weight [cout, cin/groups, kh, kw], output
 * [n, cout, ho, wo]. With groups g, output channels [j·cout/g, (j+1)·cout/g) see input channels [j·cin/g, (j+1)·cin/g).
 */
export interface ConvGeom {
	n: number; cin: number; h: number; w: number;
	cout: number; kh: number; kw: number;
	groups: number;
	sh: number; sw: number;
	/** Padding: top, left, bottom, right. */
	pt: number; pl: number; pb: number; pr: number;
	dh: number; dw: number;
	ho: number; wo: number;
}

export interface ConvParams {
	stride: [number, number];
	/** Top and left padding (and bottom and right unless padEnd is given). */
	pad: [number, number];
	padEnd?: [number, number];
	dilation: [number, number];
	/** Channel groups (PyTorch's `groups`); 1 when absent. */
	groups?: number;
}

/** The geometry for input shape [n, cin, h, w] and weight shape [cout, cin/groups, kh, kw]; throws on inconsistent shapes. */
export function convGeom(xShape: readonly number[], wShape: readonly number[], p: ConvParams): ConvGeom {
	const [n, cin, h, w] = xShape;
	const [cout, wcin, kh, kw] = wShape;
	const groups = p.groups ?? 1;
	if (xShape.length !== 4 || wShape.length !== 4) throw new Error("conv2d: input must be [N,C,H,W] and weight [Cout,Cin/groups,KH,KW]");
	if (!(groups >= 1) || cin % groups !== 0 || cout % groups !== 0) {
		throw new Error(`conv2d: ${cin} input and ${cout} output channels must both divide by groups = ${groups}`);
	}
	if (cin !== wcin * groups) throw new Error(`conv2d: input has ${cin} channels but the weight expects ${wcin * groups} (${wcin} per group × ${groups})`);
	const [sh, sw] = p.stride;
	const [pt, pl] = p.pad;
	const [pb, pr] = p.padEnd ?? p.pad;
	const [dh, dw] = p.dilation;
	if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || pt < 0 || pl < 0 || pb < 0 || pr < 0) throw new Error("conv2d: stride and dilation must be ≥ 1, padding ≥ 0");
	const ho = convOutSize(h, kh, sh, pt, pb, dh);
	const wo = convOutSize(w, kw, sw, pl, pr, dw);
	if (ho < 1 || wo < 1) throw new Error(`conv2d: kernel ${kh}×${kw} (dilation ${dh}×${dw}) does not fit the padded ${h}×${w} input`);
	return { n, cin, h, w, cout, kh, kw, groups, sh, sw, pt, pl, pb, pr, dh, dw, ho, wo };
}

/** First output column whose input column ow·s − pad + off is ≥ 0. */
function validStart(out: number, s: number, pad: number, off: number): number {
	// lo = ceil((pad − off) / s) clamped to [0, out]
	const num = pad - off;
	let lo = num <= 0 ? 0 : Math.floor((num + s - 1) / s);
	if (lo > out) lo = out;
	return lo;
}

/** End (exclusive) of the output columns whose input column is < size. */
function validEnd(size: number, out: number, s: number, pad: number, off: number): number {
	// hi = number of ow with ow·s − pad + off ≤ size − 1 → ow ≤ (size − 1 + pad − off) / s
	const num = size - 1 + pad - off;
	if (num < 0) return 0;
	const hi = Math.floor(num / s) + 1;
	return hi > out ? out : hi;
}

/**
 * Writes the column matrix of image x[xOff …] into col[colOff …]: ho·wo columns per row, rows `ld` apart (ld > ho·wo
 * when several images share one matrix side by side).
 */
export function im2col(g: ConvGeom, x: Float32Array, xOff: number, col: Float32Array, colOff: number, ld: number): void {
	const { cin, h, w, kh, kw, sh, sw, pt, pl, dh, dw, ho, wo } = g;
	const plane = h * w;
	const P = ld;
	let row = colOff;
	for (let c = 0; c < cin; c++) {
		const xc = xOff + c * plane;
		for (let i = 0; i < kh; i++) {
			const ioff = i * dh;
			for (let j = 0; j < kw; j++) {
				const joff = j * dw;
				const lo = validStart(wo, sw, pl, joff);
				const hi = validEnd(w, wo, sw, pl, joff);
				for (let oh = 0; oh < ho; oh++) {
					const ih = oh * sh - pt + ioff;
					const d = row + oh * wo;
					if (ih < 0 || ih >= h || hi <= lo) {
						col.fill(0, d, d + wo);
						continue;
					}
					for (let ow = 0; ow < lo; ow++) col[d + ow] = 0;
					let src = xc + ih * w + lo * sw - pl + joff;
					if (sw === 1) {
						for (let ow = lo; ow < hi; ow++) col[d + ow] = x[src++];
					} else {
						for (let ow = lo; ow < hi; ow++) {
							col[d + ow] = x[src];
							src += sw;
						}
					}
					for (let ow = hi; ow < wo; ow++) col[d + ow] = 0;
				}
				row += P;
			}
		}
	}
}

/** Adds the column-matrix gradient col[colOff …] (rows `ld` apart) into the image gradient dx[xOff …] (not cleared). */
export function col2im(g: ConvGeom, col: Float32Array, colOff: number, ld: number, dx: Float32Array, xOff: number): void {
	const { cin, h, w, kh, kw, sh, sw, pt, pl, dh, dw, ho, wo } = g;
	const plane = h * w;
	const P = ld;
	let row = colOff;
	for (let c = 0; c < cin; c++) {
		const xc = xOff + c * plane;
		for (let i = 0; i < kh; i++) {
			const ioff = i * dh;
			for (let j = 0; j < kw; j++) {
				const joff = j * dw;
				const lo = validStart(wo, sw, pl, joff);
				const hi = validEnd(w, wo, sw, pl, joff);
				if (hi > lo) {
					for (let oh = 0; oh < ho; oh++) {
						const ih = oh * sh - pt + ioff;
						if (ih < 0 || ih >= h) continue;
						const d = row + oh * wo;
						let dst = xc + ih * w + lo * sw - pl + joff;
						for (let ow = lo; ow < hi; ow++) {
							dx[dst] += col[d + ow];
							dst += sw;
						}
					}
				}
				row += P;
			}
		}
	}
}
