// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import "../../support/obsidian-stub";
import { chartOfCanvas, LineChartView, liveChartCount, type LineChartOptions } from "../../../src/render/charts/line-chart";
import { ThinnedSeries } from "../../../src/render/charts/series";
import { notifyThemeChange, themeListenerCount } from "../../../src/render/theme";
import { canvasLog, installFakeCanvas, strokes } from "./fake-canvas";

beforeAll(() => installFakeCanvas());
afterEach(() => {
	document.body.empty();
	document.body.removeClass("theme-dark");
	vi.useRealTimers();
	vi.unstubAllGlobals();
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
const draws = (v: LineChartView): number => canvasLog(v.canvas).filter((c) => c.op === "clearRect").length;
const legend = (v: LineChartView): HTMLButtonElement[] => [...v.el.querySelectorAll<HTMLButtonElement>(".cnn-lab-chart-legend button")];
const pointer = (target: EventTarget, type: string, x: number, pointerType = "mouse"): void => {
	target.dispatchEvent(new PointerEvent(type, { clientX: x, clientY: 50, pointerType, bubbles: true }));
};

describe("live line chart", () => {
	it("redraws at most about ten times a second however fast points arrive, and shows all of them", () => {
		vi.useFakeTimers();
		const view = make();
		for (let i = 0; i < 1000; i++) {
			view.push(0, i, 1 / (i + 1));
			if (i % 10 === 0) vi.advanceTimersByTime(1); // 1000 points over 100 ms
		}
		expect(draws(view)).toBeLessThanOrEqual(2);
		vi.advanceTimersByTime(1000);
		expect(draws(view)).toBeLessThanOrEqual(3);
		expect(draws(view)).toBeGreaterThanOrEqual(1);
		expect(view.series()[0].points).toHaveLength(1000);
		view.destroy();
	});

	it("strokes each series in its theme colour, dashed where asked, and recolours on a theme change", () => {
		const parent = document.body.createDiv();
		parent.setCssProps({ "--color-blue": "rgb(1, 2, 3)", "--color-orange": "rgb(4, 5, 6)" });
		const before = themeListenerCount();
		const view = make(parent);
		view.setPoints(0, [{ x: 1, y: 1 }, { x: 2, y: 0.5 }, { x: 3, y: 0.25 }]);
		view.setPoints(1, [{ x: 1, y: 1.2 }, { x: 2, y: 0.9 }]);
		view.flush();
		const lines = strokes(view.canvas).filter((s) => s.color === "rgb(1, 2, 3)" || s.color === "rgb(4, 5, 6)");
		expect(lines).toEqual([
			{ color: "rgb(1, 2, 3)", width: 2, dash: [], segments: 2 },
			{ color: "rgb(4, 5, 6)", width: 2, dash: [6, 4], segments: 1 },
		]);
		expect(view.series().map((s) => s.color)).toEqual(["rgb(1, 2, 3)", "rgb(4, 5, 6)"]);
		// Three dots on the per-epoch series, none on the other.
		expect(canvasLog(view.canvas).filter((c) => c.op === "arc")).toHaveLength(3);

		const mark = canvasLog(view.canvas).length;
		parent.setCssProps({ "--color-blue": "rgb(9, 9, 9)" });
		notifyThemeChange();
		expect(strokes(view.canvas, mark).some((s) => s.color === "rgb(9, 9, 9)")).toBe(true);
		expect(strokes(view.canvas, mark).some((s) => s.color === "rgb(1, 2, 3)")).toBe(false);
		expect(legend(view)[0].querySelector(".cnn-lab-chart-swatch")?.getAttribute("style")).toContain("rgb(9, 9, 9)");

		expect(themeListenerCount()).toBe(before + 1);
		const n = liveChartCount();
		view.destroy();
		expect(themeListenerCount()).toBe(before);
		expect(liveChartCount()).toBe(n - 1);
		expect(view.el.isConnected).toBe(false);
		expect(chartOfCanvas(view.canvas)).toBeUndefined();
	});

	it("the legend lists only series with points; its buttons hide and show a series", () => {
		const view = make();
		view.setPoints(0, [{ x: 1, y: 2 }, { x: 2, y: 1 }]);
		view.flush();
		expect(legend(view).map((b) => b.textContent)).toEqual(["train"]);
		view.setPoints(1, [{ x: 1, y: 3 }, { x: 2, y: 4 }]);
		view.flush();
		const [train, val] = legend(view);
		expect([train.textContent, val.textContent]).toEqual(["train", "val"]);
		expect(val.querySelector(".cnn-lab-chart-swatch")?.classList.contains("is-dashed")).toBe(true);
		// Axes cover both series.
		expect(view.yRange()?.max).toBeGreaterThanOrEqual(4);

		const mark = canvasLog(view.canvas).length;
		val.click();
		expect(view.series()[1].hidden).toBe(true);
		const off = legend(view)[1];
		expect(off.getAttribute("aria-pressed")).toBe("false");
		expect(off.classList.contains("is-off")).toBe(true);
		// Redrawn without the dashed series, and the y axis fits the one left (1..2).
		expect(strokes(view.canvas, mark).filter((s) => Array.isArray(s.dash) && s.dash.length > 0)).toHaveLength(0);
		expect(view.yRange()?.max).toBeLessThan(3);
		off.click();
		expect(legend(view)[1].getAttribute("aria-pressed")).toBe("true");
		expect(view.yRange()?.max).toBeGreaterThanOrEqual(4);
		view.destroy();
	});

	it("a fixed range stays fixed and a free one covers the data with a margin", () => {
		const acc = make(undefined, { yMin: 0, yMax: 1, percent: true });
		acc.setPoints(0, [{ x: 1, y: 0.5 }, { x: 2, y: 0.93 }]);
		acc.flush();
		expect(acc.yRange()).toEqual({ min: 0, max: 1 });
		const ticks = canvasLog(acc.canvas).filter((c) => c.op === "fillText").map((c) => c.args[0]);
		expect(ticks).toContain("100 %");
		expect(ticks).toContain("0 %");

		const free = make();
		free.setPoints(0, [{ x: 1, y: 0.23 }, { x: 2, y: 0.71 }, { x: 3, y: NaN }]);
		free.flush();
		const r = free.yRange();
		expect(r?.min).toBeLessThanOrEqual(0.23);
		expect(r?.max).toBeGreaterThanOrEqual(0.71);
		expect((r?.max ?? 0) - (r?.min ?? 0)).toBeLessThan(1);
		// The NaN point is skipped, for the range too.
		expect(free.xRange()).toEqual({ min: 1, max: 2 });

		const flat = make();
		flat.setPoints(0, [{ x: 1, y: 5 }, { x: 2, y: 5 }]);
		flat.flush();
		expect(flat.yRange()?.min).toBeLessThan(5);
		expect(flat.yRange()?.max).toBeGreaterThan(5);
	});

	it("sizes its canvas to its box times the pixel ratio and follows resizes; destroy disconnects the observer", () => {
		let fire: (() => void) | null = null;
		let connected = 0;
		vi.stubGlobal(
			"ResizeObserver",
			class {
				constructor(cb: () => void) {
					fire = cb;
				}
				observe(): void {
					connected++;
				}
				unobserve(): void {}
				disconnect(): void {
					connected--;
				}
			},
		);
		vi.stubGlobal("devicePixelRatio", 2);
		// The pixel-ratio query: its change listener is what a move to another screen calls.
		const queries: string[] = [];
		const onChange = new Set<() => void>();
		vi.stubGlobal("matchMedia", (q: string) => {
			queries.push(q);
			return { addEventListener: (_: string, h: () => void) => onChange.add(h), removeEventListener: (_: string, h: () => void) => onChange.delete(h) };
		});
		const view = make();
		const box = view.el.querySelector<HTMLElement>(".cnn-lab-chart-box");
		if (!box) throw new Error("no box");
		Object.defineProperty(box, "clientWidth", { configurable: true, value: 400 });
		Object.defineProperty(box, "clientHeight", { configurable: true, value: 180 });
		view.setPoints(0, [{ x: 1, y: 1 }, { x: 2, y: 2 }]);
		view.flush();
		expect([view.canvas.width, view.canvas.height]).toEqual([800, 360]);
		expect(canvasLog(view.canvas).find((c) => c.op === "setTransform")?.args).toEqual([2, 0, 0, 2, 0, 0]);
		Object.defineProperty(box, "clientWidth", { configurable: true, value: 250 });
		(fire as (() => void) | null)?.();
		expect(view.canvas.width).toBe(500);
		// Moved to a 3× screen: redrawn at the new ratio, and watching for the next change instead.
		vi.stubGlobal("devicePixelRatio", 3);
		[...onChange].forEach((h) => h());
		expect(view.canvas.width).toBe(750);
		expect(queries).toEqual(["(resolution: 2dppx)", "(resolution: 3dppx)"]);
		expect(onChange.size).toBe(1);
		expect(connected).toBe(1);
		view.destroy();
		expect(connected).toBe(0);
		expect(onChange.size).toBe(0);
	});

	it("thins a 20 000-point series to a few points per pixel column and keeps its spike", () => {
		const view = make(undefined, { series: [{ label: "batch", color: 0, thin: true }] });
		const pts = Array.from({ length: 20000 }, (_, i) => ({ x: i / 1000, y: i === 12345 ? 50 : 1 + Math.sin(i) * 0.1 }));
		view.setPoints(0, pts);
		view.flush();
		const line = strokes(view.canvas).filter((s) => s.width === 1 && s.segments > 10);
		expect(line).toHaveLength(1);
		expect(line[0].segments).toBeLessThan(4 * 300);
		// The spike sets the y axis: it was drawn.
		expect(view.yRange()?.max).toBeGreaterThanOrEqual(50);
	});

	it("shows the values at the nearest x on hover, hides them on leave; a tap keeps them until a tap elsewhere", () => {
		const view = make();
		view.setPoints(0, [{ x: 1, y: 0.9 }, { x: 2, y: 0.5 }, { x: 3, y: 0.25 }]);
		view.setPoints(1, [{ x: 1, y: 1.1 }, { x: 2, y: 0.75 }]);
		view.flush();
		const box = view.el.querySelector(".cnn-lab-chart-box") as HTMLElement;
		const tip = view.el.querySelector(".cnn-lab-chart-tip") as HTMLElement;
		// Pointer just right of the plot's last x (the canvas is 300 px wide in jsdom, at 0,0): epoch 3.
		pointer(view.canvas, "pointermove", 290);
		expect(box.classList.contains("is-hovered")).toBe(true);
		expect(tip.textContent).toContain("epoch 3");
		expect(tip.textContent).toContain("0.25");
		expect(tip.textContent).not.toContain("val"); // val has no point at epoch 3
		pointer(view.canvas, "pointerleave", 290);
		expect(box.classList.contains("is-hovered")).toBe(false);
		// Near the plot's left edge: epoch 1, both series.
		const a = view.xRange();
		expect(a).toEqual({ min: 1, max: 3 });
		pointer(view.canvas, "pointerdown", 60, "touch");
		pointer(view.canvas, "pointerleave", 60, "touch");
		expect(box.classList.contains("is-hovered")).toBe(true);
		expect(tip.textContent).toContain("epoch 1");
		expect(tip.textContent).toContain("0.9");
		expect(tip.textContent).toContain("1.1");
		expect(box.getAttribute("style")).toContain("--cnn-chart-guide-x");
		pointer(document.body, "pointerdown", 0, "touch");
		expect(box.classList.contains("is-hovered")).toBe(false);
		view.destroy();
	});

	it("keeps a text summary per series for screen readers", () => {
		const view = make();
		view.setPoints(0, [{ x: 1, y: 0.9 }, { x: 2, y: 0.029 }, { x: 3, y: 0.031 }]);
		view.flush();
		expect(view.canvas.getAttribute("role")).toBe("img");
		expect(view.canvas.getAttribute("aria-label")).toBe("Loss");
		const items = () => [...view.el.querySelectorAll(".cnn-lab-sr-only li")].map((li) => li.textContent);
		expect(items()).toEqual(["train: 3 points, last 0.031 (epoch 3), lowest 0.029 (epoch 2)"]);
		view.push(1, 1, 2);
		view.flush();
		expect(items()).toHaveLength(2);
		expect(items()[1]).toBe("val: 1 point, 2 (epoch 1)");
	});

	it("labels whole epochs on x, or fractions when less than two whole epochs are in range", () => {
		const xTicks = (pts: { x: number; y: number }[]): unknown[] => {
			const v = make(undefined, { integerX: true });
			v.setPoints(0, pts);
			v.flush();
			// x tick labels are drawn centred; y ones right-aligned.
			const log = canvasLog(v.canvas);
			let align: unknown = "";
			const out: unknown[] = [];
			for (const c of log) {
				if (c.op === "=textAlign") align = c.args[0];
				if (c.op === "=font" && String(c.args[0]).startsWith("12px")) break; // axis titles follow
				if (c.op === "fillText" && align === "center") out.push(c.args[0]);
			}
			return out;
		};
		expect(xTicks([{ x: 1, y: 1 }, { x: 2, y: 0.5 }, { x: 3, y: 0.2 }])).toEqual(["1", "2", "3"]);
		const frac = xTicks([{ x: 0.1, y: 1 }, { x: 1, y: 0.5 }]);
		expect(frac).toContain("0.5");
		expect(frac).toContain("1");
	});

	it("draws empty axes with no points and a dot for a single point", () => {
		const view = make(undefined, { series: [{ label: "x", color: 0 }] });
		view.flush();
		expect(draws(view)).toBe(1);
		expect(legend(view)).toHaveLength(0);
		view.push(0, 4, 0.5);
		view.flush();
		expect(canvasLog(view.canvas).filter((c) => c.op === "arc")).toHaveLength(1);
		expect(view.xRange()?.min).toBeLessThan(4);
		expect(view.xRange()?.max).toBeGreaterThan(4);
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
