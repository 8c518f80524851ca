import type { Pair } from "../../engine/model-spec";
import type { PyCall, PyValue } from "./python-calls";

/** A call's argument by position or keyword (keyword wins, as Python would refuse both). */
export function arg(call: PyCall, index: number, ...names: string[]): PyValue | undefined {
	for (const n of names) {
		const v = call.kwargs.get(n);
		if (v !== undefined) return v;
	}
	return index >= 0 ? call.args[index] : undefined;
}

/** One-item sequences read as their item: Python's `(3)` is 3. */
function unwrap(v: PyValue | undefined): PyValue | undefined {
	let cur = v;
	while (cur && cur.k === "seq" && cur.items.length === 1) cur = cur.items[0];
	return cur;
}

export function num(v: PyValue | undefined): number | null {
	const u = unwrap(v);
	return u && u.k === "num" && Number.isFinite(u.v) ? u.v : null;
}

export function str(v: PyValue | undefined): string | null {
	const u = unwrap(v);
	return u && u.k === "str" ? u.v : null;
}

export function bool(v: PyValue | undefined): boolean | null {
	const u = unwrap(v);
	if (!u) return null;
	if (u.k === "bool") return u.v;
	if (u.k === "num") return u.v !== 0;
	return null;
}

export function isNone(v: PyValue | undefined): boolean {
	return v === undefined || v.k === "none";
}

/** An int or an (h, w) pair; null when the value is something else. */
export function pair(v: PyValue | undefined): Pair | null {
	if (!v) return null;
	if (v.k === "num") return Number.isFinite(v.v) ? [v.v, v.v] : null;
	if (v.k === "seq") {
		if (v.items.length === 1) return pair(v.items[0]);
		if (v.items.length === 2) {
			const a = num(v.items[0]);
			const b = num(v.items[1]);
			if (a !== null && b !== null) return [a, b];
		}
	}
	return null;
}

/** The numbers of a flat sequence such as (28, 28, 1); null if any item is not a number. */
export function numbers(v: PyValue | undefined): number[] | null {
	if (!v) return null;
	if (v.k === "num") return [v.v];
	if (v.k !== "seq") return null;
	const out: number[] = [];
	for (const it of v.items) {
		if (it.k === "none") continue; // batch dimension written as None
		const n = num(it);
		if (n === null) return null;
		out.push(n);
	}
	return out;
}

export function isPositiveInt(n: number): boolean {
	return Number.isInteger(n) && n > 0 && n <= 1e9;
}

/**
 * A leaky ReLU's slope as written: the default when it is not given, null when it is given but is no usable
 * number (a name, a string, a slope of thousands), so the caller says so instead of using the default. A slope
 * that is not finite (`1e400`) never gets here: finite.ts refuses it with its parameter's name.
 */
export function slopeArg(v: PyValue | undefined, fallback: number): number | null {
	if (v === undefined) return fallback;
	const n = num(v);
	return n !== null && Math.abs(n) <= 1e3 ? n : null;
}
