// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Chart } from "chart.js";
import "../../support/obsidian-stub";
import { LineChartView } from "../../../src/render/charts/line-chart";
import { ThinnedSeries } from "../../../src/render/charts/series";
import { notifyThemeChange, themeListenerCount } from "../../../src/render/theme";
import { installFakeCanvas } from "./fake-canvas";

beforeAll(() => installFakeCanvas());
afterEach(() => {
	document.body.empty();
	document.body.removeClass("theme-dark");
	vi.useRealTimers();
});

const make = (parent: HTMLElement = document.body.createDiv()): LineChartView =>
	new LineChartView(parent, {
		title: "Loss",
		xLabel: "epoch",
		yLabel: "loss",
		series: [
			{ label: "train", color: 0 },
			{ label: "val", color: 1, dashed: true },
		],
	});

describe("live line chart", () => {
	it("redraws at most about ten times a second however fast points arrive, and shows all of them", () => {
		vi.useFakeTimers();
		const view = make();
		const chart = view.chart as Chart;
		const update = vi.spyOn(chart, "update");
		for (let i = 0; i < 1000; i++) {
			view.push(0, i, 1 / (i + 1));
			if (i % 10 === 0) vi.advanceTimersByTime(1); // 1000 points over 100 ms
		}
		expect(update.mock.calls.length).toBeLessThanOrEqual(2);
		vi.advanceTimersByTime(1000);
		expect(update.mock.calls.length).toBeLessThanOrEqual(3);
		expect(chart.data.datasets[0].data).toHaveLength(1000);
		view.destroy();
	});

	it("takes its colours from the theme and changes them on a theme change; destroy ends chart and listener", () => {
		const parent = document.body.createDiv();
		parent.setCssProps({ "--color-blue": "rgb(1, 2, 3)" });
		const before = themeListenerCount();
		const view = make(parent);
		const chart = view.chart as Chart;
		expect(chart.data.datasets[0].borderColor).toBe("rgb(1, 2, 3)");
		expect((chart.data.datasets[1] as { borderDash?: number[] }).borderDash).toEqual([6, 4]);
		parent.setCssProps({ "--color-blue": "rgb(9, 9, 9)" });
		notifyThemeChange();
		expect(chart.data.datasets[0].borderColor).toBe("rgb(9, 9, 9)");
		expect(themeListenerCount()).toBe(before + 1);
		view.destroy();
		expect(themeListenerCount()).toBe(before);
		expect(Chart.getChart(view.canvas)).toBeUndefined();
	});

	it("registers only the line chart parts", () => {
		make().destroy();
		expect(Chart.registry.controllers.get("line")).toBeTruthy();
		expect(() => Chart.registry.getController("bar")).toThrow();
	});
});

describe("thinned per-batch series", () => {
	it("keeps at most the maximum number of points, evenly spread over the whole run, smoothed", () => {
		const s = new ThinnedSeries(100, 0.9);
		for (let i = 1; i <= 10000; i++) s.push(i, i % 2 === 0 ? 2 : 0);
		expect(s.points.length).toBeLessThanOrEqual(100);
		expect(s.points.length).toBeGreaterThanOrEqual(50);
		// Covers the run to the end, in order.
		expect(s.points[s.points.length - 1].x).toBeGreaterThan(9000);
		for (let i = 1; i < s.points.length; i++) expect(s.points[i].x).toBeGreaterThan(s.points[i - 1].x);
		// An alternating 0 / 2 loss reads as its mean, 1.
		for (const p of s.points.slice(5)) expect(p.y).toBeCloseTo(1, 0);
	});

	it("skips non-finite values", () => {
		const s = new ThinnedSeries(10, 0);
		s.push(1, NaN);
		s.push(2, 3);
		expect(s.points).toEqual([{ x: 2, y: 3 }]);
	});
});
