import { describe, expect, it } from "vitest";
import { formatTick, formatValue } from "../../../src/render/charts/format";

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
