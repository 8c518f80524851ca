import { workerSource } from "../../worker/worker-source";
import type { JobFactory } from "../../worker/job";
import type { FromWorker, StartMessage, ToWorker } from "../../worker/messages";
import type { RunChannel } from "./channel";
import { InlineChannel } from "./inline-runner";
import { portableDataset } from "../../worker/shared-engine";
import { loadDigits } from "../../data/digits";

let liveWorkers = 0;

/** Workers started and not yet terminated (for cleanup checks). */
export function liveWorkerCount(): number {
	return liveWorkers;
}

export interface ChannelOptions {
	useWorker: boolean;
	onMessage: (m: FromWorker) => void;
	/** The engine job for the inline fallback (the worker bundles its own). */
	createJob: JobFactory;
	/** Reports that the run moved from the worker to the UI thread. */
	onFallback?: (reason: string) => void;
	/** How long a started worker may stay silent before the run moves to the UI thread (default WORKER_ANSWER_MS). */
	answerMs?: number;
}

/**
 * A worker that neither answers nor fails (blocked without an error event, or stuck while loading) is given this
 * long to send its first message; the run then continues on the UI thread instead of waiting forever.
 */
export const WORKER_ANSWER_MS = 20_000;

/** The inline worker's code as a Blob URL, made once per load and reused by every run. */
let workerUrl: string | null = null;
function getWorkerUrl(code: string): string {
	if (!workerUrl) workerUrl = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
	return workerUrl;
}

/** Frees the worker's Blob URL (plugin unload). */
export function releaseWorkerUrl(): void {
	if (workerUrl) URL.revokeObjectURL(workerUrl);
	workerUrl = null;
}

/**
 * A run in a Web Worker built from the code inlined in main.js. If the worker cannot be made, or fails before it
 * answered (a strict Content-Security-Policy, a missing feature), the run continues on the UI thread instead.
 */
class WorkerChannel implements RunChannel {
	mode: "worker" | "inline" = "worker";
	private worker: Worker | null;
	private inline: InlineChannel | null = null;
	private lastStart: StartMessage | null = null;
	private answered = false;
	private closed = false;
	private answerTimer: number | null = null;

	constructor(
		code: string,
		private readonly opts: ChannelOptions,
	) {
		const w = new Worker(getWorkerUrl(code));
		liveWorkers++;
		this.worker = w;
		w.onmessage = (e: MessageEvent<FromWorker>) => {
			this.answered = true;
			this.clearAnswerTimer();
			this.opts.onMessage(e.data);
		};
		w.onerror = (e: ErrorEvent) => {
			e.preventDefault();
			this.broken(e.message || "worker error");
		};
	}

	send(msg: ToWorker): void {
		if (msg.type === "start") {
			this.lastStart = msg;
			this.answered = false;
			if (!this.inline && this.worker) {
				this.clearAnswerTimer();
				const ms = this.opts.answerMs ?? WORKER_ANSWER_MS;
				this.answerTimer = window.setTimeout(() => {
					this.answerTimer = null;
					if (!this.answered) this.broken(`no answer from the background worker in ${Math.round(ms / 1000)} s`);
				}, ms);
			}
		}
		if (this.inline) this.inline.send(msg);
		// The worker bundle has no built-in digits; they travel as arrays (a copy of ~460 KB, once per run).
		else this.worker?.postMessage(msg.type === "start" ? { ...msg, dataset: portableDataset(msg.dataset, loadDigits) } : msg);
	}

	close(): void {
		this.closed = true;
		this.terminate();
		this.inline?.close();
		this.inline = null;
	}

	private clearAnswerTimer(): void {
		if (this.answerTimer !== null) window.clearTimeout(this.answerTimer);
		this.answerTimer = null;
	}

	private terminate(): void {
		this.clearAnswerTimer();
		if (!this.worker) return;
		this.worker.terminate();
		this.worker = null;
		liveWorkers--;
		// The code's Blob URL is kept only while a worker uses it; the next run makes it again (cheap).
		if (liveWorkers === 0) releaseWorkerUrl();
	}

	private broken(reason: string): void {
		this.terminate();
		if (this.closed) return;
		if (!this.answered && this.lastStart) {
			this.mode = "inline";
			this.inline = new InlineChannel(this.opts.onMessage, this.opts.createJob);
			this.opts.onFallback?.(reason);
			this.inline.send(this.lastStart);
			return;
		}
		const runId = this.lastStart?.runId ?? -1;
		this.opts.onMessage({ type: "failed", runId, message: reason, elapsedSeconds: 0, samplesPerSec: 0, result: null });
	}
}

export function openChannel(opts: ChannelOptions): RunChannel {
	if (opts.useWorker && workerSource && typeof Worker !== "undefined" && typeof Blob !== "undefined") {
		try {
			return new WorkerChannel(workerSource, opts);
		} catch (e) {
			opts.onFallback?.(e instanceof Error ? e.message : String(e));
		}
	}
	return new InlineChannel(opts.onMessage, opts.createJob);
}
