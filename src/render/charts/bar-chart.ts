/**
 * A bar chart by chart.js: one bar per class (per-class accuracy under a confusion matrix, class probabilities in the
 * explorer), values as percentages on a 0–100 % axis, one bar picked out in the accent colour (the true class, the
 * prediction), a text summary for screen readers and "Download CSV". The owner calls destroy() on unload.
 */
import type { TooltipItem } from "chart.js";
import { t } from "../../i18n";
import "../../i18n/strings-chart";
import { axisLook, ChartFrame, tooltipLook } from "./chart-frame";
import { formatTick, formatValue } from "./format";

export interface BarChartOptions {
	title: string;
	/** The axis under the bars (e.g. "class"). */
	xLabel: string;
	/** The value axis (e.g. "accuracy"). */
	yLabel: string;
	/** Index into the palette's series colours for the bars. */
	color?: number;
	/** Values are fractions shown as percentages; the axis runs 0–100 %. */
	percent?: boolean;
	/** Shortest time between two redraws. */
	minIntervalMs?: number;
}

export class BarChartView {
	readonly el: HTMLElement;
	readonly canvas: HTMLCanvasElement;
	private readonly frame: ChartFrame<"bar">;
	private labels: string[] = [];
	private values: number[] = [];
	private highlight = -1;

	constructor(
		parent: HTMLElement,
		private readonly opts: BarChartOptions,
	) {
		this.frame = new ChartFrame<"bar">(parent, { title: opts.title, minIntervalMs: opts.minIntervalMs, csv: () => this.csvRows() }, () => this.sync(), () => undefined);
		this.el = this.frame.el;
		this.canvas = this.frame.canvas;
		this.el.addClass("cnn-lab-bar-chart");
		this.frame.addDownload();
		this.frame.start({ type: "bar", data: { labels: [], datasets: [{ label: opts.yLabel, data: [] }] }, options: {} });
		this.frame.request();
	}

	/** The chart.js instance (null once destroyed): tests read its data and options. */
	get chart(): ChartFrame<"bar">["chart"] {
		return this.frame.chart;
	}

	/** New bars: one value per label (non-finite values draw no bar); `highlight` picks one out. */
	setData(labels: readonly string[], values: readonly number[], highlight = -1): void {
		this.labels = labels.slice();
		this.values = labels.map((_, i) => values[i] ?? NaN);
		this.highlight = highlight;
		this.frame.request();
	}

	/** Draws what is pending now. */
	flush(): void {
		this.frame.flush();
	}

	destroy(): void {
		this.frame.destroy();
	}

	private sync(): void {
		const chart = this.frame.chart;
		if (!chart) {
			this.drawSummary();
			return;
		}
		const o = this.opts;
		const look = this.frame.look;
		const p = look.palette;
		const base = p.series[(o.color ?? 0) % p.series.length];
		const pct = o.percent === true;
		chart.data.labels = this.labels;
		const ds = chart.data.datasets[0];
		ds.label = o.yLabel;
		ds.data = this.values.map((v) => (Number.isFinite(v) ? v : null));
		ds.backgroundColor = this.values.map((_, i) => (i === this.highlight ? p.accent : base));
		ds.borderWidth = 0;
		const axis = axisLook(look);
		chart.options.scales = {
			x: { type: "category", ticks: { ...axis.ticks, autoSkip: true, maxRotation: 0 }, grid: { display: false }, border: axis.border, title: { display: true, text: o.xLabel, ...axis.title } },
			y: {
				type: "linear",
				min: 0,
				max: pct ? 1 : undefined,
				ticks: { ...axis.ticks, callback: (v, _k, ticks) => formatTick(Number(v), ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : 1, pct) },
				grid: axis.grid,
				border: axis.border,
				title: { display: true, text: o.yLabel, ...axis.title },
			},
		};
		const plugins = chart.options.plugins;
		if (plugins) {
			plugins.tooltip = {
				...tooltipLook(look),
				callbacks: {
					label: (item: TooltipItem<"bar">) => `${o.yLabel}: ${formatValue(Number(item.raw), pct)}`,
				},
			};
		}
		this.drawSummary();
	}

	/** One line for the extremes, then one per bar. */
	private drawSummary(): void {
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
