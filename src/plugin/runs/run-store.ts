import { TFile, type App, type Component, type EventRef, type TAbstractFile } from "obsidian";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { RunRecorder, type FinishInfo, type RunPace } from "../../runs/recorder";
import type { RunRecord, RunStatus } from "../../runs/run-record";
import type { CnnLabSettings } from "../settings";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { checkVaultFolder } from "./paths";
import { VaultNoteStore } from "./vault-note-store";
import { isOwnSafetensors, weightsPathFor } from "../../worker/shared-engine";
import { showNotice } from "../notice";

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
	/** The schedule in the train line's words ("step 5 0.5"); absent: a constant rate. */
	schedule?: string | null;
	/** Early stopping's patience; absent: none. */
	patience?: number | null;
	/** "wasm-simd" or "js": what computes the run. */
	backend?: string | null;
	/** Stops the rename listener with the block (registerEvent); finish() or dispose() stop it too. */
	owner?: Component;
	/** Called after every write attempt, so the block can show "saved" or the error with a Save log button. */
	onState?: (run: RunHandle) => void;
	/**
	 * Shortest time between two epoch writes (the end of a run, a retry and the weights link are written at once). A
	 * fast run ends epochs many times a second, and each write formats the whole note on the page's thread.
	 */
	writeEveryMs?: number;
	/** For tests: the start time. */
	now?: Date;
}

export type { FinishInfo, RunPace };

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
 * One training run's note in the vault: the shared recorder (src/runs/recorder.ts) plus what only the plugin does —
 * writes in the background one at a time, a Notice when saving fails, the weights file, and following renames of
 * the note, its folder and the source note. When a write fails the record stays in memory, `saved` is false,
 * `lastError` says why and `retry()` writes it again (the next epoch retries too). A deleted note is not written
 * again until `retry()` (the "Save log" button).
 */
export class RunHandle {
	/** Path of the weights file once written. */
	weightsPath: string | null = null;
	saved = false;
	lastError: string | null = null;
	private readonly recorder: RunRecorder;
	/** Why the runs folder setting cannot be used (the run is then kept in memory and every save says why). */
	private readonly folderError: string | null;
	private dirty = false;
	/** The next write should not wait for writeEveryMs (the run ended, a retry, the weights' link). */
	private urgent = false;
	private lastWrite = -Infinity;
	/** Ends the wait before a spaced write early (finish() during it). */
	private wake: (() => void) | null = null;
	private readonly writeEveryMs: number;
	private inflight: Promise<boolean> | null = null;
	private noticeShown = false;
	private renameRef: EventRef | null;
	private readonly listeners = new Set<(run: RunHandle) => void>();
	private readonly hasOwner: boolean;

