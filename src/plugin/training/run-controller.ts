import type { BatchMetrics, EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { lossPoint } from "../../runs/loss-curve";
import { runWeightsFile } from "../../worker/shared-engine";
import type { DatasetDescriptor, EndMessage, EpochView, FromWorker, ProgressMessage, ReadyMessage, RunInfo, RunResult, Snapshot, StartMessage } from "../../worker/messages";
import type { ConfusionRecord, TestMetrics } from "../../runs/run-record";
import type { RunChannel } from "./channel";
import type { HubRun, HubTicket } from "./hub";
import { t } from "../../i18n";
import "../../i18n/strings-training";

/**
 * One training run, owned by the plugin (the hub), not by the block that started it: a block's view attaches to it
 * and detaches on unload, and detaching never stops it. No DOM and no `obsidian` here, so every transition is tested
 * in Node (tests/unit/training/run-controller.test.ts).
 *
 *   queued ──► preparing ──► running ──► done | stopped | failed
 *      │           │            │
 *      └───────────┴────────────┴──► stopping ──► stopped (or done / failed if the run ended first)
 *
 * Stopped while queued, or while the data are still being read, a run ends `stopped` with `end.early = "cancelled"`:
 * nothing trained, nothing is written.
 */
export type RunState = "queued" | "preparing" | "running" | "stopping" | "done" | "stopped" | "failed";

/** Which block a run belongs to: a re-rendered or reopened block with the same text in the same note finds it. */
export interface RunKey {
	/** Follows a rename of the note (TrainingHub.renamed). */
	sourcePath: string;
	readonly source: string;
}

export function keyText(k: RunKey): string {
	return `${k.sourcePath}\n${k.source}`;
}

/** The run's time and speed so far, written with every epoch (an interrupted run still records them). */
export interface LogPace {
	durationS?: number;
	samplesPerS?: number;
}

export interface LogFinish extends LogPace {
	message?: string;
	confusion?: ConfusionRecord | null;
	/** With patience: the epoch the kept weights come from, and whether the run stopped before its last epoch. */
	bestEpoch?: number | null;
	earlyStop?: boolean;
	/** The test set's numbers (`test …` on the train line). */
	test?: TestMetrics | null;
}

/**
 * What a run writes into the vault (the run note, the weights beside it). RunStore's handle is one; the controller
 * calls it only here, so replacing it with the shared recorder is one edit in start-run.ts.
 */
export interface RunLog {
	batches(points: readonly LossPoint[]): void;
	epoch(row: EpochMetrics, pace?: LogPace): Promise<boolean>;
	finish(status: "completed" | "stopped" | "failed", info?: LogFinish): Promise<boolean>;
	/** Keeps the weights file beside the run note: `file` gives its bytes for the note's run id (null: none). */
	saveWeights(file: (runId: string) => Uint8Array | null): Promise<boolean>;
	/** Drops the log without writing (a run stopped before its first epoch keeps no note). */
	dispose(): void;
}

/** What the run needs from the platform; start-run.ts provides the plugin's, the tests their fakes. */
export interface RunServices<L extends RunLog> {
	/** Reads (vault data) or describes (built-in data) the dataset; rejects with a message for the block. */
	resolveDataset(): Promise<DatasetDescriptor>;
	/** The `test …` set, read after the dataset; absent when the train line names none. */
	resolveTest?(): Promise<DatasetDescriptor>;
	openChannel(onMessage: (m: FromWorker) => void): RunChannel;
	/** Why the run must not train now that the number of samples is known (vault data), or null. */
	refusal(trainCount: number, testCount?: number): string | null;
	/** The run log, opened when the run is ready (its backend is known then). */
	openLog(info: RunInfo): L;
	/** How long Stop waits for the run to answer before the channel is closed by force (default STOP_GRACE_MS). */
	graceMs?: number;
	/** Timers of the platform (the plugin: the main window's; tests: their own clock). */
	setTimer: (fn: () => void, ms: number) => unknown;
	clearTimer: (id: unknown) => void;
}

/** What a run is asked to do, besides its data. */
export interface RunPlan {
	key: RunKey;
	start: Omit<StartMessage, "type" | "runId" | "dataset">;
	/** The run shown before this one (the block's latest), dashed on the charts for comparison. */
	previous: EpochMetrics[] | null;
	/** Keep the trained weights beside the run note. */
	saveWeights: boolean;
}

export interface RunEnd {
	status: "completed" | "stopped" | "failed";
	/** Why it stopped: Stop / "Stop all" ("user"), the longest-run limit ("time"), the plugin's unload ("unload"). */
	reason: "user" | "time" | "unload" | null;
	/** Failed: what went wrong. Refused: the limits' explanation. */
	message: string | null;
	/**
	 * Ended before training: "cancelled" (stopped while queued or reading data), "error" (the data could not be read),
	 * "refused" (over the limits once the data were read). Null for a run that trained.
	 */
	early: "cancelled" | "error" | "refused" | null;
	elapsedSeconds: number;
	samplesPerSec: number;
	result: RunResult | null;
}

export type RunEvent =
	| { type: "state" }
	| { type: "queued"; ahead: number }
	| { type: "ready" }
	| { type: "progress"; message: ProgressMessage }
	| { type: "end" }
	/** Only to the hub: a view attached or detached (it forgets a finished run once shown). */
	| { type: "attached" }
	| { type: "detached" };

export type RunListener = (e: RunEvent) => void;

/** How long Stop waits for the run to answer before the worker is ended by force (a very long batch). */
export const STOP_GRACE_MS = 3000;

const TERMINAL: ReadonlySet<RunState> = new Set(["done", "stopped", "failed"]);

export class RunController<L extends RunLog = RunLog> implements HubRun {
	private current: RunState = "queued";
	private ticket: HubTicket | null = null;
	private channel: RunChannel | null = null;
	private lastMode: "worker" | "inline" | null = null;
	private graceTimer: unknown = null;
	private readonly listeners = new Set<RunListener>();
	private readonly allBatches: BatchMetrics[] = [];
	private readonly allEpochs: EpochMetrics[] = [];
	/** The per-batch loss as the note keeps it (x in epochs). */
	private readonly lossCurve: LossPoint[] = [];
	private runInfo: RunInfo | null = null;
	private beforeSnapshot: Snapshot | null = null;
	private last: ProgressMessage | null = null;
	private ending: RunEnd | null = null;
	private aheadInQueue = 0;
	private runLog: L | null = null;
	private latestView: EpochView | null = null;

	constructor(
		readonly id: number,
		readonly plan: RunPlan,
		private readonly services: RunServices<L>,
		/** Told of every event after the views (the hub: registry and status bar). */
		private readonly onEvent: (e: RunEvent) => void = () => {},
	) {}

	get key(): RunKey {
		return this.plan.key;
	}

	get state(): RunState {
		return this.current;
	}

	/** Queued, reading data, training or stopping: it holds (or waits for) a slot. */
	get active(): boolean {
		return !TERMINAL.has(this.current);
	}

	/** Runs ahead of this one while it is queued. */
	get ahead(): number {
		return this.aheadInQueue;
	}

	/** Where the run computes once it started ("inline" after a fallback from the worker too). */
	get mode(): "worker" | "inline" | null {
		return this.channel?.mode ?? this.lastMode;
	}

	get info(): RunInfo | null {
		return this.runInfo;
	}

	/** The untrained network the run started from (filters and feature maps). */
	get before(): Snapshot | null {
		return this.beforeSnapshot;
	}

	/** Every batch point so far, in order. */
	get batches(): readonly BatchMetrics[] {
		return this.allBatches;
	}

	/** Every finished epoch so far, in order. */
	get epochs(): readonly EpochMetrics[] {
		return this.allEpochs;
	}

	get lastProgress(): ProgressMessage | null {
		return this.last;
	}

	/** The network after the latest epoch the worker showed (at most one a second), while the run goes on. */
	get epochView(): EpochView | null {
		return this.latestView;
	}

	get end(): RunEnd | null {
		return this.ending;
	}

	private resolved: DatasetDescriptor | null = null;

	/** The dataset the run trains on, once read (the explorer picks its samples from it). */
	get dataset(): DatasetDescriptor | null {
		return this.resolved;
	}

	/** The run's note while it is being written (null before ready, and for a run that keeps no note). */
	get log(): L | null {
		return this.runLog;
	}

	/** The hub's slot, once enqueued; released when the run ends. */
	setTicket(ticket: HubTicket): void {
		this.ticket = ticket;
		if (!this.active) this.releaseSlot();
	}

	/** A view attaches: it reads the history from the getters and then hears every event. Returns detach. */
	attach(listener: RunListener): () => void {
		this.listeners.add(listener);
		this.onEvent({ type: "attached" });
		return () => {
			if (this.listeners.delete(listener)) this.onEvent({ type: "detached" });
		};
	}

	get viewCount(): number {
		return this.listeners.size;
	}

	// ---------------------------------------------------------------- HubRun

	queued(ahead: number): void {
		if (this.current !== "queued") return;
		// -1: "Stop all" dropped the queue.
		if (ahead < 0) {
			this.cancel();
			return;
		}
		this.aheadInQueue = ahead;
		this.emit({ type: "queued", ahead });
	}

	begin(): void {
		if (this.current !== "queued") return;
		this.setState("preparing");
		void this.prepare();
	}

	/** Stop, "Stop all": ends within a batch and keeps the finished epochs. Nothing to do once ended or stopping. */
	stop(): void {
		if (this.current === "queued" || (this.current === "preparing" && !this.channel)) {
			this.cancel();
			return;
		}
		if (this.current !== "preparing" && this.current !== "running") return;
		this.setState("stopping");
		this.channel?.send({ type: "stop", runId: this.id });
		this.graceTimer = this.services.setTimer(() => {
			this.graceTimer = null;
			// The run did not answer (a very long batch): it ends here; the finished epochs are kept already.
			if (this.current === "stopping") this.finish(this.endOf("stopped", "user", null));
		}, this.services.graceMs ?? STOP_GRACE_MS);
	}

	/** Plugin unload: everything ends now (no grace); the note is closed as stopped with what it finished. */
	abort(): void {
		if (!this.active) return;
		if (this.current === "queued" || (this.current === "preparing" && !this.channel)) {
			this.cancel();
			return;
		}
		this.finish(this.endOf("stopped", "unload", null));
	}

	// ---------------------------------------------------------------- the run

	private async prepare(): Promise<void> {
		let dataset: DatasetDescriptor;
		let test: DatasetDescriptor | null = null;
		try {
			dataset = await this.services.resolveDataset();
			if (this.services.resolveTest) test = await this.services.resolveTest();
		} catch (e) {
			if (this.current === "preparing") this.finish({ ...this.endOf("failed", null, e instanceof Error ? e.message : String(e)), early: "error" });
			return;
		}
		// Stopped (or the plugin unloaded) while the data were read.
		if (this.current !== "preparing") return;
		this.resolved = dataset;
		this.channel = this.services.openChannel((m) => this.onMessage(m));
		this.lastMode = this.channel.mode;
		this.channel.send({ type: "start", runId: this.id, ...this.plan.start, dataset, ...(test ? { test } : {}) });
		this.emit({ type: "state" });
	}

	private onMessage(m: FromWorker): void {
		if (!this.active || m.runId !== this.id) return;
		if (m.type === "ready") this.onReady(m);
		else if (m.type === "progress") this.onProgress(m);
		else this.onEnd(m);
	}

	private onReady(m: ReadyMessage): void {
		// Vault data: the number of samples (and a test set's) is known only now, so the limits are checked again.
		const refused = this.services.refusal(m.info.trainCount, m.info.testCount ?? 0);
		if (refused) {
			this.finish({ ...this.endOf("failed", null, refused), early: "refused" });
			return;
		}
		this.runInfo = m.info;
		this.beforeSnapshot = m.before;
		this.runLog = this.services.openLog(m.info);
		if (this.current === "preparing") this.current = "running";
		this.emit({ type: "ready" });
	}

	private onProgress(m: ProgressMessage): void {
		this.last = m;
		if (m.view) this.latestView = m.view;
		for (const b of m.batches) {
			this.allBatches.push(b);
			this.lossCurve.push(lossPoint(b, m.batchesPerEpoch));
		}
		for (const e of m.epochsDone) {
			this.allEpochs.push(e);
			if (this.runLog) {
				this.runLog.batches(this.lossCurve);
				void this.runLog.epoch(e, { durationS: m.elapsedSeconds, samplesPerS: m.samplesPerSec });
			}
		}
		this.emit({ type: "progress", message: m });
	}

	private onEnd(m: EndMessage): void {
		const status = m.type === "done" ? "completed" : m.type;
		const reason = m.type === "stopped" ? (m.reason ?? "user") : null;
		this.finish({ status, reason, message: m.type === "failed" ? m.message : null, early: null, elapsedSeconds: m.elapsedSeconds, samplesPerSec: m.samplesPerSec, result: m.result });
	}

	/** A stop with nothing trained: no slot kept, nothing written. */
	private cancel(): void {
		this.finish({ ...this.endOf("stopped", "user", null), early: "cancelled" });
	}

	private endOf(status: RunEnd["status"], reason: RunEnd["reason"], message: string | null): RunEnd {
		return { status, reason, message, early: null, elapsedSeconds: this.last?.elapsedSeconds ?? 0, samplesPerSec: this.last?.samplesPerSec ?? 0, result: null };
	}

	/** The one way a run ends: the machinery is released, the note finished, and every view told. */
	private finish(end: RunEnd): void {
		if (!this.active) return;
		this.ending = end;
		this.current = end.status === "completed" ? "done" : end.status;
		this.channel?.close();
		this.channel = null;
		if (this.graceTimer !== null) this.services.clearTimer(this.graceTimer);
		this.graceTimer = null;
		this.releaseSlot();
		this.closeLog(end);
		this.emit({ type: "end" });
	}

	private releaseSlot(): void {
		this.ticket?.release();
		this.ticket = null;
	}

	private closeLog(end: RunEnd): void {
		const log = this.runLog;
		if (!log) return;
		// A run stopped before its first epoch finished has nothing to keep: no note is written for it.
		if (this.allEpochs.length === 0 && end.status === "stopped") {
			log.dispose();
			this.runLog = null;
			return;
		}
		log.batches(this.lossCurve);
		const result = end.result;
		const classes = this.runInfo?.classNames;
		const confusion = result && classes && result.confusion.length > 0 ? { classes, matrix: result.confusion } : undefined;
		const message = end.message ?? (end.reason === "time" ? t("training.stoppedTime", { s: this.plan.start.maxSeconds }) : undefined);
		void log.finish(end.status, { durationS: end.elapsedSeconds, samplesPerS: end.samplesPerSec, message: end.status === "completed" ? undefined : message, confusion, bestEpoch: result?.bestEpoch ?? null, earlyStop: result?.earlyStop === true, test: result?.test ?? null }).then(() => {
			if (!result || !this.plan.saveWeights) return;
			// PyTorch's state_dict names, so the file loads into the exported model; a net PyTorch cannot take keeps none.
			const model = this.plan.start.model;
			void log.saveWeights((runId) => {
				const file = runWeightsFile(model, result.weights, runId);
				return file.ok ? file.bytes : null;
			});
		});
	}

	private setState(s: RunState): void {
		this.current = s;
		this.emit({ type: "state" });
	}

	private emit(e: RunEvent): void {
		for (const l of [...this.listeners]) l(e);
		this.onEvent(e);
	}
}
