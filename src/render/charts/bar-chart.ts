/**
 * A bar chart by chart.js: one bar per class or unit (per-class accuracy under a confusion matrix, class
 * probabilities and a dense layer's units in the explorer). Percentages on a 0–100 % axis or signed values with zero
 * where it falls, bars upright or lying (long class names stay readable), bars picked out (accent, strong, faint,
 * a focus ring), each bar's value written at its end, a click that names the bar under the pointer, a text summary
 * for screen readers and "Download CSV". The owner calls destroy() on unload.
 */
import type { Plugin, TooltipItem } from "chart.js";
import { t } from "../../i18n";
import "../../i18n/strings-chart";
import { axisLook, ChartFrame, tooltipLook } from "./chart-frame";
import { formatTick, formatValue } from "./format";
import type { Palette } from "../theme";

export interface BarChartOptions {
	title: string;
	/** The axis along the bars' names (e.g. "class"). */
	xLabel: string;
	/** The value axis (e.g. "accuracy"). */
	yLabel: string;
	/** Index into the palette's series colours for the bars. */
	color?: number;
	/** Values are fractions shown as percentages; the axis runs 0–100 %. */
	percent?: boolean;
	/**
	 * Values of either sign: the axis fits them, with zero where it falls, and a negative bar is drawn in the first
	 * series colour (a dense layer's units, as the strip's diverging maps show them blue below zero).
	 */
	signed?: boolean;
	/** Bars lying along the value axis, names down the left: ten class names stay whole in a narrow column. */
	horizontal?: boolean;
	/** Each bar's value written at its end (the class probabilities). */
	valueLabels?: boolean;
	/**
	 * A chart beside an accessible list of its own (the explorer's units and classes): no axis titles, no
	 * "Download CSV", no summary list; the chart itself is hidden from assistive technology.
	 */
	compact?: boolean;
	/** How a bar's name is written under (or beside) it; by default the name itself. */
	tickLabel?: (name: string, index: number) => string;
	/** A click on a bar (or anywhere in its column) picks it. */
	onPick?: (index: number) => void;
	/** Shortest time between two throttled redraws (drawNow() draws at once). */
	minIntervalMs?: number;
	/** A class on the chart's element: its size comes from the stylesheet. */
	cls?: string;
	/** Redraws wait while the chart is off screen (ChartFrame's deferOffscreen). */
	deferOffscreen?: boolean;
}

/** Which bars stand out. */
export interface BarMarks {
	/** In the accent colour: the prediction, the picked unit, the true class. */
	accent?: readonly number[];
	/** When given, these bars keep the series colour and the others are drawn faint (the top three of ten). */
	strong?: readonly number[];
	/** The bar the keyboard's focus is on: outlined in the text colour (−1: none). */
	focus?: number;
}

/** Space right of a lying bar for its written value ("100 %"). */
const VALUE_ROOM = 46;

export class BarChartView {
	readonly el: HTMLElement;
	readonly canvas: HTMLCanvasElement;
	private readonly frame: ChartFrame<"bar">;
	private labels: string[] = [];
	private values: number[] = [];
	private marks: BarMarks = {};
	/** What the chart's scales and tooltip were last made for (syncOptions). */
	private optionsLook: unknown = null;
	private optionsKey = "";

	constructor(
		parent: HTMLElement,
		private readonly opts: BarChartOptions,
	) {
		this.frame = new ChartFrame<"bar">(parent, { title: opts.title, minIntervalMs: opts.minIntervalMs, csv: () => this.csvRows(), deferOffscreen: opts.deferOffscreen }, () => this.sync(), () => undefined);
		this.el = this.frame.el;
		this.canvas = this.frame.canvas;
		this.el.addClass("cnn-lab-bar-chart");
		if (opts.cls) this.el.addClass(opts.cls);
		if (opts.compact) {
			this.el.addClass("is-compact");
			this.canvas.setAttribute("aria-hidden", "true");
		} else this.frame.addDownload();
		if (opts.onPick) {
			const onPick = opts.onPick;
			this.el.addClass("is-pickable");
			this.canvas.addEventListener("click", (e) => {
				const i = this.barAt(e.clientX, e.clientY);
				if (i >= 0) onPick(i);
			});
		}
		const plugins: Plugin<"bar">[] = opts.valueLabels ? [this.valueLabelPlugin()] : [];
		this.frame.startLater({
			type: "bar",
			data: { labels: [], datasets: [{ label: opts.yLabel, data: [] }] },
			options: { indexAxis: opts.horizontal ? "y" : "x", layout: { padding: opts.horizontal && opts.valueLabels ? { right: VALUE_ROOM } : 0 } },
			plugins,
		});
	}

