import { Notice, TFile, TFolder, type App, type Component, type EventRef, type TAbstractFile } from "obsidian";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { formatRunNote, isOwnRunNote, safeFileName, validConfusion, type ConfusionRecord, type RunRecord, type RunStatus } from "../../runs/run-log";
import type { CnnLabSettings } from "../settings";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { checkVaultFolder, joinPath } from "./paths";
import { encodeWeights, isOwnWeightsFile, type NamedTensor } from "./weights-file";

export interface RunBeginOptions {
	/** Vault path of the note holding the ```cnn block. */
	sourcePath: string;
	/** The block's text, kept in the run note so the block finds its runs again. */
	modelText: string;
	/** Names the note; the source note's name when absent. */
	modelName?: string;
	dataset: string;
	epochs: number;
	batch: number;
	optimizer: string;
	lr: number;
	weightDecay: number;
	seed: number | null;
	val?: number | null;
	limit?: number | null;
	/** "wasm-simd" or "js": what computes the run. */
	backend?: string | null;
	/** Stops the rename listener with the block (registerEvent); finish() or dispose() stop it too. */
	owner?: Component;
	/** Called after every write attempt, so the block can show "saved" or the error with a Save log button. */
	onState?: (run: RunHandle) => void;
	/** For tests: the start time. */
	now?: Date;
}

/** The run's time and speed so far, recorded with every epoch so that an interrupted run still has them. */
export interface RunPace {
	durationS?: number;
	samplesPerS?: number;
}

export interface FinishInfo extends RunPace {
	/** Why it failed or stopped (shown in the note and its front matter). */
	message?: string;
	/** The final validation confusion matrix, kept in the note so that reopening it shows it again. */
	confusion?: ConfusionRecord | null;
}

class NotOurs extends Error {}

/** Names being created right now by any run, so two runs finishing in the same second never pick the same one. */
const reserved = new Set<string>();

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Entry point: `const run = RunStore.begin(app, settings, opts)`, then `run.epoch(m)` after every epoch,
 * `run.batches(points)` whenever convenient, and `await run.finish(status, info)` at the end.
 */
export const RunStore = {
	begin(app: App, settings: Pick<CnnLabSettings, "runsFolder">, opts: RunBeginOptions): RunHandle {
		return new RunHandle(app, settings.runsFolder, opts);
	},
};

/**
 * One training run's note. It is created on the first write and then rewritten whole after every epoch, only while
 * the file still says it was created by CNN Lab for this run. When a write fails the record stays in memory,
 * `saved` is false, `lastError` says why and `retry()` writes it again (the next epoch retries too).
 */
export class RunHandle {
	readonly record: RunRecord;
	/** Path of the run note once created. */
	path: string | null = null;
	/** Path of the weights file once written. */
	weightsPath: string | null = null;
	saved = false;
	lastError: string | null = null;
	private readonly title: string;
	private readonly startedAt: Date;
	private dirty = false;
	private inflight: Promise<boolean> | null = null;
	private noticeShown = false;
	private renameRef: EventRef | null;
	private readonly listeners = new Set<(run: RunHandle) => void>();
	private readonly hasOwner: boolean;

	constructor(
		private readonly app: App,
		private readonly folderSetting: string,
		opts: RunBeginOptions,
	) {
		this.startedAt = opts.now ?? new Date();
		if (opts.onState) this.listeners.add(opts.onState);
		this.hasOwner = opts.owner !== undefined;
		const sourceName = opts.sourcePath.split("/").pop()?.replace(/\.md$/i, "") ?? "run";
		this.title = safeFileName(opts.modelName?.trim() || sourceName);
		this.record = {
			runId: `${this.startedAt.getTime().toString(36)}-${Math.floor(Math.random() * 36 ** 6).toString(36)}`,
			status: "running",
			date: this.startedAt.toISOString(),
			sourcePath: opts.sourcePath,
			settings: {
				model: opts.modelText,
				dataset: opts.dataset,
				epochs: opts.epochs,
				batch: opts.batch,
				optimizer: opts.optimizer,
				lr: opts.lr,
				weightDecay: opts.weightDecay,
				seed: opts.seed,
				val: opts.val ?? null,
				limit: opts.limit ?? null,
			},
			durationS: null,
			samplesPerS: null,
			epochs: [],
			batches: [],
			message: null,
			weights: null,
			backend: opts.backend ?? null,
		};
		this.renameRef = app.vault.on("rename", (file: TAbstractFile, oldPath: string) => this.onRename(file, oldPath));
		opts.owner?.registerEvent(this.renameRef);
	}

