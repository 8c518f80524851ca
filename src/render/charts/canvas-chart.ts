import type { Point } from "./series";
import { thinToColumns } from "./thin";
import { formatTick, niceTicks, type Ticks } from "./ticks";

export interface DrawSeries {
	points: readonly Point[];
	color: string;
	width: number;
	dash: readonly number[];
	dots: boolean;
}

export interface ChartScene {
	/** CSS pixels. */
	width: number;
	height: number;
	dpr: number;
	font: string;
	xLabel: string;
	yLabel: string;
	/** Data range to show; the y axis snaps to whole ticks unless fixed. */
	x: { min: number; max: number; integer: boolean };
	y: { min: number; max: number; fixedMin: boolean; fixedMax: boolean };
	percent: boolean;
	colors: { text: string; muted: string; grid: string };
	series: readonly DrawSeries[];
}

/** Where the plot went: its box in CSS pixels and the axes' final ranges, for mapping pointer positions back. */
export interface PlotArea {
	left: number;
	top: number;
	width: number;
	height: number;
	x: Ticks;
	y: Ticks;
}

const TICK_FONT = 11;
const TITLE_FONT = 12;
const GAP = 6;

/** Data x → CSS pixel x in a plot area. */
export function xPx(a: PlotArea, x: number): number {
	return a.left + ((x - a.x.min) / (a.x.max - a.x.min || 1)) * a.width;
}

/** Data → CSS pixel mapping of a plot area. */
export function toPx(a: PlotArea, x: number, y: number): Point {
	return { x: xPx(a, x), y: a.top + a.height - ((y - a.y.min) / (a.y.max - a.y.min || 1)) * a.height };
}

/**
 * Draws a whole chart (axes, grid, tick labels, axis titles, lines, dots) onto a canvas whose backing store is
 * width × height × dpr, and returns the plot area.
 */
export function drawChart(ctx: CanvasRenderingContext2D, s: ChartScene): PlotArea {
	ctx.setTransform(s.dpr, 0, 0, s.dpr, 0, 0);
	ctx.clearRect(0, 0, s.width, s.height);
	ctx.font = `${TICK_FONT}px ${s.font}`;
	// y ticks first (their labels' width decides where the plot starts), about one per 26 px of height.
	const plotH = Math.max(10, s.height - (GAP + TICK_FONT + GAP + TITLE_FONT + GAP) - GAP);
	let y = niceTicks(s.y.min, s.y.max, Math.max(2, Math.floor(plotH / 26)), true);
	if (s.y.fixedMin || s.y.fixedMax) {
		y = { ...y, min: s.y.fixedMin ? s.y.min : y.min, max: s.y.fixedMax ? s.y.max : y.max };
		y.values = y.values.filter((v) => v >= y.min - y.step * 1e-6 && v <= y.max + y.step * 1e-6);
	}
	const yText = y.values.map((v) => formatTick(v, y.step, s.percent));
	const yLabelW = Math.max(0, ...yText.map((t) => ctx.measureText(t).width));
	const left = Math.ceil(TITLE_FONT + GAP + yLabelW + GAP);
	const right = 12;
	const top = GAP + 2;
	const plotW = Math.max(10, s.width - left - right);
	// x ticks: as many as fit with room between labels (the widest label of a trial set + 20 px each). Whole epochs
	// only when at least two fall in the range (a one-epoch run's batches get 0.2, 0.4…).
	const whole = s.x.integer && Math.floor(s.x.max) - Math.ceil(s.x.min) >= 1;
	let x = niceTicks(s.x.min, s.x.max, Math.max(2, Math.floor(plotW / 60)), false, whole);
	const xw = Math.max(...x.values.map((v) => ctx.measureText(formatTick(v, x.step)).width), 0) + 20;
	if (xw * x.values.length > plotW) x = niceTicks(s.x.min, s.x.max, Math.max(1, Math.floor(plotW / xw)), false, whole);
	const area: PlotArea = { left, top, width: plotW, height: plotH, x, y };

	ctx.lineWidth = 1;
	ctx.strokeStyle = s.colors.grid;
	ctx.setLineDash([]);
	ctx.beginPath();
	for (const v of y.values) {
		const py = Math.round(toPx(area, x.min, v).y) + 0.5;
		ctx.moveTo(left, py);
		ctx.lineTo(left + plotW, py);
	}
	for (const v of x.values) {
		const px = Math.round(toPx(area, v, y.min).x) + 0.5;
		ctx.moveTo(px, top);
		ctx.lineTo(px, top + plotH);
	}
	ctx.stroke();

	ctx.fillStyle = s.colors.muted;
	ctx.textAlign = "right";
	ctx.textBaseline = "middle";
	y.values.forEach((v, i) => ctx.fillText(yText[i], left - GAP, toPx(area, x.min, v).y));
	ctx.textAlign = "center";
	ctx.textBaseline = "top";
	x.values.forEach((v) => {
		const t = formatTick(v, x.step);
		const px = toPx(area, v, y.min).x;
		// The first and last labels stay inside the canvas.
		const half = ctx.measureText(t).width / 2;
		ctx.fillText(t, Math.min(s.width - half - 1, Math.max(half + 1, px)), top + plotH + GAP);
	});
	ctx.font = `${TITLE_FONT}px ${s.font}`;
	ctx.fillStyle = s.colors.text;
	ctx.textBaseline = "bottom";
	ctx.fillText(s.xLabel, left + plotW / 2, s.height - GAP / 2);
	ctx.save();
	ctx.translate(GAP / 2, top + plotH / 2);
	ctx.rotate(-Math.PI / 2);
	ctx.textBaseline = "top";
	ctx.fillText(s.yLabel, 0, 0);
	ctx.restore();

	ctx.save();
	ctx.beginPath();
	ctx.rect(left, top - 4, plotW, plotH + 8);
	ctx.clip();
	ctx.lineJoin = "round";
	ctx.lineCap = "round";
	for (const ser of s.series) drawSeries(ctx, area, ser);
	ctx.restore();
	return area;
}

function drawSeries(ctx: CanvasRenderingContext2D, a: PlotArea, s: DrawSeries): void {
	const pts = thinToColumns(s.points, a.x.min, a.x.max, a.width);
	if (pts.length === 0) return;
	ctx.strokeStyle = s.color;
	ctx.fillStyle = s.color;
	ctx.lineWidth = s.width;
	ctx.setLineDash(s.dash);
	ctx.beginPath();
	pts.forEach((p, i) => {
		const q = toPx(a, p.x, p.y);
		if (i === 0) ctx.moveTo(q.x, q.y);
		else ctx.lineTo(q.x, q.y);
	});
	ctx.stroke();
	// A lone point has no line to show it: it gets a dot even on a plain series.
	// Dots only where they stay apart (an epoch curve, not thousands of points).
	if ((!s.dots || pts.length > a.width / 6) && pts.length > 1) return;
	ctx.setLineDash([]);
	const r = s.dots ? 2.5 : s.width + 0.5;
	for (const p of pts) {
		const q = toPx(a, p.x, p.y);
		ctx.beginPath();
		ctx.arc(q.x, q.y, r, 0, 2 * Math.PI);
		ctx.fill();
	}
}
