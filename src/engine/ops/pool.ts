/**
 * Max and average pooling, forward and backward, as PyTorch: −∞ padding for max, ceil mode dropping a window that
 * would start in the right padding, average with or without counting the padding.
 */
import { poolOutSize, poolProblem } from "../shapes";

/** Input [n, c, h, w] → output [n, c, ho, wo]. */
export interface PoolGeom {
	n: number; c: number; h: number; w: number;
	kh: number; kw: number; sh: number; sw: number; ph: number; pw: number;
	ho: number; wo: number;
}

export interface PoolParams {
	kernel: [number, number];
	stride: [number, number];
	pad: [number, number];
	ceil: boolean;
}

/** The geometry for an input of shape [n, c, h, w]; throws on what PyTorch rejects. */
export function poolGeom(xShape: readonly number[], p: PoolParams): PoolGeom {
	if (xShape.length !== 4) throw new Error("pool2d: input must be [N,C,H,W]");
	const [n, c, h, w] = xShape;
	const [kh, kw] = p.kernel;
	const [sh, sw] = p.stride;
	const [ph, pw] = p.pad;
	const why = poolProblem(h, kh, sh, ph, p.ceil) ?? poolProblem(w, kw, sw, pw, p.ceil);
	if (why) throw new Error(`pool2d: ${why}`);
	return { n, c, h, w, kh, kw, sh, sw, ph, pw, ho: poolOutSize(h, kh, sh, ph, p.ceil), wo: poolOutSize(w, kw, sw, pw, p.ceil) };
}

/** The common 2×2, stride-2 pool whose windows all lie inside the input: four candidates, no window loops. */
function maxPool2x2(g: PoolGeom, x: Float32Array, y: Float32Array, argmax: Int32Array): void {
	const { h, w, ho, wo } = g;
	const planes = g.n * g.c;
	let o = 0;
	for (let pl = 0; pl < planes; pl++) {
		const base = pl * h * w;
		for (let oh = 0; oh < ho; oh++) {
			let a = base + 2 * oh * w;
			for (let ow = 0; ow < wo; ow++) {
				// Branch-free argmax (the winner is data-dependent, so branches would mispredict half the time).
				const b = a + w;
				let at = a;
				at += +(x[a + 1] > x[at]) * (a + 1 - at);
				at += +(x[b] > x[at]) * (b - at);
				at += +(x[b + 1] > x[at]) * (b + 1 - at);
				y[o] = x[at];
				argmax[o] = at;
				o++;
				a += 2;
			}
		}
	}
}

/** y = max over each window; argmax[o] = index into x of the winner (first one on ties), −1 if none. */
export function maxPoolForward(g: PoolGeom, x: Float32Array, y: Float32Array, argmax: Int32Array): void {
	const { h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
	if (kh === 2 && kw === 2 && sh === 2 && sw === 2 && ph === 0 && pw === 0 && 2 * ho <= h && 2 * wo <= w) {
		maxPool2x2(g, x, y, argmax);
		return;
	}
	const planes = g.n * g.c;
	let o = 0;
	for (let pl = 0; pl < planes; pl++) {
		const base = pl * h * w;
		for (let oh = 0; oh < ho; oh++) {
			let hs = oh * sh - ph;
			const he = Math.min(hs + kh, h);
			if (hs < 0) hs = 0;
			for (let ow = 0; ow < wo; ow++) {
				let ws = ow * sw - pw;
				const we = Math.min(ws + kw, w);
				if (ws < 0) ws = 0;
				let best = -Infinity;
				let at = -1;
				for (let i = hs; i < he; i++) {
					const r = base + i * w;
					for (let j = ws; j < we; j++) {
						const v = x[r + j];
						if (v > best || (at < 0 && Number.isNaN(v))) {
							best = v;
							at = r + j;
						}
					}
				}
				y[o] = best;
				argmax[o] = at;
				o++;
			}
		}
	}
}

/** dx = Σ dy routed to each window's argmax (accumulating where windows overlap). dx is overwritten. */
export function maxPoolBackward(g: PoolGeom, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void {
	dx.fill(0, 0, g.n * g.c * g.h * g.w);
	const len = g.n * g.c * g.ho * g.wo;
	for (let o = 0; o < len; o++) {
		const at = argmax[o];
		if (at >= 0) dx[at] += dy[o];
	}
}

/** The divisor of output (oh, ow) per PyTorch: the window clipped to the padded input, or to the input itself. */
function avgDivisor(g: PoolGeom, oh: number, ow: number, countIncludePad: boolean): number {
	let hs = oh * g.sh - g.ph;
	let ws = ow * g.sw - g.pw;
	let he = Math.min(hs + g.kh, g.h + g.ph);
	let we = Math.min(ws + g.kw, g.w + g.pw);
	if (countIncludePad) return (he - hs) * (we - ws);
	if (hs < 0) hs = 0;
	if (ws < 0) ws = 0;
	if (he > g.h) he = g.h;
	if (we > g.w) we = g.w;
	return (he - hs) * (we - ws);
}

/** y = mean over each window (see avgDivisor for what counts). */
export function avgPoolForward(g: PoolGeom, x: Float32Array, y: Float32Array, countIncludePad: boolean): void {
	const { h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
	const planes = g.n * g.c;
	let o = 0;
	for (let pl = 0; pl < planes; pl++) {
		const base = pl * h * w;
		for (let oh = 0; oh < ho; oh++) {
			let hs = oh * sh - ph;
			const he = Math.min(hs + kh, h);
			if (hs < 0) hs = 0;
			for (let ow = 0; ow < wo; ow++) {
				let ws = ow * sw - pw;
				const we = Math.min(ws + kw, w);
				if (ws < 0) ws = 0;
				let s = 0;
				for (let i = hs; i < he; i++) {
					const r = base + i * w;
					for (let j = ws; j < we; j++) s += x[r + j];
				}
				y[o++] = s / avgDivisor(g, oh, ow, countIncludePad);
			}
		}
	}
}

/** dx[i] = Σ over windows containing i of dy / divisor. dx is overwritten. */
export function avgPoolBackward(g: PoolGeom, dy: Float32Array, dx: Float32Array, countIncludePad: boolean): void {
	const { h, w, kh, kw, sh, sw, ph, pw, ho, wo } = g;
	const planes = g.n * g.c;
	dx.fill(0, 0, planes * h * w);
	let o = 0;
	for (let pl = 0; pl < planes; pl++) {
		const base = pl * h * w;
		for (let oh = 0; oh < ho; oh++) {
			let hs = oh * sh - ph;
			const he = Math.min(hs + kh, h);
			if (hs < 0) hs = 0;
			for (let ow = 0; ow < wo; ow++) {
				let ws = ow * sw - pw;
				const we = Math.min(ws + kw, w);
				if (ws < 0) ws = 0;
				const gv = dy[o++] / avgDivisor(g, oh, ow, countIncludePad);
				for (let i = hs; i < he; i++) {
					const r = base + i * w;
					for (let j = ws; j < we; j++) dx[r + j] += gv;
				}
			}
		}
	}
}
