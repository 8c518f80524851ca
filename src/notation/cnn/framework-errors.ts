/**
 * A framework's shape error pasted into a ```cnn block (alone, under the pasted code, or as an `error: …` line):
 * its numbers are read, the layer of the pasted network that broke is found by the block's own shape inference,
 * and the fix is said in the framework's words ("Linear(1050, 10) must be Linear(1568, 10): the flatten gives
 * 32·7·7 = 1568"). Students search for these messages every day; the shape table already knows the answer.
 */
import type { Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-framework-errors";
import type { Diagnostic } from "../diagnostic";
import type { ShapeReport, ShapeRow } from "./shapes";
import { shapeSize, shapeText } from "./shape";

type Framework = "PyTorch" | "Keras";

/** One pasted error, read: which shape rule broke and the numbers the framework printed. */
export type PastedError = { line: number; column: number } & (
	| { kind: "matmul"; batch: number; got: number; inFeatures: number; outFeatures: number }
	| { kind: "channels"; filters: number; expected: number; kernel: Pair; got: number; input: number[] }
	| { kind: "window"; framework: Framework; kernel: Pair; size: Pair }
	| { kind: "rank"; framework: Framework; expected: number; found: number; received: number[] | null }
);

const INT = "(\\d+)";
const MATMUL = new RegExp(`mat1 and mat2 shapes cannot be multiplied \\(${INT}x${INT} and ${INT}x${INT}\\)`);
const CHANNELS = new RegExp(
	`weight of size \\[${INT}, ${INT}, ${INT}, ${INT}\\], expected input\\[([\\d, ]+)\\] to have ${INT} channels, but got ${INT}(?: channels)?`,
);
const PADDED = new RegExp(`padded input size per channel: \\(${INT} x ${INT}\\)\\. Kernel size: \\(${INT} x ${INT}\\)`);
const NEGATIVE = new RegExp(`Negative dimension size caused by subtracting ${INT} from ${INT}`);
const MIN_NDIM = new RegExp(`expected (?:min_)?ndim=${INT}, found ndim=${INT}`);
const TORCH_RANK = /Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d, but got input of size: \[([\d, ]+)\]/;
const RECEIVED = /Full shape received: \(([^)]*)\)/;
// the lines of a traceback around the message: they are no network and no notation
const TRACEBACK = /^\s*(?:Traceback \(most recent call last\):|File ".*", line \d+|\^+\s*$|[\w.]*(?:Error|Exception):)/;
const ERROR_LINE = /^\s*(?:#\s*)?error\s*:/i;

const ints = (s: string): number[] => s.split(",").map((x) => x.trim()).filter((x) => /^\d+$/.test(x)).map(Number);

function readLine(text: string, line: number): PastedError | null {
	const at = (m: RegExpExecArray): { line: number; column: number } => ({ line, column: m.index + 1 });
	let m = MATMUL.exec(text);
	if (m) return { ...at(m), kind: "matmul", batch: +m[1], got: +m[2], inFeatures: +m[3], outFeatures: +m[4] };
	m = CHANNELS.exec(text);
	if (m) return { ...at(m), kind: "channels", filters: +m[1], expected: +m[2], kernel: [+m[3], +m[4]], input: ints(m[5]), got: +m[7] };
	m = PADDED.exec(text);
	if (m) return { ...at(m), kind: "window", framework: "PyTorch", size: [+m[1], +m[2]], kernel: [+m[3], +m[4]] };
	m = NEGATIVE.exec(text);
	if (m) return { ...at(m), kind: "window", framework: "Keras", kernel: [+m[1], +m[1]], size: [+m[2], +m[2]] };
	m = MIN_NDIM.exec(text);
	if (m) {
		const r = RECEIVED.exec(text);
		const received = r ? r[1].split(",").map((x) => x.trim()).filter(Boolean).map((x) => (/^\d+$/.test(x) ? +x : 0)) : null;
		return { ...at(m), kind: "rank", framework: "Keras", expected: +m[1], found: +m[2], received };
	}
	m = TORCH_RANK.exec(text);
	if (m) {
		const received = ints(m[1]);
		return { ...at(m), kind: "rank", framework: "PyTorch", expected: 4, found: received.length, received };
	}
	return null;
}

/**
 * The pasted errors of a block, and the lines that belong to them (the messages, `error:` lines and the
 * traceback around them), which the caller leaves out of the network. Lines are 1-based.
 */
export function readPastedErrors(lines: readonly string[]): { errors: PastedError[]; errorLines: Set<number> } {
	const errors: PastedError[] = [];
	const errorLines = new Set<number>();
	lines.forEach((text, i) => {
		const e = readLine(text, i + 1);
		if (e) {
			errors.push(e);
			errorLines.add(i + 1);
		} else if (ERROR_LINE.test(text)) errorLines.add(i + 1);
	});
	if (errors.length > 0) lines.forEach((text, i) => TRACEBACK.test(text) && errorLines.add(i + 1));
	return { errors, errorLines };
}

/** An explanation: at the row of the layer that broke when the network shows it, else at the error's own line. */
export interface Explanation {
	diagnostic: Diagnostic;
	row: ShapeRow | null;
}

const kernelArg = (k: Pair): string => (k[0] === k[1] ? String(k[0]) : `(${k[0]}, ${k[1]})`);
const square = (p: Pair): string => `${p[0]}×${p[1]}`;
const tuple = (dims: readonly (number | string)[]): string => `(${dims.join(", ")})`;

/** The module's prefix as the user wrote it ("nn." in `nn.Linear(…)`), so the fix reads like their code. */
function prefixOf(row: ShapeRow | null, cls: string): string {
	const m = row ? new RegExp(`([\\w.]*?)${cls}\\s*\\(`).exec(row.layer.text) : null;
	return m ? m[1] : "";
}

/** What to do when the network does not show the layer: paste it, or check that it is the code that ran. */
function hint(report: ShapeReport | null): string {
	return report?.input ? t("fe.hint.notHere", { input: shapeText(report.input) }) : t("fe.hint.paste");
}

function diag(line: number, column: number, message: string, suggestion?: string): Diagnostic {
	const d: Diagnostic = { line, column, severity: "error", message };
	if (suggestion !== undefined) d.suggestion = suggestion;
	return d;
}

/** Where the features a row receives come from: "the flatten gives 32·7·7 = 1568" (PyTorch's C·H·W order). */
function featuresFrom(report: ShapeReport, i: number): string {
	const prev = i > 0 ? report.rows[i - 1] : null;
	const got = report.rows[i].input ? shapeSize(report.rows[i].input) : 0;
	if (prev && prev.layer.word === "flatten" && prev.input && !prev.input.flat) {
		const s = prev.input;
		return t("fe.fromFlatten", { c: s.c, h: s.h, w: s.w, n: got });
	}
	return t("fe.fromBefore", { n: got });
}

function explainMatmul(e: Extract<PastedError, { kind: "matmul" }>, report: ShapeReport | null): Explanation {
	const i = report ? report.rows.findIndex((r) => r.layer.word === "dense" && r.layer.units === e.outFeatures && r.input !== null && shapeSize(r.input) === e.got) : -1;
	const row = i >= 0 ? report!.rows[i] : null;
	const p = prefixOf(row, "Linear");
	const bad = `${p}Linear(${e.inFeatures}, ${e.outFeatures})`;
	const good = `${p}Linear(${e.got}, ${e.outFeatures})`;
	if (row) {
		const because = featuresFrom(report!, i);
		return { row, diagnostic: diag(row.layer.line, row.layer.column, t("fe.matmul.row", { line: e.line, bad, good, because }), good) };
	}
	return { row: null, diagnostic: diag(e.line, e.column, t("fe.matmul.alone", { bad, good, got: e.got, batch: e.batch, want: e.inFeatures, hint: hint(report) }), good) };
}

function explainChannels(e: Extract<PastedError, { kind: "channels" }>, report: ShapeReport | null): Explanation {
	const fits = (r: ShapeRow): boolean => r.layer.word === "conv" && r.layer.filters === e.filters && r.layer.kernel?.[0] === e.kernel[0] && r.layer.kernel?.[1] === e.kernel[1];
	const i = report ? report.rows.findIndex((r) => fits(r) && r.input !== null && r.input.c === e.got) : -1;
	const row = i >= 0 ? report!.rows[i] : null;
	const p = prefixOf(row, "Conv2d");
	const bad = `${p}Conv2d(${e.expected}, ${e.filters}, ${kernelArg(e.kernel)})`;
	const good = `${p}Conv2d(${e.got}, ${e.filters}, ${kernelArg(e.kernel)})`;
	const shape = `[${e.input.join(", ")}]`;
	if (row) {
		const because = i === 0 ? t(e.got === 1 ? "fe.channels.fromData1" : "fe.channels.fromData", { n: e.got, shape, want: e.expected }) : t("fe.channels.fromBefore", { n: e.got });
		return { row, diagnostic: diag(row.layer.line, row.layer.column, t("fe.channels.row", { line: e.line, bad, good, because }), good) };
	}
	return { row: null, diagnostic: diag(e.line, e.column, t("fe.channels.alone", { bad, good, got: e.got, shape, want: e.expected, hint: hint(report) }), good) };
}

function explainWindow(e: Extract<PastedError, { kind: "window" }>, report: ShapeReport | null): Explanation {
	// the first row with this window whose input (padded, for PyTorch) is the size the framework printed
	const padded = (r: ShapeRow, a: 0 | 1): number => {
		const pad = r.layer.pad;
		const size = a === 0 ? r.input!.h : r.input!.w;
		if (e.framework === "Keras" || !Array.isArray(pad)) return size;
		return size + pad[a] + (r.layer.padEnd ?? pad)[a];
	};
	const row =
		report?.rows.find((r) => {
			const k = r.layer.kernel;
			if (!k || !r.input || r.input.flat) return false;
			if (e.framework === "Keras") return (k[0] === e.kernel[0] && padded(r, 0) === e.size[0]) || (k[1] === e.kernel[1] && padded(r, 1) === e.size[1]);
			return k[0] === e.kernel[0] && k[1] === e.kernel[1] && padded(r, 0) === e.size[0] && padded(r, 1) === e.size[1];
		}) ?? null;
	const vars = { framework: e.framework, kernel: square(e.kernel), size: square(e.size), line: e.line };
	if (row) {
		const first = report!.input;
		const shrink = first && !first.flat ? t("fe.window.shrink", { from: `${first.h}×${first.w}`, to: `${row.input!.h}×${row.input!.w}` }) : "";
		return { row, diagnostic: diag(row.layer.line, row.layer.column, t("fe.window.row", { ...vars, shrink }), row.fixes[0]?.line) };
	}
	return { row: null, diagnostic: diag(e.line, e.column, t("fe.window.alone", { ...vars, hint: hint(report) })) };
}

function explainRank(e: Extract<PastedError, { kind: "rank" }>, report: ShapeReport | null): Explanation {
	const row = report?.rows.find((r) => r.layer.word === "conv") ?? null;
	const input = report?.input && !report.input.flat ? report.input : null;
	let fix: string;
	if (e.framework === "Keras") {
		// (None, 28, 28): images without their channel axis; Keras wants (28, 28, 1)
		const dims = e.received && e.received.length === 3 ? [e.received[1], e.received[2]] : input ? [input.h, input.w] : null;
		fix = dims ? `x = x.reshape(-1, ${dims[0]}, ${dims[1]}, 1); input_shape=${tuple([...dims, 1])}` : "x = x[..., None]";
	} else {
		// [32, 784]: flattened images fed to a Conv2d, which wants [N, C, H, W]
		const c = input?.c ?? 1;
		const side = e.received && e.received.length === 2 ? Math.round(Math.sqrt(e.received[1] / c)) : 0;
		const hw = input ? [input.h, input.w] : side * side * c === e.received?.[1] ? [side, side] : null;
		fix = hw ? `x = x.view(-1, ${c}, ${hw[0]}, ${hw[1]})` : "x = x.view(-1, C, H, W)";
	}
	const vars = { framework: e.framework, expected: e.expected, found: e.found, received: e.received ? tuple(e.received.map((n) => (n === 0 ? "None" : n))) : "", fix, line: e.line };
	if (row) return { row, diagnostic: diag(row.layer.line, row.layer.column, t("fe.rank.row", vars), fix) };
	return { row: null, diagnostic: diag(e.line, e.column, t("fe.rank.alone", vars), fix) };
}

/** Each pasted error explained on the network the block reads (report null: the block holds only the error). */
export function explainPastedErrors(errors: readonly PastedError[], report: ShapeReport | null): Explanation[] {
	return errors.map((e) => {
		switch (e.kind) {
			case "matmul":
				return explainMatmul(e, report);
			case "channels":
				return explainChannels(e, report);
			case "window":
				return explainWindow(e, report);
			case "rank":
				return explainRank(e, report);
		}
	});
}
