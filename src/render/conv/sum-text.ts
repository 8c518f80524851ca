/**
 * The worked arithmetic of one step as text ("1·1 + 2·0 + 3·(−1) = −2") and as Markdown with LaTeX for the clipboard.
 */
import { formatValue } from "../heatmap";
import { t } from "../../i18n";
import "../../i18n/strings-conv";
import type { ConvModel, StepInfo, Term } from "./model";

/** Products beyond this many are shown as the first and last few around "…". */
const MAX_TERMS = 49;
const HEAD = 8;
const TAIL = 4;

function paren(s: string): string {
	return s.startsWith("−") ? `(${s})` : s;
}

/** A weight as written over the kernel's divisor (box 3: 1/9 → 1). */
export function shownWeight(w: number, divisor: number): number {
	return divisor === 1 ? w : Math.round(w * divisor * 1e6) / 1e6;
}

function termList(terms: Term[], decimals: number, times: string, neg: (s: string) => string, divisor: number): string[] {
	const f = (v: number): string => neg(paren(formatValue(v, decimals)));
	const all = terms.map((tm) => `${f(tm.x)}${times}${f(shownWeight(tm.w, divisor))}`);
	if (all.length <= MAX_TERMS) return all;
	return [...all.slice(0, HEAD), "…", ...all.slice(-TAIL)];
}

/** "a + b + c", or "(a + b + c)/9" for a kernel written over a divisor. */
function joined(terms: string[], divisor: number): string {
	const s = terms.join(" + ");
	return divisor === 1 ? s : `(${s})/${divisor}`;
}

export interface SumLines {
	/** One line per channel when there are several, each "channel 1: … = 4". */
	channels: string[];
	/** The final line: products (one channel) or partial sums (several), plus bias, = total. */
	total: string;
}

/** Unicode text for the view. */
export function sumLines(m: ConvModel, s: StepInfo, decimals = 2): SumLines {
	const id = (x: string): string => x;
	const bias = m.showBias || s.bias !== 0 ? ` + ${paren(formatValue(s.bias, decimals))}` : "";
	const eq = ` = ${formatValue(s.total, decimals)}`;
	const dv = m.kernels[s.kernel].divisor;
	if (s.terms.length === 1) return { channels: [], total: joined(termList(s.terms[0], decimals, "·", id, dv), dv) + bias + eq };
	const channels = s.terms.map((terms, c) => `${t("conv.channel", { n: s.channels[c] + 1 })}: ${joined(termList(terms, decimals, "·", id, dv), dv)} = ${formatValue(s.partials[c], decimals)}`);
	const partials = s.partials.map((p) => paren(formatValue(p, decimals))).join(" + ");
	return { channels, total: `${t("conv.total")}: ${partials}${bias}${eq}` };
}

/**
 * "Step 4 of 15: output row 1, column 4 ← rows 1–3, columns 4–6 of the padded input" (1-based, as people count;
 * "of the input" when nothing is padded).
 */
export function stepHeading(m: ConvModel, s: StepInfo): string {
	const kernel = m.kernels.length > 1 ? `${m.kernels[s.kernel].label}, ` : "";
	const rows = `${s.top + 1}–${s.top + m.rows.effective}`;
	const cols = `${s.left + 1}–${s.left + m.cols.effective}`;
	const vars = { step: s.index + 1, steps: m.steps, kernel, row: s.oy + 1, col: s.ox + 1, rows, cols };
	// A transposed convolution's window reads the stretched grid, whose rows are not the input's.
	if (m.transposed) return t(m.is1d ? "conv.step-heading-1d-stretched" : "conv.step-heading-stretched", vars);
	// With no padding the rows and columns counted are the input's own: "of the padded input" would misdirect.
	const padded = m.pad.top + m.pad.bottom + m.pad.left + m.pad.right > 0;
	if (m.is1d) return t(padded ? "conv.step-heading-1d" : "conv.step-heading-1d-nopad", vars);
	return t(padded ? "conv.step-heading" : "conv.step-heading-nopad", vars);
}

/** "2, 3" or "3–4": channel numbers (1-based) as a reader says them. */
export function channelList(channels: readonly number[]): string {
	const n = channels.map((c) => c + 1);
	const run = n.every((v, i) => i === 0 || v === n[i - 1] + 1);
	return run && n.length > 2 ? `${n[0]}–${n[n.length - 1]}` : n.join(", ");
}

/** With groups: "kernel 3 sees channels 3–4 of 4 (group 2 of 2); …", null for an ordinary convolution. */
export function seesLine(m: ConvModel, kernel: number): string | null {
	if (m.groups <= 1) return null;
	const k = m.kernels[kernel];
	const of = m.padded.length;
	const g = Math.floor(kernel / (m.kernels.length / m.groups)) + 1;
	const vars = { label: k.label, channels: channelList(k.channels), of, g, groups: m.groups };
	return t(k.channels.length === 1 && m.groups === of ? "conv.sees-one" : "conv.sees", vars);
}

function latexNum(v: number, decimals: number): string {
	return formatValue(v, decimals).replace("−", "-");
}

/** Markdown for "Copy this step": the heading, then the sums as display LaTeX. */
export function stepMarkdown(m: ConvModel, s: StepInfo, decimals = 2): string {
	const neg = (x: string): string => x.replace("−", "-");
	const bias = m.showBias || s.bias !== 0 ? ` + ${paren(formatValue(s.bias, decimals)).replace("−", "-")}` : "";
	const eq = ` = ${latexNum(s.total, decimals)}`;
	const out: string[] = [`**${stepHeading(m, s)}**`, ""];
	const dv = m.kernels[s.kernel].divisor;
	const tex = (terms: Term[]): string => {
		const body = termList(terms, decimals, " \\cdot ", neg, dv).join(" + ").replace("…", "\\dots");
		return dv === 1 ? body : `\\tfrac{1}{${dv}}\\left(${body}\\right)`;
	};
	const lhs = m.is1d ? `y_{${s.ox + 1}}` : `y_{${s.oy + 1},${s.ox + 1}}`;
	if (s.terms.length === 1) {
		out.push(`$$${lhs} = ${tex(s.terms[0])}${bias}${eq}$$`);
	} else {
		out.push("$$");
		out.push("\\begin{aligned}");
		s.terms.forEach((terms, c) => {
			out.push(`\\text{${t("conv.channel", { n: s.channels[c] + 1 })}} &: ${tex(terms)} = ${latexNum(s.partials[c], decimals)} \\\\`);
		});
		out.push(`${lhs} &= ${s.partials.map((p) => paren(formatValue(p, decimals)).replace("−", "-")).join(" + ")}${bias}${eq}`);
		out.push("\\end{aligned}");
		out.push("$$");
	}
	return out.join("\n");
}
