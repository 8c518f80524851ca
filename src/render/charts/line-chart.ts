import type { Chart as ChartType, ChartDataset } from "chart.js";
import { onThemeChange, readPalette, type Palette } from "../theme";
import { ensureChartParts } from "./register";
import { Throttle } from "./throttle";
import type { Point } from "./series";

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
	/** Shortest time between two redraws. */
	minIntervalMs?: number;
	/**
	 * Make the chart.js chart in a task of its own (its first layout and draw take tens of milliseconds); points
	 * given before then are kept and shown when it appears.
	 */
	deferCreate?: boolean;
}

/**
 * One live line chart: series of {x, y} on linear axes, redrawn at most ~10 times a second, coloured from the
 * theme and recoloured on a theme change. The owner must call destroy() on unload.
 */
export class LineChartView {
	readonly el: HTMLElement;
	readonly canvas: HTMLCanvasElement;
	private chartRef: ChartType<"line", Point[]> | null = null;
	private createTimer: number | null = null;
	private readonly throttle: Throttle;
	private readonly offTheme: () => void;
	private readonly data: Point[][];
	private destroyed = false;

	constructor(
		parent: HTMLElement,
		private readonly opts: LineChartOptions,
	) {
		this.el = parent.createDiv({ cls: "cnn-lab-chart" });
		this.canvas = this.el.createEl("canvas", { cls: "cnn-lab-chart-canvas" });
		this.canvas.setAttribute("role", "img");
		this.canvas.setAttribute("aria-label", opts.title);
		this.data = opts.series.map(() => []);
		this.throttle = new Throttle(() => this.redraw(), opts.minIntervalMs ?? 100);
		this.offTheme = onThemeChange(() => {
			this.applyPalette(readPalette(parent));
			this.redraw();
		});
		if (opts.deferCreate) {
			this.createTimer = window.setTimeout(() => {
				this.createTimer = null;
				this.create(parent);
			}, 0);
		} else this.create(parent);
	}

	/** The chart.js chart: null until made (when deferred) or where the canvas has no 2D context. */
	get chart(): ChartType<"line", Point[]> | null {
		return this.chartRef;
	}

	private create(parent: HTMLElement): void {
		if (this.destroyed) return;
		const Chart = ensureChartParts();
		const opts = this.opts;
		const palette = readPalette(parent);
		const ctx = this.canvas.getContext("2d");
		if (!ctx) return;
		this.chartRef = new Chart<"line", Point[]>(ctx, {
			type: "line",
			data: { datasets: opts.series.map((s, i) => this.dataset(s, this.data[i], palette)) },
			options: {
				animation: false,
				normalized: true,
				parsing: false,
				responsive: typeof ResizeObserver !== "undefined",
				maintainAspectRatio: false,
				interaction: { mode: "nearest", intersect: false },
				scales: {
					x: { type: "linear", title: { display: true, text: opts.xLabel } },
					y: {
						type: "linear",
						min: opts.yMin,
						max: opts.yMax,
						title: { display: true, text: opts.yLabel },
						ticks: opts.percent ? { callback: (v) => `${Math.round(Number(v) * 100)} %` } : {},
					},
				},
				plugins: {
					// A series with no points yet (no previous run, no validation) stays out of the legend.
					legend: { display: true, labels: { filter: (item, data) => (data.datasets[item.datasetIndex ?? 0]?.data.length ?? 0) > 0 } },
					tooltip: { enabled: true },
				},
			},
		});
		this.applyPalette(palette);
		this.chartRef.update("none");
	}

	/** The points of series `i` as the chart holds them. */
	points(i: number): readonly Point[] {
		return this.data[i];
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
		this.throttle.cancel();
		if (this.createTimer !== null) window.clearTimeout(this.createTimer);
		this.offTheme();
		this.chart?.destroy();
		this.el.remove();
	}

	private redraw(): void {
		if (this.destroyed || !this.chart) return;
		this.chart.update("none");
	}

	private dataset(s: SeriesDef, data: Point[], p: Palette): ChartDataset<"line", Point[]> {
		const color = p.series[s.color % p.series.length];
		return {
			label: s.label,
			data,
			borderColor: color,
			backgroundColor: color,
			borderWidth: s.thin ? 1 : 2,
			borderDash: s.dashed ? [6, 4] : [],
			pointRadius: s.dots ? 2.5 : 0,
			tension: 0,
			fill: false,
		};
	}

	private applyPalette(p: Palette): void {
		if (!this.chart) return;
		const o = this.chart.options;
		this.opts.series.forEach((s, i) => {
			const ds = this.chart?.data.datasets[i];
			if (!ds) return;
			const color = p.series[s.color % p.series.length];
			ds.borderColor = color;
			ds.backgroundColor = color;
		});
		const scales = o.scales ?? {};
		for (const axis of [scales.x, scales.y]) {
			if (!axis) continue;
			if (axis.ticks) axis.ticks.color = p.muted;
			if (axis.grid) axis.grid.color = p.border;
			const title = (axis as { title?: { color?: string } }).title;
			if (title) title.color = p.muted;
		}
		if (o.plugins?.legend?.labels) o.plugins.legend.labels.color = p.text;
	}
}
