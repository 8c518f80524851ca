// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import type { MarkdownPostProcessorContext } from "obsidian";
// the stand-in installs Obsidian's DOM helpers (createEl, addClass)
import "../../support/obsidian-stub";
import { markRunNoteTables, RUN_TABLE_CLASS } from "../../../src/plugin/runs/run-note-tables";

function section(frontmatter: unknown): HTMLElement {
	const el = document.createElement("div");
	const table = el.createEl("table");
	table.createEl("tr").createEl("td", { text: "36" });
	const ctx = { docId: "d", sourcePath: "CNN runs/r.md", frontmatter, addChild: () => {}, getSectionInfo: () => null } as unknown as MarkdownPostProcessorContext;
	markRunNoteTables(el, ctx);
	return el;
}

describe("a run note's Markdown tables", () => {
	it("are marked compact in a run note (created_by: cnn-lab), so its confusion matrix fits a phone", () => {
		expect(section({ created_by: "cnn-lab", status: "completed" }).querySelector("table")?.classList.contains(RUN_TABLE_CLASS)).toBe(true);
	});
	it("are left as they are in any other note", () => {
		expect(section({ created_by: "someone" }).querySelector("table")?.classList.contains(RUN_TABLE_CLASS)).toBe(false);
		expect(section(null).querySelector("table")?.classList.contains(RUN_TABLE_CLASS)).toBe(false);
	});
});
