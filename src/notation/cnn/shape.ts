import type { Pair } from "../../engine/model-spec";

/** A per-sample activation shape: an image H×W×C, or a flat vector of `c` features. */
export interface Shape {
	h: number;
	w: number;
	c: number;
	flat: boolean;
}

export function shapeSize(s: Shape): number {
	return s.flat ? s.c : s.h * s.w * s.c;
}

/** "11×11×8" as in the notes, or "400" for a flat vector. */
export function shapeText(s: Shape): string {
	return s.flat ? String(s.c) : `${s.h}×${s.w}×${s.c}`;
}

/** `3` when both axes agree, `3x2` (vertical x horizontal) when they differ: the user's own syntax. */
export function pairText(p: Pair): string {
	return p[0] === p[1] ? String(p[0]) : `${p[0]}x${p[1]}`;
}

/** 61706 → "61 706". */
export function fmtCount(n: number): string {
	if (!Number.isFinite(n)) return String(n);
	const s = Math.round(n).toString();
	if (s.length <= 4) return s;
	return s.replace(/\B(?=(\d{3})+(?!\d))/g, " ");
}

export function fmtBytes(n: number): string {
	const units = ["B", "KB", "MB", "GB", "TB"];
	let v = n;
	let i = 0;
	while (v >= 1024 && i < units.length - 1) {
		v /= 1024;
		i++;
	}
	return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}