	constructor(
		private readonly app: App,
		folderSetting: string,
		opts: RunBeginOptions,
	) {
		const startedAt = opts.now ?? new Date();
		if (opts.onState) this.listeners.add(opts.onState);
		this.hasOwner = opts.owner !== undefined;
		this.writeEveryMs = Math.max(0, opts.writeEveryMs ?? 0);
		const folder = checkVaultFolder(folderSetting);
		const recorder = new RunRecorder(
			new VaultNoteStore(app),
			{
				folder: folder.ok ? folder.path : "",
				runId: `${startedAt.getTime().toString(36)}-${Math.floor(Math.random() * 36 ** 6).toString(36)}`,
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
					...(opts.schedule ? { schedule: opts.schedule } : {}),
					...(opts.patience != null ? { patience: opts.patience } : {}),
				},
				title: opts.modelName,
				backend: opts.backend ?? null,
				startedAt,
			},
			(path) => showNotice(t("log.notice.replaced", { path })),
		);
		this.recorder = recorder;
		this.folderError = folder.ok ? null : folder.error;
		this.renameRef = app.vault.on("rename", (file: TAbstractFile, oldPath: string) => this.onRename(file, oldPath));
		opts.owner?.registerEvent(this.renameRef);
	}

	get record(): RunRecord {
		return this.recorder.record;
	}

	/** Path of the run note once created (null again after the user deleted it). */
	get path(): string | null {
		return this.recorder.detached ? null : this.recorder.path;
	}

	/** True when the user deleted the note during the run: nothing is written until retry(). */
	get detached(): boolean {
		return this.recorder.detached;
	}

	/** Records a finished epoch and writes the note (in the background; the promise says whether it was saved). */
	epoch(row: EpochMetrics, pace: RunPace = {}): Promise<boolean> {
		this.recorder.epoch(row, pace);
		return this.schedule(false);
	}

	/** Replaces the per-batch loss curve (x in epochs); written with the next epoch or at the end. */
	batches(points: readonly LossPoint[]): void {
		this.recorder.batches(points);
	}

	async finish(status: Exclude<RunStatus, "running" | "interrupted">, info: FinishInfo = {}): Promise<boolean> {
		this.recorder.finish(status, info);
		const ok = await this.schedule(true);
		// Without an owner nothing else would ever end the rename listener; a failed save keeps it until then.
		if (ok || !this.hasOwner) this.dispose();
		return ok;
	}

	/** The "Save log" button: writes what is in memory again (a deleted note is created anew). */
	retry(): Promise<boolean> {
		this.noticeShown = false;
		if (this.recorder.detached) this.recorder.saveAgain();
		return this.schedule(true);
	}

	/**
	 * Keeps trained weights beside the note as `<note>.safetensors` (`file` makes the bytes for the run's id, which
	 * the file's metadata carries: src/interop/run-weights.ts);
	 * the note then links to the file. A file of that name that another run or the user wrote is never replaced.
	 */
	async saveWeights(file: (runId: string) => Uint8Array | null): Promise<boolean> {
		await this.flush();
		const notePath = this.path;
		const bytes = file(this.record.runId);
		if (!notePath || !bytes) return false;
		const path = weightsPathFor(notePath);
		const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
		try {
			const existing = this.app.vault.getAbstractFileByPath(path);
			if (existing instanceof TFile) {
				if (!isOwnSafetensors(new Uint8Array(await this.app.vault.readBinary(existing)), this.record.runId)) throw new Error(t("log.error.notOurs", { path }));
				await this.app.vault.modifyBinary(existing, data);
			} else if (existing) throw new Error(t("log.error.notOurs", { path }));
			else await this.app.vault.createBinary(path, data);
			this.weightsPath = path;
			this.recorder.setWeights(path);
		} catch (e) {
			this.fail(errText(e));
			return false;
		}
		return this.schedule(true);
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

	/** Calls `cb` after every write attempt; returns the unsubscribe function. */
	subscribe(cb: (run: RunHandle) => void): () => void {
		this.listeners.add(cb);
		return () => this.listeners.delete(cb);
	}

	private schedule(urgent: boolean): Promise<boolean> {
		this.dirty = true;
		if (urgent) {
			this.urgent = true;
			this.wake?.();
		}
		if (!this.inflight) this.inflight = this.drain();
		return this.inflight;
	}

	private async drain(): Promise<boolean> {
		try {
			while (this.dirty) {
				const wait = this.lastWrite + this.writeEveryMs - Date.now();
				if (!this.urgent && wait > 0) await this.pause(wait);
				this.dirty = false;
				this.urgent = false;
				this.lastWrite = Date.now();
				await this.writeOnce();
			}
		} finally {
			this.inflight = null;
		}
		return this.saved;
	}

	/**
	 * Waits `ms` (the spacing of epoch writes), or less when an urgent write comes in. The main window's timer: the run
	 * outlives any pop-out window its block was in.
	 */
	private pause(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const done = (): void => {
				window.clearTimeout(id);
				this.wake = null;
				resolve();
			};
			const id = window.setTimeout(done, ms);
			this.wake = done;
		});
	}

	private async writeOnce(): Promise<void> {
		if (this.folderError !== null) this.fail(this.folderError);
		else {
			try {
				await this.recorder.write();
				if (this.recorder.detached) {
					this.saved = false;
					this.lastError = t("log.save.deleted");
				} else {
					this.saved = true;
					this.lastError = null;
					this.noticeShown = false;
				}
			} catch (e) {
				this.fail(errText(e));
			}
		}
		for (const cb of [...this.listeners]) cb(this);
	}

	private fail(message: string): void {
		this.saved = false;
		this.lastError = message;
		if (!this.noticeShown) showNotice(t("log.notice.saveFailed", { error: message }));
		this.noticeShown = true;
	}

	private onRename(file: TAbstractFile, oldPath: string): void {
		const moved = (p: string | null): string | null => {
			if (p === null) return null;
			if (p === oldPath) return file.path;
			if (p.startsWith(`${oldPath}/`)) return file.path + p.slice(oldPath.length);
			return null;
		};
		const note = moved(this.recorder.path);
		if (note) this.recorder.moved(note);
		const weights = moved(this.weightsPath);
		if (weights) {
			this.weightsPath = weights;
			this.recorder.setWeights(weights);
		}
		const src = moved(this.record.sourcePath);
		if (src) {
			this.recorder.setSource(src);
			if (this.recorder.path) void this.schedule(true);
		}
	}
}
