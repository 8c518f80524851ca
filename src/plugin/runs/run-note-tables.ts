/**
 * A run note's Markdown tables (the confusion matrix: ten classes and a corner) are marked so that styles.css sets
 * them compact: the note's body font and cell padding make eleven columns wider than a phone's 358 px column.
 */
import type { MarkdownPostProcessorContext } from "obsidian";
import { CREATED_BY } from "../../runs/run-record";
import type { CnnLabHost } from "../host";

export const RUN_TABLE_CLASS = "cnn-lab-run-table";

/** Marks each table of a section of a run note (a note whose front matter says created_by: cnn-lab). */
export function markRunNoteTables(el: HTMLElement, ctx: MarkdownPostProcessorContext): void {
	const fm: unknown = ctx.frontmatter;
	if (!fm || typeof fm !== "object" || (fm as Record<string, unknown>).created_by !== CREATED_BY) return;
	for (const table of Array.from(el.querySelectorAll("table"))) table.addClass(RUN_TABLE_CLASS);
}

export function registerRunNoteTables(host: CnnLabHost): void {
	host.registerMarkdownPostProcessor(markRunNoteTables);
}
