import type { JobFactory, TrainingJob } from "./job";
import type { BatchMetrics, EpochMetrics } from "../engine/run-metrics";
import type {
	EndMessage,
	EpochView,
	FromWorker,
	ProgressMessage,
	RunResult,
	StartMessage,
	StopReason,
	ToWorker,
} from "./messages";

export interface SessionEnv {
	post(msg: FromWorker, transfer: Transferable[]): void;
	now(): number;
	/** Runs fn after giving the event loop a turn (so a `stop` message can arrive); returns a canceller. */
	defer(fn: () => void): () => void;
	/** Work budget per chunk before yielding. */
	chunkMs: number;
	/** Shortest time between two progress messages. */
	progressEveryMs: number;
	/** Shortest time between two mid-run views (weights and snapshot after an epoch); default VIEW_EVERY_MS. */
	viewEveryMs?: number;
	createJob: JobFactory;
}

/**
 * A mid-run view is a copy of the weights and a forward pass of the sample, and the page redraws the explorer and the
 * filters from it: once a second keeps both cheap however short the epochs are (the run's end always shows the last).
 */
export const VIEW_EVERY_MS = 1000;

/** The arrays of a mid-run view, moved rather than copied. */
function viewTransferables(view: EpochView | undefined): Transferable[] {
	if (!view) return [];
	const out = new Set<ArrayBuffer>();
	for (const a of [view.weights, view.snapshot.filters?.data, ...view.snapshot.activations.map((m) => m.data)]) if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
	return [...out];
}

/** Arrays a result holds, so that they are moved to the other thread rather than copied. */
export function transferablesOf(result: RunResult | null): Transferable[] {
	if (!result) return [];
	const seen = new Set<ArrayBuffer>();
	const add = (a: Float32Array): void => {
		if (a.buffer instanceof ArrayBuffer) seen.add(a.buffer);
	};
	add(result.weights);
	if (result.after.filters) add(result.after.filters.data);
	for (const m of result.after.activations) add(m.data);
	for (const s of result.samples) add(s.data);
	return [...seen];
}

/**
 * The training worker's logic, free of any Worker API so that Node tests and the inline fallback drive it the same
 * way: it takes messages through handle() and answers through env.post. Training runs in chunks of about
 * env.chunkMs that yield between them, so a `stop` is seen within one chunk (one batch when batches are slow).
 */
export class TrainingSession {
	private job: TrainingJob | null = null;
	private runId = -1;
	private stopRequested: StopReason | null = null;
	private cancelDefer: (() => void) | null = null;
	private startedAt = 0;
	private lastPost = -Infinity;
	private lastView = -Infinity;
	private samples = 0;
	private batchesRun = 0;
	private pendingBatches: BatchMetrics[] = [];
	private pendingEpochs: EpochMetrics[] = [];
	private lastBatch: BatchMetrics | null = null;
	private lastEpoch: EpochMetrics | null = null;
	private maxSeconds = Infinity;
	private ended = true;

	constructor(private readonly env: SessionEnv) {}

	get running(): boolean {
		return !this.ended;
	}

	handle(msg: ToWorker): void {
		if (msg.type === "start") void this.start(msg);
		else if (msg.type === "stop" && msg.runId === this.runId && !this.ended) {
			// Seen by the next chunk, or right after the job is prepared.
			this.stopRequested = "user";
		}
	}

	/** Ends the run at once without messages (the worker is being torn down). */
	dispose(): void {
		this.cancelDefer?.();
		this.cancelDefer = null;
		this.ended = true;
		this.job = null;
	}

	private async start(msg: StartMessage): Promise<void> {
		if (!this.ended) this.dispose();
		this.runId = msg.runId;
		this.ended = false;
		this.stopRequested = null;
		this.samples = 0;
		this.batchesRun = 0;
		this.pendingBatches = [];
		this.pendingEpochs = [];
		this.lastBatch = null;
		this.lastEpoch = null;
		this.lastPost = -Infinity;
		this.lastView = -Infinity;
		this.maxSeconds = msg.maxSeconds > 0 ? msg.maxSeconds : Infinity;
		this.startedAt = this.env.now();
		const runId = msg.runId;
		let job: TrainingJob;
		try {
			job = await this.env.createJob(msg);
		} catch (e) {
			if (this.runId === runId) this.end("failed", errorText(e), null);
			return;
		}
		if (this.runId !== runId || this.ended) return;
		this.job = job;
		let before;
		try {
			before = job.snapshot();
		} catch (e) {
			this.end("failed", errorText(e), null);
			return;
		}
		this.env.post({ type: "ready", runId, info: job.info, before }, []);
		this.schedule();
	}

