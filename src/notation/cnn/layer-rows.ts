/**
 * The shape-table rows of batch norm, global and adaptive average pooling and the transposed convolution, and the
 * notes a grouped, depthwise or strided convolution row adds: each with the user's numbers, PyTorch's semantics.
 */
import type { LayerSpec, Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-layers";
import { formatLayer } from "./fixes";
import { adaptiveBin, axisOut, fmtReal, transposedOut } from "./formula";
import type { RawLayer } from "./raw-layer";
import { fmtCount, pairText, shapeSize, shapeText, type Shape } from "./shape";
import type { Diagnostic } from "../diagnostic";

/** What a row computes besides its output: the table's cells and the engine's spec (null on an error). */
export interface RowResult {
	out: Shape | null;
	spec: LayerSpec | null;
	formulas: string[];
	filter: string;
	params: number;
	nonTrainable: number;
	macs: number;
}

export type RowDiag = (severity: Diagnostic["severity"], message: string, suggestion?: string) => void;

const MINUS = "−";

function empty(out: Shape | null): RowResult {
	return { out, spec: null, formulas: [], filter: "", params: 0, nonTrainable: 0, macs: 0 };
}

/** Both axes' texts, once when they agree: "6×6", or "vertical: …; horizontal: …". */
function perAxis(texts: [string, string]): string[] {
	return texts[0] === texts[1] ? [texts[0]] : [`${t("spec.vertical")}: ${texts[0]}`, `${t("spec.horizontal")}: ${texts[1]}`];
}

export function batchNormRow(L: RawLayer, cur: Shape, diag: RowDiag): RowResult {
	const r = empty(cur);
	const dims = cur.flat ? 1 : 2;
	if (L.bnDims !== undefined && L.bnDims !== dims) {
		diag("warning", t("layers.bnWrongDims", { typed: `BatchNorm${L.bnDims}d`, shape: shapeText(cur), right: `BatchNorm${dims}d` }), `batchnorm${dims}d`);
	}
	const eps = L.eps ?? 1e-5;
	r.formulas = [t(dims === 2 ? "layers.bn2d" : "layers.bn1d", { c: cur.c, eps: eps < 1e-3 ? eps.toExponential().replace("e-", "e−") : String(eps) })];
	r.params = 2 * cur.c;
	r.nonTrainable = 2 * cur.c;
	// evaluated, it is one scale and shift per value
	r.macs = shapeSize(cur);
	r.spec = { type: "batchnorm" };
	if (L.momentum !== undefined) r.spec.momentum = L.momentum;
	if (L.eps !== undefined) r.spec.eps = L.eps;
	return r;
}

export function gapRow(cur: Shape): RowResult {
	const r = empty({ h: 1, w: 1, c: cur.c, flat: true });
	r.formulas = [t("layers.gapFormula", { h: cur.h, w: cur.w, shape: shapeText(cur), c: cur.c })];
	r.filter = `${cur.h}×${cur.w}`;
	r.spec = { type: "gap" };
	return r;
}

/** PyTorch's bins of one axis, "[0, 2) [1, 4) [3, 6) [5, 7)"; the first and last few when there are many. */
function binsText(inSize: number, outSize: number): string {
	const bin = (i: number): string => {
		const [a, b] = adaptiveBin(i, inSize, outSize);
		return `[${a}, ${b})`;
	};
	if (outSize <= 8) return Array.from({ length: outSize }, (_, i) => bin(i)).join(" ");
	return `${[0, 1, 2].map(bin).join(" ")} … ${bin(outSize - 1)}`;
}

export function adaptiveRow(L: RawLayer, cur: Shape): RowResult {
	const size: Pair = L.outSize ?? [1, 1];
	const r = empty({ h: size[0], w: size[1], c: cur.c, flat: false });
	const axis = (inSize: number, outSize: number): string => {
		const bins = t("layers.adaptiveBins", { in: inSize, out: outSize, bins: binsText(inSize, outSize) });
		return inSize % outSize === 0 ? `${bins}; ${t("layers.adaptiveUniform", { k: inSize / outSize, in: inSize, out: outSize })}` : bins;
	};
	r.formulas = perAxis([axis(cur.h, size[0]), axis(cur.w, size[1])]);
	r.spec = { type: "adaptiveavgpool", size };
	return r;
}

/** (i − 1)·s − 2p + d·(k − 1) + output_padding + 1, in the user's numbers. */
export function transposedFormula(i: number, k: number, s: number, p: number, op: number, d: number): string {
	const out = transposedOut(i, k, s, p, op, d);
	return `(${i} ${MINUS} 1)·${s} ${MINUS} 2·${p} + ${d}·(${k} ${MINUS} 1) + ${op} + 1 = ${fmtReal(out)}`;
}

export function transposedRow(L: RawLayer, cur: Shape, diag: RowDiag): RowResult {
	const r = empty(null);
	const k: Pair = L.kernel ?? [3, 3];
	const s: Pair = L.stride ?? [1, 1];
	const d: Pair = L.dilation ?? [1, 1];
	const op: Pair = L.outputPad ?? [0, 0];
	const f = L.filters ?? 1;
	const g = L.groups ?? 1;
	if (L.pad === "same") {
		diag("error", t("layers.transposedSame", { pad: L.pad }), formatLayer({ ...L, pad: [Math.floor(k[0] / 2), Math.floor(k[1] / 2)] }));
		return r;
	}
	const p: Pair = Array.isArray(L.pad) ? L.pad : [0, 0];
	const sizes: Pair = [cur.h, cur.w];
	r.formulas = perAxis([0, 1].map((a) => transposedFormula(sizes[a], k[a], s[a], p[a], op[a], d[a])) as [string, string]);
	const per = (cur.c / g) * k[0] * k[1];
	r.filter = `${k[0]}×${k[1]}×${fmtReal(cur.c / g)} × ${f}`;
	if (!groupsFit(L, cur, f, g, diag)) return r;
	const badOp = ([0, 1] as const).filter((a) => !(op[a] < s[a] || op[a] < d[a]));
	if (badOp.length > 0) {
		const a = badOp[0];
		const fixed: Pair = [Math.min(op[0], Math.max(s[0], d[0]) - 1), Math.min(op[1], Math.max(s[1], d[1]) - 1)];
		diag("error", t("layers.outpadRule", { op: op[a], s: s[a], d: d[a] }), formatLayer({ ...L, outputPad: fixed }));
		return r;
	}
	const out: Pair = [0, 1].map((a) => transposedOut(sizes[a], k[a], s[a], p[a], op[a], d[a])) as Pair;
	if (out[0] < 1 || out[1] < 1) {
		const fit: Pair = [0, 1].map((a) => Math.max(0, Math.min(p[a], Math.floor(((sizes[a] - 1) * s[a] + d[a] * (k[a] - 1) + op[a]) / 2)))) as Pair;
		diag("error", t("layers.transposedEmpty", { formula: r.formulas.join("; ") }), formatLayer({ ...L, pad: fit }));
		return r;
	}
	r.out = { h: out[0], w: out[1], c: f, flat: false };
	r.params = per * f + (L.bias === false ? 0 : f);
	// every input value is spread over a k×k window of each of its group's filters
	r.macs = cur.h * cur.w * cur.c * (f / g) * k[0] * k[1];
	r.formulas.push(...undoesNotes(sizes, out, k, s, p, op, d));
	r.spec = { type: "convtranspose", filters: f, kernel: k, stride: s, pad: p, outputPad: op, dilation: d, bias: L.bias !== false };
	if (g > 1) r.spec.groups = g;
	return r;
}

function convWords(k: Pair, s: Pair, p: Pair, d: Pair): string {
	const parts = [`k${pairText(k)}`, `s${pairText(s)}`, `p${pairText(p)}`];
	if (d[0] !== 1 || d[1] !== 1) parts.push(`d${pairText(d)}`);
	return parts.join(" ");
}

/**
 * "it undoes a conv: 6×6 k3 s2 p1 → 3×3; transposed with outpad 1 → 6×6", then, with a stride, which input sizes
 * that conv maps to the same output (what outpad chooses between).
 */
export function undoesNotes(inSizes: Pair, out: Pair, k: Pair, s: Pair, p: Pair, op: Pair, d: Pair): string[] {
	const back: Pair = [0, 1].map((a) => axisOut({ size: out[a], kernel: k[a], stride: s[a], padBegin: p[a], padEnd: p[a], dilation: d[a], ceil: false }).out) as Pair;
	if (back[0] !== inSizes[0] || back[1] !== inSizes[1]) return [];
	const hw = (x: Pair): string => `${x[0]}×${x[1]}`;
	const opText = op[0] > 0 || op[1] > 0 ? t("layers.undoesOp", { op: pairText(op) }) : "";
	const notes = [t("layers.undoes", { conv: `${hw(out)} ${convWords(k, s, p, d)} → ${hw(inSizes)}`, op: opText, back: hw(out) })];
	if (s[0] > 1 || s[1] > 1) {
		const axis = (a: 0 | 1): string => {
			const lo = transposedOut(inSizes[a], k[a], s[a], p[a], 0, d[a]);
			return Array.from({ length: s[a] }, (_, j) => lo + j).join(", ");
		};
		const texts: [string, string] = [axis(0), axis(1)];
		const sizes = texts[0] === texts[1] ? texts[0] : `${texts[0]} × ${texts[1]}`;
		notes.push(t("layers.outpadChoice", { sizes, i: pairText(inSizes), max: pairText([s[0] - 1, s[1] - 1]) }));
	}
	return notes;
}

/** Greatest common divisor, for the groups that divide both channel counts. */
function gcd(a: number, b: number): number {
	return b === 0 ? a : gcd(b, a % b);
}

/** The channels-divide-by-groups check, with the nearest groups that fit as the fix. */
export function groupsFit(L: RawLayer, cur: Shape, f: number, g: number, diag: RowDiag): boolean {
	if (cur.c % g === 0 && f % g === 0) return true;
	const common = gcd(cur.c, f);
	let best = 1;
	for (let x = 1; x <= common; x++) if (common % x === 0 && Math.abs(x - g) < Math.abs(best - g)) best = x;
	const fixes = [formatLayer({ ...L, groups: best > 1 ? best : undefined })];
	if (cur.c % g === 0) fixes.push(formatLayer({ ...L, filters: Math.ceil(f / g) * g }));
	diag("error", t("layers.groupsProblem", { g, c: cur.c, f }), fixes.join(t("spec.or")));
	return false;
}

/** The notes of a grouped or depthwise conv row: which channels each filter sees and the cost against a plain conv. */
export function groupedNotes(L: RawLayer, cur: Shape, out: Shape, k: Pair, g: number, params: number, macs: number): string[] {
	const f = out.c;
	const per = cur.c / g;
	const notes: string[] = [];
	const fpg = f / g;
	if (L.word === "depthwise") notes.push(t(fpg === 1 ? "layers.depthwiseSee1" : "layers.depthwiseSee", { m: fpg, c: cur.c }));
	else notes.push(t("layers.groupsSee", { g, fFrom: 1, fTo: fpg, cFrom: 1, cTo: per, per }));
	const plainParams = k[0] * k[1] * cur.c * f + (L.bias === false ? 0 : f);
	const plainMacs = out.h * out.w * f * k[0] * k[1] * cur.c;
	notes.push(
		t("layers.vsPlain", { plainParams: fmtCount(plainParams), plainMacs: fmtCount(plainMacs), params: fmtCount(params), macs: fmtCount(macs), ratio: fmtReal(Number((plainMacs / macs).toFixed(1))) }),
	);
	return notes;
}

/** The strided-conv note: "inputs 5, 6 all give 3 here": the sizes a stride floors to the same output, when the user's is not the first. */
export function stridedNote(sizes: Pair, out: Pair, k: Pair, s: Pair, pb: Pair, pe: Pair, d: Pair): string | null {
	const axis = (a: 0 | 1): string | null => {
		if (s[a] <= 1) return null;
		const lo = (out[a] - 1) * s[a] - pb[a] - pe[a] + d[a] * (k[a] - 1) + 1;
		if (lo === sizes[a]) return null;
		return s[a] <= 4 ? Array.from({ length: s[a] }, (_, j) => lo + j).join(", ") : `${lo}–${lo + s[a] - 1}`;
	};
	const v = axis(0);
	const h = axis(1);
	if (v === null && h === null) return null;
	const same = v === h && out[0] === out[1] && s[0] === s[1];
	const sizeText = same ? (v ?? "") : [v && `${t("spec.vertical")} ${v}`, h && `${t("spec.horizontal")} ${h}`].filter(Boolean).join("; ");
	return t("layers.stridedSame", { sizes: sizeText, out: same ? String(out[0]) : pairText(out), s: pairText(s) });
}
