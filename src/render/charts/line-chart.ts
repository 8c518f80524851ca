import { t } from "../../i18n";
import "../../i18n/strings-chart";
import { onThemeChange, readPalette, type Palette } from "../theme";
import { drawChart, toPx, xPx, type PlotArea } from "./canvas-chart";
import type { Point } from "./series";
import { formatValue } from "./ticks";
import { Throttle } from "./throttle";
import { windowOf } from "../window-of";

export interface SeriesDef {
	label: string;
	/** Index into the palette's series colours. */
	color: number;
	dashed?: boolean;
	/** Draw dots at each point (per-epoch curves); per-batch curves are plain lines. */
	dots?: boolean;
	/** A thin line, for a dense background curve such as the per-batch loss. */
	thin?: boolean;
}

export interface LineChartOptions {
	title: string;
	xLabel: string;
	yLabel: string;
	series: SeriesDef[];
	/** Fix the y range (accuracy 0..1); otherwise it follows the data. */
	yMin?: number;
	yMax?: number;
	/** Format y ticks (e.g. as a percentage). */
	percent?: boolean;
	/** x counts something whole (epochs): never a tick between two integers. */
	integerX?: boolean;
	/** Shortest time between two redraws. */
	minIntervalMs?: number;
}

/** What a series looks like now, for tests and tools. */
export interface SeriesState {
	label: string;
	points: readonly Point[];
	color: string;
	dashed: boolean;
	hidden: boolean;
}

const DASH = [6, 4];
/** A series counts at the hovered x when its nearest point is this close to it (CSS px). */
const HOVER_PX = 8;

let live = 0;
const byCanvas = new WeakMap<HTMLCanvasElement, LineChartView>();

/** Line charts made and not destroyed yet: the leak checks count them. */
export function liveChartCount(): number {
	return live;
}

/** The live chart drawing on `canvas`, if any (tests find a block's charts through its DOM). */
export function chartOfCanvas(canvas: HTMLCanvasElement): LineChartView | undefined {
	return byCanvas.get(canvas);
}

/**
 * One live line chart drawn on a canvas: series of {x, y} on linear axes, an HTML legend whose items show or hide
 * a series, a tooltip at the nearest x, a visually hidden text summary, redrawn at most ~10 times a second, sized
 * to its box (crisp at any pixel ratio) and coloured from the theme. The owner must call destroy() on unload.
 */
export class LineChartView {
	readonly el: HTMLElement;
	readonly canvas: HTMLCanvasElement;
	private readonly legend: HTMLElement;
	private readonly box: HTMLElement;
	private readonly guide: HTMLElement;
	private readonly tip: HTMLElement;
	private readonly summary: HTMLElement;
	private readonly throttle: Throttle;
	private readonly offTheme: () => void;
	private readonly resize: ResizeObserver | null = null;
	private readonly data: Point[][];
	private readonly hidden: boolean[];
	private readonly unlisten: (() => void)[] = [];
	private readonly marks: HTMLElement[] = [];
	private offRatio: (() => void) | null = null;
	private palette: Palette;
	private font = "sans-serif";
	private area: PlotArea | null = null;
	private pointer: { x: number; y: number } | null = null;
	private legendKey = "";
	private summaryKey = "";
	private destroyed = false;

