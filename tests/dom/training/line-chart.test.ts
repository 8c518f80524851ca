// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import "../../support/obsidian-stub";
import { Chart } from "chart.js";
import { chartOfCanvas, LineChartView, liveChartCount, type LineChartOptions } from "../../../src/render/charts/line-chart";
import { BarChartView } from "../../../src/render/charts/bar-chart";
import { smoothEma } from "../../../src/render/charts/smooth";
import { notifyThemeChange, themeListenerCount } from "../../../src/render/theme";
import { installFakeCanvas } from "./fake-canvas";

beforeAll(() => installFakeCanvas());
afterEach(() => {
	document.body.empty();
	document.body.removeClass("theme-dark");
	vi.useRealTimers();
	vi.unstubAllGlobals();
	vi.restoreAllMocks();
});

const make = (parent: HTMLElement = document.body.createDiv(), extra: Partial<LineChartOptions> = {}): LineChartView =>
	new LineChartView(parent, {
		title: "Loss",
		xLabel: "epoch",
		yLabel: "loss",
		series: [
			{ label: "train", color: 0, dots: true },
			{ label: "val", color: 1, dashed: true },
		],
		...extra,
	});
const chartOf = (v: LineChartView): Chart<"line"> => {
	if (!v.chart) throw new Error("no chart");
	return v.chart;
};
/** The points chart.js was given for a dataset (before its decimation, which keeps the original as _data). */
const given = (v: LineChartView, ds: number): { x: number; y: number }[] => {
	const d = chartOf(v).data.datasets[ds] as unknown as { _data?: { x: number; y: number }[]; data: { x: number; y: number }[] };
	return d._data ?? d.data;
};
const legend = (v: LineChartView): HTMLButtonElement[] => [...v.el.querySelectorAll<HTMLButtonElement>(".cnn-lab-chart-legend button")];
const control = (v: LineChartView | BarChartView, text: string): HTMLButtonElement => {
	const b = [...v.el.querySelectorAll<HTMLButtonElement>("button.cnn-lab-chart-control")].find((x) => x.textContent === text);
	if (!b) throw new Error(`no control ${text}`);
	return b;
};
const summary = (v: { el: HTMLElement }): (string | null)[] => [...v.el.querySelectorAll(".cnn-lab-sr-only li")].map((li) => li.textContent);

