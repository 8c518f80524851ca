/** Compact number labels for the charts' ticks, tooltips and screen-reader summaries. */

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
