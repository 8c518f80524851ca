/**
 * What every CNN Lab chart shares: one chart.js instance on a canvas in a box of its own, a row of controls, a text
 * summary for screen readers, redraws throttled to ~10 a second (chart.update('none'): no animation), colours re-read
 * from the theme on Obsidian's css-change, the pixel ratio of the element's own window (a pop-out's screen), and
 * "Download CSV". Line and bar charts build on it; the owner calls destroy() on unload.
 */
import {
	BarController,
	BarElement,
	CategoryScale,
	Chart,
	Decimation,
	LinearScale,
	LineController,
	LineElement,
	LogarithmicScale,
	PointElement,
	Tooltip,
	type ChartConfiguration,
	type ChartType,
} from "chart.js";
import { t } from "../../i18n";
import "../../i18n/strings-chart";
import { onThemeChange, readPalette, type Palette } from "../theme";
import { csvFileName, downloadCsv, toCsv } from "./csv";
import { Throttle } from "./throttle";
import { windowOf } from "../window-of";

// Only the parts the charts use are registered, so the bundle leaves out the rest of chart.js. Registering is
// idempotent; the legend is our own HTML (real buttons), not chart.js's canvas one.
Chart.register(LineController, LineElement, PointElement, BarController, BarElement, LinearScale, LogarithmicScale, CategoryScale, Tooltip, Decimation);

/**
 * Sent to a chart's element to have it drawn now, on screen or not (print.ts, before it copies the canvases: a chart
 * scrolled out of sight may not be made yet, or may show older values).
 */
export const DRAW_NOW_EVENT = "cnn-lab-chart-draw-now";

/** Chart instances alive (chart.js keeps them by id until destroy()): the leak checks count them. */
export function liveChartCount(): number {
	return Object.keys(Chart.instances).length;
}

export interface FrameOptions {
	title: string;
	/** Shortest time between two redraws. */
	minIntervalMs?: number;
	/** The rows of "Download CSV" (the first is the header), read when the button is pressed. */
	csv: () => (string | number | null)[][];
	/**
	 * A redraw asked for while the chart is off screen waits until it comes into view (the explorer's dense layers:
	 * a stroke on the pad updates each of them every frame, most of them scrolled out of sight).
	 */
	deferOffscreen?: boolean;
}

/** Colours and font of the theme, as chart.js wants them. */
export interface ChartLook {
	palette: Palette;
	font: string;
}

export class ChartFrame<T extends ChartType> {
	readonly el: HTMLElement;
	readonly controls: HTMLElement;
	readonly box: HTMLElement;
	readonly canvas: HTMLCanvasElement;
	readonly summary: HTMLElement;
	chart: Chart<T> | null = null;
	look: ChartLook;
	private readonly throttle: Throttle;
	private readonly offTheme: () => void;
	private offRatio: (() => void) | null = null;
	private readonly sizeObserver: ResizeObserver | null;
	private summaryKey = "";
	private destroyed = false;
	/** On screen (or not watched); `stale`: a redraw was skipped while off screen. */
	private onScreen = true;
	private stale = false;
	private readonly screenObserver: IntersectionObserver | null = null;

	constructor(
		private readonly parent: HTMLElement,
		private readonly opts: FrameOptions,
		/** Brings the chart's data and options up to date before a redraw. */
		private readonly sync: () => void,
		/** Re-colours the chart's options from `look` (theme change). */
		private readonly recolour: () => void,
	) {
		this.el = parent.createDiv({ cls: "cnn-lab-chart" });
		this.controls = this.el.createDiv({ cls: "cnn-lab-chart-controls" });
		this.box = this.el.createDiv({ cls: "cnn-lab-chart-box" });
		this.canvas = this.box.createEl("canvas", { cls: "cnn-lab-chart-canvas" });
		this.canvas.setAttribute("role", "img");
		this.canvas.setAttribute("aria-label", opts.title);
		this.summary = this.el.createEl("ul", { cls: "cnn-lab-sr-only" });
		this.look = this.readLook();
		// Timers of the element's own window (a pop-out's: the main window's are throttled while it is hidden).
		this.throttle = new Throttle(() => this.redraw(), opts.minIntervalMs ?? 100, windowOf(parent));
		this.offTheme = onThemeChange(() => {
			this.look = this.readLook();
			this.recolour();
			this.redraw();
		});
		// The box's size is watched here, with the element's own window's ResizeObserver (chart.js's responsive mode
		// would take the main window's, which does not see a pop-out's layout); a change resizes the chart.
		const win = windowOf(parent) as Window & { ResizeObserver?: typeof ResizeObserver };
		this.sizeObserver = typeof win.ResizeObserver === "function" ? new win.ResizeObserver(() => this.fitBox()) : null;
		this.sizeObserver?.observe(this.box);
		this.screenObserver = opts.deferOffscreen ? this.watchScreen(win) : null;
		// (A listener on this chart's own element: it goes with the element.)
		if (this.screenObserver) this.el.addEventListener(DRAW_NOW_EVENT, () => this.drawEvenOffscreen());
	}