	constructor(
		private readonly parent: HTMLElement,
		private readonly opts: LineChartOptions,
	) {
		this.el = parent.createDiv({ cls: "cnn-lab-chart" });
		this.legend = this.el.createDiv({ cls: "cnn-lab-chart-legend" });
		this.box = this.el.createDiv({ cls: "cnn-lab-chart-box" });
		this.canvas = this.box.createEl("canvas", { cls: "cnn-lab-chart-canvas" });
		this.canvas.setAttribute("role", "img");
		this.canvas.setAttribute("aria-label", opts.title);
		this.guide = this.box.createDiv({ cls: "cnn-lab-chart-guide" });
		this.tip = this.box.createDiv({ cls: "cnn-lab-chart-tip", attr: { "aria-hidden": "true" } });
		this.summary = this.el.createEl("ul", { cls: "cnn-lab-sr-only" });
		this.data = opts.series.map(() => []);
		this.hidden = opts.series.map(() => false);
		this.palette = this.readTheme();
		const win = windowOf(parent);
		this.throttle = new Throttle(() => this.redraw(), opts.minIntervalMs ?? 100, win);
		this.offTheme = onThemeChange(() => {
			this.palette = this.readTheme();
			this.legendKey = "";
			this.redraw();
		});
		if (typeof win.ResizeObserver !== "undefined") {
			// Draw at once on a new size (before the frame is painted, so the old drawing is never seen stretched).
			this.resize = new win.ResizeObserver(() => this.drawCanvas());
			this.resize.observe(this.box);
		}
		this.watchPixelRatio();
		this.listen(this.canvas, "pointermove", (e) => this.hover(e));
		this.listen(this.canvas, "pointerdown", (e) => this.hover(e));
		this.listen(this.canvas, "pointerleave", (e) => {
			// A finger lifted leaves the canvas at once: a tapped tooltip stays until the next tap elsewhere.
			if (e.pointerType !== "touch") this.unhover();
		});
		this.listen(this.el.ownerDocument, "pointerdown", (e) => {
			if (this.pointer && !this.el.contains(e.target as Node)) this.unhover();
		});
		live++;
		byCanvas.set(this.canvas, this);
		this.throttle.request();
	}

	/** The points of series `i` as the chart holds them. */
	points(i: number): readonly Point[] {
		return this.data[i];
	}

	/** Every series with its points, colour and visibility (a hidden one was switched off in the legend). */
	series(): SeriesState[] {
		return this.opts.series.map((s, i) => ({
			label: s.label,
			points: this.data[i],
			color: this.color(s),
			dashed: s.dashed === true,
			hidden: this.hidden[i],
		}));
	}

	/** The y axis range last drawn (null before the first draw). */
	yRange(): { min: number; max: number } | null {
		return this.area ? { min: this.area.y.min, max: this.area.y.max } : null;
	}

	/** The x axis range last drawn (null before the first draw). */
	xRange(): { min: number; max: number } | null {
		return this.area ? { min: this.area.x.min, max: this.area.x.max } : null;
	}

	/** Replaces a series' points (the array is copied). */
	setPoints(i: number, pts: readonly Point[]): void {
		const d = this.data[i];
		d.length = 0;
		for (const p of pts) d.push({ x: p.x, y: p.y });
		this.throttle.request();
	}

	push(i: number, x: number, y: number): void {
		if (!Number.isFinite(y)) return;
		this.data[i].push({ x, y });
		this.throttle.request();
	}

	clear(): void {
		for (const d of this.data) d.length = 0;
		this.throttle.request();
	}

	/** Draws what is pending now (end of a run). */
	flush(): void {
		this.throttle.flush();
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		live--;
		byCanvas.delete(this.canvas);
		this.throttle.cancel();
		this.offTheme();
		this.resize?.disconnect();
		this.offRatio?.();
		for (const off of this.unlisten) off();
		this.unlisten.length = 0;
		this.el.remove();
	}

	private listen<K extends keyof DocumentEventMap>(target: HTMLElement | Document, type: K, fn: (e: DocumentEventMap[K]) => void): void {
		const h = fn as EventListener;
		target.addEventListener(type, h);
		this.unlisten.push(() => target.removeEventListener(type, h));
	}

	/** A window moved to a screen with another pixel ratio (or zoomed) redraws at the new one. */
	private watchPixelRatio(): void {
		const win = this.el.ownerDocument.defaultView;
		if (!win || typeof win.matchMedia !== "function") return;
		const mq = win.matchMedia(`(resolution: ${win.devicePixelRatio}dppx)`);
		const h = (): void => {
			this.offRatio?.();
			this.drawCanvas();
			this.watchPixelRatio();
		};
		mq.addEventListener("change", h);
		this.offRatio = () => {
			mq.removeEventListener("change", h);
			this.offRatio = null;
		};
	}

	private readTheme(): Palette {
		const view = this.el.ownerDocument.defaultView;
		this.font = (view ? view.getComputedStyle(this.el).fontFamily : "") || "sans-serif";
		// The parent, not this.el: jsdom does not inherit custom properties in getComputedStyle, browsers do.
		return readPalette(this.parent);
	}

	private color(s: SeriesDef): string {
		const c = this.palette.series;
		return c[s.color % c.length];
	}

