import { valueRange, type ValueRange } from "../colormap";

/**
 * One colour scale for a whole layer (every channel), so that maps of one layer compare by colour. A constant layer
 * (an all-zero ReLU output) gets a range that puts its value where it belongs: 0 at the bottom of a scale from 0,
 * never mid-scale, where it would look half active.
 */
export function layerRange(data: ArrayLike<number>): ValueRange {
	const r = valueRange(data);
	if (r.max > r.min) return r;
	const v = r.min;
	if (v === 0) return { min: 0, max: 1 };
	return v > 0 ? { min: 0, max: v } : { min: v, max: 0 };
}

/** The index of the largest value, or −1 for an empty list. */
export function argmax(v: ArrayLike<number>): number {
	let best = -1;
	for (let i = 0; i < v.length; i++) if (best < 0 || v[i] > v[best]) best = i;
	return best;
}

/** The indices of the `k` largest values, largest first (ties by index). */
export function topK(v: ArrayLike<number>, k: number): number[] {
	return Array.from({ length: v.length }, (_, i) => i)
		.sort((a, b) => v[b] - v[a] || a - b)
		.slice(0, k);
}
