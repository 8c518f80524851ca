/**
 * What a chart.js bar chart drew, read from chart.js's own elements after its last update: each bar's place, its
 * value and the colours and border it was drawn with. The explorer's tests use it to check the bars a user sees and
 * to click one where it is drawn.
 */
import { Chart } from "chart.js";
import { until } from "./until";

export interface DrawnBar {
	/** The bar's centre across its width (x of an upright bar, y of a lying one) and its value end. */
	x: number;
	y: number;
	value: number | null;
	fill: unknown;
	border: unknown;
	borderWidth: unknown;
}

export function chartOf(canvas: HTMLCanvasElement): Chart {
	const chart = Chart.getChart(canvas);
	if (!chart) throw new Error("no chart on this canvas");
	return chart;
}

/** Waits for the chart on `canvas` to be made (a chart is made at its first draw, a task after its view). */
export async function chartMade(canvas: HTMLCanvasElement): Promise<void> {
	await until(() => Chart.getChart(canvas) !== undefined && (Chart.getChart(canvas)?.data.datasets[0]?.data.length ?? 0) > 0);
}

export function drawnBars(canvas: HTMLCanvasElement): DrawnBar[] {
	const chart = chartOf(canvas);
	const data = chart.data.datasets[0]?.data ?? [];
	return chart.getDatasetMeta(0).data.map((el, i) => {
		const o = el.options as unknown as Record<string, unknown>;
		const { x, y } = el.getProps(["x", "y"], true) as { x: number; y: number };
		return { x, y, value: (data[i] as number | null) ?? null, fill: o.backgroundColor, border: o.borderColor, borderWidth: o.borderWidth };
	});
}

/** A click in the middle of bar `i`'s column (upright bars) or row (lying ones), the canvas laid out at its own size. */
export function clickBar(canvas: HTMLCanvasElement, i: number, horizontal = false): void {
	const chart = chartOf(canvas);
	const w = chart.width;
	const h = chart.height;
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: w, height: h, right: w, bottom: h, x: 0, y: 0, toJSON: () => ({}) });
	const bar = drawnBars(canvas)[i];
	const area = chart.chartArea;
	const clientX = horizontal ? (area.left + area.right) / 2 : bar.x;
	const clientY = horizontal ? bar.y : (area.top + area.bottom) / 2;
	canvas.dispatchEvent(new MouseEvent("click", { clientX, clientY, bubbles: true }));
}
