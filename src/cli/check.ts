/** `cnn-lab check`: every ```cnn block and inline `cnn:` span of a note as a shape table (text) or as JSON. */
import { analyzeCnn, type CnnAnalysis } from "../notation/cnn/parse";
import { checkInline, INLINE_PREFIX } from "../notation/inline/inline";
import { summarize, totalsLines, type Summary } from "../notation/cnn/summary";
import { fmtCount, type Shape } from "../notation/cnn/shape";
import type { Diagnostic } from "../notation/diagnostic";
import { scanNote, type NoteBlock } from "./note-blocks";

export interface NoteDiagnostic extends Diagnostic {
	/** Line in the note file (the block's line plus the fence). */
	line: number;
}

export interface LayerReport {
	line: number;
	layer: string;
	/** [H, W, C] for an image, [n] once flat; null when the row has an error. */
	output: number[] | null;
	filter: string;
	parameters: number | null;
	multiplyAdds: number | null;
	receptiveField: { size: [number, number]; jump: [number, number] } | null;
	formulas: string[];
	/** How many residual blocks hold the row (0: none): the text table indents the layer by as many steps. */
	nest: number;
}

export interface BlockReport {
	kind: "cnn";
	file: string;
	block: number;
	/** Line of the opening fence in the note. */
	line: number;
	framework: "pytorch" | "keras" | null;
	input: number[] | null;
	/** Note line of the input line; null when the input came from pasted framework code. */
	inputLine: number | null;
	layers: LayerReport[];
	totals: { parameters: number; multiplyAdds: number; activationBytesPerSample: number; trainingBatch: number; activationBytesPerBatch: number; parameterBytes: number };
	diagnostics: NoteDiagnostic[];
	ok: boolean;
}

export interface InlineReport {
	kind: "inline";
	file: string;
	line: number;
	column: number;
	source: string;
	result: string;
	fits: boolean;
	/** False when the span could not be read at all (an error). */
	ok: boolean;
	detail: string;
}

export type Report = BlockReport | InlineReport;

function shapeArray(s: Shape | null): number[] | null {
	if (!s) return null;
	return s.flat ? [s.c] : [s.h, s.w, s.c];
}

/**
 * A message that names another line of its block ("PyTorch's error (line 8) comes from this layer", "line 4 starts
 * a new line"): in the block's numbering on the page, where the table's line column says it, but the CLI reports
 * note lines, so the line named is the note's too.
 */
function noteLines(message: string, fenceLine: number): string {
	return message.replace(/\bline (\d+)\b/g, (_, n: string) => `line ${fenceLine + Number(n)}`).replace(/第 (\d+) 行/g, (_, n: string) => `第 ${fenceLine + Number(n)} 行`);
}

export function blockReport(file: string, block: NoteBlock, analysis?: CnnAnalysis): BlockReport {
	const a = analysis ?? analyzeCnn(block.source);
	const summary: Summary = summarize(a);
	const rows = a.report?.rows ?? [];
	const layers: LayerReport[] = rows.map((r) => ({
		line: block.fenceLine + r.layer.line,
		layer: r.layer.text,
		output: shapeArray(r.output),
		filter: r.filter,
		parameters: r.output ? r.params : null,
		multiplyAdds: r.output ? r.macs : null,
		receptiveField: r.rf ? { size: [r.rf.size[0], r.rf.size[1]], jump: [r.rf.jump[0], r.rf.jump[1]] } : null,
		formulas: r.formulas,
		nest: r.nest,
	}));
	const diagnostics = a.parsed.diagnostics.map((d) => ({ ...d, line: block.fenceLine + d.line, message: noteLines(d.message, block.fenceLine) }));
	const x = summary.totals;
	return {
		kind: "cnn",
		file,
		block: block.index,
		line: block.fenceLine,
		framework: a.framework,
		input: shapeArray(a.report?.input ?? null),
		inputLine: a.parsed.input && a.parsed.input.text !== "" ? block.fenceLine + a.parsed.input.line : null,
		layers,
		totals: {
			parameters: x.params,
			multiplyAdds: x.macs,
			activationBytesPerSample: x.activationBytesPerSample,
			trainingBatch: x.batch,
			activationBytesPerBatch: x.batchBytes,
			parameterBytes: x.paramBytes,
		},
		diagnostics,
		ok: !diagnostics.some((d) => d.severity === "error"),
	};
}

