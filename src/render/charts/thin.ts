import type { Point } from "./series";

/**
 * The points of a long series worth drawing at `columns` pixel columns over [x0, x1]: per run of consecutive points
 * falling in one column, its first, lowest, highest and last point (in their original order), so a spike survives
 * however many points share its column and the line drawn through them looks the same as through all of them.
 * Non-finite points are dropped. Short series come back as they are (finite points only).
 */
export function thinToColumns(points: readonly Point[], x0: number, x1: number, columns: number): Point[] {
	const out: Point[] = [];
	const cols = Math.max(1, Math.floor(columns));
	const scale = x1 > x0 ? cols / (x1 - x0) : 0;
	const keepAll = points.length <= 4 * cols;
	let col = NaN;
	let first = -1;
	let lo = -1;
	let hi = -1;
	let last = -1;
	const flush = (): void => {
		if (first < 0) return;
		// The four indices in order, each once.
		const idx = [first, lo, hi, last].sort((a, b) => a - b);
		for (let k = 0; k < 4; k++) if (k === 0 || idx[k] !== idx[k - 1]) out.push(points[idx[k]]);
	};
	for (let i = 0; i < points.length; i++) {
		const p = points[i];
		if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
		if (keepAll) {
			out.push(p);
			continue;
		}
		const c = Math.min(cols - 1, Math.max(0, Math.floor((p.x - x0) * scale)));
		if (c !== col) {
			flush();
			col = c;
			first = lo = hi = i;
		}
		if (p.y < points[lo].y) lo = i;
		if (p.y > points[hi].y) hi = i;
		last = i;
	}
	if (!keepAll) flush();
	return out;
}
