/**
 * A live line chart drawn by chart.js, with what TensorBoard users expect: a legend whose buttons show or hide a
 * series, a smoothing slider (EMA, the raw series faint behind), a log scale for the loss, an accuracy axis fitted to
 * the data with a 0–100 % toggle, epoch or step on x, "Download CSV", a text summary per series for screen readers,
 * and min/max decimation of long series (chart.js's decimation plugin). The owner calls destroy() on unload.
 */
import type { ChartDataset, Plugin, TooltipItem } from "chart.js";
import { color as parseColor } from "chart.js/helpers";
import { t } from "../../i18n";
import "../../i18n/strings-chart";
import { axisLook, ChartFrame, tooltipLook } from "./chart-frame";
import { formatTick, formatValue } from "./format";
import { smoothEma } from "./smooth";

export { liveChartCount } from "./chart-frame";

export interface Point {
	x: number;
	y: number;
}

export interface SeriesDef {
	label: string;
	/** Index into the palette's series colours. */
	color: number;
	dashed?: boolean;
	/** Draw dots at each point (per-epoch curves) while they stay apart; per-batch curves are plain lines. */
	dots?: boolean;
	/** A thin line, for a dense background curve such as the per-batch loss. */
	thin?: boolean;
	/** A noisy series the smoothing slider applies to (the per-batch loss); its raw points stay faint behind. */
	smooth?: boolean;
	/** Drawn against a second y axis on the right (the learning rate beside the loss), titled `rightLabel`. */
	right?: boolean;
}

/** A vertical line at x with a short label at its top: the best epoch, where early stopping ended the run. */
export interface ChartMarker {
	x: number;
	label: string;
}

export interface LineChartOptions {
	title: string;
	xLabel: string;
	yLabel: string;
	series: SeriesDef[];
	/** Fix the y range; otherwise it follows the data. */
	yMin?: number;
	yMax?: number;
	/** The y axis is fitted to the data within these bounds, and a toggle shows all of them (accuracy: 0–1). */
	yFit?: { min: number; max: number };
	/** Offer a log scale for y (the loss). */
	logToggle?: boolean;
	/** Format y as a percentage. */
	percent?: boolean;
	/** x counts something whole (epochs): no tick between two integers once two whole ones are in range. */
	integerX?: boolean;
	/** Steps (batches) per epoch: with it, x can show steps instead of epochs. */
	stepsPerEpoch?: number | null;
	/** Starting smoothing weight for `smooth` series (TensorBoard's default is 0.6). */
	smoothing?: number;
	/** Shortest time between two redraws. */
	minIntervalMs?: number;
	/** The title of the right-hand axis, for `right` series. */
	rightLabel?: string;
}

/** What a series looks like now, for tests and tools. */
export interface SeriesState {
	label: string;
	points: readonly Point[];
	color: string;
	dashed: boolean;
	hidden: boolean;
}

/** A drawn point: the y shown (smoothed or raw) and the raw one, for the tooltip. */
interface DrawnPoint {
	x: number;
	y: number;
	raw: number;
}

type LineDataset = ChartDataset<"line", DrawnPoint[]>;

const DASH = [6, 4];
/** Dots only while they stay this far apart (CSS px per point). */
const DOT_SPACING = 6;
/** How faint the raw series is behind its smoothed line. */
const RAW_ALPHA = 0.25;

const byCanvas = new WeakMap<HTMLCanvasElement, LineChartView>();

/** The live chart drawing on `canvas`, if any (tests find a block's charts through its DOM). */
export function chartOfCanvas(canvas: HTMLCanvasElement): LineChartView | undefined {
	return byCanvas.get(canvas);
}

export class LineChartView {
	readonly el: HTMLElement;
	readonly canvas: HTMLCanvasElement;
	private readonly frame: ChartFrame<"line">;
	private readonly legend: HTMLElement;
	private readonly data: Point[][];
	private readonly hidden: boolean[];
	/** Per series: its dataset and, for a smoothed series, the faint raw one drawn behind it. */
	private readonly main: LineDataset[] = [];
	private readonly raw: (LineDataset | null)[] = [];
	private readonly dirty: boolean[];
	private readonly stepButton: HTMLButtonElement | null = null;
	private readonly slider: HTMLInputElement | null = null;
	private readonly sliderValue: HTMLElement | null = null;
	private stepsPerEpoch: number | null;
	private smoothing: number;
	private logY = false;
	private fullY = false;
	private xSteps = false;
	private legendKey = "";
	private markerList: ChartMarker[] = [];

