/**
 * Adaptive average pooling of x [n, c, h, w] to [n, c, oh, ow] with PyTorch's bins (shapes.ts binStart / binEnd),
 * forward and backward. Global average pooling is the 1×1 case.
 */
import { binEnd, binStart } from "../shapes";

export interface AdaptivePoolGeom {
	n: number; c: number; h: number; w: number;
	oh: number; ow: number;
}

/** y = the mean of each bin. */
export function adaptiveAvgPoolForward(g: AdaptivePoolGeom, x: Float32Array, y: Float32Array): void {
	const { h, w, oh, ow } = g;
	const planes = g.n * g.c;
	let o = 0;
	for (let pl = 0; pl < planes; pl++) {
		const base = pl * h * w;
		for (let i = 0; i < oh; i++) {
			const hs = binStart(i, h, oh);
			const he = binEnd(i, h, oh);
			for (let j = 0; j < ow; j++) {
				const ws = binStart(j, w, ow);
				const we = binEnd(j, w, ow);
				let s = 0;
				for (let r = hs; r < he; r++) {
					const row = base + r * w;
					for (let q = ws; q < we; q++) s += x[row + q];
				}
				y[o++] = s / ((he - hs) * (we - ws));
			}
		}
	}
}

/** dx[i] = Σ over the bins containing i of dy / bin size (bins may overlap); dx is overwritten. */
export function adaptiveAvgPoolBackward(g: AdaptivePoolGeom, dy: Float32Array, dx: Float32Array): void {
	const { h, w, oh, ow } = g;
	const planes = g.n * g.c;
	dx.fill(0, 0, planes * h * w);
	let o = 0;
	for (let pl = 0; pl < planes; pl++) {
		const base = pl * h * w;
		for (let i = 0; i < oh; i++) {
			const hs = binStart(i, h, oh);
			const he = binEnd(i, h, oh);
			for (let j = 0; j < ow; j++) {
				const ws = binStart(j, w, ow);
				const we = binEnd(j, w, ow);
				const gv = dy[o++] / ((he - hs) * (we - ws));
				for (let r = hs; r < he; r++) {
					const row = base + r * w;
					for (let q = ws; q < we; q++) dx[row + q] += gv;
				}
			}
		}
	}
}
