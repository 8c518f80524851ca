/**
 * The inline check: `cnn: 32 k4 s3 p1` (also `32x28` for two sizes, `d2` for dilation, `ceil` for pooling, `t` and
 * `op1` for a transposed conv and its output padding) → "((32 + 2·1 − 4)/3) + 1 = 11 ✓", or flagged with the fixes
 * that make it exact.
 */
import type { Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import { fixesFor, MAX_FIXES, windowFixes, type Fix, type FixChange } from "../cnn/fixes";
import { transposedOut } from "../cnn/formula";
import { transposedFormula, undoesNotes } from "../cnn/layer-rows";
import type { RawLayer } from "../cnn/raw-layer";
import { pairText } from "../cnn/shape";
import { unusedText } from "../cnn/shapes";
import { spatialGeometry } from "../cnn/spatial";
import { tokenize } from "../tokenize";

export interface InlineResult {
	/** False when the text could not be read. */
	ok: boolean;
	/** True when every axis comes out a whole number (and positive). */
	fits: boolean;
	/** What replaces the code span. */
	text: string;
	/** Longer explanation (tooltip): what PyTorch does and every fix. */
	detail: string;
	/** The output size, "11" or "11×16"; "" when there is none. */
	out: string;
}

export const INLINE_PREFIX = /^\s*cnn\s*:/i;

/** A change in the span's own words: `p1`, `s4`, `k5`, `d2`, `ceil`. */
function compactLabel(c: FixChange): string {
	if (c.kind === "ceil" || c.kind === "input") return c.kind;
	return `${{ pad: "p", stride: "s", kernel: "k", dilation: "d" }[c.kind]}${pairText(c.value)}`;
}

/** "k2 → 2": the fix and the size it gives, one number when both axes agree. */
function fixText(f: Fix, square: boolean): string {
	const shape = f.shape.replace(/×1$/, "");
	const parts = shape.split("×");
	return `${compactLabel(f.change)} → ${square && parts[0] === parts[1] ? parts[0] : shape}`;
}

function readPair(v: string): Pair | null {
	const parts = v.toLowerCase().split(/[x×*]/).map(Number);
	if (parts.some((p) => !Number.isInteger(p) || p < 0 || p > 100_000)) return null;
	if (parts.length === 1) return [parts[0], parts[0]];
	if (parts.length === 2) return [parts[0], parts[1]];
	return null;
}

export function checkInline(source: string): InlineResult {
	const text = source.replace(INLINE_PREFIX, "").trim();
	const bad = (): InlineResult => ({ ok: false, fits: false, text: `${text} ✗`, detail: t("inline.bad", { text: text.slice(0, 80) }), out: "" });
	if (text.length === 0 || text.length > 200) return bad();
	const toks = tokenize(text);
	let size: Pair | null = null;
	let transposed = false;
	const L: RawLayer = { word: "conv", line: 1, column: 1, text, filters: 1 };
	for (let i = 0; i < toks.length; i++) {
		const tok = toks[i];
		if (size === null && (tok.num !== undefined || tok.size)) {
			size = tok.num !== undefined ? readPair(String(tok.num)) : tok.size && tok.size.length === 2 ? readPair(tok.size.join("x")) : null;
			if (!size || size[0] < 1 || size[1] < 1) return bad();
			continue;
		}
		const lower = tok.lower;
		if (TRANSPOSED_WORDS.has(lower)) {
			transposed = true;
			continue;
		}
		if (lower === "ceil") {
			L.word = "maxpool";
			L.ceil = true;
			continue;
		}
		let m = /^(k|s|p|d|op)(\d+(?:x\d+)?)$/.exec(lower);
		if (!m) {
			const key = ({ kernel: "k", stride: "s", pad: "p", padding: "p", dilation: "d", outpad: "op", output_padding: "op" } as Record<string, string>)[lower];
			const next = toks[i + 1];
			if (key && next && (next.num !== undefined || next.size)) {
				m = ["", key, next.size ? next.size.join("x") : String(next.num)] as unknown as RegExpExecArray;
				i++;
			}
		}
		if (!m) return bad();
		const p = readPair(m[2]);
		if (!p) return bad();
		if (m[1] === "k") L.kernel = p;
		else if (m[1] === "s") L.stride = p;
		else if (m[1] === "p") L.pad = p;
		else if (m[1] === "op") L.outputPad = p;
		else L.dilation = p;
		if (m[1] !== "p" && m[1] !== "op" && (p[0] < 1 || p[1] < 1)) return bad();
	}
	if (!size || !L.kernel) return bad();
	if (transposed) return checkTransposed(size, L);
	if (L.outputPad) return { ...bad(), detail: t("inline.opNeedsT") };
	if (L.word === "maxpool" && !L.stride) L.stride = [1, 1];
	const input = { h: size[0], w: size[1], c: 1, flat: false };
	const g = spatialGeometry(L, input);
	const square = size[0] === size[1] && g.kernel[0] === g.kernel[1] && g.stride[0] === g.stride[1] && g.pad[0] === g.pad[1] && g.dilation[0] === g.dilation[1];
	const formulas = square ? [g.axes[0].claim] : [0, 1].map((a) => `${a === 0 ? t("spec.vertical") : t("spec.horizontal")} ${g.axes[a].claim}`);
	const formula = formulas.join(", ") + dilatedNote(g.kernel, g.dilation);
	if (!g.out) {
		// the same fixes as the block's row for this window: a smaller kernel or dilation, or the padding that fits it
		const fixes = windowFixes(L, input, g).map((f) => fixText(f, square));
		const tryText = fixes.length ? ` — ${t("inline.try", { fixes: fixes[0] })}` : "";
		return { ok: true, fits: false, text: `${formula} ✗ ${t("inline.tooLarge")}${tryText}`, detail: [t("inline.tooLarge"), ...fixes].join("\n"), out: "" };
	}
	const outText = square ? String(g.out.h) : `${g.out.h}×${g.out.w}`;
	const fits = g.axes[0].fits && g.axes[1].fits;
	if (fits || g.ceil) return { ok: true, fits: true, text: `${formula}${g.ceil && !fits ? ` → ${outText}` : ""} ✓`, detail: formula, out: outText };
	// at most three, best first, as in the block's table
	const fixes = fixesFor(L, input, g)
		.slice(0, MAX_FIXES)
		.map((f) => fixText(f, square));
	const floorNote = t("spec.notInteger", { formula, out: outText, unused: unusedText(g.axes) });
	const tryText = fixes.length ? ` — ${t("inline.try", { fixes: fixes[0] })}` : "";
	return {
		ok: true,
		fits: false,
		text: `${formula} ✗ ${t("inline.notInteger")}${tryText}`,
		detail: [floorNote, ...fixes].join("\n"),
		out: outText,
	};
}

/** The words that make the check a transposed convolution's: `cnn: 3 k3 s2 p1 t op1`. */
const TRANSPOSED_WORDS = new Set(["t", "transposed", "transpose", "tconv", "deconv", "convtranspose"]);

/** Where a dilated kernel's size comes from: "(k_eff = 2·(3 − 1) + 1 = 5)", so "28 − 5 + 1" can be read. */
function dilatedNote(k: Pair, d: Pair): string {
	const one = (a: 0 | 1): string => `${d[a]}·(${k[a]} − 1) + 1 = ${d[a] * (k[a] - 1) + 1}`;
	if (d[0] === 1 && d[1] === 1) return "";
	const text = k[0] === k[1] && d[0] === d[1] ? one(0) : `${one(0)}, ${one(1)}`;
	return ` ${t("inline.dilated", { text })}`;
}

/**
 * The transposed convolution: (i − 1)·s − 2p + d·(k − 1) + output_padding + 1 per axis, PyTorch's rule that
 * output_padding is smaller than the stride or the dilation, and the conv it undoes (in the tooltip).
 */
function checkTransposed(size: Pair, L: RawLayer): InlineResult {
	const k = L.kernel ?? [1, 1];
	const s = L.stride ?? [1, 1];
	const d = L.dilation ?? [1, 1];
	const op = L.outputPad ?? [0, 0];
	const p: Pair = Array.isArray(L.pad) ? L.pad : [0, 0];
	const square = size[0] === size[1] && k[0] === k[1] && s[0] === s[1] && p[0] === p[1] && d[0] === d[1] && op[0] === op[1];
	const axes = (square ? [0] : [0, 1]);
	const formulas = axes.map((a) => `${square ? "" : `${a === 0 ? t("spec.vertical") : t("spec.horizontal")} `}${transposedFormula(size[a], k[a], s[a], p[a], op[a], d[a])}`);
	const formula = formulas.join(", ");
	const badOp = ([0, 1] as const).find((a) => !(op[a] < s[a] || op[a] < d[a]));
	if (badOp !== undefined) {
		const msg = t("layers.outpadRule", { op: op[badOp], s: s[badOp], d: d[badOp] });
		return { ok: true, fits: false, text: `${formula} ✗ ${msg}`, detail: msg, out: "" };
	}
	const out: Pair = [0, 1].map((a) => transposedOut(size[a], k[a], s[a], p[a], op[a], d[a])) as Pair;
	if (out[0] < 1 || out[1] < 1) {
		const msg = t("layers.transposedEmpty", { formula });
		return { ok: true, fits: false, text: `${formula} ✗ ${t("inline.noOutput")}`, detail: msg, out: "" };
	}
	const outText = square ? String(out[0]) : `${out[0]}×${out[1]}`;
	return { ok: true, fits: true, text: `${formula} ✓`, detail: [formula, ...undoesNotes(size, out, k, s, p, op, d)].join("\n"), out: outText };
}