	constructor(
		parent: HTMLElement,
		private readonly opts: LineChartOptions,
	) {
		this.frame = new ChartFrame<"line">(parent, { title: opts.title, minIntervalMs: opts.minIntervalMs, csv: () => this.csvRows() }, () => this.sync(), () => this.recolour());
		this.el = this.frame.el;
		this.canvas = this.frame.canvas;
		this.legend = this.el.createDiv({ cls: "cnn-lab-chart-legend" });
		this.el.insertBefore(this.legend, this.frame.box);
		this.data = opts.series.map(() => []);
		this.hidden = opts.series.map(() => false);
		this.dirty = opts.series.map(() => true);
		this.stepsPerEpoch = opts.stepsPerEpoch && opts.stepsPerEpoch > 0 ? opts.stepsPerEpoch : null;
		this.smoothing = opts.smoothing ?? 0.6;

		const f = this.frame;
		if (opts.series.some((s) => s.smooth)) {
			const wrap = f.controls.createEl("label", { cls: "cnn-lab-chart-smoothing" });
			wrap.createSpan({ text: t("chart.smoothing") });
			const slider = wrap.createEl("input", {
				cls: "cnn-lab-chart-slider",
				type: "range",
				attr: { min: "0", max: "0.99", step: "0.01", "aria-label": t("chart.smoothing.aria", { title: opts.title }) },
			});
			slider.value = String(this.smoothing);
			this.sliderValue = wrap.createSpan({ cls: "cnn-lab-chart-slider-value", text: this.smoothing.toFixed(2) });
			slider.addEventListener("input", () => this.setSmoothing(Number(slider.value)));
			this.slider = slider;
		}
		if (opts.logToggle) f.toggle(t("chart.log"), false, (on) => this.setLogScale(on));
		if (opts.yFit) f.toggle(t("chart.fullRange"), false, (on) => this.setFullRange(on));
		this.stepButton = f.toggle(t("chart.xSteps"), false, (on) => this.setXSteps(on));
		this.stepButton.toggleClass("is-unavailable", this.stepsPerEpoch === null);
		this.stepButton.hidden = this.stepsPerEpoch === null;
		f.addDownload();

		opts.series.forEach((s) => {
			this.main.push(this.dataset(s.label, s.dashed ? DASH : [], 0));
			this.raw.push(s.smooth ? this.dataset(s.label, [], 1) : null);
		});
		const datasets = [...this.main, ...this.raw.filter((d): d is LineDataset => d !== null)];
		this.recolour();
		f.start({
			type: "line",
			data: { datasets },
			options: {
				parsing: false,
				normalized: true,
				interaction: { mode: "nearest", axis: "x", intersect: false },
				plugins: { decimation: { enabled: true, algorithm: "min-max" } },
			},
			plugins: [this.markerPlugin()],
		});
		byCanvas.set(this.canvas, this);
		f.request();
	}

	/** The chart.js instance (null once destroyed): tests read its data and options. */
	get chart(): ChartFrame<"line">["chart"] {
		return this.frame.chart;
	}

	/** The points of series `i` as the chart holds them (x in epochs, raw y). */
	points(i: number): readonly Point[] {
		return this.data[i];
	}

	/** Every series with its points, colour and visibility (a hidden one was switched off in the legend). */
	series(): SeriesState[] {
		return this.opts.series.map((s, i) => ({ label: s.label, points: this.data[i], color: this.color(i), dashed: s.dashed === true, hidden: this.hidden[i] }));
	}

	/** The y axis range last drawn (null before the first draw). */
	yRange(): { min: number; max: number } | null {
		const y = this.frame.chart?.scales.y;
		return y ? { min: y.min, max: y.max } : null;
	}

	/** The x axis range last drawn (null before the first draw). */
	xRange(): { min: number; max: number } | null {
		const x = this.frame.chart?.scales.x;
		return x ? { min: x.min, max: x.max } : null;
	}

	/** The vertical markers drawn now. */
	markers(): readonly ChartMarker[] {
		return this.markerList;
	}

	/** Replaces the vertical markers (best epoch, early stop); x in epochs, like the points. */
	setMarkers(list: readonly ChartMarker[]): void {
		this.markerList = list.filter((m) => Number.isFinite(m.x)).map((m) => ({ x: m.x, label: m.label }));
		this.frame.request();
	}

