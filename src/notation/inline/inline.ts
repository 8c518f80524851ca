/**
 * The inline check: `cnn: 32 k4 s3 p1` (also `32x28` for two sizes, `d2` for dilation, `ceil` for pooling) →
 * "((32 + 2·1 − 4)/3) + 1 = 11 ✓", or flagged with the fixes that make it exact.
 */
import type { Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import { fixesFor } from "../cnn/fixes";
import type { RawLayer } from "../cnn/raw-layer";
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

function compactLabel(label: string): string {
	return label.replace(/^pad /, "p").replace(/^stride /, "s").replace(/^kernel (\d+)x(\d+)$/, (_m, a: string, b: string) => (a === b ? `k${a}` : `k${a}x${b}`));
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
	const L: RawLayer = { word: "conv", line: 1, column: 1, text, filters: 1 };
	for (let i = 0; i < toks.length; i++) {
		const tok = toks[i];
		if (size === null && (tok.num !== undefined || tok.size)) {
			size = tok.num !== undefined ? readPair(String(tok.num)) : tok.size && tok.size.length === 2 ? readPair(tok.size.join("x")) : null;
			if (!size || size[0] < 1 || size[1] < 1) return bad();
			continue;
		}
		const lower = tok.lower;
		if (lower === "ceil") {
			L.word = "maxpool";
			L.ceil = true;
			continue;
		}
		let m = /^(k|s|p|d)(\d+(?:x\d+)?)$/.exec(lower);
		if (!m) {
			const key = ({ kernel: "k", stride: "s", pad: "p", padding: "p", dilation: "d" } as Record<string, string>)[lower];
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
		else L.dilation = p;
		if ((m[1] !== "p" && (p[0] < 1 || p[1] < 1)) || false) return bad();
	}
	if (!size || !L.kernel) return bad();
	if (L.word === "maxpool" && !L.stride) L.stride = [1, 1];
	const input = { h: size[0], w: size[1], c: 1, flat: false };
	const g = spatialGeometry(L, input);
	const square = size[0] === size[1] && g.kernel[0] === g.kernel[1] && g.stride[0] === g.stride[1] && g.pad[0] === g.pad[1] && g.dilation[0] === g.dilation[1];
	const formulas = square ? [g.axes[0].claim] : [0, 1].map((a) => `${a === 0 ? t("spec.vertical") : t("spec.horizontal")} ${g.axes[a].claim}`);
	const formula = formulas.join(", ");
	if (!g.out) return { ok: true, fits: false, text: `${formula} ✗ ${t("inline.tooLarge")}`, detail: t("inline.tooLarge"), out: "" };
	const outText = square ? String(g.out.h) : `${g.out.h}×${g.out.w}`;
	const fits = g.axes[0].fits && g.axes[1].fits;
	if (fits || g.ceil) return { ok: true, fits: true, text: `${formula}${g.ceil && !fits ? ` → ${outText}` : ""} ✓`, detail: formula, out: outText };
	const fixes = fixesFor(L, input, g).map((f) => {
		const shape = f.shape.replace(/×1$/, "");
		const parts = shape.split("×");
		return `${compactLabel(f.label)} → ${square && parts[0] === parts[1] ? parts[0] : shape}`;
	});
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