export function checkNote(file: string, text: string): Report[] {
	const { blocks, inline } = scanNote(text, INLINE_PREFIX);
	const out: Report[] = [];
	for (const b of blocks) out.push(blockReport(file, b));
	for (const s of inline) {
		const r = checkInline(s.source);
		out.push({ kind: "inline", file, line: s.line, column: s.column, source: s.source, result: r.text, fits: r.fits, ok: r.ok, detail: r.detail });
	}
	// Reading order: blocks and spans as they stand in the note.
	return out.sort((p, q) => p.line - q.line);
}

export function hasError(r: Report): boolean {
	return r.kind === "cnn" ? !r.ok : !r.ok;
}

/** Columns padded to their widest cell; numbers right-aligned. */
function textTable(head: string[], rows: string[][], right: Set<number>): string[] {
	const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
	const fmt = (r: string[]): string =>
		r
			.map((c, i) => (right.has(i) ? c.padStart(width[i]) : c.padEnd(width[i])))
			.join("  ")
			.trimEnd();
	return [fmt(head), width.map((w) => "-".repeat(w)).join("  "), ...rows.map(fmt)];
}

function diagText(d: NoteDiagnostic, file: string): string {
	const s = d.suggestion ? ` (try: ${d.suggestion})` : "";
	return `${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${s}`;
}

export function formatReports(reports: Report[]): string {
	const out: string[] = [];
	for (const r of reports) {
		if (r.kind === "inline") {
			const mark = !r.ok ? "error" : r.fits ? "ok" : "flagged";
			out.push(`${r.file}:${r.line}:${r.column}: inline ${mark}: \`${r.source}\` → ${r.result}`);
			if (!r.fits && r.detail) for (const l of r.detail.split("\n")) out.push(`    ${l}`);
			out.push("");
			continue;
		}
		out.push(`${r.file}:${r.line}: \`\`\`cnn block ${r.block}${r.framework ? ` (read as ${r.framework === "pytorch" ? "PyTorch" : "Keras"} code)` : ""}`);
		const rows: string[][] = [];
		if (r.input) rows.push([r.inputLine === null ? "" : String(r.inputLine), "input", r.input.join("×"), "", "", "", "", ""]);
		for (const l of r.layers) {
			const bad = r.diagnostics.some((d) => d.line === l.line && d.severity === "error") ? " ✗" : r.diagnostics.some((d) => d.line === l.line && d.severity === "warning") ? " ⚠" : "";
			rows.push([
				String(l.line),
				"  ".repeat(l.nest) + l.layer,
				(l.output ? l.output.join("×") : "?") + bad,
				l.filter,
				l.parameters === null ? "" : fmtCount(l.parameters),
				l.multiplyAdds === null ? "" : fmtCount(l.multiplyAdds),
				l.receptiveField ? `${pairText(l.receptiveField.size)} (jump ${pairText(l.receptiveField.jump)})` : "",
				l.formulas.join("; "),
			]);
		}
		if (rows.length > 0) out.push(...textTable(["line", "layer", "output", "filter", "params", "mult-adds", "receptive field", "formula"], rows, new Set([0, 4, 5])).map((l) => `  ${l}`));
		out.push(`  ${totalsText(r)}`);
		for (const d of r.diagnostics) out.push(`  ${diagText(d, r.file)}`);
		out.push("");
	}
	return out.join("\n");
}

function pairText(p: [number, number]): string {
	return p[0] === p[1] ? String(p[0]) : `${p[0]}x${p[1]}`;
}

function totalsText(r: BlockReport): string {
	const x = r.totals;
	const s: Summary = {
		input: null,
		rows: [],
		totals: {
			params: x.parameters,
			nonTrainable: 0,
			macs: x.multiplyAdds,
			activationsPerSample: x.activationBytesPerSample / 4,
			activationBytesPerSample: x.activationBytesPerSample,
			batch: x.trainingBatch,
			batchBytes: x.activationBytesPerBatch,
			paramBytes: x.parameterBytes,
		},
	};
	return totalsLines(s).join(" · ");
}