	/**
	 * Draws the markers after the lines: a dashed vertical rule in the muted text colour and its label at the top,
	 * right of the rule (left of it near the right edge). A plugin of this chart only, not registered globally.
	 */
	private markerPlugin(): Plugin<"line"> {
		return {
			id: "cnnLabMarkers",
			afterDatasetsDraw: (chart) => {
				const area = chart.chartArea;
				const x = chart.scales.x;
				if (!area || !x || this.markerList.length === 0) return;
				const scale = this.xSteps && this.stepsPerEpoch ? this.stepsPerEpoch : 1;
				const ctx = chart.ctx;
				const look = this.frame.look;
				ctx.save();
				ctx.strokeStyle = look.palette.muted;
				ctx.lineWidth = 1;
				ctx.setLineDash([3, 3]);
				ctx.font = `11px ${look.font}`;
				ctx.textBaseline = "top";
				this.markerList.forEach((m, k) => {
					const px = x.getPixelForValue(m.x * scale);
					if (!Number.isFinite(px) || px < area.left - 0.5 || px > area.right + 0.5) return;
					ctx.beginPath();
					ctx.moveTo(px, area.top);
					ctx.lineTo(px, area.bottom);
					ctx.stroke();
					const w = ctx.measureText(m.label).width;
					const left = px + 4 + w > area.right;
					const tx = left ? px - 4 - w : px + 4;
					const ty = area.top + 2 + k * 14;
					// On the chart's background, so a label over the curves (accuracy near 100 %) stays readable.
					ctx.fillStyle = look.palette.background;
					ctx.globalAlpha = 0.85;
					ctx.fillRect(tx - 2, ty - 1, w + 4, 14);
					ctx.globalAlpha = 1;
					ctx.fillStyle = look.palette.text;
					ctx.textAlign = "left";
					ctx.fillText(m.label, tx, ty);
				});
				ctx.restore();
			},
		};
	}

	/** Replaces a series' points (the array is copied). */
	setPoints(i: number, pts: readonly Point[]): void {
		const d = this.data[i];
		d.length = 0;
		for (const p of pts) d.push({ x: p.x, y: p.y });
		this.changed(i);
	}

	push(i: number, x: number, y: number): void {
		if (!Number.isFinite(y)) return;
		this.data[i].push({ x, y });
		this.changed(i);
	}

	/** Adds points at the end of series `i` (non-finite values are dropped). */
	append(i: number, pts: readonly Point[]): void {
		for (const p of pts) if (Number.isFinite(p.y)) this.data[i].push({ x: p.x, y: p.y });
		if (pts.length > 0) this.changed(i);
	}

	clear(): void {
		for (let i = 0; i < this.data.length; i++) {
			this.data[i].length = 0;
			this.dirty[i] = true;
		}
		this.frame.request();
	}

	/** Steps per epoch, once known: the "Steps" toggle appears. */
	setStepsPerEpoch(n: number | null): void {
		const v = n && n > 0 && Number.isFinite(n) ? n : null;
		if (v === this.stepsPerEpoch) return;
		this.stepsPerEpoch = v;
		if (this.stepButton) this.stepButton.hidden = v === null;
		if (v === null && this.xSteps) this.xSteps = false;
		// Known from a run's first progress message, for both charts: redrawn in tasks of their own (two synchronous
		// chart.js updates in that message handler made a 50 ms task on a busy machine).
		this.dirty.fill(true);
		this.frame.request();
	}

	setSmoothing(w: number): void {
		this.smoothing = Math.min(0.99, Math.max(0, Number.isFinite(w) ? w : 0));
		if (this.slider && Number(this.slider.value) !== this.smoothing) this.slider.value = String(this.smoothing);
		this.sliderValue?.setText(this.smoothing.toFixed(2));
		this.markAll();
	}

	setLogScale(on: boolean): void {
		this.logY = on;
		this.frame.redraw();
	}

	setFullRange(on: boolean): void {
		this.fullY = on;
		this.frame.redraw();
	}

	setXSteps(on: boolean): void {
		this.xSteps = on && this.stepsPerEpoch !== null;
		this.markAll();
	}

	/** Draws what is pending now (end of a run). */
	flush(): void {
		this.frame.flush();
	}

	destroy(): void {
		if (this.frame.isDestroyed) return;
		byCanvas.delete(this.canvas);
		this.frame.destroy();
	}

	private changed(i: number): void {
		this.dirty[i] = true;
		this.frame.request();
	}

	private markAll(): void {
		this.dirty.fill(true);
		this.frame.redraw();
	}

	private dataset(label: string, dash: number[], order: number): LineDataset {
		return { label, data: [], borderDash: dash, order, pointRadius: 0, pointHoverRadius: 4, borderJoinStyle: "round", borderCapStyle: "round", spanGaps: false };
	}

