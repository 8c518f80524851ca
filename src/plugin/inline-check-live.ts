/**
 * Live Preview for the inline check: inline code `cnn: …` outside the cursor shows as its checked formula, the way
 * the reading view shows it; with the cursor on it the text is left as written so it can be edited.
 */
import { RangeSetBuilder, type Extension } from "@codemirror/state";
import { Decoration, type DecorationSet, type EditorView, ViewPlugin, type ViewUpdate, WidgetType } from "@codemirror/view";
import { editorLivePreviewField } from "obsidian";

// no lookbehind: older iOS WebViews (Obsidian mobile) reject it. Blanks before the colon are spaces or tabs only: a
// line break there ("`cnn\n: 32 k4 s3`") made a replace decoration span lines, which CodeMirror refuses with a RangeError.
const INLINE = /(^|[^`])`(cnn[ \t]*:[^`\n]{1,200})`(?!`)/gi;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

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

/** Lines of the document that sit inside a fenced code block (where `cnn:` is code, not a check). */
function fencedLines(view: EditorView, lastLine: number): Set<number> {
	const inside = new Set<number>();
	let open: string | null = null;
	const doc = view.state.doc;
	for (let n = 1; n <= Math.min(lastLine, doc.lines); n++) {
		const m = FENCE.exec(doc.line(n).text);
		if (open === null) {
			if (m) open = m[1][0];
		} else {
			inside.add(n);
			if (m && m[1][0] === open) {
				open = null;
			}
		}
	}
	return inside;
}

/** Obsidian's own field says whether the editor is in Live Preview; source mode (and any other editor) keeps the raw text. */
function isLivePreview(state: EditorView["state"]): boolean {
	return state.field(editorLivePreviewField, false) ?? false;
}

export function buildInlineDecorations(view: EditorView, render: (code: string) => HTMLElement): DecorationSet {
	const builder = new RangeSetBuilder<Decoration>();
	if (!isLivePreview(view.state)) return builder.finish();
	const doc = view.state.doc;
	const lastVisible = view.visibleRanges.length ? doc.lineAt(view.visibleRanges[view.visibleRanges.length - 1].to).number : 0;
	const fenced = fencedLines(view, lastVisible);
	const sel = view.state.selection.ranges;
	for (const { from, to } of view.visibleRanges) {
		const text = view.state.sliceDoc(from, to);
		INLINE.lastIndex = 0;
		for (let m = INLINE.exec(text); m !== null; m = INLINE.exec(text)) {
			const start = from + m.index + m[1].length;
			const end = from + m.index + m[0].length;
			if (fenced.has(doc.lineAt(start).number)) continue;
			if (sel.some((r) => r.from <= end && r.to >= start)) continue;
			builder.add(start, end, Decoration.replace({ widget: new InlineCheckWidget(m[2], render) }));
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
				if (modeChanged || u.docChanged || u.viewportChanged || u.selectionSet || u.focusChanged || u.geometryChanged) {
					this.decorations = buildInlineDecorations(u.view, render);
				}
			}
		},
		{ decorations: (v) => v.decorations },
	);
}
