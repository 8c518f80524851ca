/**
 * One recorder turns a run's events into its run note, for the plugin and `cnn-lab train` alike, over a NoteStore.
 * The note is created at the first write; after that only its ```cnn-log block and its properties are rewritten, so
 * whatever the user writes elsewhere in the note stays. A note deleted during the run means "stop writing": the run
 * goes on, `detached` turns true, nothing reappears (the record stays in memory for a "Save log" at the end).
 */
import { t } from "../i18n";
import "../i18n/strings-log";
import type { EpochMetrics, LossPoint } from "../engine/run-metrics";
import { validConfusion } from "./confusion";
import { joinVaultPath, type NoteStore } from "./note-store";
import { runProperties } from "./run-properties";
import { formatRunNote, isOwnRunNote, replaceLogFence } from "./run-note";
import { localDateTime, type ConfusionRecord, type RunRecord, type RunSettings, type RunStatus, type TestMetrics } from "./run-record";
import { runNoteStems, safeFileName } from "./vault-paths";

/** The run's time and speed so far, recorded with every epoch so that an interrupted run still has them. */
export interface RunPace {
	durationS?: number;
	samplesPerS?: number;
}

export interface FinishInfo extends RunPace {
	/** Why it failed or stopped (shown in the note and its properties). */
	message?: string;
	/** The final validation confusion matrix, kept in the note so that reopening it shows it again. */
	confusion?: ConfusionRecord | null;
	/** With patience: the epoch the weights come from, and whether the run stopped early. */
	bestEpoch?: number | null;
	earlyStop?: boolean;
	/** The test set's loss and accuracy, when the run had one. */
	test?: TestMetrics | null;
}

export interface RecorderOptions {
	runId: string;
	/** Vault path of the note holding the ```cnn block. */
	sourcePath: string;
	settings: RunSettings;
	/** The runs folder, already checked (vault-relative, "" for the root). */
	folder: string;
	/** Names the note; the source note's name when absent. */
	title?: string;
	backend?: string | null;
	startedAt: Date;
}

/** The note at `path` holds other text than this run's: its owner replaced it. */
export class NotOurs extends Error {
	constructor(readonly path: string) {
		super(t("log.error.notOurs", { path }));
	}
}

export class RunRecorder {
	readonly record: RunRecord;
	/** Vault path of the run note once created. */
	path: string | null = null;
	/** True once the user deleted the note during the run: nothing is written again unless saveAgain() is called. */
	detached = false;
	private readonly title: string;
	private readonly startedAt: Date;
	private readonly folder: string;

	constructor(
		private readonly store: NoteStore,
		opts: RecorderOptions,
		/** Told when the note was replaced by someone else's text and the run moves to a new note. */
		private readonly onReplaced: (path: string) => void = () => undefined,
	) {
		this.startedAt = opts.startedAt;
		this.folder = opts.folder;
		const sourceName = opts.sourcePath.split("/").pop()?.replace(/\.md$/i, "") ?? "run";
		this.title = safeFileName(opts.title?.trim() || sourceName);
		this.record = {
			runId: opts.runId,
			status: "running",
			date: localDateTime(opts.startedAt),
			sourcePath: opts.sourcePath,
			settings: { ...opts.settings },
			durationS: null,
			samplesPerS: null,
			epochs: [],
			batches: [],
			message: null,
			weights: null,
			backend: opts.backend ?? null,
		};
	}

	/** Records a finished epoch (a repeated epoch number replaces the earlier row). */
	epoch(row: EpochMetrics, pace: RunPace = {}): void {
		const rows = this.record.epochs;
		const at = rows.findIndex((r) => r.epoch === row.epoch);
		const kept: EpochMetrics = { epoch: row.epoch, loss: row.loss, acc: row.acc, valLoss: row.valLoss, valAcc: row.valAcc };
		if (row.lr != null) kept.lr = row.lr;
		if (at >= 0) rows[at] = kept;
		else rows.push(kept);
		this.pace(pace);
	}

	/** Replaces the per-batch loss curve (x in epochs). */
	batches(points: readonly LossPoint[]): void {
		this.record.batches = points.map((p) => ({ x: p.x, y: p.y }));
	}

	finish(status: Exclude<RunStatus, "running" | "interrupted">, info: FinishInfo = {}): void {
		this.record.status = status;
		this.pace(info);
		if (info.message !== undefined) this.record.message = info.message;
		if (info.confusion !== undefined) this.record.confusion = validConfusion(info.confusion);
		if (info.bestEpoch != null) this.record.bestEpoch = info.bestEpoch;
		if (info.earlyStop) this.record.earlyStop = true;
		if (info.test) this.record.test = { ...info.test };
	}

	/** Names the weights file (vault path) in the note. */
	setWeights(path: string): void {
		this.record.weights = path;
	}

	/** The source note moved: the link in the note follows. */
	setSource(path: string): void {
		this.record.sourcePath = path;
	}

	/** The "Save log" button after a deletion: the note is written again, under a new name if need be. */
	saveAgain(): void {
		this.detached = false;
		this.path = null;
	}

	/** Writes the record as it is now; throws with a readable message when the store refuses. */
	async write(): Promise<void> {
		if (this.detached) return;
		if (this.path === null) return this.create();
		if (!this.store.exists(this.path)) {
			this.detached = true;
			return;
		}
		const path = this.path;
		try {
			const ok = await this.store.process(path, (text) => {
				if (!isOwnRunNote(text, this.record.runId)) throw new NotOurs(path);
				return replaceLogFence(text, this.record);
			});
			if (!ok) {
				this.detached = true;
				return;
			}
		} catch (e) {
			if (!(e instanceof NotOurs)) throw e;
			// Someone replaced the note with their own text: leave it and write the run under a new name.
			this.onReplaced(path);
			this.path = null;
			return this.create();
		}
		const props = runProperties(this.record);
		await this.store.processFrontMatter(path, (fm) => {
			for (const [k, v] of props) fm[k] = v;
			for (const k of ["val_split", "limit", "backend", "message", "weights"]) if (!props.some(([key]) => key === k)) delete fm[k];
		});
	}

	/** Moves the recorder to a renamed note. */
	moved(path: string): void {
		this.path = path;
	}

	private pace(p: RunPace): void {
		if (p.durationS !== undefined) this.record.durationS = p.durationS;
		if (p.samplesPerS !== undefined) this.record.samplesPerS = p.samplesPerS;
	}

	/** Creates the note under the first free name (see runNoteStems). */
	private async create(): Promise<void> {
		await this.store.ensureFolder(this.folder);
		for (const stem of runNoteStems(this.title, this.startedAt)) {
			const path = joinVaultPath(this.folder, `${stem}.md`);
			if (this.store.exists(path)) continue;
			try {
				await this.store.create(path, formatRunNote(this.record, stem));
				this.path = path;
				return;
			} catch (e) {
				// Another run took the name in the meantime: try the next one.
				if (this.store.exists(path)) continue;
				throw e;
			}
		}
		throw new Error(t("log.error.noName", { folder: this.folder }));
	}
}
