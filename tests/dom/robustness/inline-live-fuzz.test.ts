// @vitest-environment jsdom
/**
 * The Live Preview side of inline `cnn:`: whole demo notes, junk and random edits typed into a CodeMirror editor
 * with the extension on. Nothing may throw, the document is never changed by the extension, every widget shown
 * has its text, and in a huge note only the lines on screen are decorated.
 */
import { EditorSelection, EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { markdownLanguage } from "../../support/markdown-language";
import { editorLivePreviewField } from "../../support/obsidian-stub";
import { renderInlineCheck } from "../../../src/plugin/inline-check";
import { buildInlineDecorations, inlineCheckLivePreview } from "../../../src/plugin/inline-check-live";

const RUNS = Number(process.env.CNN_LAB_FUZZ_RUNS) || 60;
const NOTES = ["examples/vault/Clippings/CNN study notes.md", "examples/vault/Clippings/CNN 学习笔记.md", "examples/vault/Mistakes.md"].map((p) => readFileSync(p, "utf8"));
/** 30-line windows of the notes that hold an inline check (jsdom draws only the top of a long document). */
const WINDOWS = NOTES.flatMap((n) => {
	const lines = n.split("\n");
	return lines.flatMap((l, i) => (l.includes("`cnn:") ? [lines.slice(Math.max(0, i - 10), i + 20).join("\n")] : []));
});

let view: EditorView | null = null;
let worst = 0;
/** Widgets seen: the fuzzing must reach the widget code, not only plain text. */
let widgets = 0;

afterEach(() => {
	view?.destroy();
	view = null;
	document.body.empty();
});

afterAll(() => console.log(`inline live preview: worst ${worst.toFixed(1)} ms per document or edit`));

function open(doc: string, cursor: number): EditorView {
	const parent = document.body.createDiv({ cls: "markdown-source-view" });
	view = new EditorView({
		state: EditorState.create({ doc, selection: EditorSelection.cursor(Math.min(cursor, doc.length)), extensions: [markdownLanguage(), editorLivePreviewField.init(() => true), inlineCheckLivePreview(renderInlineCheck)] }),
		parent,
	});
	return view;
}

function widgetsHaveText(v: EditorView): void {
	for (const w of Array.from(v.contentDOM.querySelectorAll(".cnn-lab-inline"))) {
		widgets++;
		if (!(w.textContent ?? "").trim()) throw new Error("an inline check widget without text");
	}
}

const piece = fc.oneof(
	fc.constantFrom("`cnn: 32 k4 s3`", "`cnn:", "`", "``", "```", "```cnn\n", "\n```\n", "> ", "> [!note]\n> ", "`cnn: NaN kNaN`", "`cnn: 9007199254740992 k3 s0 p-1 d1e9`", "\n", "\u0000", "\ud800", "\u202e", "$`cnn: 1`$", "<!-- `cnn: 3 k1` -->", "%% `cnn: 3 k1` %%"),
	fc.string({ unit: "binary", maxLength: 20 }),
);

describe("inline cnn: in Live Preview under fuzzing", () => {
	it("whole demo notes with junk spliced in, opened at a random cursor", { timeout: 60_000 }, async () => {
		await fc.assert(
			fc.property(fc.constantFrom(...NOTES, ...WINDOWS), fc.array(fc.tuple(fc.nat(), piece), { maxLength: 8 }), fc.nat(), (note, inserts, cursor) => {
				let doc = note;
				for (const [at, s] of inserts) {
					const i = at % (doc.length + 1);
					doc = doc.slice(0, i) + s + doc.slice(i);
				}
				const t0 = performance.now();
				const v = open(doc, cursor % (doc.length + 1));
				worst = Math.max(worst, performance.now() - t0);
				// CodeMirror itself turns \r and \r\n into \n: compare with an editor state without the extension.
				if (v.state.doc.toString() !== EditorState.create({ doc }).doc.toString()) throw new Error("the extension changed the document");
				widgetsHaveText(v);
				v.destroy();
				view = null;
			}),
			{ numRuns: RUNS, seed: 11, endOnFailure: true },
		);
		expect(widgets).toBeGreaterThan(RUNS);
	});

	it("random edits typed into a note: inserts, deletes, cursor moves", { timeout: 60_000 }, async () => {
		const edit = fc.record({ at: fc.nat(), del: fc.nat({ max: 20 }), text: piece, cursor: fc.nat() });
		await fc.assert(
			fc.property(fc.constantFrom(...WINDOWS), fc.array(edit, { minLength: 1, maxLength: 25 }), (note, edits) => {
				const v = open(note, 0);
				for (const e of edits) {
					const len = v.state.doc.length;
					const from = e.at % (len + 1);
					const to = Math.min(len, from + e.del);
					const t0 = performance.now();
					v.dispatch({ changes: { from, to, insert: e.text } });
					v.dispatch({ selection: EditorSelection.cursor(e.cursor % (v.state.doc.length + 1)) });
					worst = Math.max(worst, performance.now() - t0);
					widgetsHaveText(v);
				}
				v.destroy();
				view = null;
			}),
			{ numRuns: Math.max(10, Math.round(RUNS / 3)), seed: 12, endOnFailure: true },
		);
	});

	it("a check whose colon is on the next line stays text (was a RangeError: a decoration replacing a line break)", () => {
		const v = open("see `cnn\n: 32 k4 s3` and `cnn : 32 k4 s3 p1`\n", 0);
		const shown = Array.from(v.contentDOM.querySelectorAll(".cnn-lab-inline")).map((w) => w.textContent);
		expect(shown).toEqual(["((32 + 2·1 − 4)/3) + 1 = 11 ✓"]);
	});

	it("a 100 000-line note full of inline checks opens and scrolls with only the checks on screen computed", () => {
		const doc = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? `line ${i}: \`cnn: ${20 + (i % 50)} k3 s${1 + (i % 3)}\`` : `text ${i}`)).join("\n");
		let computed = 0;
		const counting = (code: string): HTMLElement => {
			computed++;
			return renderInlineCheck(code);
		};
		const parent = document.body.createDiv({ cls: "markdown-source-view" });
		const t0 = performance.now();
		const v = new EditorView({ state: EditorState.create({ doc, extensions: [markdownLanguage(), editorLivePreviewField.init(() => true), inlineCheckLivePreview(counting)] }), parent });
		view = v;
		const atTop = computed;
		v.dispatch({ selection: EditorSelection.cursor(doc.length), scrollIntoView: true });
		worst = Math.max(worst, performance.now() - t0);
		widgetsHaveText(v);
		// The note holds 33 334 checks; the editor draws a viewport of lines, and only its checks may be computed
		// (a note-wide pass is what froze the editor on long notes). The time is printed after the file, not asserted.
		expect(atTop).toBeGreaterThan(0);
		expect(computed).toBeLessThan(2_000);
		expect(buildInlineDecorations(v, counting).size).toBeLessThan(2_000);
		expect(v.contentDOM.querySelectorAll(".cnn-lab-inline").length).toBeLessThan(2_000);
		expect(v.contentDOM.textContent).toContain("line 99999");
	});
});
