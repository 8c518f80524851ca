import { describe, expect, it } from "vitest";
import { smoothEma } from "../../../src/render/charts/smooth";
import { csvCell, csvFileName, toCsv } from "../../../src/render/charts/csv";

describe("smoothing (TensorBoard's debiased exponential moving average)", () => {
	it("matches the average worked out by hand", () => {
		// w = 0.5 over [4, 0, 2]: biased averages 2, 1, 1.5; debiased by 1 − 0.5^k: 4, 4/3, 12/7.
		const s = smoothEma([4, 0, 2], 0.5);
		expect(s[0]).toBeCloseTo(4, 12);
		expect(s[1]).toBeCloseTo(4 / 3, 12);
		expect(s[2]).toBeCloseTo(12 / 7, 12);
	});

	it("leaves a series alone at weight 0, keeps a constant constant, and passes NaN through without taking it in", () => {
		expect(smoothEma([3, 1, 2], 0)).toEqual([3, 1, 2]);
		for (const v of smoothEma([0.7, 0.7, 0.7, 0.7], 0.9)) expect(v).toBeCloseTo(0.7, 12);
		const s = smoothEma([1, NaN, 3], 0.5);
		expect(Number.isNaN(s[1])).toBe(true);
		// As if NaN were not there: [1, 3] → 1, (0.25 + 1.5) / 0.75.
		expect(s[2]).toBeCloseTo(1.75 / 0.75, 12);
	});

	it("a noisy series gets closer to its trend as the weight grows", () => {
		const ys = Array.from({ length: 400 }, (_, i) => 1 + (i % 2 === 0 ? 0.5 : -0.5));
		const spread = (w: number): number => {
			const s = smoothEma(ys, w).slice(100);
			return Math.max(...s) - Math.min(...s);
		};
		expect(spread(0)).toBeCloseTo(1, 12);
		expect(spread(0.6)).toBeLessThan(0.3);
		expect(spread(0.95)).toBeLessThan(spread(0.6));
	});
});

describe("CSV of a chart", () => {
	it("quotes what needs quoting, writes non-finite numbers as words and defuses formulas", () => {
		expect(csvCell("training loss")).toBe("training loss");
		expect(csvCell('run "a", b')).toBe('"run ""a"", b"');
		expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
		expect(csvCell(-0.5)).toBe("-0.5");
		expect(csvCell(NaN)).toBe("NaN");
		expect(csvCell(-Infinity)).toBe("-Infinity");
		expect(csvCell(null)).toBe("");
		expect(toCsv([["series", "epoch"], ["val", 1]])).toBe("series,epoch\r\nval,1\r\n");
	});

	it("names the file after the chart", () => {
		expect(csvFileName("Loss")).toBe("loss.csv");
		expect(csvFileName("Per-class accuracy")).toBe("per-class-accuracy.csv");
		expect(csvFileName("准确率")).toBe("准确率.csv");
		expect(csvFileName("///")).toBe("chart.csv");
	});
});