	/** The chart.js instance (null before its first draw, once destroyed, or without a 2D context): tests read it. */
	get chart(): ChartFrame<"bar">["chart"] {
		return this.frame.chart;
	}

	/** New bars: one value per label (non-finite values draw no bar); `highlight` picks one out in the accent colour. */
	setData(labels: readonly string[], values: ArrayLike<number>, highlight = -1): void {
		this.labels = labels.slice();
		this.values = this.labels.map((_, i) => (i < values.length ? values[i] : NaN));
		this.marks = highlight >= 0 ? { accent: [highlight] } : {};
		this.frame.request();
	}

	/** The same bars with new values (a stroke on the pad): nothing else changes. */
	setValues(values: ArrayLike<number>): void {
		for (let i = 0; i < this.values.length; i++) this.values[i] = i < values.length ? values[i] : NaN;
		this.frame.request();
	}

	setMarks(marks: BarMarks): void {
		this.marks = marks;
		this.frame.request();
	}

	/**
	 * Draws now, in this task: the explorer redraws its bars in the frame that redraws its maps. A chart not made yet
	 * is made in a task of its own (the throttle's), not in this one.
	 */
	drawNow(): void {
		if (this.frame.started) this.frame.redraw();
		else this.frame.request();
	}

	/** Draws what is pending now. */
	flush(): void {
		this.frame.flush();
	}

	/** The bar under a pointer (the canvas may be scaled down to fit a narrow pane), or −1 outside the bars. */
	barAt(clientX: number, clientY: number): number {
		const chart = this.frame.chart;
		const box = this.canvas.getBoundingClientRect();
		if (!chart || box.width <= 0 || box.height <= 0 || this.labels.length === 0) return -1;
		const x = ((clientX - box.left) * chart.width) / box.width;
		const y = ((clientY - box.top) * chart.height) / box.height;
		const area = chart.chartArea;
		if (x < area.left || x > area.right || y < area.top || y > area.bottom) return -1;
		const scale = this.opts.horizontal ? chart.scales.y : chart.scales.x;
		const v = scale?.getValueForPixel(this.opts.horizontal ? y : x);
		if (v === undefined || !Number.isFinite(v)) return -1;
		const i = Math.round(v);
		return i >= 0 && i < this.labels.length ? i : -1;
	}

	destroy(): void {
		this.frame.destroy();
	}

	get isDestroyed(): boolean {
		return this.frame.isDestroyed;
	}

	/** Each bar's fill: accent, the series colour (the negative one below zero), or faint when only some bars are strong. */
	private fills(p: Palette): string[] {
		const m = this.marks;
		const base = p.series[(this.opts.color ?? 0) % p.series.length];
		const below = this.opts.signed ? p.series[0] : base;
		return this.values.map((v, i) => (m.accent?.includes(i) ? p.accent : !m.strong || m.strong.includes(i) ? (v < 0 ? below : base) : p.faint));
	}

	private sync(): void {
		const chart = this.frame.chart;
		if (!chart) {
			this.drawSummary();
			return;
		}
		const p = this.frame.look.palette;
		chart.data.labels = this.labels;
		const ds = chart.data.datasets[0];
		ds.label = this.opts.yLabel;
		ds.data = this.values.map((v) => (Number.isFinite(v) ? v : null));
		ds.backgroundColor = this.fills(p);
		const focus = this.marks.focus ?? -1;
		ds.borderColor = this.values.map((_, i) => (i === focus ? p.text : "transparent"));
		ds.borderWidth = this.values.map((_, i) => (i === focus ? 2 : 0));
		// The outline round the whole bar, its zero side too: a focus ring, not an underline.
		ds.borderSkipped = false;
		// Thin bars for a hundred units keep a gap; a dozen classes get solid ones.
		ds.categoryPercentage = 0.9;
		ds.barPercentage = this.labels.length > 16 ? 1 : 0.85;
		this.syncOptions(chart);
		this.drawSummary();
	}