describe("line chart (chart.js)", () => {
	it("redraws at most about ten times a second however fast points arrive, and holds all of them", () => {
		vi.useFakeTimers();
		const view = make();
		const update = vi.spyOn(chartOf(view), "update");
		for (let i = 0; i < 1000; i++) {
			view.push(0, i, 1 / (i + 1));
			if (i % 10 === 0) vi.advanceTimersByTime(1); // 1000 points over 100 ms
		}
		expect(update.mock.calls.length).toBeLessThanOrEqual(2);
		vi.advanceTimersByTime(1000);
		expect(update.mock.calls.length).toBeGreaterThanOrEqual(1);
		expect(update.mock.calls.length).toBeLessThanOrEqual(3);
		// Without animation: a live chart would otherwise tween every redraw.
		expect(update.mock.calls.every((c) => c[0] === "none")).toBe(true);
		expect(view.points(0)).toHaveLength(1000);
		expect(given(view, 0)).toHaveLength(1000);
		view.destroy();
	});

	it("colours each series from the theme, dashed where asked, and recolours on a theme change; destroy ends the Chart", () => {
		const parent = document.body.createDiv();
		parent.setCssProps({ "--color-blue": "rgb(1, 2, 3)", "--color-orange": "rgb(4, 5, 6)" });
		const before = themeListenerCount();
		const charts = liveChartCount();
		const view = make(parent);
		expect(liveChartCount()).toBe(charts + 1);
		view.setPoints(0, [{ x: 1, y: 1 }, { x: 2, y: 0.5 }, { x: 3, y: 0.25 }]);
		view.setPoints(1, [{ x: 1, y: 1.2 }, { x: 2, y: 0.9 }]);
		view.flush();
		const [train, val] = chartOf(view).data.datasets;
		expect([train.borderColor, val.borderColor]).toEqual(["rgb(1, 2, 3)", "rgb(4, 5, 6)"]);
		expect(train.borderDash).toEqual([]);
		expect(val.borderDash).toEqual([6, 4]);
		// Dots on the per-epoch series (few points), none on the plain one.
		expect([train.pointRadius, val.pointRadius]).toEqual([2.5, 0]);
		expect(chartOf(view).options.animation).toBe(false);

		parent.setCssProps({ "--color-blue": "rgb(9, 9, 9)" });
		notifyThemeChange();
		expect(chartOf(view).data.datasets[0].borderColor).toBe("rgb(9, 9, 9)");
		expect(legend(view)[0].querySelector(".cnn-lab-chart-swatch")?.getAttribute("style")).toContain("rgb(9, 9, 9)");

		expect(themeListenerCount()).toBe(before + 1);
		const canvas = view.canvas;
		view.destroy();
		expect(themeListenerCount()).toBe(before);
		expect(liveChartCount()).toBe(charts);
		expect(Chart.getChart(canvas)).toBeUndefined();
		expect(view.el.isConnected).toBe(false);
		expect(chartOfCanvas(canvas)).toBeUndefined();
	});

	it("the legend lists only series with points; its buttons hide and show a series and the axes follow", () => {
		const view = make();
		view.setPoints(0, [{ x: 1, y: 2 }, { x: 2, y: 1 }]);
		view.flush();
		expect(legend(view).map((b) => b.textContent)).toEqual(["train"]);
		view.setPoints(1, [{ x: 1, y: 3 }, { x: 2, y: 4 }]);
		view.flush();
		const [, val] = legend(view);
		expect(val.querySelector(".cnn-lab-chart-swatch")?.classList.contains("is-dashed")).toBe(true);
		expect(view.yRange()?.max).toBeGreaterThanOrEqual(4);
		val.click();
		expect(view.series()[1].hidden).toBe(true);
		expect(chartOf(view).isDatasetVisible(1)).toBe(false);
		const off = legend(view)[1];
		expect(off.getAttribute("aria-pressed")).toBe("false");
		expect(off.classList.contains("is-off")).toBe(true);
		expect(view.yRange()?.max).toBeLessThan(3);
		off.click();
		expect(chartOf(view).isDatasetVisible(1)).toBe(true);
		expect(view.yRange()?.max).toBeGreaterThanOrEqual(4);
		view.destroy();
	});

	it("an accuracy axis is fitted to the data, and its 0–100 % toggle shows the whole range", () => {
		const acc = make(undefined, { yFit: { min: 0, max: 1 }, percent: true });
		acc.setPoints(0, [{ x: 1, y: 0.91 }, { x: 2, y: 0.97 }]);
		acc.flush();
		const fit = acc.yRange();
		expect(fit?.min).toBeGreaterThan(0.8);
		expect(fit?.min).toBeLessThanOrEqual(0.91);
		expect(fit?.max).toBeGreaterThanOrEqual(0.97);
		expect(fit?.max).toBeLessThanOrEqual(1);
		const full = control(acc, "0–100 %");
		expect(full.getAttribute("aria-pressed")).toBe("false");
		full.click();
		expect(full.getAttribute("aria-pressed")).toBe("true");
		expect(acc.yRange()).toEqual({ min: 0, max: 1 });
		// Tick labels are percentages.
		const y = chartOf(acc).scales.y;
		expect(y.ticks.map((tk) => tk.label)).toContain("100 %");
		full.click();
		expect(acc.yRange()?.min).toBeGreaterThan(0.8);
		acc.destroy();
	});

	it("the loss gets a log-scale toggle; a free axis covers the data and skips NaN", () => {
		const loss = make(undefined, { logToggle: true });
		loss.setPoints(0, [{ x: 1, y: 2.3 }, { x: 2, y: 0.05 }, { x: 3, y: NaN }]);
		loss.flush();
		expect(chartOf(loss).scales.y.type).toBe("linear");
		expect(loss.xRange()).toEqual({ min: 1, max: 2 });
		const log = control(loss, "Log scale");
		log.click();
		expect(log.getAttribute("aria-pressed")).toBe("true");
		expect(chartOf(loss).scales.y.type).toBe("logarithmic");
		expect(loss.yRange()?.min).toBeLessThanOrEqual(0.05);
		expect(loss.yRange()?.max).toBeGreaterThanOrEqual(2.3);
		log.click();
		expect(chartOf(loss).scales.y.type).toBe("linear");
		// No log toggle where it was not asked for.
		const plain = make();
		expect(() => control(plain, "Log scale")).toThrow();
	});

	it("the smoothing slider draws the EMA over the raw series, which stays faint behind; at 0 only the raw line is left", () => {
		const parent = document.body.createDiv();
		parent.setCssProps({ "--color-cyan": "rgb(0, 100, 200)" });
		const view = make(parent, { series: [{ label: "batch", color: 5, smooth: true }] });
		const ys = [2, 1.2, 1.6, 0.9, 1.1, 0.7, 0.8];
		view.setPoints(0, ys.map((y, i) => ({ x: i / 7, y })));
		view.flush();
		const chart = chartOf(view);
		const [smooth, raw] = chart.data.datasets;
		const expected = smoothEma(ys, 0.6);
		given(view, 0).forEach((p, i) => expect(p.y).toBeCloseTo(expected[i], 12));
		expect(given(view, 1).map((p) => p.y)).toEqual(ys);
		expect(smooth.borderColor).toBe("rgb(0, 100, 200)");
		expect(raw.borderColor).toBe("rgba(0, 100, 200, 0.25)");
		expect(chart.isDatasetVisible(1)).toBe(true);
		// The raw line is drawn behind the smoothed one.
		expect(raw.order ?? 0).toBeGreaterThan(smooth.order ?? 0);

		const slider = view.el.querySelector<HTMLInputElement>("input.cnn-lab-chart-slider");
		expect(slider?.getAttribute("aria-label")).toBe("Smoothing of Loss");
		if (!slider) throw new Error("no slider");
		slider.value = "0.9";
		slider.dispatchEvent(new Event("input"));
		const heavier = smoothEma(ys, 0.9);
		given(view, 0).forEach((p, i) => expect(p.y).toBeCloseTo(heavier[i], 12));
		slider.value = "0";
		slider.dispatchEvent(new Event("input"));
		expect(given(view, 0).map((p) => p.y)).toEqual(ys);
		expect(chart.isDatasetVisible(1)).toBe(false);
		// The summary tells the raw numbers whatever the smoothing.
		expect(summary(view)).toEqual(["batch: 7 points, last 0.8 (epoch 0.8571), lowest 0.7 (epoch 0.7143)"]);
		view.destroy();
	});

	it("x shows steps instead of epochs once the steps per epoch are known", () => {
		const view = make();
		view.setPoints(0, [{ x: 1, y: 1 }, { x: 2, y: 0.5 }]);
		view.flush();
		const steps = control(view, "Steps");
		expect(steps.hidden).toBe(true);
		view.setStepsPerEpoch(40);
		expect(steps.hidden).toBe(false);
		steps.click();
		expect(given(view, 0).map((p) => p.x)).toEqual([40, 80]);
		expect(view.xRange()).toEqual({ min: 40, max: 80 });
		expect((chartOf(view).scales.x.options as unknown as { title: { text: string } }).title.text).toBe("step");
		steps.click();
		expect(given(view, 0).map((p) => p.x)).toEqual([1, 2]);
		expect((chartOf(view).scales.x.options as unknown as { title: { text: string } }).title.text).toBe("epoch");
		view.destroy();
	});

	it("a 20 000-point series is decimated min/max by chart.js, and its spike survives", () => {
		const view = make(undefined, { series: [{ label: "batch", color: 0, thin: true }] });
		const pts = Array.from({ length: 20000 }, (_, i) => ({ x: i / 1000, y: i === 12345 ? 50 : 1 + Math.sin(i) * 0.1 }));
		view.setPoints(0, pts);
		view.flush();
		const chart = chartOf(view);
		expect(chart.options.plugins?.decimation).toMatchObject({ enabled: true, algorithm: "min-max" });
		const drawn = chart.data.datasets[0].data as { x: number; y: number }[];
		// jsdom's canvas is 300 px wide: at most four points (first, min, max, last) per pixel column.
		expect(drawn.length).toBeLessThanOrEqual(4 * 300);
		expect(drawn.length).toBeGreaterThan(300);
		expect(Math.max(...drawn.map((p) => p.y))).toBe(50);
		expect(view.yRange()?.max).toBeGreaterThanOrEqual(50);
		view.destroy();
	});

	it("keeps a text summary per series for screen readers", () => {
		const view = make();
		view.setPoints(0, [{ x: 1, y: 0.9 }, { x: 2, y: 0.029 }, { x: 3, y: 0.031 }]);
		view.flush();
		expect(view.canvas.getAttribute("role")).toBe("img");
		expect(view.canvas.getAttribute("aria-label")).toBe("Loss");
		expect(summary(view)).toEqual(["train: 3 points, last 0.031 (epoch 3), lowest 0.029 (epoch 2)"]);
		view.push(1, 1, 2);
		view.flush();
		expect(summary(view)[1]).toBe("val: 1 point, 2 (epoch 1)");
		view.destroy();
	});

	it("renders at the pixel ratio of its own window and follows a move to another screen", () => {
		vi.stubGlobal("devicePixelRatio", 2);
		const queries: string[] = [];
		const onChange = new Set<() => void>();
		vi.stubGlobal("matchMedia", (q: string) => {
			queries.push(q);
			return { addEventListener: (_: string, h: () => void) => onChange.add(h), removeEventListener: (_: string, h: () => void) => onChange.delete(h) };
		});
		const view = make();
		view.setPoints(0, [{ x: 1, y: 1 }, { x: 2, y: 2 }]);
		view.flush();
		const chart = chartOf(view);
		expect(chart.currentDevicePixelRatio).toBe(2);
		expect(view.canvas.width).toBe(chart.width * 2);
		vi.stubGlobal("devicePixelRatio", 3);
		[...onChange].forEach((h) => h());
		expect(chart.currentDevicePixelRatio).toBe(3);
		expect(view.canvas.width).toBe(chart.width * 3);
		expect(queries).toEqual(["(resolution: 2dppx)", "(resolution: 3dppx)"]);
		expect(onChange.size).toBe(1);
		view.destroy();
		expect(onChange.size).toBe(0);
	});

	it("Download CSV saves the chart's points through a Blob and an <a download> of its document", async () => {
		const saved = { create: URL.createObjectURL, revoke: URL.revokeObjectURL };
		const blobs: Blob[] = [];
		const urls = { made: 0, revoked: 0 };
		URL.createObjectURL = (b: Blob): string => {
			blobs.push(b);
			urls.made++;
			return "blob:chart";
		};
		URL.revokeObjectURL = (): void => {
			urls.revoked++;
		};
		const clicked: { download: string; href: string }[] = [];
		vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
			clicked.push({ download: this.download, href: this.getAttribute("href") ?? "" });
		});
		vi.useFakeTimers();
		const view = make(undefined, { series: [{ label: 'batch "a"', color: 0, smooth: true, thin: true }, { label: "val", color: 1 }], stepsPerEpoch: 2 });
		view.setPoints(0, [{ x: 0.5, y: 2 }, { x: 1, y: 1 }]);
		view.setPoints(1, [{ x: 1, y: 1.5 }]);
		control(view, "Download CSV").click();
		expect(clicked).toEqual([{ download: "loss.csv", href: "blob:chart" }]);
		vi.advanceTimersByTime(1);
		expect(urls).toEqual({ made: 1, revoked: 1 });
		vi.useRealTimers();
		// jsdom's Blob has no text(): read it as a browser without it would.
		const text = await new Promise<string>((resolve) => {
			const r = new FileReader();
			r.onload = () => resolve(String(r.result));
			r.readAsText(blobs[0]);
		});
		const s = smoothEma([2, 1], 0.6);
		expect(text.split("\r\n")).toEqual(["series,epoch,step,value,smoothed", `"batch ""a""",0.5,1,2,${s[0]}`, `"batch ""a""",1,2,1,${s[1]}`, "val,1,2,1.5,", ""]);
		// The link does not stay in the page.
		expect(document.querySelector("a[download]")).toBeNull();
		view.destroy();
		URL.createObjectURL = saved.create;
		URL.revokeObjectURL = saved.revoke;
	});
});

