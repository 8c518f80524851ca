/** Axis ranges, "nice" tick steps (1, 2 or 5 × 10^k) and compact tick labels for the line charts. */

export interface Ticks {
	min: number;
	max: number;
	step: number;
	values: number[];
}

/** The smallest 1-2-5 step that cuts `span` into at most `maxTicks` intervals. */
export function niceStep(span: number, maxTicks: number): number {
	if (!(span > 0) || !Number.isFinite(span)) return 1;
	const raw = span / Math.max(1, maxTicks);
	const mag = 10 ** Math.floor(Math.log10(raw));
	for (const m of [1, 2, 5, 10]) if (m * mag >= raw * (1 - 1e-9)) return m * mag;
	return 10 * mag;
}

/** Past this the span of a range overflows (1e308 − (−1e308)) and its steps stop being numbers. */
const LIMIT = 1e300;

/**
 * A data range that can be drawn: finite, within ±1e300, min < max by more than float noise (a flat, one-point or
 * subnormal range is widened around its value).
 */
export function padRange(lo: number, hi: number): { min: number; max: number } {
	if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { min: 0, max: 1 };
	lo = Math.max(-LIMIT, Math.min(LIMIT, lo));
	hi = Math.max(-LIMIT, Math.min(LIMIT, hi));
	const scale = Math.max(Math.abs(lo), Math.abs(hi));
	if (hi - lo > scale * 1e-12 && hi - lo > 1e-290) return { min: lo, max: hi };
	const mid = lo / 2 + hi / 2;
	const d = scale < 1e-290 ? 1 : scale * 0.1;
	return { min: mid - d, max: mid + d };
}

/**
 * Ticks for [lo, hi]. With `snap` the range grows to whole steps (a y axis: the data gets a margin); without it the
 * range stays as given and only the ticks inside it are listed (an x axis from the first to the last point).
 * `integer` keeps the step at 1 or more (epochs).
 */
export function niceTicks(lo: number, hi: number, maxTicks: number, snap: boolean, integer = false): Ticks {
	const r = padRange(lo, hi);
	let step = niceStep(r.max - r.min, maxTicks);
	if (integer && step < 1) step = 1;
	const min = snap ? Math.floor(r.min / step + 1e-9) * step : r.min;
	const max = snap ? Math.ceil(r.max / step - 1e-9) * step : r.max;
	const values: number[] = [];
	const first = Math.ceil(min / step - 1e-9);
	const last = Math.floor(max / step + 1e-9);
	// Multiplying (not adding) keeps 0.1 × 3 from drifting to 0.30000000000000004 as a sum would.
	for (let k = first; k <= last && values.length < 1000; k++) values.push(clean(k * step));
	return { min, max, step, values };
}

/** Rounds away float noise below the 12th significant digit (0.30000000000000004 → 0.3). */
function clean(v: number): number {
	return v === 0 ? 0 : Number(v.toPrecision(12));
}

function trimZeros(s: string): string {
	return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}

/**
 * A short tick label: as many decimals as the step needs, "2.5k" / "1.2M" for large values, "1e-4" for tiny ones.
 * `percent` shows fractions as percentages (0.25 → "25 %").
 */
export function formatTick(v: number, step: number, percent = false): string {
	if (percent) return `${formatTick(v * 100, step * 100)} %`;
	if (!Number.isFinite(v)) return String(v);
	const a = Math.abs(v);
	if (a < step * 1e-6 || a === 0) return "0";
	if (a >= 1e15 || step < 1e-3) {
		const digits = Math.max(0, Math.min(6, Math.floor(Math.log10(a)) - Math.floor(Math.log10(step) + 1e-9)));
		const [m, e] = v.toExponential(digits).split("e");
		return `${trimZeros(m)}e${Number(e)}`;
	}
	for (const [unit, suffix] of [[1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]] as const) {
		if (a >= unit) return trimZeros((v / unit).toFixed(decimals(step / unit))) + suffix;
	}
	return trimZeros(v.toFixed(decimals(step)));
}

function decimals(step: number): number {
	return Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9)));
}

/** A value for a tooltip or the text summary: about 4 significant digits, compact for very small or large values. */
export function formatValue(v: number, percent = false): string {
	if (percent) return `${trimZeros((v * 100).toFixed(Math.abs(v) >= 0.1 ? 1 : 2))} %`;
	const a = Math.abs(v);
	if (a === 0) return "0";
	if (a < 1e-3 || a >= 1e4) return formatTick(v, 10 ** (Math.floor(Math.log10(a)) - 3));
	return trimZeros(v.toPrecision(4));
}
