import { TrainingSession } from "../../worker/shared-engine";
import type { JobFactory } from "../../worker/job";
import type { FromWorker, ToWorker } from "../../worker/messages";
import type { RunChannel } from "./channel";

/**
 * The fallback where a Worker cannot be created: the same session on the UI thread, in chunks of ~8 ms that yield
 * with a timer, so the note stays responsive (slower, since the page's own work shares the thread).
 */
export class InlineChannel implements RunChannel {
	readonly mode = "inline";
	private readonly session: TrainingSession;
	private readonly timers = new Set<number>();

	constructor(onMessage: (m: FromWorker) => void, createJob: JobFactory, chunkMs = 8) {
		this.session = new TrainingSession({
			post: (m) => onMessage(m),
			now: () => performance.now(),
			defer: (fn) => {
				const id = window.setTimeout(() => {
					this.timers.delete(id);
					fn();
				}, 0);
				this.timers.add(id);
				return () => {
					window.clearTimeout(id);
					this.timers.delete(id);
				};
			},
			chunkMs,
			progressEveryMs: 100,
			createJob,
		});
	}

	send(msg: ToWorker): void {
		this.session.handle(msg);
	}

	/** Pending chunk timers (0 once the run ended or the channel closed). */
	get pendingTimers(): number {
		return this.timers.size;
	}

	close(): void {
		this.session.dispose();
		for (const id of this.timers) window.clearTimeout(id);
		this.timers.clear();
	}
}
