/** The shape table as Markdown, for "copy table" and the command line. */
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import { fmtCount } from "./shape";
import { paramsText, totalsLines, type Summary } from "./summary";

// two no-break spaces a level: Markdown keeps them at the start of a cell, where it trims plain spaces
const INDENT = "\u00a0\u00a0";

function cell(s: string): string {
	return s.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

export function markdownTable(s: Summary): string {
	const head = (["spec.col.line", "spec.col.layer", "spec.col.output", "spec.col.formula", "spec.col.filter", "spec.col.params", "spec.col.macs", "spec.col.rf"] as const).map((k) => t(k));
	const out: string[] = [];
	out.push(`| ${head.join(" | ")} |`);
	out.push(`| ${head.map((_, i) => (i === 0 || i === 5 || i === 6 ? "---:" : "---")).join(" | ")} |`);
	if (s.input) out.push(`| ${[String(s.input.line), s.input.text || t("spec.inputRow"), s.input.shape, "", "", "", "", ""].map(cell).join(" | ")} |`);
	for (const r of s.rows) {
		const mark = r.severity === "error" ? " ✗" : r.severity === "warning" ? " ⚠" : "";
		out.push(
			`| ${[
				String(r.line),
				INDENT.repeat(r.nest) + r.layer,
				r.output + mark,
				r.formulas.join("; "),
				r.filter,
				paramsText(r),
				r.macs === null ? "" : fmtCount(r.macs),
				r.rf,
			]
				.map(cell)
				.join(" | ")} |`,
		);
	}
	out.push("");
	out.push(`**${t("spec.total")}**: ${totalsLines(s).join(" · ")}`);
	return out.join("\n") + "\n";
}
