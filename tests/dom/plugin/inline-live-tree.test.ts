// @vitest-environment jsdom
/**
 * Live Preview's inline check reads inline code from the editor's syntax tree. The three places where reading the
 * text line by line took `cnn:` for a check: fenced code inside a callout, fenced code inside a list item, and
 * `$$` math. The tree here is @lezer/markdown with Obsidian's math (tests/support/markdown-language.ts); the last
 * case uses a stream tokenizer with the names of Obsidian's own HyperMD tree.
 */
import { EditorSelection, EditorState, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { afterEach, describe, expect, it } from "vitest";
import { editorLivePreviewField } from "../../support/obsidian-stub";
import { hyperMdLike, markdownLanguage } from "../../support/markdown-language";
import { renderInlineCheck } from "../../../src/plugin/inline-check";
import { inlineCheckLivePreview } from "../../../src/plugin/inline-check-live";

let view: EditorView | null = null;

afterEach(() => {
	view?.destroy();
	view = null;
	document.body.empty();
});

/** The checks drawn for a note with the cursor at its end (where nothing is being edited). */
function checks(doc: string, language: Extension = markdownLanguage()): string[] {
	view?.destroy();
	const parent = document.body.createDiv({ cls: "markdown-source-view" });
	view = new EditorView({
		state: EditorState.create({ doc, selection: EditorSelection.cursor(doc.length), extensions: [language, editorLivePreviewField.init(() => true), inlineCheckLivePreview(renderInlineCheck)] }),
		parent,
	});
	return Array.from(view.contentDOM.querySelectorAll(".cnn-lab-inline")).map((s) => s.getAttribute("data-cnn-source") ?? "");
}

describe("the Live Preview inline check finds inline code in the syntax tree", () => {
	it("leaves `cnn:` inside a fenced block in a callout as written, and checks the one in the callout's text", () => {
		const doc = ["> [!example] With padding `cnn: 32 k4 s3 p1`", "> ```python", "> x = '`cnn: 32 k4 s3`'", "> ```", "", "after"].join("\n");
		expect(checks(doc)).toEqual(["32 k4 s3 p1"]);
	});

	it("leaves `cnn:` inside a fenced block in a list item as written (nested, and opened on the item's own line)", () => {
		const nested = ["- outer", "    - inner `cnn: 28 k5`", "      ```", "      `cnn: 32 k4 s3`", "      ```", "", "end"].join("\n");
		expect(checks(nested)).toEqual(["28 k5"]);
		const sameLine = ["1. ```", "   `cnn: 32 k4 s3`", "   ```", "2. `cnn: 64 k3 p1`", ""].join("\n");
		expect(checks(sameLine)).toEqual(["64 k3 p1"]);
	});

	it("leaves `cnn:` inside $$ math as written", () => {
		const doc = ["Output size:", "$$", "\\text{`cnn: 32 k4 s3`} = 10", "$$", "and inline $`cnn: 7 k3`$ math, then `cnn: 7 k3`.", ""].join("\n");
		expect(checks(doc)).toEqual(["7 k3"]);
	});

	it("reads Obsidian's token names (a flat stream tree), fenced code excluded", () => {
		const doc = ["a `cnn: 32 k4 s3 p1` b", "```", "`cnn: 32 k4 s3`", "```", "c `cnn: 28 k5` d", ""].join("\n");
		expect(checks(doc, hyperMdLike())).toEqual(["32 k4 s3 p1", "28 k5"]);
	});

	it("draws nothing in an editor without a Markdown tree", () => {
		expect(checks("a `cnn: 32 k4 s3 p1` b", [])).toEqual([]);
	});
});