	private schedule(): void {
		this.cancelDefer = this.env.defer(() => {
			this.cancelDefer = null;
			this.chunk();
		});
	}

	private chunk(): void {
		const job = this.job;
		if (!job || this.ended) return;
		const t0 = this.env.now();
		let epochEnded = false;
		while (true) {
			if (this.stopRequested) return this.finish("stopped", this.stopRequested);
			if ((this.env.now() - this.startedAt) / 1000 >= this.maxSeconds) return this.finish("stopped", "time");
			let step;
			try {
				step = job.step();
			} catch (e) {
				this.flushProgress(true);
				return this.end("failed", errorText(e), null);
			}
			this.batchesRun += step.batch ? 1 : 0;
			this.samples += step.samples;
			if (step.batch) {
				this.pendingBatches.push(step.batch);
				this.lastBatch = step.batch;
			}
			if (step.epoch) {
				this.pendingEpochs.push(step.epoch);
				this.lastEpoch = step.epoch;
				epochEnded = true;
			}
			if (step.failed !== null) {
				this.flushProgress(true);
				return this.end("failed", step.failed, null);
			}
			if (step.done) return this.finish("done");
			// A view due now is taken at the epoch's end, not some batches into the next one.
			if (step.epoch && this.viewDue(job)) break;
			if (this.env.now() - t0 >= this.env.chunkMs) break;
		}
		if (epochEnded || this.env.now() - this.lastPost >= this.env.progressEveryMs) this.flushProgress();
		this.schedule();
	}

	private finish(kind: "done" | "stopped", reason?: StopReason): void {
		this.flushProgress(true);
		let result: RunResult | null = null;
		try {
			result = this.job ? this.job.finish(this.lastEpoch) : null;
		} catch (e) {
			return this.end("failed", errorText(e), null);
		}
		this.end(kind, "", result, reason);
	}

	/** `final`: the run ends right after (its end message carries the weights, so no view is made). */
	private flushProgress(final = false): void {
		const job = this.job;
		if (!job || (this.pendingBatches.length === 0 && this.pendingEpochs.length === 0)) return;
		const { batchesPerEpoch, epochs } = job.info;
		const total = batchesPerEpoch * epochs;
		const elapsed = (this.env.now() - this.startedAt) / 1000;
		const done = this.lastBatch ? (this.lastBatch.epoch - 1) * batchesPerEpoch + this.lastBatch.batch : 0;
		const perBatch = this.batchesRun > 0 ? elapsed / this.batchesRun : 0;
		const msg: ProgressMessage = {
			type: "progress",
			runId: this.runId,
			epoch: this.lastBatch?.epoch ?? 1,
			batch: this.lastBatch?.batch ?? 0,
			batchesPerEpoch,
			epochs,
			fraction: total > 0 ? Math.min(1, done / total) : 0,
			samplesPerSec: elapsed > 0 ? this.samples / elapsed : 0,
			elapsedSeconds: elapsed,
			secondsLeft: this.batchesRun >= 3 ? Math.max(0, (total - done) * perBatch) : null,
			batches: this.pendingBatches,
			epochsDone: this.pendingEpochs,
		};
		const view = this.epochView(job, final);
		if (view) msg.view = view;
		this.pendingBatches = [];
		this.pendingEpochs = [];
		this.lastPost = this.env.now();
		this.env.post(msg, viewTransferables(view));
	}

	/** The network after the epoch that just ended, unless one was sent less than viewEveryMs ago or the run ends now. */
	private epochView(job: TrainingJob, final: boolean): EpochView | undefined {
		const epoch = this.pendingEpochs[this.pendingEpochs.length - 1];
		if (!epoch || final || !job.weights || !this.viewDue(job)) return undefined;
		this.lastView = this.env.now();
		return { epoch: epoch.epoch, weights: job.weights(), snapshot: job.snapshot() };
	}

	private viewDue(job: TrainingJob): boolean {
		return job.weights !== undefined && this.env.now() - this.lastView >= (this.env.viewEveryMs ?? VIEW_EVERY_MS);
	}

	private end(type: EndMessage["type"], message: string, result: RunResult | null, reason?: StopReason): void {
		if (this.ended) return;
		this.ended = true;
		this.cancelDefer?.();
		this.cancelDefer = null;
		const elapsed = (this.env.now() - this.startedAt) / 1000;
		const msg: EndMessage = {
			type,
			runId: this.runId,
			message,
			elapsedSeconds: elapsed,
			samplesPerSec: elapsed > 0 ? this.samples / elapsed : 0,
			result,
		};
		if (reason) msg.reason = reason;
		this.job = null;
		this.env.post(msg, transferablesOf(result));
	}
}

function errorText(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
