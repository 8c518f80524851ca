/** The `where` clause of `folder … where …` and matching a run's front matter against it. */
import type { Diagnostic } from "../diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { err, type FilterOp, type RunFilter } from "./types";

/**
 * The front-matter keys a run note carries (src/runs/run-properties.ts writes them; a test keeps the two lists equal):
 * a condition on any other key would silently match nothing, so it is refused.
 */
export const FILTER_KEYS: readonly string[] = [
	"run_id", "status", "date", "source", "dataset", "epochs", "epochs_done", "batch", "optimizer", "lr", "weight_decay", "seed",
	"val_split", "limit", "train_loss", "train_acc", "val_loss", "val_acc", "duration_s", "samples_per_s", "backend", "message",
	"weights", "model", "tags",
];

const EXAMPLE = "folder CNN runs where dataset = digits and lr < 0.1";

/** Reads `a = b and c >= d` (`==` is read as `=`); returns the filters, or a diagnostic for what cannot be read. */
export function parseWhere(text: string, line: number): { filters: RunFilter[]; diag: Diagnostic | null } {
	const filters: RunFilter[] = [];
	if (text.trim() === "") return { filters, diag: err(line, t("log.where.empty"), EXAMPLE) };
	if (/(^|\s)or(\s|$)/i.test(text)) return { filters, diag: err(line, t("log.where.or"), EXAMPLE) };
	for (const raw of text.split(/\sand\s/i)) {
		const part = raw.trim();
		const m = /^([A-Za-z_][\w-]*)\s*(==|!=|<=|>=|=|<|>)(.*)$/.exec(part);
		const value = m ? m[3].trim().replace(/^["']|["']$/g, "") : "";
		if (!m || value === "" || /^[=<>!]/.test(value)) return { filters, diag: err(line, t("log.block.condition", { text: part.slice(0, 60) }), EXAMPLE) };
		const key = m[1].toLowerCase().replace(/-/g, "_");
		if (!FILTER_KEYS.includes(key)) return { filters, diag: err(line, t("log.where.key", { key: m[1].slice(0, 40), keys: FILTER_KEYS.join(", ") })) };
		filters.push({ key, op: (m[2] === "==" ? "=" : m[2]) as FilterOp, value });
	}
	return { filters, diag: null };
}

function compare(a: string | number | boolean | null | undefined, op: FilterOp, want: string): boolean {
	if (a === undefined || a === null) return op === "!=";
	const an = typeof a === "number" ? a : Number(a);
	const wn = Number(want);
	const numeric = want.trim() !== "" && Number.isFinite(wn) && Number.isFinite(an) && String(a).trim() !== "";
	const cmp = numeric ? Math.sign(an - wn) : String(a).toLowerCase().localeCompare(want.toLowerCase());
	switch (op) {
		case "=":
			return cmp === 0;
		case "!=":
			return cmp !== 0;
		case "<":
			return cmp < 0;
		case "<=":
			return cmp <= 0;
		case ">":
			return cmp > 0;
		case ">=":
			return cmp >= 0;
	}
}

/** Whether a run's front matter passes every filter (keys are the front matter's: dataset, lr, status, val_acc…). */
export function matchesFilters(fm: Record<string, string | number | boolean | null | readonly string[]>, filters: readonly RunFilter[]): boolean {
	// A list property (tags) passes when one of its items does (for "!=", when none equals the value).
	return filters.every((f) => {
		const v = fm[f.key];
		if (!Array.isArray(v)) return compare(v as string | number | boolean | null | undefined, f.op, f.value);
		return f.op === "!=" ? v.every((x: string) => compare(x, "!=", f.value)) : v.some((x: string) => compare(x, f.op, f.value));
	});
}