	private color(i: number): string {
		const c = this.frame.look.palette.series;
		return c[this.opts.series[i].color % c.length];
	}

	/** Colours, fonts and line widths from the theme, into the datasets and the chart's options. */
	private recolour(): void {
		this.opts.series.forEach((s, i) => {
			const c = this.color(i);
			const m = this.main[i];
			m.borderColor = c;
			m.backgroundColor = c;
			m.borderWidth = s.thin ? 1.5 : 2;
			const r = this.raw[i];
			if (r) {
				const faint = parseColor(c).alpha(RAW_ALPHA).rgbString();
				r.borderColor = faint;
				r.backgroundColor = faint;
				r.borderWidth = 1;
			}
		});
		this.legendKey = "";
	}

	private tooltipCallbacks(): Record<string, unknown> {
		const pct = this.opts.percent === true;
		return {
			title: (items: TooltipItem<"line">[]) => (items.length ? `${this.xTitle()} ${formatValue(items[0].parsed.x ?? NaN)}` : ""),
			label: (item: TooltipItem<"line">) => {
				const p = item.raw as DrawnPoint;
				const shown = formatValue(p.y, pct);
				return p.raw !== p.y ? `${item.dataset.label ?? ""}: ${shown} (${t("chart.rawValue", { v: formatValue(p.raw, pct) })})` : `${item.dataset.label ?? ""}: ${shown}`;
			},
		};
	}

	private xTitle(): string {
		return this.xSteps ? t("chart.axis.step") : this.opts.xLabel;
	}

	/** Brings the datasets, axes and legend up to date with the data and the toggles (before each redraw). */
	private sync(): void {
		const chart = this.frame.chart;
		if (!chart) {
			this.drawLegend();
			this.drawSummary();
			return;
		}
		const scale = this.xSteps && this.stepsPerEpoch ? this.stepsPerEpoch : 1;
		const plotWidth = chart.chartArea ? chart.chartArea.right - chart.chartArea.left : chart.width;
		this.opts.series.forEach((s, i) => {
			const d = this.data[i];
			const m = this.main[i];
			const r = this.raw[i];
			if (this.dirty[i]) {
				this.dirty[i] = false;
				const smoothed = s.smooth && this.smoothing > 0 ? smoothEma(d.map((p) => p.y), this.smoothing) : null;
				m.data = d.map((p, k) => ({ x: p.x * scale, y: smoothed ? smoothed[k] : p.y, raw: p.y }));
				if (r) r.data = smoothed ? d.map((p) => ({ x: p.x * scale, y: p.y, raw: p.y })) : [];
			}
			// A lone point has no line to show it: it gets a dot even on a plain series.
			m.pointRadius = d.length === 1 || (s.dots && d.length * DOT_SPACING <= plotWidth) ? 2.5 : 0;
			const index = chart.data.datasets.indexOf(m);
			chart.setDatasetVisibility(index, !this.hidden[i]);
			if (r) chart.setDatasetVisibility(chart.data.datasets.indexOf(r), !this.hidden[i] && r.data.length > 0);
		});
		this.syncAxes(scale);
		this.drawLegend();
		this.drawSummary();
	}