	/** A redraw that was waiting for the chart to come on screen, done now. */
	private drawEvenOffscreen(): void {
		if (this.destroyed || (!this.stale && !this.pendingConfig)) return;
		const was = this.onScreen;
		this.onScreen = true;
		this.redraw();
		this.onScreen = was;
	}

	private watchScreen(win: Window & { IntersectionObserver?: typeof IntersectionObserver }): IntersectionObserver | null {
		if (typeof win.IntersectionObserver !== "function") return null;
		// Off screen until the observer's first report says otherwise (it comes with the next frame): a chart far down
		// the strip is not made at all until it is scrolled to.
		this.onScreen = false;
		const obs = new win.IntersectionObserver(
			(entries) => {
				const e = entries[entries.length - 1];
				if (!e) return;
				this.onScreen = e.isIntersecting;
				if (this.onScreen && this.stale) this.redraw();
			},
			// Drawn a little before it scrolls in, so it is up to date when seen.
			{ rootMargin: "200px" },
		);
		obs.observe(this.el);
		return obs;
	}

	/** A chart to make at its first redraw (startLater), not yet made. */
	private pendingConfig: ChartConfiguration<T> | null = null;

	/**
	 * Makes the chart at its first redraw, a later task (or, with deferOffscreen, once it is on screen): a chart.js
	 * instance costs 10–15 ms of CPU to make (the page's first one ~30 ms), and the explorer's opening or a new strip made
	 * them all in the task that built the view.
	 */
	startLater(config: ChartConfiguration<T>): void {
		this.pendingConfig = config;
		this.request();
	}

	/** True once the chart is made (or cannot be: no 2D context), so drawing now will not make it in this task. */
	get started(): boolean {
		return this.pendingConfig === null;
	}

	/** Makes the chart; `config` gets the options every chart shares. */
	start(config: ChartConfiguration<T>): Chart<T> | null {
		this.pendingConfig = null;
		// No 2D context (a canvas the browser could not back, or a DOM without canvas): the legend and the text summary
		// still tell the numbers; chart.js would throw on its first layout.
		if (!this.canvas.getContext("2d")) return null;
		const win = this.el.ownerDocument.defaultView;
		config.options = {
			// No tick labels until the owner's sync writes its own (formatTick): chart.js's default numeric labels go
			// through Intl.NumberFormat, whose first use on a page was 53 ms of the first chart's 78 (CPU profile).
			scales: { x: { ticks: { callback: () => "" } }, y: { ticks: { callback: () => "" } } },
			...config.options,
			// Sized by this frame's own observer (see the constructor), not chart.js's.
			responsive: false,
			maintainAspectRatio: false,
			animation: false,
			// The element's own window: a pop-out on another screen has its own ratio.
			devicePixelRatio: win?.devicePixelRatio || 1,
		} as ChartConfiguration<T>["options"];
		this.chart = new Chart(this.canvas, config);
		this.fitBox();
		// (A ResizeObserver reports every box it starts watching, so the first size comes from the observer too.)
		this.watchPixelRatio();
		return this.chart;
	}

	/** A redraw within the next ~100 ms (however many are asked for). */
	request(): void {
		if (!this.destroyed) this.throttle.request();
	}

	/** Draws what is pending now (end of a run). */
	flush(): void {
		if (this.throttle.pending) this.throttle.flush();
	}

	/** Draws now (or, off screen with deferOffscreen, when it comes into view). */
	redraw(): void {
		if (this.destroyed) return;
		this.throttle.cancel();
		if (!this.onScreen && (this.chart || this.pendingConfig)) {
			this.stale = true;
			return;
		}
		this.stale = false;
		if (this.pendingConfig) this.start(this.pendingConfig);
		this.sync();
		this.chart?.update("none");
	}

