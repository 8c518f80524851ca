import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { formatTick, formatValue, niceStep, niceTicks, padRange } from "../../../src/render/charts/ticks";

/** Mantissa of a power-of-ten step: 1, 2 or 5 for a nice one. */
const mantissa = (step: number): number => Number((step / 10 ** Math.floor(Math.log10(step) + 1e-9)).toPrecision(6));

describe("nice tick steps", () => {
	it("picks the smallest 1-2-5 step giving at most the asked number of intervals", () => {
		expect(niceStep(1, 5)).toBe(0.2);
		expect(niceStep(10, 5)).toBe(2);
		expect(niceStep(7, 10)).toBe(1);
		expect(niceStep(0.0003, 3)).toBeCloseTo(0.0001, 12);
		expect(niceStep(2.3, 5)).toBe(0.5);
		expect(niceStep(2.3, 4)).toBe(1);
		fc.assert(
			fc.property(fc.double({ min: 1e-9, max: 1e12, noNaN: true }), fc.integer({ min: 2, max: 12 }), (span, n) => {
				const s = niceStep(span, n);
				expect([1, 2, 5]).toContain(mantissa(s));
				expect(span / s).toBeLessThanOrEqual(n + 1e-6);
				// The next smaller nice step would give too many intervals.
				const m = mantissa(s);
				const smaller = m === 1 ? s / 2 : m === 2 ? s / 2 : (s * 2) / 5;
				expect(span / smaller).toBeGreaterThan(n - 1e-6);
			}),
		);
	});

	it("snapped ticks cover the data with whole steps; unsnapped ones stay inside the range", () => {
		const y = niceTicks(0.031, 2.28, 5, true);
		expect(y).toEqual({ min: 0, max: 2.5, step: 0.5, values: [0, 0.5, 1, 1.5, 2, 2.5] });
		const x = niceTicks(0.03, 15, 6, false, true);
		expect(x.min).toBe(0.03);
		expect(x.max).toBe(15);
		expect(x.values).toEqual([5, 10, 15]);
		// No float noise in the values.
		expect(niceTicks(0, 0.7, 7, true).values).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
	});

	it("integer ticks for a few epochs: never 1.5", () => {
		expect(niceTicks(1, 3, 10, false, true).values).toEqual([1, 2, 3]);
		expect(niceTicks(1, 3, 4, false, false).values).toContain(1.5);
		expect(niceTicks(1, 3, 4, false, true).values).toEqual([1, 2, 3]);
	});

	it("a flat, single or non-finite range still gets a sensible axis", () => {
		expect(padRange(5, 5)).toEqual({ min: 4.5, max: 5.5 });
		expect(padRange(0, 0)).toEqual({ min: -1, max: 1 });
		expect(padRange(NaN, 3)).toEqual({ min: 0, max: 1 });
		expect(padRange(-Infinity, Infinity)).toEqual({ min: 0, max: 1 });
		const t = niceTicks(0.25, 0.25, 5, true);
		expect(t.min).toBeLessThan(0.25);
		expect(t.max).toBeGreaterThan(0.25);
		expect(t.values.length).toBeGreaterThanOrEqual(2);
		expect(niceTicks(NaN, NaN, 5, true).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
	});

	it("tiny and huge ranges get a handful of ticks", () => {
		for (const [lo, hi] of [[1e-7, 3e-7], [2e9, 9e9], [-5e-4, 5e-4], [123456, 123457]]) {
			const t = niceTicks(lo, hi, 6, true);
			expect(t.values.length).toBeGreaterThanOrEqual(2);
			expect(t.values.length).toBeLessThanOrEqual(7);
			expect(t.min).toBeLessThanOrEqual(lo);
			expect(t.max).toBeGreaterThanOrEqual(hi);
		}
	});

	it("ranges at the ends of the float range (a pasted log holding 1e308 or 5e-324) still get a few distinct ticks", () => {
		for (const [lo, hi] of [[-1e308, 1e308], [-Number.MAX_VALUE, Number.MAX_VALUE], [0, 1e-320], [5e-324, 1e-323], [1e300, 1.0000000001e300]]) {
			const t = niceTicks(lo, hi, 6, true);
			expect(Number.isFinite(t.min) && Number.isFinite(t.max) && t.max > t.min).toBe(true);
			expect(t.values.length).toBeGreaterThanOrEqual(2);
			expect(t.values.length).toBeLessThanOrEqual(7);
			expect(new Set(t.values).size).toBe(t.values.length);
		}
	});
});

describe("tick labels", () => {
	it("use as many decimals as the step needs", () => {
		expect([0, 0.5, 1, 1.5].map((v) => formatTick(v, 0.5))).toEqual(["0", "0.5", "1", "1.5"]);
		expect(formatTick(0.30000000000000004, 0.1)).toBe("0.3");
		expect(formatTick(0.02, 0.01)).toBe("0.02");
		expect(formatTick(7, 1)).toBe("7");
		expect(formatTick(-2, 1)).toBe("-2");
		expect(formatTick(1e-17, 0.1)).toBe("0");
	});

	it("are compact for large and tiny values", () => {
		expect(formatTick(2500, 500)).toBe("2.5k");
		expect(formatTick(3000, 1000)).toBe("3k");
		expect(formatTick(1_200_000, 200_000)).toBe("1.2M");
		expect(formatTick(1e-4, 1e-4)).toBe("1e-4");
		expect(formatTick(1.5e-4, 5e-5)).toBe("1.5e-4");
		expect(formatTick(2e-7, 1e-7)).toBe("2e-7");
		for (const v of [1e-9, 3e9, 123456789, 0.00042]) expect(formatTick(v, v / 4).length).toBeLessThanOrEqual(7);
	});

	it("show fractions as percentages on an accuracy axis", () => {
		expect([0, 0.2, 1].map((v) => formatTick(v, 0.2, true))).toEqual(["0 %", "20 %", "100 %"]);
		expect(formatTick(0.955, 0.005, true)).toBe("95.5 %");
	});

	it("values for the tooltip and summary keep about four significant digits", () => {
		expect(formatValue(0.031234)).toBe("0.03123");
		expect(formatValue(1.5)).toBe("1.5");
		expect(formatValue(2)).toBe("2");
		expect(formatValue(12345.6)).toBe("12.35k");
		expect(formatValue(0.00012346)).toBe("1.235e-4");
		expect(formatValue(0.9567, true)).toBe("95.7 %");
		expect(formatValue(0.05, true)).toBe("5 %");
	});
});
