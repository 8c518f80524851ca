/** The shape table as data: one row a layer in the order written, then the totals. */
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import "../../i18n/strings-layers";
import "../../i18n/strings-residual";
import type { CnnAnalysis } from "./parse";
import { fmtBytes, fmtCount, pairText, shapeSize, shapeText } from "./shape";
import type { Severity } from "../diagnostic";

export interface SummaryRow {
	line: number;
	/** The layer as the user wrote it. */
	layer: string;
	output: string;
	filter: string;
	/** Trainable parameters. */
	params: number | null;
	/** Batch norm's running mean and variance: saved with the weights, not trained. */
	nonTrainable: number;
	macs: number | null;
	/** "5 (jump 1)", or "" once the activations are flat. */
	rf: string;
	rfSize: [number, number] | null;
	formulas: string[];
	severity: Severity | null;
	/** The layer a misspelled word was read as (`maxpol 2` as maxpool), so the rows after it keep their shapes. */
	readAs: string | null;
	/** How many residual blocks hold the row (0: none): the table indents its layer by as many steps. */
	nest: number;
	/** A residual block's own rows: its shortcut (at `residual`) and its add (at `end`). */
	block: "shortcut" | "add" | null;
}

export interface SummaryTotals {
	/** Trainable parameters. */
	params: number;
	nonTrainable: number;
	macs: number;
	/** Values held per sample: the input and every layer's output. */
	activationsPerSample: number;
	activationBytesPerSample: number;
	batch: number;
	/** Forward values and their gradients for a whole training batch, float32. */
	batchBytes: number;
	paramBytes: number;
}

export interface Summary {
	input: { line: number; text: string; shape: string } | null;
	rows: SummaryRow[];
	totals: SummaryTotals;
}

const BYTES = 4;
const ACTIVATIONS: ReadonlySet<string> = new Set(["relu", "sigmoid", "tanh", "softmax", "leakyrelu"]);

function worst(sev: Severity[]): Severity | null {
	if (sev.includes("error")) return "error";
	if (sev.includes("warning")) return "warning";
	if (sev.includes("info")) return "info";
	return null;
}

export function summarize(a: CnnAnalysis): Summary {
	const rows: SummaryRow[] = [];
	let params = 0;
	let nonTrainable = 0;
	let macs = 0;
	let acts = 0;
	const report = a.report;
	const inp = a.parsed.input;
	if (report?.input) acts += shapeSize(report.input);
	let prev: { line: number; text: string } | null = null;
	for (const r of report?.rows ?? []) {
		// an activation written on its layer's line is a row of its own: it is named, not shown as a second copy of the line
		const activationRow = prev !== null && prev.line === r.layer.line && prev.text === r.layer.text && r.layer.text !== "" && ACTIVATIONS.has(r.layer.word);
		prev = { line: r.layer.line, text: r.layer.text };
		const known = r.output !== null;
		if (known) {
			params += r.params;
			nonTrainable += r.nonTrainable;
			macs += r.macs;
			// an identity shortcut holds no values of its own: its output is the block's input, already counted
			if (!(r.block?.role === "shortcut" && r.block.shortcut?.length === 0)) acts += shapeSize(r.output!);
		}
		rows.push({
			line: r.layer.line,
			// an indented block has no `end` line: its add row says where it ended
			layer: activationRow ? t("spec.activationRow", { word: r.layer.word }) : r.layer.text || (r.block?.role === "add" ? t("res.addImplicit") : ""),
			// a flat output is a count: group its digits like the other counts (134 217 728)
			output: r.output ? (r.output.flat ? fmtCount(r.output.c) : shapeText(r.output)) : "?",
			filter: r.filter,
			params: known ? r.params : null,
			nonTrainable: known ? r.nonTrainable : 0,
			macs: known ? r.macs : null,
			rf: r.rf ? t(r.rf.upTo ? "spec.rfTextUpTo" : "spec.rfText", { size: pairText(roundPair(r.rf.size)), jump: pairText(roundPair(r.rf.jump)) }) : "",
			rfSize: r.rf ? [r.rf.size[0], r.rf.size[1]] : null,
			formulas: r.formulas,
			severity: worst(r.diagnostics.map((d) => d.severity)),
			readAs: r.layer.guessedFrom !== undefined ? r.layer.word : null,
			nest: r.nest,
			block: r.block?.role ?? null,
		});
	}
	const batch = a.parsed.train?.batch ?? 32;
	return {
		input: inp && report?.input ? { line: inp.line, text: inp.text, shape: shapeText(report.input) } : null,
		rows,
		totals: {
			params,
			nonTrainable,
			macs,
			activationsPerSample: acts,
			activationBytesPerSample: acts * BYTES,
			batch,
			batchBytes: acts * BYTES * 2 * batch,
			paramBytes: (params + nonTrainable) * BYTES,
		},
	};
}

export function totalsLines(s: Summary): string[] {
	const x = s.totals;
	const paramsLine =
		x.nonTrainable > 0
			? t("layers.totals.params", { total: fmtCount(x.params + x.nonTrainable), trainable: fmtCount(x.params), non: fmtCount(x.nonTrainable), bytes: fmtBytes(x.paramBytes) })
			: t("spec.totals.params", { n: fmtCount(x.params), bytes: fmtBytes(x.paramBytes) });
	return [
		paramsLine,
		t("spec.totals.macs", { n: fmtCount(x.macs) }),
		t("spec.totals.act", { sample: fmtBytes(x.activationBytesPerSample), batch: fmtBytes(x.batchBytes), b: x.batch }),
	];
}

/** A row's parameter cell: "64", or "64 + 64 non-trainable" for batch norm. */
export function paramsText(r: SummaryRow): string {
	if (r.params === null) return "";
	return r.nonTrainable > 0 ? `${fmtCount(r.params)} ${t("layers.nonTrainableCell", { n: fmtCount(r.nonTrainable) })}` : fmtCount(r.params);
}

export { fmtCount };

/** A receptive field after upsampling holds fractions (a jump of 0.5): two decimals are enough to read it. */
function roundPair(p: [number, number]): [number, number] {
	return [Math.round(p[0] * 100) / 100, Math.round(p[1] * 100) / 100];
}
