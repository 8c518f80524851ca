import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { thinToColumns } from "../../../src/render/charts/thin";

type P = { x: number; y: number };

/** Per pixel column, the lowest and highest y of the points falling in it, computed directly. */
function extremes(points: readonly P[], x0: number, x1: number, cols: number): Map<number, [number, number]> {
	const m = new Map<number, [number, number]>();
	for (const p of points) {
		if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
		const c = Math.min(cols - 1, Math.max(0, Math.floor(((p.x - x0) / (x1 - x0)) * cols)));
		// +0 and -0 draw the same pixel; which of the two a tie keeps does not matter (toEqual tells them apart).
		const y = p.y === 0 ? 0 : p.y;
		const e = m.get(c);
		m.set(c, e ? [Math.min(e[0], y), Math.max(e[1], y)] : [y, y]);
	}
	return m;
}

describe("thinning a long series to pixel columns", () => {
	it("keeps each column's lowest and highest point, in order, and at most four points per column", () => {
		fc.assert(
			fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 500, maxLength: 3000 }), fc.integer({ min: 5, max: 100 }), (ys, cols) => {
				// Over [0, cols] one unit is one column; each x sits mid-column, so no rounding can put a point in
				// another column than the one the check below counts it in.
				const pts = ys.map((y, i) => ({ x: Math.floor((i * cols) / ys.length) + 0.5, y }));
				const out = thinToColumns(pts, 0, cols, cols);
				expect(out.length).toBeLessThanOrEqual(4 * cols);
				// A subsequence of the input, same order.
				let k = 0;
				for (const p of out) {
					while (k < pts.length && pts[k] !== p) k++;
					expect(k).toBeLessThan(pts.length);
				}
				const want = extremes(pts, 0, cols, cols);
				const got = extremes(out, 0, cols, cols);
				expect(got).toEqual(want);
				// First and last points stay, so the line spans the whole range.
				expect(out[0]).toBe(pts[0]);
				expect(out[out.length - 1]).toBe(pts[pts.length - 1]);
			}),
			// No shrinking of 3000-element arrays on a failure: the first counterexample is printed at once.
			{ numRuns: 40, endOnFailure: true },
		);
	});

	it("a single spike among 100 000 points survives", () => {
		const pts = Array.from({ length: 100_000 }, (_, i) => ({ x: i, y: i === 77_777 ? 9 : 1 }));
		const out = thinToColumns(pts, 0, 99_999, 400);
		expect(out.length).toBeLessThanOrEqual(1600);
		expect(out.some((p) => p.y === 9 && p.x === 77_777)).toBe(true);
	});

	it("short series come back whole, without their non-finite points", () => {
		const pts = [{ x: 1, y: 1 }, { x: 2, y: NaN }, { x: 3, y: Infinity }, { x: 4, y: 2 }];
		expect(thinToColumns(pts, 1, 4, 300)).toEqual([{ x: 1, y: 1 }, { x: 4, y: 2 }]);
		expect(thinToColumns([], 0, 1, 300)).toEqual([]);
		const many = Array.from({ length: 5000 }, (_, i) => ({ x: i, y: i % 3 === 0 ? NaN : i }));
		expect(thinToColumns(many, 0, 4999, 100).every((p) => Number.isFinite(p.y))).toBe(true);
	});
});
