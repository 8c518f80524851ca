/**
 * A run's front matter (its Properties): what Dataview queries and the ```cnn-log block filters on. One line each,
 * as Obsidian's Properties view wants them; the model's text is in the note's body, `model` is its summary.
 */
import { finalMetrics, CREATED_BY, RUN_STATUSES, RUN_TAG, type RunRecord, type RunStatus } from "./run-record";
import { linkTo, pathFromLink } from "./links";
import type { FrontMatter, PropValue } from "./yaml";

/** Lines of a ```cnn block that are not layers. */
const NOT_A_LAYER = /^(?:input|train|sample|show|#|\/\/)/i;

/** The model in one line: its layer lines joined by arrows ("conv 8 5x5 → relu → … → dense 10"). */
export function modelSummary(modelText: string): string {
	return modelText
		.replace(/\r\n?/g, "\n")
		.split("\n")
		.map((l) => l.replace(/\s+/g, " ").trim())
		.filter((l) => l !== "" && !NOT_A_LAYER.test(l))
		.join(" → ");
}

/** The properties of a run note, in the order they are written. Absent optional ones are left out. */
export function runProperties(r: RunRecord): [string, PropValue][] {
	const s = r.settings;
	const f = finalMetrics(r);
	const fm: [string, PropValue][] = [
		["created_by", CREATED_BY],
		["run_id", r.runId],
		["status", r.status],
		["date", r.date],
		["tags", [RUN_TAG]],
		["source", linkTo(r.sourcePath)],
		["dataset", s.dataset],
		["model", modelSummary(s.model)],
		["epochs", s.epochs],
		["epochs_done", r.epochs.length],
		["batch", s.batch],
		["optimizer", s.optimizer],
		["lr", s.lr],
		["weight_decay", s.weightDecay],
		["seed", s.seed],
	];
	if (s.val !== undefined && s.val !== null) fm.push(["val_split", s.val]);
	if (s.limit !== undefined && s.limit !== null) fm.push(["limit", s.limit]);
	if (s.schedule) fm.push(["schedule", s.schedule]);
	if (s.patience != null) fm.push(["patience", s.patience]);
	fm.push(["train_loss", f.loss], ["train_acc", f.acc], ["val_loss", f.valLoss], ["val_acc", f.valAcc], ["duration_s", r.durationS], ["samples_per_s", r.samplesPerS]);
	if (r.test) fm.push(["test_loss", r.test.loss], ["test_acc", r.test.acc], ["test_n", r.test.n]);
	if (r.backend) fm.push(["backend", r.backend]);
	if (r.bestEpoch != null) fm.push(["best_epoch", r.bestEpoch]);
	if (r.earlyStop) fm.push(["early_stop", true]);
	if (r.message) fm.push(["message", r.message]);
	if (r.weights) fm.push(["weights", linkTo(r.weights)]);
	return fm;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");

/** test_loss / test_acc / test_n, present only in the notes of runs with a test set. */
function testFrom(fm: Record<string, unknown>): { test?: RunRecord["test"] } {
	const loss = num(fm.test_loss);
	const acc = num(fm.test_acc);
	return loss === null && acc === null ? {} : { test: { loss: loss ?? NaN, acc: acc ?? NaN, n: num(fm.test_n) ?? 0 } };
}

/**
 * Settings and summary of a run from its front matter alone (cheap: no CSV). `settings.model` is the front
 * matter's `model`: the whole text in notes written before the text moved into the body, the summary since.
 */
export function runFromFrontMatter(fm: Record<string, unknown>): Omit<RunRecord, "epochs" | "batches"> | null {
	if (fm.created_by !== CREATED_BY) return null;
	const status = str(fm.status);
	const weights = fm.weights === null || fm.weights === undefined ? null : str(fm.weights);
	return {
		runId: str(fm.run_id),
		status: (RUN_STATUSES as readonly string[]).includes(status) ? (status as RunStatus) : "stopped",
		date: str(fm.date),
		sourcePath: pathFromLink(str(fm.source)),
		settings: {
			model: str(fm.model),
			dataset: str(fm.dataset),
			epochs: num(fm.epochs) ?? 0,
			batch: num(fm.batch) ?? 0,
			optimizer: str(fm.optimizer),
			lr: num(fm.lr) ?? 0,
			weightDecay: num(fm.weight_decay) ?? 0,
			seed: num(fm.seed),
			val: num(fm.val_split),
			limit: num(fm.limit),
			// Written only when set, and read back only then, so a run without them compares equal to its record.
			...(str(fm.schedule) ? { schedule: str(fm.schedule) } : {}),
			...(num(fm.patience) !== null ? { patience: num(fm.patience) } : {}),
		},
		...(num(fm.best_epoch) !== null ? { bestEpoch: num(fm.best_epoch) } : {}),
		...(fm.early_stop === true || fm.early_stop === "true" ? { earlyStop: true } : {}),
		durationS: num(fm.duration_s),
		samplesPerS: num(fm.samples_per_s),
		message: fm.message === null || fm.message === undefined ? null : str(fm.message),
		// A link since weights became one; a bare file name beside the note before.
		weights: weights === null ? null : pathFromLink(weights) || weights,
		// Absent from notes written before it was recorded: left out rather than null, so older records compare equal.
		...(fm.backend === null || fm.backend === undefined ? {} : { backend: str(fm.backend) }),
		...(fm.framework === null || fm.framework === undefined ? {} : { framework: str(fm.framework) }),
		...testFrom(fm),
	};
}

/** The properties that hold numbers (absent or null is fine: not every run has every one). */
const NUMBER_KEYS = ["epochs", "epochs_done", "batch", "lr", "weight_decay", "seed", "val_split", "limit", "train_loss", "train_acc", "val_loss", "val_acc", "duration_s", "samples_per_s"] as const;

/** A date and time as run notes write it (local, no zone) or as older notes and other tools do (UTC, a zone). */
const DATE_TIME = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?$/;

export type PropertyProblem = { key: "date"; value: string } | { key: (typeof NUMBER_KEYS)[number]; value: string };

/**
 * The first property of a run note that cannot be read as what it means, or null. A number is not a date
 * (`date: 42` would be shown as the year 2042) and a word is not a rate (`lr: "fast"` would be shown as 0).
 */
export function runPropertyProblem(fm: Record<string, unknown>): PropertyProblem | null {
	const shown = (v: unknown): string => (typeof v === "number" || typeof v === "boolean" ? String(v) : (JSON.stringify(v) ?? typeof v));
	const d = fm.date;
	if (d !== undefined && d !== null && !(typeof d === "string" && DATE_TIME.test(d.trim()) && !Number.isNaN(new Date(d.trim()).getTime()))) return { key: "date", value: shown(d) };
	for (const key of NUMBER_KEYS) {
		const v = fm[key];
		if (v === undefined || v === null || typeof v === "number" || (typeof v === "string" && v.trim() === "")) continue;
		if (num(v) === null) return { key, value: shown(v) };
	}
	return null;
}

export type { FrontMatter };
