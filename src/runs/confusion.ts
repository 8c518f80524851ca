/** The final confusion matrix of a run: checked, as the `# confusion` CSV section and as a Markdown table. */
import { t } from "../i18n";
import "../i18n/strings-log";
import { csvCell, splitCsv } from "./csv";
import type { ConfusionRecord } from "./run-record";

/** Most classes a stored confusion matrix may have (a bigger one is not kept: it would swamp the note). */
export const MAX_CONFUSION_CLASSES = 100;

/** The matrix when it is square, matches its class names and holds only counts; otherwise null (not stored). */
export function validConfusion(c: ConfusionRecord | null | undefined): ConfusionRecord | null {
	if (!c) return null;
	const k = c.classes.length;
	if (k === 0 || k > MAX_CONFUSION_CLASSES || c.matrix.length !== k) return null;
	if (!c.matrix.every((row) => row.length === k && row.every((v) => Number.isInteger(v) && v >= 0))) return null;
	return { classes: [...c.classes], matrix: c.matrix.map((row) => [...row]) };
}

export function confusionCsv(c: ConfusionRecord): string[] {
	const out = ["# confusion", ["true\\predicted", ...c.classes.map(csvCell)].join(",")];
	c.matrix.forEach((row, i) => out.push([csvCell(c.classes[i]), ...row.map(String)].join(",")));
	return out;
}

function mdCell(s: string): string {
	return s.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|") || " ";
}

/** Longest class name that heads a column as itself; longer ones ("airplane", "automobile") are numbered instead. */
const SHORT_NAME = 3;

/**
 * The matrix as a Markdown table readable in the vault: rows are the true class, columns the predicted one. Columns
 * headed by long class names would make ten classes wider than a phone's column, so then the columns are numbered
 * and each row says its number beside its name ("**1** airplane").
 */
export function confusionMarkdown(c: ConfusionRecord): string[] {
	const { head, rowNames } = confusionLabels(c.classes);
	const out = [...head];
	c.matrix.forEach((row, i) => out.push(`| ${rowNames[i]} | ${row.join(" | ")} |`));
	return out;
}

/** The Markdown table's two head lines and each row's name cell (the exported training scripts write the counts). */
export function confusionLabels(classes: readonly string[]): { head: string[]; rowNames: string[] } {
	const numbered = classes.some((name) => [...name].length > SHORT_NAME);
	const cols = numbered ? classes.map((_, i) => String(i + 1)) : classes;
	const head = [t("log.note.confusionCorner"), ...cols].map(mdCell);
	const rowNames = classes.map((name, i) => (numbered ? `**${i + 1}** ${mdCell(name)}` : `**${mdCell(name)}**`));
	return { head: [`| ${head.join(" | ")} |`, `| --- |${" ---: |".repeat(classes.length)}`], rowNames };
}

/** The `# confusion` section of a ```cnn-log block's text, or null when it is absent or not a valid matrix. */
export function parseConfusionSection(fence: string): ConfusionRecord | null {
	const lines = fence.replace(/\r\n?/g, "\n").split("\n");
	const start = lines.findIndex((l) => /^#\s*confusion\b/i.test(l.trim()));
	if (start < 0) return null;
	const rows: string[][] = [];
	for (let i = start + 1; i < lines.length; i++) {
		const raw = lines[i].trim();
		if (raw === "") continue;
		if (raw.startsWith("#")) break;
		rows.push(splitCsv(raw));
	}
	const [head, ...body] = rows;
	if (!head) return null;
	const classes = head.slice(1);
	const matrix = body.map((r) => r.slice(1).map((v) => (/^\d+$/.test(v) ? Number(v) : NaN)));
	if (body.some((r, i) => r[0] !== classes[i])) return null;
	return validConfusion({ classes, matrix });
}
