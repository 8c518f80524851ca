// @vitest-environment jsdom
import { EditorSelection, EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { afterEach, describe, expect, it } from "vitest";
import { markdownLanguage } from "../../support/markdown-language";
import { editorLivePreviewField, setLivePreview } from "../../support/obsidian-stub";
import { renderInlineCheck } from "../../../src/plugin/inline-check";
import { inlineCheckLivePreview } from "../../../src/plugin/inline-check-live";

let view: EditorView | null = null;

afterEach(() => {
	view?.destroy();
	view = null;
	document.body.empty();
});

function open(doc: string, { live = true, cursor = 0 } = {}): EditorView {
	const parent = document.body.createDiv({ cls: "markdown-source-view" });
	view = new EditorView({
		state: EditorState.create({ doc, selection: EditorSelection.cursor(cursor), extensions: [markdownLanguage(), editorLivePreviewField.init(() => live), inlineCheckLivePreview(renderInlineCheck)] }),
		parent,
	});
	return view;
}

describe("inline cnn: check in Live Preview", () => {
	it("shows the checked formula in place of the code, inside a callout line too", () => {
		const v = open("> [!quote] padding 1: `cnn: 32 k4 s3 p1` and without: `cnn: 32 k4 s3`\n");
		const spans = Array.from(v.contentDOM.querySelectorAll(".cnn-lab-inline")).map((s) => s.textContent);
		expect(spans).toEqual(["((32 + 2·1 − 4)/3) + 1 = 11 ✓", "(32 − 4)/3 + 1 = 10.33 ✗ not an integer — try p1 → 11"]);
		expect(v.state.doc.toString()).toContain("`cnn: 32 k4 s3 p1`");
	});

	it("leaves the text as written where the cursor is, in source mode and inside code fences", () => {
		const doc = "see `cnn: 32 k4 s3 p1` here\n```cnn\n`cnn: 32 k4 s3`\n```\n";
		expect(open(doc, { cursor: 8 }).contentDOM.querySelector(".cnn-lab-inline")).toBeNull();
		view!.destroy();
		expect(open(doc, { live: false, cursor: doc.length }).contentDOM.querySelector(".cnn-lab-inline")).toBeNull();
		view!.destroy();
		const v = open(doc, { cursor: doc.length });
		expect(v.contentDOM.querySelectorAll(".cnn-lab-inline")).toHaveLength(1);
	});

	it("follows the editor between Live Preview and source mode, as Obsidian's field says", () => {
		const v = open("a `cnn: 32 k4 s3 p1` b\n", { live: false, cursor: 0 });
		expect(v.contentDOM.querySelector(".cnn-lab-inline")).toBeNull();
		v.dispatch({ effects: setLivePreview.of(true) });
		expect(v.contentDOM.querySelector(".cnn-lab-inline")?.textContent).toBe("((32 + 2·1 − 4)/3) + 1 = 11 ✓");
		v.dispatch({ effects: setLivePreview.of(false) });
		expect(v.contentDOM.querySelector(".cnn-lab-inline")).toBeNull();
	});

	it("leaves an editor without Obsidian's field (another plugin's CodeMirror) alone", () => {
		const parent = document.body.createDiv();
		view = new EditorView({ state: EditorState.create({ doc: "`cnn: 32 k4 s3`", extensions: [inlineCheckLivePreview(renderInlineCheck)] }), parent });
		expect(view.contentDOM.querySelector(".cnn-lab-inline")).toBeNull();
	});
});