	/** Records a finished epoch and writes the note (in the background; the promise says whether it was saved). */
	epoch(row: EpochMetrics, { durationS, samplesPerS }: RunPace = {}): Promise<boolean> {
		const rows = this.record.epochs;
		const at = rows.findIndex((r) => r.epoch === row.epoch);
		if (at >= 0) rows[at] = row;
		else rows.push(row);
		if (durationS !== undefined) this.record.durationS = durationS;
		if (samplesPerS !== undefined) this.record.samplesPerS = samplesPerS;
		return this.schedule();
	}

	/** Replaces the per-batch loss curve (x in epochs); written with the next epoch or at the end. */
	batches(points: readonly LossPoint[]): void {
		this.record.batches = points.map((p) => ({ x: p.x, y: p.y }));
	}

	async finish(status: Exclude<RunStatus, "running">, info: FinishInfo = {}): Promise<boolean> {
		this.record.status = status;
		if (info.durationS !== undefined) this.record.durationS = info.durationS;
		if (info.samplesPerS !== undefined) this.record.samplesPerS = info.samplesPerS;
		if (info.message !== undefined) this.record.message = info.message;
		if (info.confusion !== undefined) this.record.confusion = validConfusion(info.confusion);
		const ok = await this.schedule();
		// Without an owner nothing else would ever end the rename listener; a failed save keeps it until then.
		if (ok || !this.hasOwner) this.dispose();
		return ok;
	}

	/** The "Save log" button: writes what is in memory again. */
	retry(): Promise<boolean> {
		this.noticeShown = false;
		return this.schedule();
	}

	/** Keeps trained weights beside the note as `<note>.weights.bin`; the note then names the file. */
	async saveWeights(tensors: readonly NamedTensor[]): Promise<boolean> {
		await this.flush();
		if (!this.path) return false;
		const path = this.path.replace(/\.md$/i, ".weights.bin");
		const data = encodeWeights(this.record.runId, tensors);
		try {
			const existing = this.app.vault.getAbstractFileByPath(path);
			if (existing instanceof TFile) {
				if (!isOwnWeightsFile(await this.app.vault.readBinary(existing), this.record.runId)) throw new Error(t("log.error.notOurs", { path }));
				await this.app.vault.modifyBinary(existing, data);
			} else if (existing) throw new Error(t("log.error.notOurs", { path }));
			else await this.app.vault.createBinary(path, data);
			this.weightsPath = path;
			this.record.weights = path.split("/").pop() ?? path;
		} catch (e) {
			this.fail(errText(e));
			return false;
		}
		return this.schedule();
	}

	/** Waits for pending writes. */
	async flush(): Promise<boolean> {
		while (this.inflight) await this.inflight;
		return this.saved;
	}

	/** Stops listening to renames (the data stays; retry() still works). */
	dispose(): void {
		if (this.renameRef) this.app.vault.offref(this.renameRef);
		this.renameRef = null;
	}

	private schedule(): Promise<boolean> {
		this.dirty = true;
		if (!this.inflight) this.inflight = this.drain();
		return this.inflight;
	}

	private async drain(): Promise<boolean> {
		try {
			while (this.dirty) {
				this.dirty = false;
				await this.writeOnce();
			}
		} finally {
			this.inflight = null;
		}
		return this.saved;
	}

