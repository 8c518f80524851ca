/**
 * Winograd F(2×2, 3×3) for 3×3, stride-1, undilated convolutions: each 2×2 output tile from a 4×4
 * input tile with 16 multiplications per channel pair instead of 36, as 16 GEMMs (one per transformed position) of
 * [Cout × Cin]·[Cin × tiles]. 2.25× fewer multiply-adds than im2col; with F(2,3) the transforms only use
 * ±1 and ½, so the float32 results stay within a few ulps of the direct sum (see ops-winograd test).
 * The backward keeps using im2col and builds its column matrix itself when the forward went this way.
 */
import type { Backend } from "../backend";
import type { ConvGeom } from "../im2col";

/** Largest transformed-input buffer, in floats, before a batch is cut into chunks of images. */
const V_CAP = 1 << 22;

export class WinogradWorkspace {
	u = new Float32Array(0);
	v = new Float32Array(0);
	m = new Float32Array(0);

	ensure(u: number, v: number, m: number): void {
		if (this.u.length < u) this.u = new Float32Array(u);
		if (this.v.length < v) this.v = new Float32Array(v);
		if (this.m.length < m) this.m = new Float32Array(m);
	}
}

/** Whether the Winograd path suits this convolution (3×3, stride 1, no dilation, enough input channels to pay off). */
export function winogradApplies(g: ConvGeom): boolean {
	return g.kh === 3 && g.kw === 3 && g.sh === 1 && g.sw === 1 && g.dh === 1 && g.dw === 1 && g.cin >= 8;
}

function setRow(u: Float32Array, p0: number, pairs: number, q: number, x0: number, x1: number, x2: number): void {
	u[p0 * pairs + q] = x0;
	u[(p0 + 1) * pairs + q] = (x0 + x1 + x2) * 0.5;
	u[(p0 + 2) * pairs + q] = (x0 - x1 + x2) * 0.5;
	u[(p0 + 3) * pairs + q] = x2;
}

/** U = G·g·Gᵀ for every (co, ci), stored as 16 matrices [Cout × Cin]. */
function transformKernels(cout: number, cin: number, w: Float32Array, u: Float32Array): void {
	const pairs = cout * cin;
	for (let q = 0; q < pairs; q++) {
		const o = q * 9;
		// G·g: rows g0, (g0+g1+g2)/2, (g0−g1+g2)/2, g2 (each a row of three)
		const a0 = w[o], a1 = w[o + 1], a2 = w[o + 2];
		const b0 = w[o + 3], b1 = w[o + 4], b2 = w[o + 5];
		const c0 = w[o + 6], c1 = w[o + 7], c2 = w[o + 8];
		const r00 = a0, r01 = a1, r02 = a2;
		const r10 = (a0 + b0 + c0) * 0.5, r11 = (a1 + b1 + c1) * 0.5, r12 = (a2 + b2 + c2) * 0.5;
		const r20 = (a0 - b0 + c0) * 0.5, r21 = (a1 - b1 + c1) * 0.5, r22 = (a2 - b2 + c2) * 0.5;
		const r30 = c0, r31 = c1, r32 = c2;
		// (G·g)·Gᵀ: each row (x0, x1, x2) becomes x0, (x0+x1+x2)/2, (x0−x1+x2)/2, x2
		setRow(u, 0, pairs, q, r00, r01, r02);
		setRow(u, 4, pairs, q, r10, r11, r12);
		setRow(u, 8, pairs, q, r20, r21, r22);
		setRow(u, 12, pairs, q, r30, r31, r32);
	}
}

