/**
 * Live Preview for the inline check: inline code `cnn: …` outside the cursor shows as its checked formula, the way
 * the reading view shows it; with the cursor on it the text is left as written so it can be edited.
 */
import { RangeSetBuilder, type Extension } from "@codemirror/state";
import { Decoration, type DecorationSet, type EditorView, ViewPlugin, type ViewUpdate, WidgetType } from "@codemirror/view";
import { syntaxTree } from "@codemirror/language";
import { editorLivePreviewField } from "obsidian";
import { inlineCodeSpans } from "./inline-code-spans";

// One span of inline code, backticks included, that is a check. Blanks before the colon are spaces or tabs only: a
// line break there ("`cnn\n: 32 k4 s3`") made a replace decoration span lines, which CodeMirror refuses with a RangeError.
const CHECK = /^`(cnn[ \t]*:[^`\n]{1,200})`$/i;

class InlineCheckWidget extends WidgetType {
	constructor(
		readonly code: string,
		private readonly render: (code: string) => HTMLElement,
	) {
		super();
	}
	eq(other: InlineCheckWidget): boolean {
		return other.code === this.code;
	}
	toDOM(): HTMLElement {
		return this.render(this.code);
	}
	ignoreEvent(): boolean {
		return false;
	}
}

/** Obsidian's own field says whether the editor is in Live Preview; source mode (and any other editor) keeps the raw text. */
function isLivePreview(state: EditorView["state"]): boolean {
	return state.field(editorLivePreviewField, false) ?? false;
}

/**
 * The checks on the visible lines. Inline code is found in the editor's syntax tree, so `cnn:` inside a fenced block
 * (in a callout or a list item too) or inside math stays as written; nothing outside the visible ranges is read.
 */
export function buildInlineDecorations(view: EditorView, render: (code: string) => HTMLElement): DecorationSet {
	const builder = new RangeSetBuilder<Decoration>();
	const state = view.state;
	if (!isLivePreview(state)) return builder.finish();
	const sel = state.selection.ranges;
	let done = -1;
	for (const { from, to } of view.visibleRanges) {
		for (const span of inlineCodeSpans(state, from, to)) {
			// Two visible ranges can share a line: its spans are added once.
			if (span.from < done) continue;
			done = span.to;
			const m = CHECK.exec(state.sliceDoc(span.from, span.to));
			if (!m) continue;
			if (sel.some((r) => r.from <= span.to && r.to >= span.from)) continue;
			builder.add(span.from, span.to, Decoration.replace({ widget: new InlineCheckWidget(m[1], render) }));
		}
	}
	return builder.finish();
}

export function inlineCheckLivePreview(render: (code: string) => HTMLElement): Extension {
	return ViewPlugin.fromClass(
		class {
			decorations: DecorationSet;
			constructor(view: EditorView) {
				this.decorations = buildInlineDecorations(view, render);
			}
			update(u: ViewUpdate): void {
				const modeChanged = isLivePreview(u.startState) !== isLivePreview(u.state);
				// The tree grows as the parser catches up with a long note: new spans then appear.
				const treeChanged = syntaxTree(u.startState) !== syntaxTree(u.state);
				if (modeChanged || treeChanged || u.docChanged || u.viewportChanged || u.selectionSet || u.focusChanged) {
					this.decorations = buildInlineDecorations(u.view, render);
				}
			}
		},
		{ decorations: (v) => v.decorations },
	);
}