	/**
	 * The scales and the tooltip, set again only when what they depend on changed (the theme, the number of bars, a
	 * fixed span): new option objects make chart.js resolve every option again, most of an update's cost, and a
	 * stroke on the pad updates each dense layer's chart every frame.
	 */
	private syncOptions(chart: NonNullable<ChartFrame<"bar">["chart"]>): void {
		const o = this.opts;
		const look = this.frame.look;
		const p = look.palette;
		const pct = o.percent === true;
		const span = this.valueSpan(pct);
		const key = `${this.labels.length}|${span.min}|${span.max}`;
		if (look === this.optionsLook && key === this.optionsKey) return;
		this.optionsLook = look;
		this.optionsKey = key;
		const axis = axisLook(look);
		const title = (text: string): { display: boolean; text: string; color: string; font: { family: string; size: number } } => ({ display: !o.compact, text, ...axis.title });
		const names = {
			type: "category" as const,
			// Every class name down a lying chart (each row has room for one); upright bars skip names that would collide.
			ticks: { ...axis.ticks, autoSkip: !o.horizontal, maxRotation: 0, callback: (_v: unknown, i: number) => this.tickText(i) },
			grid: { display: false },
			border: axis.border,
			title: title(o.xLabel),
		};
		const values = {
			type: "linear" as const,
			min: span.min,
			max: span.max,
			ticks: { ...axis.ticks, maxTicksLimit: o.compact ? 3 : 6, callback: (v: number | string, _k: number, ticks: { value: number }[]) => formatTick(Number(v), ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : 1, pct) },
			// The zero line stands out when bars go both ways.
			grid: { color: (c: { tick?: { value: number } }) => (o.signed && c.tick?.value === 0 ? p.muted : axis.grid.color) },
			border: axis.border,
			title: title(o.yLabel),
		};
		chart.options.scales = o.horizontal ? { x: values, y: names } : { x: names, y: values };
		const plugins = chart.options.plugins;
		if (plugins) {
			plugins.tooltip = {
				...tooltipLook(look),
				callbacks: {
					label: (item: TooltipItem<"bar">) => `${o.yLabel}: ${formatValue(Number(item.raw), pct)}`,
				},
			};
		}
	}

	/** The value axis's ends: 0–100 % for fractions, the values' own span (with zero in it) when signed. */
	private valueSpan(pct: boolean): { min: number | undefined; max: number | undefined } {
		if (!this.opts.signed) return { min: 0, max: pct ? 1 : undefined };
		let lo = 0;
		let hi = 0;
		for (const v of this.values) {
			if (!Number.isFinite(v)) continue;
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
		// A layer of zeros (a dead ReLU) still gets an axis; it is drawn as zeros, not as a full scale.
		if (lo === hi) return { min: lo - 1, max: hi + 1 };
		return { min: undefined, max: undefined };
	}

	private tickText(i: number): string {
		const name = this.labels[i] ?? "";
		return this.opts.tickLabel ? this.opts.tickLabel(name, i) : name;
	}

	/** Writes each bar's value past its end (lying bars) or above it (upright ones), in the muted text colour. */
	private valueLabelPlugin(): Plugin<"bar"> {
		return {
			id: "cnnLabValueLabels",
			afterDatasetsDraw: (chart) => {
				const meta = chart.getDatasetMeta(0);
				const ctx = chart.ctx;
				const look = this.frame.look;
				const pct = this.opts.percent === true;
				ctx.save();
				ctx.fillStyle = look.palette.muted;
				ctx.font = `11px ${look.font}`;
				ctx.textBaseline = "middle";
				ctx.textAlign = this.opts.horizontal ? "left" : "center";
				meta.data.forEach((bar, i) => {
					const v = this.values[i];
					if (!Number.isFinite(v)) return;
					const { x, y } = bar.getProps(["x", "y"], true) as { x: number; y: number };
					if (this.opts.horizontal) ctx.fillText(formatValue(v, pct), x + 4, y);
					else ctx.fillText(formatValue(v, pct), x, y - 7);
				});
				ctx.restore();
			},
		};
	}

	/** One line for the extremes, then one per bar (a compact chart's own list says it instead). */
	private drawSummary(): void {
		if (this.opts.compact) return;
		const pct = this.opts.percent === true;
		const shown = this.values.map((v, i) => ({ v, label: this.labels[i] })).filter((b) => Number.isFinite(b.v));
		if (shown.length === 0) {
			this.frame.setSummary([]);
			return;
		}
		let hi = shown[0];
		let lo = shown[0];
		for (const b of shown) {
			if (b.v > hi.v) hi = b;
			if (b.v < lo.v) lo = b;
		}
		const lines = [
			t("chart.bar.extremes", { title: this.opts.title, high: hi.label, highValue: formatValue(hi.v, pct), low: lo.label, lowValue: formatValue(lo.v, pct) }),
			...shown.map((b) => t("chart.bar.summary", { label: b.label, value: formatValue(b.v, pct) })),
		];
		this.frame.setSummary(lines);
	}

	private csvRows(): (string | number | null)[][] {
		return [[this.opts.xLabel, this.opts.yLabel], ...this.labels.map((l, i) => [l, this.values[i]])];
	}
}
