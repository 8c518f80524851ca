/**
 * Names for runs drawn together, taken from what differs between them ("lr 0.1" / "lr 0.01"), since run notes are
 * named by their start time and two runs of one evening differ only in the minute.
 */
import type { RunSettings } from "../../runs/run-record";
import { t } from "../../i18n";
import "../../i18n/strings-log";

/** At most this many differing settings name a run; more would make the column as wide as the note's name. */
const MAX_PARTS = 2;

export interface LabelledRun {
	label: string;
	settings?: Partial<RunSettings> | null;
	/** What trained it: "pytorch", "keras"; absent or null: CNN Lab. */
	framework?: string | null;
}

/** A framework's name as a label shows it ("PyTorch"); CNN Lab's own runs have none. */
export function frameworkName(framework: string | null | undefined): string {
	const f = (framework ?? "").trim().toLowerCase();
	if (f === "") return t("log.framework.cnnLab");
	return f === "pytorch" ? "PyTorch" : f === "keras" ? "Keras" : (framework ?? "").trim();
}

const num = (v: number | null | undefined): string => (typeof v === "number" && Number.isFinite(v) ? String(Number(v.toPrecision(4))) : "");

/** The layer lines of a ```cnn block, without comments, blank lines and the train line. */
function layerLines(model: string | undefined): string[] {
	return (model ?? "")
		.split("\n")
		.map((l) => l.replace(/(^|\s)(#|\/\/).*$/, "").trim())
		.filter((l) => l !== "" && !/^train\b/i.test(l));
}

/** For each run, the first layer line where the models part ways ("conv 16 3x3" / "conv 8 3x3"). */
function modelParts(runs: readonly LabelledRun[]): string[] {
	const lines = runs.map((r) => layerLines(r.settings?.model));
	const n = Math.max(...lines.map((l) => l.length));
	for (let i = 0; i < n; i++) {
		const at = lines.map((l) => l[i] ?? "");
		if (new Set(at).size > 1) return at.map((s) => s || t("log.diff.noLayer"));
	}
	return lines.map(() => "");
}

/**
 * Each run's label: its differing settings, in the table's order, or its own label when the runs differ in none of
 * them (or their settings are unknown, as for a pasted log). Two runs that would read the same keep their names.
 */
export function labelsByDifference(runs: readonly LabelledRun[]): string[] {
	const own = runs.map((r) => r.label);
	if (runs.length < 2 || runs.some((r) => !r.settings)) return own;
	const s = (r: LabelledRun): Partial<RunSettings> => r.settings ?? {};
	const keys: { cells: string[]; say: (v: string) => string }[] = [
		// First: a PyTorch run beside CNN Lab's run of the same block is told apart by what trained it.
		{ cells: runs.map((r) => frameworkName(r.framework)), say: (v) => v },
		{ cells: modelParts(runs), say: (v) => v },
		{ cells: runs.map((r) => s(r).dataset ?? ""), say: (v) => v },
		{ cells: runs.map((r) => s(r).optimizer ?? ""), say: (v) => v },
		{ cells: runs.map((r) => num(s(r).lr)), say: (v) => t("log.diff.lr", { v }) },
		{ cells: runs.map((r) => num(s(r).batch)), say: (v) => t("log.diff.batch", { v }) },
		{ cells: runs.map((r) => num(s(r).epochs)), say: (v) => t("log.diff.epochs", { v }) },
		{ cells: runs.map((r) => num(s(r).weightDecay)), say: (v) => t("log.diff.weightDecay", { v }) },
		{ cells: runs.map((r) => num(s(r).seed)), say: (v) => t("log.diff.seed", { v }) },
		{ cells: runs.map((r) => num(s(r).val)), say: (v) => t("log.diff.val", { v }) },
	];
	const differing = keys.filter((k) => new Set(k.cells).size > 1).slice(0, MAX_PARTS);
	if (differing.length === 0) return own;
	const labels = runs.map((_, i) => differing.map((k) => (k.cells[i] === "" ? t("log.diff.unset") : k.say(k.cells[i]))).join(t("log.diff.sep")));
	// Runs alike in the settings shown (three runs, two of them with the same lr) are told apart by their names.
	return labels.map((l, i) => (labels.filter((x) => x === l).length > 1 ? `${l} (${own[i]})` : l));
}