describe("bar chart (chart.js)", () => {
	it("draws one bar per class on a 0–100 % axis, picks one out, summarises them and is destroyed with its owner", () => {
		const parent = document.body.createDiv();
		parent.setCssProps({ "--color-blue": "rgb(1, 2, 3)", "--interactive-accent": "rgb(7, 7, 7)" });
		const n = liveChartCount();
		const bars = new BarChartView(parent, { title: "Per-class accuracy", xLabel: "class", yLabel: "accuracy", percent: true });
		bars.setData(["cat", "dog", "owl"], [0.5, 0.875, NaN], 1);
		bars.flush();
		const chart = bars.chart;
		if (!chart) throw new Error("no chart");
		expect(chart.data.labels).toEqual(["cat", "dog", "owl"]);
		expect(chart.data.datasets[0].data).toEqual([0.5, 0.875, null]);
		expect(chart.data.datasets[0].backgroundColor).toEqual(["rgb(1, 2, 3)", "rgb(7, 7, 7)", "rgb(1, 2, 3)"]);
		expect([chart.scales.y.min, chart.scales.y.max]).toEqual([0, 1]);
		expect(summary(bars)).toEqual(["Per-class accuracy: highest dog (87.5 %), lowest cat (50 %)", "cat: 50 %", "dog: 87.5 %"]);
		expect(control(bars, "Download CSV").getAttribute("aria-label")).toBe("Download the data of Per-class accuracy as CSV");
		expect(liveChartCount()).toBe(n + 1);
		bars.destroy();
		expect(liveChartCount()).toBe(n);
		expect(bars.el.isConnected).toBe(false);
	});
});

describe("a canvas without a 2D context", () => {
	it("makes no Chart, but the legend and the text summary still tell the numbers", () => {
		const n = liveChartCount();
		const spy = vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue(null);
		const view = make();
		view.setPoints(0, [{ x: 1, y: 0.5 }, { x: 2, y: 0.25 }]);
		view.flush();
		spy.mockRestore();
		expect(view.chart).toBeNull();
		expect(liveChartCount()).toBe(n);
		expect(legend(view).map((b) => b.textContent)).toEqual(["train"]);
		expect(summary(view)).toEqual(["train: 2 points, last 0.25 (epoch 2), lowest 0.25 (epoch 2)"]);
		view.destroy();
		expect(view.el.isConnected).toBe(false);
	});
});
