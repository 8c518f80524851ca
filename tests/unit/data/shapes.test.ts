import { describe, expect, it } from "vitest";
import { makeShapes, SHAPE_CLASSES } from "../../../src/data/shapes";
import { checkDataset, classCounts } from "../../../src/data/dataset";

describe("synthetic shapes", () => {
	it("is balanced, in range, and reproducible from its seed", () => {
		const a = makeShapes({ size: 16, count: 80, seed: 1, lang: "en" });
		checkDataset(a);
		expect(a.shape).toEqual([1, 16, 16]);
		expect(a.classes).toBe(SHAPE_CLASSES.length);
		expect(classCounts(a)).toEqual(new Array(8).fill(10));
		expect(Math.min(...a.x)).toBeGreaterThanOrEqual(0);
		expect(Math.max(...a.x)).toBeLessThanOrEqual(1);
		const b = makeShapes({ size: 16, count: 80, seed: 1, lang: "en" });
		expect(Array.from(b.x)).toEqual(Array.from(a.x));
		expect(Array.from(b.y)).toEqual(Array.from(a.y));
		const c = makeShapes({ size: 16, count: 80, seed: 2, lang: "en" });
		expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
	});

	it("draws what the label says: a horizontal line's ink spreads across columns, a vertical one's across rows", () => {
		const ds = makeShapes({ size: 20, count: 40, seed: 5, classes: ["horizontal line", "vertical line"], noise: 0, lang: "en" });
		expect(ds.classNames).toEqual(["horizontal line", "vertical line"]);
		for (let i = 0; i < ds.n; i++) {
			const img = ds.x.subarray(i * 400, (i + 1) * 400);
			let rowsInked = 0;
			let colsInked = 0;
			for (let k = 0; k < 20; k++) {
				let r = 0;
				let c = 0;
				for (let j = 0; j < 20; j++) {
					r += img[k * 20 + j];
					c += img[j * 20 + k];
				}
				if (r > 0.5) rowsInked++;
				if (c > 0.5) colsInked++;
			}
			if (ds.y[i] === 0) expect(colsInked).toBeGreaterThan(rowsInked);
			else expect(rowsInked).toBeGreaterThan(colsInked);
		}
	});

	it("works at small and large sizes, with 3 channels and a class count", () => {
		const s = makeShapes({ size: 5, count: 8, seed: 0, classes: 4, lang: "en" });
		expect(s.classes).toBe(4);
		expect(s.x.some((v) => v > 0.5)).toBe(true);
		const l = makeShapes({ size: 64, count: 3, seed: 0, channels: 3, lang: "en" });
		expect(l.shape).toEqual([3, 64, 64]);
		expect(l.x.length).toBe(3 * 3 * 64 * 64);
		expect(() => makeShapes({ size: 3, count: 1, seed: 0, lang: "en" })).toThrow(/at least 5/);
	});
});