/** y = conv(x, w) + b for a geometry where winogradApplies holds. */
export function conv2dWinograd(be: Backend, g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, ws: WinogradWorkspace): void {
	const { cin, h, cout, pt, pl, ho, wo } = g;
	const W = g.w;
	const th = (ho + 1) >> 1;
	const tw = (wo + 1) >> 1;
	const tilesPerImage = th * tw;
	const chunk = Math.max(1, Math.min(g.n, Math.floor(V_CAP / (16 * cin * tilesPerImage))));
	const maxT = chunk * tilesPerImage;
	ws.ensure(16 * cout * cin, 16 * cin * maxT, 16 * cout * maxT);
	const { u, v, m } = ws;
	transformKernels(cout, cin, w, u);
	const plane = h * W;
	const d = new Float64Array(16);
	for (let s = 0; s < g.n; s += chunk) {
		const c = Math.min(chunk, g.n - s);
		const T = c * tilesPerImage;
		// V = Bᵀ·d·B for every (ci, tile), stored as 16 matrices [Cin × T].
		for (let ci = 0; ci < cin; ci++) {
			for (let i = 0; i < c; i++) {
				const xb = ((s + i) * cin + ci) * plane;
				for (let ty = 0; ty < th; ty++) {
					const ih0 = 2 * ty - pt;
					for (let tx = 0; tx < tw; tx++) {
						const iw0 = 2 * tx - pl;
						if (ih0 >= 0 && iw0 >= 0 && ih0 + 4 <= h && iw0 + 4 <= W) {
							let src = xb + ih0 * W + iw0;
							for (let r = 0; r < 4; r++) {
								d[4 * r] = x[src];
								d[4 * r + 1] = x[src + 1];
								d[4 * r + 2] = x[src + 2];
								d[4 * r + 3] = x[src + 3];
								src += W;
							}
						} else {
							for (let r = 0; r < 4; r++) {
								const ih = ih0 + r;
								for (let q = 0; q < 4; q++) {
									const iw = iw0 + q;
									d[4 * r + q] = ih >= 0 && ih < h && iw >= 0 && iw < W ? x[xb + ih * W + iw] : 0;
								}
							}
						}
						// Bᵀ·d (rows): d0 − d2, d1 + d2, d2 − d1, d1 − d3
						const t = (i * th + ty) * tw + tx;
						for (let q = 0; q < 4; q++) {
							const e0 = d[q], e1 = d[4 + q], e2 = d[8 + q], e3 = d[12 + q];
							d[q] = e0 - e2;
							d[4 + q] = e1 + e2;
							d[8 + q] = e2 - e1;
							d[12 + q] = e1 - e3;
						}
						// (·)·B (columns): a − c, b + c, c − b, b − e
						for (let r = 0; r < 4; r++) {
							const a = d[4 * r], bb = d[4 * r + 1], cc = d[4 * r + 2], e = d[4 * r + 3];
							const base = ((4 * r) * cin + ci) * T + t;
							const stride = cin * T;
							v[base] = a - cc;
							v[base + stride] = bb + cc;
							v[base + 2 * stride] = cc - bb;
							v[base + 3 * stride] = bb - e;
						}
					}
				}
			}
		}
		for (let p = 0; p < 16; p++) {
			be.gemm(cout, T, cin, u, p * cout * cin, cin, false, v, p * cin * T, T, false, m, p * cout * T, T, false);
		}
		// Y = Aᵀ·M·A per (co, tile): rows m0 + m1 + m2, m1 − m2 − m3; then the same on columns.
		const ms = cout * T;
		for (let co = 0; co < cout; co++) {
			const bias = b ? b[co] : 0;
			for (let i = 0; i < c; i++) {
				const yb = ((s + i) * cout + co) * ho * wo;
				for (let ty = 0; ty < th; ty++) {
					for (let tx = 0; tx < tw; tx++) {
						const mb = co * T + (i * th + ty) * tw + tx;
						// Column q of Aᵀ·M: s0 = m0 + m1 + m2, s1 = m1 − m2 − m3 (m_r = M[4r + q]).
						const r0a = m[mb] + m[mb + 4 * ms] + m[mb + 8 * ms];
						const r1a = m[mb + 4 * ms] - m[mb + 8 * ms] - m[mb + 12 * ms];
						const r0b = m[mb + ms] + m[mb + 5 * ms] + m[mb + 9 * ms];
						const r1b = m[mb + 5 * ms] - m[mb + 9 * ms] - m[mb + 13 * ms];
						const r0c = m[mb + 2 * ms] + m[mb + 6 * ms] + m[mb + 10 * ms];
						const r1c = m[mb + 6 * ms] - m[mb + 10 * ms] - m[mb + 14 * ms];
						const r0d = m[mb + 3 * ms] + m[mb + 7 * ms] + m[mb + 11 * ms];
						const r1d = m[mb + 7 * ms] - m[mb + 11 * ms] - m[mb + 15 * ms];
						const oh = 2 * ty;
						const ow = 2 * tx;
						const o = yb + oh * wo + ow;
						y[o] = r0a + r0b + r0c + bias;
						if (ow + 1 < wo) y[o + 1] = r0b - r0c - r0d + bias;
						if (oh + 1 < ho) {
							y[o + wo] = r1a + r1b + r1c + bias;
							if (ow + 1 < wo) y[o + wo + 1] = r1b - r1c - r1d + bias;
						}
					}
				}
			}
		}
	}
}