	private redraw(): void {
		if (this.destroyed) return;
		this.drawLegend();
		this.drawSummary();
		this.drawCanvas();
	}

	/** The canvas only (on resize too): axes fitted to the visible series, or to all of them when none is visible. */
	private drawCanvas(): void {
		if (this.destroyed) return;
		const ctx = this.canvas.getContext("2d");
		// Without a layout (jsdom) a default size; with one, nothing to draw while the box is hidden.
		const laidOut = this.resize !== null;
		const w = this.box.clientWidth || (laidOut ? 0 : 300);
		const h = this.box.clientHeight || (laidOut ? 0 : 150);
		if (!ctx || w === 0 || h === 0) return;
		const dpr = this.el.ownerDocument.defaultView?.devicePixelRatio || 1;
		const bw = Math.round(w * dpr);
		const bh = Math.round(h * dpr);
		if (this.canvas.width !== bw) this.canvas.width = bw;
		if (this.canvas.height !== bh) this.canvas.height = bh;
		const shown = this.opts.series.map((_, i) => i).filter((i) => !this.hidden[i] && this.data[i].length > 0);
		let xlo = Infinity;
		let xhi = -Infinity;
		let ylo = Infinity;
		let yhi = -Infinity;
		for (const i of shown.length > 0 ? shown : this.data.map((_, k) => k)) {
			for (const p of this.data[i]) {
				if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
				xlo = Math.min(xlo, p.x);
				xhi = Math.max(xhi, p.x);
				ylo = Math.min(ylo, p.y);
				yhi = Math.max(yhi, p.y);
			}
		}
		const o = this.opts;
		if (xlo > xhi) [xlo, xhi] = [0, 1];
		if (ylo > yhi) [ylo, yhi] = [o.yMin ?? 0, o.yMax ?? 1];
		const p = this.palette;
		this.area = drawChart(ctx, {
			width: w,
			height: h,
			dpr,
			font: this.font,
			xLabel: o.xLabel,
			yLabel: o.yLabel,
			x: { min: xlo, max: xhi, integer: o.integerX === true },
			y: { min: o.yMin ?? ylo, max: o.yMax ?? yhi, fixedMin: o.yMin !== undefined, fixedMax: o.yMax !== undefined },
			percent: o.percent === true,
			colors: { text: p.text, muted: p.muted, grid: p.border },
			series: shown.map((i) => {
				const s = o.series[i];
				return { points: this.data[i], color: this.color(s), width: s.thin ? 1 : 2, dash: s.dashed ? DASH : [], dots: s.dots === true };
			}),
		});
		if (this.pointer) this.showTip(this.pointer.x, this.pointer.y);
	}

	/** One button per series that has points (a series with none yet, e.g. no previous run, stays out). */
	private drawLegend(): void {
		const key = this.data.map((d, i) => (d.length > 0 ? `${i}${this.hidden[i] ? "-" : "+"}` : "")).join(",") + this.palette.series.join();
		if (key === this.legendKey) return;
		this.legendKey = key;
		this.legend.empty();
		this.opts.series.forEach((s, i) => {
			if (this.data[i].length === 0) return;
			const b = this.legend.createEl("button", { cls: "cnn-lab-chart-legend-item", attr: { type: "button", "aria-pressed": String(!this.hidden[i]) } });
			if (this.hidden[i]) b.addClass("is-off");
			const sw = b.createSpan({ cls: "cnn-lab-chart-swatch" });
			if (s.dashed) sw.addClass("is-dashed");
			sw.setCssProps({ "--cnn-chart-color": this.color(s) });
			b.createSpan({ text: s.label });
			b.addEventListener("click", () => {
				this.hidden[i] = !this.hidden[i];
				this.redraw();
			});
		});
	}

	/** The text a screen reader gets instead of the picture: per series its size, last value and best value. */
	private drawSummary(): void {
		const o = this.opts;
		const lines: string[] = [];
		o.series.forEach((s, i) => {
			const d = this.data[i];
			if (d.length === 0) return;
			let best = d[0];
			for (const p of d) if (o.percent ? p.y > best.y : p.y < best.y) best = p;
			const last = d[d.length - 1];
			lines.push(
				t(d.length === 1 ? "chart.summary.one" : o.percent ? "chart.summary.high" : "chart.summary.low", {
					label: s.label,
					n: d.length,
					last: formatValue(last.y, o.percent),
					lastX: formatValue(last.x),
					best: formatValue(best.y, o.percent),
					bestX: formatValue(best.x),
					x: o.xLabel,
				}),
			);
		});
		const key = lines.join("\n");
		if (key === this.summaryKey) return;
		this.summaryKey = key;
		this.summary.empty();
		for (const l of lines) this.summary.createEl("li", { text: l });
	}