	private syncAxes(scale: number): void {
		const chart = this.frame.chart;
		if (!chart) return;
		const o = this.opts;
		const left = o.series.map((_, i) => i).filter((i) => o.series[i].right !== true);
		const visible = left.filter((i) => !this.hidden[i] && this.data[i].length > 0);
		const pool = visible.length > 0 ? visible : left;
		let xlo = Infinity;
		let xhi = -Infinity;
		let ylo = Infinity;
		let yhi = -Infinity;
		for (const i of pool) {
			for (const p of this.data[i]) {
				if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
				xlo = Math.min(xlo, p.x);
				xhi = Math.max(xhi, p.x);
				ylo = Math.min(ylo, p.y);
				yhi = Math.max(yhi, p.y);
			}
		}
		const hasX = xlo <= xhi;
		// Whole epochs only when at least two fall in the range (a one-epoch run's batches get 0.2, 0.4…).
		const whole = (o.integerX === true || this.xSteps) && hasX && Math.floor(xhi * scale) - Math.ceil(xlo * scale) >= 1;
		const log = this.logY && o.logToggle === true;
		let min: number | undefined = log ? undefined : o.yMin;
		let max: number | undefined = log ? undefined : o.yMax;
		const fit = o.yFit && !log ? o.yFit : null;
		// Fitted: the data with a margin, kept inside the bounds; chart.js then rounds the ends out to whole ticks
		// (its steps, 1, 2 or 5 × 10^k, divide 1, so an accuracy axis never passes 100 %).
		const fitted = fit !== null && !this.fullY && ylo <= yhi;
		if (fit && !fitted) {
			min = fit.min;
			max = fit.max;
		}
		const afterDataLimits = (sc: { min: number; max: number }): void => {
			if (!fit || !fitted) return;
			const pad = Math.max((yhi - ylo) * 0.1, (fit.max - fit.min) * 0.02);
			sc.min = Math.max(fit.min, ylo - pad);
			sc.max = Math.min(fit.max, yhi + pad);
		};
		const pct = o.percent === true;
		const look = axisLook(this.frame.look);
		const stepOf = (ticks: { value: number }[], v: number): number => (ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : Math.abs(v) || 1);
		chart.options.scales = {
			x: {
				type: "linear",
				bounds: "data",
				min: hasX ? xlo * scale : undefined,
				max: hasX ? (xhi > xlo ? xhi : xlo + 1) * scale : undefined,
				ticks: { ...look.ticks, precision: whole ? 0 : undefined, maxRotation: 0, callback: (v, _k, ticks) => formatTick(Number(v), stepOf(ticks, Number(v))) },
				grid: look.grid,
				border: look.border,
				title: { display: true, text: this.xTitle(), ...look.title },
			},
			y: {
				type: log ? "logarithmic" : "linear",
				min,
				max,
				afterDataLimits,
				ticks: { ...look.ticks, callback: (v, _k, ticks) => (log ? formatValue(Number(v), pct) : formatTick(Number(v), stepOf(ticks, Number(v)), pct)) },
				grid: look.grid,
				border: look.border,
				title: { display: true, text: o.yLabel, ...look.title },
			},
		};
		const rightShown = o.series.some((s, i) => s.right === true && !this.hidden[i] && this.data[i].length > 0);
		// The right axis exists only while a right-hand series is drawn (chart.js would make one for any axis id).
		o.series.forEach((s, i) => {
			if (s.right) this.main[i].yAxisID = rightShown ? "y2" : "y";
		});
		if (rightShown)
			chart.options.scales.y2 = {
				type: "linear",
				position: "right",
				min: 0,
				ticks: { ...look.ticks, callback: (v) => formatValue(Number(v)) },
				grid: { drawOnChartArea: false },
				border: look.border,
				title: { display: true, text: o.rightLabel ?? "", ...look.title },
			};
		const plugins = chart.options.plugins;
		if (plugins) plugins.tooltip = { ...tooltipLook(this.frame.look), callbacks: this.tooltipCallbacks() };
	}

	/** One button per series that has points (a series with none yet, e.g. no previous run, stays out). */
	private drawLegend(): void {
		const key = this.data.map((d, i) => (d.length > 0 ? `${i}${this.hidden[i] ? "-" : "+"}` : "")).join(",");
		if (key === this.legendKey) return;
		this.legendKey = key;
		this.legend.empty();
		this.opts.series.forEach((s, i) => {
			if (this.data[i].length === 0) return;
			const b = this.legend.createEl("button", { cls: "cnn-lab-chart-legend-item", attr: { type: "button", "aria-pressed": String(!this.hidden[i]) } });
			if (this.hidden[i]) b.addClass("is-off");
			const sw = b.createSpan({ cls: "cnn-lab-chart-swatch" });
			if (s.dashed) sw.addClass("is-dashed");
			sw.setCssProps({ "--cnn-chart-color": this.color(i) });
			b.createSpan({ text: s.label });
			b.addEventListener("click", () => {
				this.hidden[i] = !this.hidden[i];
				this.frame.redraw();
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
		this.frame.setSummary(lines);
	}

	/** "Download CSV": one row per point, with the step when known and the smoothed value for a smoothed series. */
	private csvRows(): (string | number | null)[][] {
		const rows: (string | number | null)[][] = [["series", "epoch", "step", "value", "smoothed"]];
		const spe = this.stepsPerEpoch;
		this.opts.series.forEach((s, i) => {
			const d = this.data[i];
			const smoothed = s.smooth && this.smoothing > 0 ? smoothEma(d.map((p) => p.y), this.smoothing) : null;
			d.forEach((p, k) => rows.push([s.label, p.x, spe ? Math.round(p.x * spe) : null, p.y, smoothed ? smoothed[k] : null]));
		});
		return rows;
	}
}