	private async writeOnce(): Promise<void> {
		try {
			const file = this.path ? this.app.vault.getFileByPath(this.path) : null;
			if (!file) await this.create();
			else {
				const text = formatRunNote(this.record, this.noteTitle());
				try {
					await this.app.vault.process(file, (data) => {
						if (!isOwnRunNote(data, this.record.runId)) throw new NotOurs();
						return text;
					});
				} catch (e) {
					if (!(e instanceof NotOurs)) throw e;
					// Someone replaced the note with their own text: leave it and write the run under a new name.
					new Notice(t("log.notice.replaced", { path: file.path }));
					await this.create();
				}
			}
			this.saved = true;
			this.lastError = null;
			this.noticeShown = false;
		} catch (e) {
			this.fail(errText(e));
		}
		for (const cb of [...this.listeners]) cb(this);
	}

	/** Calls `cb` after every write attempt; returns the unsubscribe function. */
	subscribe(cb: (run: RunHandle) => void): () => void {
		this.listeners.add(cb);
		return () => this.listeners.delete(cb);
	}

	private fail(message: string): void {
		this.saved = false;
		this.lastError = message;
		if (!this.noticeShown) new Notice(t("log.notice.saveFailed", { error: message }));
		this.noticeShown = true;
	}

	private noteTitle(): string {
		return this.path ? (this.path.split("/").pop() ?? this.path).replace(/\.md$/i, "") : this.title;
	}

	private async ensureFolder(): Promise<string> {
		const check = checkVaultFolder(this.folderSetting);
		if (!check.ok) throw new Error(check.error);
		const folder = check.path;
		if (folder === "") return folder;
		const existing = this.app.vault.getAbstractFileByPath(folder);
		if (existing instanceof TFolder) return folder;
		if (existing) throw new Error(t("log.error.folderIsFile", { path: folder }));
		try {
			await this.app.vault.createFolder(folder);
		} catch (e) {
			// Another run may have made it in the meantime.
			if (!(this.app.vault.getAbstractFileByPath(folder) instanceof TFolder)) throw e;
		}
		return folder;
	}

	/** Creates the note under the first free name: `<name> YYYY-MM-DD HHmm`, then with seconds, then numbered. */
	private async create(): Promise<void> {
		const folder = await this.ensureFolder();
		const d = this.startedAt;
		const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
		const hm = `${pad(d.getHours())}${pad(d.getMinutes())}`;
		const stems = [`${this.title} ${day} ${hm}`, `${this.title} ${day} ${hm}${pad(d.getSeconds())}`];
		for (let n = 2; n < 100; n++) stems.push(`${stems[1]} ${n}`);
		for (const stem of stems) {
			const path = joinPath(folder, `${stem}.md`);
			if (reserved.has(path) || this.app.vault.getAbstractFileByPath(path)) continue;
			reserved.add(path);
			try {
				this.path = path;
				await this.app.vault.create(path, formatRunNote(this.record, stem));
				return;
			} catch (e) {
				this.path = null;
				if (this.app.vault.getAbstractFileByPath(path)) continue;
				throw e;
			} finally {
				reserved.delete(path);
			}
		}
		throw new Error(t("log.error.noName", { folder }));
	}

	private onRename(file: TAbstractFile, oldPath: string): void {
		const moved = (p: string | null): string | null => {
			if (p === null) return null;
			if (p === oldPath) return file.path;
			if (p.startsWith(`${oldPath}/`)) return file.path + p.slice(oldPath.length);
			return null;
		};
		const note = moved(this.path);
		if (note) this.path = note;
		const weights = moved(this.weightsPath);
		if (weights) this.weightsPath = weights;
		const src = moved(this.record.sourcePath);
		if (src) {
			this.record.sourcePath = src;
			if (this.path) void this.schedule();
		}
	}
}
