import { t } from "../../i18n";
import "../../i18n/strings-training";

/** Seconds as m:ss (or h:mm:ss), for "time left" and durations. */
export function formatDuration(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) return "–";
	const s = Math.round(seconds);
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const ss = String(s % 60).padStart(2, "0");
	return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * How long a run took: under a minute in seconds ("0.2 s", "12 s"), since m:ss would call a 0.2 s run "0:00";
 * longer as m:ss (or h:mm:ss).
 */
export function formatElapsed(seconds: number): string {
	if (!Number.isFinite(seconds) || seconds < 0) return "–";
	if (seconds < 9.95) return t("training.seconds", { n: seconds.toFixed(1) });
	if (seconds < 59.5) return t("training.seconds", { n: Math.round(seconds) });
	return formatDuration(seconds);
}

/** 0.9612 → "96.1 %". */
export function formatPercent(v: number | null | undefined): string {
	if (v === null || v === undefined || !Number.isFinite(v)) return "–";
	return `${(v * 100).toFixed(1)} %`;
}

export function formatLoss(v: number | null | undefined): string {
	if (v === null || v === undefined || !Number.isFinite(v)) return "–";
	return v >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** Samples per second, rounded to what a person reads. */
export function formatRate(v: number): string {
	if (!Number.isFinite(v) || v <= 0) return "–";
	return v >= 100 ? String(Math.round(v)) : v.toFixed(1);
}
