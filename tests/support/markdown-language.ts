/**
 * A Markdown language for test editors, so the Live Preview extension has a syntax tree to read, as it has in
 * Obsidian. The trees differ in names, not in what is code: this one is @lezer/markdown (CodeMirror's Markdown:
 * one "InlineCode" node per span, "FencedCode" blocks inside blockquotes and list items) plus the `$$ … $$` and
 * `$ … $` math Obsidian reads (its HyperMD parser gives math its own tokens, never inline code); hyperMdLike() is
 * a flat stream tokenizer with the token names of Obsidian's own tree.
 */
import { defineLanguageFacet, Language, StreamLanguage } from "@codemirror/language";
import type { Extension } from "@codemirror/state";
import { tags } from "@lezer/highlight";
import { parser, type MarkdownConfig } from "@lezer/markdown";

const DOLLAR = 36;

const math: MarkdownConfig = {
	defineNodes: [{ name: "BlockMath", block: true }, "InlineMath"],
	parseBlock: [
		{
			name: "BlockMath",
			before: "FencedCode",
			parse(cx, line) {
				if (!line.text.startsWith("$$", line.pos)) return false;
				const start = cx.lineStart + line.pos;
				let end = cx.lineStart + line.text.length;
				const closedOnFirst = line.text.indexOf("$$", line.pos + 2) >= 0;
				while (!closedOnFirst && cx.nextLine()) {
					end = cx.lineStart + line.text.length;
					if (line.text.includes("$$")) break;
				}
				cx.nextLine();
				cx.addElement(cx.elt("BlockMath", start, end));
				return true;
			},
			// Obsidian starts math on the line after a paragraph's text too, without a blank line.
			endLeaf: (_cx, line) => line.text.startsWith("$$", line.pos),
		},
	],
	parseInline: [
		{
			name: "InlineMath",
			before: "InlineCode",
			parse(cx, next, pos) {
				if (next !== DOLLAR) return -1;
				for (let i = pos + 1; i < cx.end; i++) if (cx.char(i) === DOLLAR) return i === pos + 1 ? -1 : cx.addElement(cx.elt("InlineMath", pos, i + 1));
				return -1;
			},
		},
	],
};

/** @lezer/markdown with Obsidian's math. */
export function markdownLanguage(): Extension {
	return new Language(defineLanguageFacet(), parser.configure([math]), [], "markdown");
}

interface HyperMdState {
	code: boolean;
	fence: boolean;
}

/**
 * Obsidian's tree in miniature: a stream parser (as Obsidian's HyperMD mode is) emitting its token names — a fence
 * line and the lines inside are "hmd-codeblock", inline code is "formatting_formatting-code_inline-code" (the
 * backticks) around "inline-code" (the text). Only these two constructs: enough to see the names are matched.
 */
export function hyperMdLike(): Extension {
	return StreamLanguage.define<HyperMdState>({
		name: "hypermd-like",
		startState: () => ({ code: false, fence: false }),
		token(stream, s) {
			if (stream.sol() && stream.match(/^```/)) {
				s.fence = !s.fence;
				stream.skipToEnd();
				return "formatting-code-block hmd-codeblock";
			}
			if (s.fence) {
				stream.skipToEnd();
				return "hmd-codeblock";
			}
			if (stream.eat("`")) {
				s.code = !s.code;
				return "formatting formatting-code inline-code";
			}
			if (s.code) {
				stream.eatWhile(/[^`]/);
				return "inline-code";
			}
			stream.eatWhile(/[^`]/);
			return null;
		},
		tokenTable: { "inline-code": tags.monospace, formatting: tags.processingInstruction, "formatting-code": tags.processingInstruction, "formatting-code-block": tags.processingInstruction, "hmd-codeblock": tags.monospace },
	});
}
