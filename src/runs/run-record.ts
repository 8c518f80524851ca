/** What a run note records: one training run's settings, progress and results. */
import type { EpochMetrics, LossPoint } from "../engine/run-metrics";

/**
 * "interrupted": the note said "running" but no run of this app is writing it any more (the app was closed
 * mid-run); the reader marks it so in the note itself.
 */
export type RunStatus = "running" | "completed" | "stopped" | "failed" | "interrupted";

export const RUN_STATUSES: readonly RunStatus[] = ["running", "completed", "stopped", "failed", "interrupted"];

/** What the run was asked to do: the settings table of the ```cnn-log block compares these. */
export interface RunSettings {
	/** The ```cnn block's text. */
	model: string;
	dataset: string;
	epochs: number;
	batch: number;
	optimizer: string;
	lr: number;
	weightDecay: number;
	seed: number | null;
	/** Fraction held out for validation. */
	val?: number | null;
	limit?: number | null;
	/** The learning-rate schedule as the train line says it ("step 5 0.5", "cosine warmup 2"); absent: constant. */
	schedule?: string | null;
	/** Early stopping's patience in epochs; absent: none. */
	patience?: number | null;
}

export interface RunRecord {
	runId: string;
	status: RunStatus;
	/** Local start time, `YYYY-MM-DDTHH:mm:ss` (older notes: ISO 8601 in UTC). */
	date: string;
	/** Vault path of the note holding the ```cnn block, e.g. "Notes/CNN.md". */
	sourcePath: string;
	settings: RunSettings;
	durationS: number | null;
	samplesPerS: number | null;
	epochs: EpochMetrics[];
	batches: LossPoint[];
	/** Why a failed run failed (NaN at epoch 3 batch 12, …). */
	message?: string | null;
	/** With patience: the epoch whose weights the run ended on (the lowest validation loss). */
	bestEpoch?: number | null;
	/** With patience: the run ended before its last epoch because the validation loss stopped improving. */
	earlyStop?: boolean;
	/** Vault path of the weights file beside the note, when weights were kept (older notes: its name only). */
	weights?: string | null;
	/** What computed the run: "wasm-simd" or "js" (they round differently, so a rerun may differ slightly). */
	backend?: string | null;
	/** What trained the run when it was not CNN Lab: "pytorch" or "keras" (the exported training scripts write it). */
	framework?: string | null;
	/**
	 * With a test set (`test …` on the train line): its loss and accuracy on the final weights, apart from
	 * validation; the confusion matrix is then the test set's. Absent without one.
	 */
	test?: TestMetrics | null;
	/** The final validation confusion matrix; absent in notes written before it was kept. */
	confusion?: ConfusionRecord | null;
}

/** A test set's numbers at the end of a run. */
export interface TestMetrics {
	loss: number;
	acc: number;
	/** Images in the test set. */
	n: number;
}

/** Counts of validation samples: matrix[true][predicted], one row and column per class, in `classes` order. */
export interface ConfusionRecord {
	classes: string[];
	matrix: number[][];
}

export const CREATED_BY = "cnn-lab";

/** The tag every run note carries, so a tag search finds the runs. */
export const RUN_TAG = "cnn-run";

/** Final metrics of a run: the last epoch's numbers. */
export function finalMetrics(r: Pick<RunRecord, "epochs">): { loss: number | null; acc: number | null; valLoss: number | null; valAcc: number | null } {
	const last = r.epochs[r.epochs.length - 1];
	return last ? { loss: last.loss, acc: last.acc, valLoss: last.valLoss, valAcc: last.valAcc } : { loss: null, acc: null, valLoss: null, valAcc: null };
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** A time as Obsidian's date-time property writes it: local, `YYYY-MM-DDTHH:mm:ss`, no zone. */
export function localDateTime(d: Date): string {
	return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}
