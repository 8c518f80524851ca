import { describe, expect, it } from "vitest";
import { chooseColormap, colorOf, legendStops, mappedRange, toRgba, valueRange } from "../../../src/render/colormap";
import { backingScale, formatValue, scaleRgba } from "../../../src/render/heatmap";

describe("colormaps", () => {
	it("gray maps the range ends to black and white", () => {
		const buf = toRgba([0, 0.5, 1], "gray", { min: 0, max: 1 });
		expect(Array.from(buf.slice(0, 4))).toEqual([0, 0, 0, 255]);
		expect(Array.from(buf.slice(8, 12))).toEqual([255, 255, 255, 255]);
		expect(buf[4]).toBeGreaterThan(120);
		expect(buf[4]).toBeLessThan(135);
	});
	it("viridis runs from dark purple to yellow", () => {
		expect(colorOf("viridis", 0, { min: 0, max: 1 })).toEqual([68, 1, 84]);
		expect(colorOf("viridis", 1, { min: 0, max: 1 })).toEqual([253, 231, 37]);
	});
	it("coolwarm is centred on zero: 0 is neutral even when the data range is lopsided", () => {
		const r = { min: -1, max: 9 };
		expect(mappedRange("coolwarm", r)).toEqual({ min: -9, max: 9 });
		const [red, g, b] = colorOf("coolwarm", 0, r);
		expect(Math.abs(red - g)).toBeLessThan(8);
		expect(Math.abs(g - b)).toBeLessThan(8);
		const neg = colorOf("coolwarm", -9, r);
		const pos = colorOf("coolwarm", 9, r);
		expect(neg[2]).toBeGreaterThan(neg[0]);
		expect(pos[0]).toBeGreaterThan(pos[2]);
	});
	it("non-finite values are transparent, and a flat grid still maps", () => {
		const buf = toRgba([NaN, 3, 3], "magma");
		expect(buf[3]).toBe(0);
		expect(buf[7]).toBe(255);
		expect(valueRange([NaN, 2, -1, Infinity])).toEqual({ min: -1, max: 2 });
	});
	it("chooses gray for pixels, diverging for signed values, sequential otherwise", () => {
		expect(chooseColormap({ min: 0, max: 1 }, "pixels")).toBe("gray");
		expect(chooseColormap({ min: -2, max: 3 }, "values")).toBe("coolwarm");
		expect(chooseColormap({ min: 0, max: 3 }, "values", "magma")).toBe("magma");
	});
	it("legend stops span the mapped range", () => {
		const s = legendStops("coolwarm", { min: -1, max: 4 }, 3);
		expect(s.map((x) => x.value)).toEqual([-4, 0, 4]);
	});
});

describe("heatmap helpers", () => {
	it("formats numbers with a true minus and no trailing zeros", () => {
		expect(formatValue(-3)).toBe("−3");
		expect(formatValue(0.5)).toBe("0.5");
		expect(formatValue(1 / 3, 2)).toBe("0.33");
		expect(formatValue(-0.0001, 2)).toBe("0");
	});
	it("keeps the backing store a whole multiple of the grid, larger at higher pixel ratios, capped", () => {
		expect(backingScale(5, 5, 1)).toBe(64);
		expect(backingScale(5, 5, 2)).toBe(128);
		expect(backingScale(64, 64, 2)).toBe(10);
		expect(backingScale(2000, 10, 2)).toBe(1);
	});
	it("scales RGBA by nearest neighbour", () => {
		const src = new Uint8ClampedArray([1, 2, 3, 4, 5, 6, 7, 8]);
		const out = scaleRgba(src, 2, 1, 2);
		expect(Array.from(out.slice(0, 16))).toEqual([1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8, 5, 6, 7, 8]);
		expect(Array.from(out.slice(16, 32))).toEqual(Array.from(out.slice(0, 16)));
	});
});