	private hover(e: PointerEvent): void {
		const r = this.canvas.getBoundingClientRect();
		this.pointer = { x: e.clientX - r.left, y: e.clientY - r.top };
		this.showTip(this.pointer.x, this.pointer.y);
	}

	private unhover(): void {
		this.pointer = null;
		this.box.removeClass("is-hovered");
	}

	/** The guide line at the x nearest the pointer, a mark on each series there and the tooltip with their values. */
	private showTip(px: number, py: number): void {
		const a = this.area;
		if (!a) return;
		let best: Point | null = null;
		let bestD = Infinity;
		const visible = this.opts.series.map((_, i) => i).filter((i) => !this.hidden[i]);
		// A point of a dotted (per-epoch) series near the pointer wins over a closer per-batch sample, so the
		// tooltip reads "epoch 5", not "epoch 5.2" with the epoch-5 values.
		for (const i of visible) {
			const snap = this.opts.series[i].dots ? HOVER_PX : 0;
			for (const p of this.data[i]) {
				const d = Math.abs(xPx(a, p.x) - px) - snap;
				if (d < bestD && Number.isFinite(p.y)) {
					best = p;
					bestD = d;
				}
			}
		}
		if (!best || px < a.left - HOVER_PX || px > a.left + a.width + HOVER_PX) {
			this.box.removeClass("is-hovered");
			return;
		}
		const gx = xPx(a, best.x);
		this.tip.empty();
		for (const m of this.marks) m.remove();
		this.marks.length = 0;
		this.tip.createDiv({ cls: "cnn-lab-chart-tip-title", text: `${this.opts.xLabel} ${formatValue(best.x)}` });
		for (const i of visible) {
			let near: Point | null = null;
			let nd = Infinity;
			for (const p of this.data[i]) {
				const d = Math.abs(xPx(a, p.x) - gx);
				if (d < nd && Number.isFinite(p.y)) {
					near = p;
					nd = d;
				}
			}
			if (!near || nd > HOVER_PX) continue;
			const s = this.opts.series[i];
			const color = this.color(s);
			const row = this.tip.createDiv({ cls: "cnn-lab-chart-tip-row" });
			row.createSpan({ cls: "cnn-lab-chart-swatch" + (s.dashed ? " is-dashed" : "") }).setCssProps({ "--cnn-chart-color": color });
			row.createSpan({ text: s.label });
			row.createSpan({ cls: "cnn-lab-chart-tip-value", text: formatValue(near.y, this.opts.percent) });
			const q = toPx(a, near.x, near.y);
			if (q.y >= a.top - 4 && q.y <= a.top + a.height + 4) {
				const m = this.box.createDiv({ cls: "cnn-lab-chart-mark" });
				this.marks.push(m);
				m.setCssProps({ "--cnn-chart-color": color, "--cnn-chart-x": `${q.x}px`, "--cnn-chart-y": `${q.y}px` });
			}
		}
		this.box.addClass("is-hovered");
		// Beside the guide line, on the side with room, inside the box (measured now that it is shown).
		const bw = this.box.clientWidth;
		const tw = this.tip.offsetWidth;
		const th = this.tip.offsetHeight;
		let tx = gx + 12;
		if (tx + tw > bw) tx = gx - 12 - tw;
		if (tx < 0) tx = Math.max(0, bw - tw);
		const ty = Math.max(0, Math.min(py - th / 2, this.box.clientHeight - th));
		this.box.setCssProps({
			"--cnn-chart-guide-x": `${gx}px`,
			"--cnn-chart-guide-top": `${a.top}px`,
			"--cnn-chart-guide-h": `${a.height}px`,
			"--cnn-chart-tip-x": `${tx}px`,
			"--cnn-chart-tip-y": `${ty}px`,
		});
	}
}
