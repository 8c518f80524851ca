/**
 * Where residual blocks start and end in a ```cnn block. A block is `residual [project]` then its body, closed by
 * `end` or by the first layer line indented no deeper than the `residual` line (when the body was indented): the
 * two forms read alike, and `end` after an indented body is the usual way to write both. Blocks nest one level.
 * The reader gives the markers the shape inference reads (a `residual` row, an `end` row) and each layer's depth.
 */
import { t } from "../../i18n";
import "../../i18n/strings-residual";
import type { DiagnosticList } from "./diagnostics";
import { foldWidth, type Token } from "../tokenize";
import { normalizeWord } from "./layer-words";
import type { RawLayer } from "./raw-layer";

/** A residual block inside a residual block is as deep as blocks go (ResNet's blocks do not nest deeper). */
export const MAX_NEST = 2;

const START = new Set(["residual", "res", "resblock", "residualblock"]);
const PROJECT = new Set(["project", "projection", "proj"]);
// words that may follow without changing anything: `residual block`, `end residual`
const FILLER = new Set(["block", "residual", "res"]);

export type BlockWord = { kind: "residual"; project: boolean } | { kind: "end" };

/** `residual`, `res`, `residual project`, `residual block project`, `end`; null for every other line. */
export function blockWord(toks: Token[], diags: DiagnosticList, line: number, asTypo = false): BlockWord | null {
	const first = normalizeWord(toks[0].text);
	if (first === "end" && !asTypo) {
		for (const x of toks.slice(1)) if (!FILLER.has(normalizeWord(x.text))) diags.at(line, x, "warning", t("res.endExtra", { word: x.text }));
		return { kind: "end" };
	}
	if (!START.has(first) && !asTypo) return null;
	let project = false;
	for (const x of toks.slice(1)) {
		const w = normalizeWord(x.text);
		if (PROJECT.has(w)) project = true;
		else if (!FILLER.has(w)) diags.at(line, x, "warning", t("res.startExtra", { word: x.text }));
	}
	return { kind: "residual", project };
}

/** The width of a line's indentation: a tab as four spaces, a full-width space as one. */
export function indentOf(code: string): number {
	const s = foldWidth(code);
	let n = 0;
	for (const c of s) {
		if (c === " ") n++;
		else if (c === "\t") n += 4;
		else break;
	}
	return n;
}

interface Frame {
	marker: RawLayer;
	indent: number;
	/** "indent": the body is indented deeper than `residual` (a line back at its indentation closes it); "end": only `end` does. */
	mode: "indent" | "end" | null;
	bodyLines: number;
	lastLine: number;
}

export class BlockReader {
	private readonly stack: Frame[] = [];
	/** The last block a line's indentation closed: a stray `end` after it was most likely meant for it. */
	private dedented: number | null = null;

	constructor(private readonly diags: DiagnosticList) {}

	/** Blocks around the next layer. */
	get nest(): number {
		return this.stack.length;
	}

	/**
	 * Before a layer line (or `residual`) at this indentation: the blocks its indentation closes, as `end` markers.
	 * The line's own layers then belong to the block left on top.
	 */
	beforeLayer(indent: number): RawLayer[] {
		const out: RawLayer[] = [];
		for (let top = this.top(); top && top.mode === "indent" && indent <= top.indent; top = this.top()) {
			this.dedented = top.marker.line;
			out.push(this.close(top.lastLine, null));
		}
		const top = this.top();
		if (top) {
			top.mode ??= indent > top.indent ? "indent" : "end";
			top.bodyLines++;
		}
		return out;
	}

	/** After a body line's layers were read: the add of an implicitly closed block is said at its last line. */
	afterLayer(line: number): void {
		for (const f of this.stack) f.lastLine = line;
	}

	open(line: number, column: number, text: string, project: boolean): RawLayer {
		const marker: RawLayer = { word: "residual", line, column, text, project };
		if (this.stack.length > 0) marker.nest = this.stack.length;
		if (this.stack.length >= MAX_NEST) {
			this.diags.add({ line, column, severity: "error", message: t("res.tooDeep", { max: MAX_NEST - 1 }), suggestion: t("res.tooDeepFix") });
			marker.broken = true;
		}
		return marker;
	}

	/** Called once the `residual` line's marker is in the list: the lines after it are its body. */
	push(marker: RawLayer, indent: number): void {
		this.stack.push({ marker, indent, mode: null, bodyLines: 0, lastLine: marker.line });
	}

	/** An `end` line: the blocks it closes (those whose indentation it leaves implicitly, then its own), or [] with an error when none is open. */
	end(tok: Token, line: number, text: string, indent: number): RawLayer[] {
		const out: RawLayer[] = [];
		for (let top = this.top(); top && top.mode === "indent" && indent < top.indent; top = this.top()) {
			this.dedented = top.marker.line;
			out.push(this.close(top.lastLine, null));
		}
		if (!this.top()) {
			const closed = this.dedented !== null ? t("res.strayEndIndented", { line: this.dedented }) : "";
			this.diags.at(line, tok, "error", t("res.strayEnd") + closed, t("res.strayEndFix"));
			return out;
		}
		out.push(this.close(line, { column: tok.column, text }));
		return out;
	}

	/** The end of the block's lines: indented blocks close, a block written for `end` without one is an error. */
	finish(): RawLayer[] {
		const out: RawLayer[] = [];
		for (let top = this.top(); top; top = this.top()) {
			if (top.mode !== "indent" && top.bodyLines > 0) {
				this.diags.add({ line: top.marker.line, column: top.marker.column, severity: "error", message: t("res.unclosed", { line: top.marker.line }), suggestion: "end" });
			}
			out.push(this.close(top.lastLine, null));
		}
		return out;
	}

	private top(): Frame | undefined {
		return this.stack[this.stack.length - 1];
	}

	private close(line: number, written: { column: number; text: string } | null): RawLayer {
		const f = this.stack.pop()!;
		const m = f.marker;
		if (f.bodyLines === 0) {
			this.diags.add({ line: m.line, column: m.column, severity: "error", message: t("res.empty"), suggestion: t("res.emptyFix") });
			m.broken = true;
		}
		const end: RawLayer = { word: "end", line, column: written?.column ?? 1, text: written?.text ?? "" };
		if (m.nest !== undefined) end.nest = m.nest;
		if (m.broken) end.broken = true;
		return end;
	}
}