	/** Replaces the summary's lines when they changed. */
	setSummary(lines: readonly string[]): void {
		const key = lines.join("\n");
		if (key === this.summaryKey) return;
		this.summaryKey = key;
		this.summary.empty();
		for (const l of lines) this.summary.createEl("li", { text: l });
	}

	/** A toggle button in the controls row: aria-pressed follows its state. */
	toggle(label: string, pressed: boolean, onChange: (on: boolean) => void): HTMLButtonElement {
		const b = this.controls.createEl("button", { cls: "cnn-lab-chart-control", text: label, attr: { type: "button", "aria-pressed": String(pressed) } });
		b.addEventListener("click", () => {
			const on = b.getAttribute("aria-pressed") !== "true";
			b.setAttribute("aria-pressed", String(on));
			b.toggleClass("is-active", on);
			onChange(on);
		});
		b.toggleClass("is-active", pressed);
		return b;
	}

	/** The "Download CSV" button, last in the controls row. */
	addDownload(): HTMLButtonElement {
		const b = this.controls.createEl("button", {
			cls: "cnn-lab-chart-control cnn-lab-chart-download",
			text: t("chart.csv"),
			attr: { type: "button", "aria-label": t("chart.csv.aria", { title: this.opts.title }) },
		});
		b.addEventListener("click", () => downloadCsv(this.el, csvFileName(this.opts.title), toCsv(this.opts.csv())));
		return b;
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		this.throttle.cancel();
		this.offTheme();
		this.offRatio?.();
		this.sizeObserver?.disconnect();
		this.screenObserver?.disconnect();
		this.chart?.destroy();
		this.chart = null;
		this.el.remove();
	}

	get isDestroyed(): boolean {
		return this.destroyed;
	}

	private readLook(): ChartLook {
		const view = this.el.ownerDocument.defaultView;
		const font = (view ? view.getComputedStyle(this.el).fontFamily : "") || "sans-serif";
		// The parent, not this.el: jsdom does not inherit custom properties in getComputedStyle, browsers do.
		return { palette: readPalette(this.parent), font };
	}

	/**
	 * The chart sized to its box, by number: chart.js left to measure it (resize() with no size) took a box that had
	 * no height yet as "half the width" and wrote that on the canvas, over the rows below (the explorer's dense layers,
	 * made while their strip was being laid out), and the box itself never changed size again to correct it.
	 */
	private fitBox(force = false): void {
		const chart = this.chart;
		if (!chart) return;
		const r = this.box.getBoundingClientRect();
		if (r.width <= 0 || r.height <= 0) {
			if (force) chart.resize();
			return;
		}
		if (force || Math.abs(chart.width - r.width) > 0.5 || Math.abs(chart.height - r.height) > 0.5) chart.resize(r.width, r.height);
	}

	/** A window moved to a screen with another pixel ratio (or zoomed) redraws crisp at the new one. */
	private watchPixelRatio(): void {
		const win = this.el.ownerDocument.defaultView;
		if (!win || typeof win.matchMedia !== "function") return;
		const mq = win.matchMedia(`(resolution: ${win.devicePixelRatio}dppx)`);
		const h = (): void => {
			this.offRatio?.();
			if (this.chart?.options) {
				this.chart.options.devicePixelRatio = win.devicePixelRatio || 1;
				this.fitBox(true);
			}
			this.watchPixelRatio();
		};
		mq.addEventListener("change", h);
		this.offRatio = () => {
			mq.removeEventListener("change", h);
			this.offRatio = null;
		};
	}
}

/** Axis and tooltip colours shared by line and bar charts. */
export function axisLook(look: ChartLook): { ticks: { color: string; font: { family: string; size: number } }; grid: { color: string }; border: { color: string }; title: { color: string; font: { family: string; size: number } } } {
	const p = look.palette;
	return {
		ticks: { color: p.muted, font: { family: look.font, size: 11 } },
		grid: { color: p.border },
		border: { color: p.border },
		title: { color: p.text, font: { family: look.font, size: 12 } },
	};
}

export function tooltipLook(look: ChartLook): Record<string, unknown> {
	const p = look.palette;
	return {
		backgroundColor: p.backgroundAlt,
		borderColor: p.border,
		borderWidth: 1,
		titleColor: p.muted,
		bodyColor: p.text,
		titleFont: { family: look.font, size: 11, weight: "normal" },
		bodyFont: { family: look.font, size: 12 },
		displayColors: true,
		boxWidth: 10,
		boxHeight: 2,
	};
}
