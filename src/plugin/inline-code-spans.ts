/**
 * Where the inline code of a Markdown editor is, read from the editor's own syntax tree (so code inside fenced
 * blocks, callouts, list items and math is never mistaken for it), looking only at the lines given.
 */
import { syntaxTree } from "@codemirror/language";
import type { EditorState } from "@codemirror/state";

/**
 * Obsidian's Live Preview tree comes from its HyperMD stream parser: flat tokens whose names are the token's classes
 * joined by "_", e.g. "formatting_formatting-code_inline-code" for a backtick and "inline-code" for the text (with
 * "_quote_quote-1" and the like added inside callouts). @lezer/markdown (CodeMirror's own Markdown) has one
 * "InlineCode" node over the whole span. Both are accepted.
 */
const INLINE_CODE_NODE = /(^|_)inline-code(_|$)|^InlineCode$/;

export interface CodeSpan {
	/** The opening backtick. */
	from: number;
	/** Just after the closing backtick. */
	to: number;
}

/**
 * The inline code spans that lie on the lines of [from, to], in document order. Obsidian's several tokens of one
 * span touch each other, so touching pieces are joined into one span.
 */
export function inlineCodeSpans(state: EditorState, from: number, to: number): CodeSpan[] {
	const spans: CodeSpan[] = [];
	const start = state.doc.lineAt(from).from;
	const end = state.doc.lineAt(to).to;
	syntaxTree(state).iterate({
		from: start,
		to: end,
		enter: (node) => {
			if (!INLINE_CODE_NODE.test(node.name)) return undefined;
			const last = spans[spans.length - 1];
			if (last && last.to === node.from) last.to = node.to;
			else spans.push({ from: node.from, to: node.to });
			return false;
		},
	});
	return spans;
}
