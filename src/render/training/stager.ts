/**
 * Drawing in pieces, in order: a view queues its parts (a confusion matrix and, a task later, its bar chart; four
 * sample images; a row of feature maps) and the page gets a turn between tasks, so no single task blocks it long
 * even on a busy machine. A task runs pieces while it is under BUDGET_MS (small pieces share one rather than each
 * waiting for a timer); a piece that takes longer ends its task. The budget is small because the style, layout and
 * compositing of what a task adds come on top of it, on the same thread. Timers run on the element's own window
 * (pop-out windows have their own).
 *
 * Measured on the acceptance run's end (tests/e2e, a trace of the page's thread): one piece a frame
 * (requestAnimationFrame) made each frame a 50–60 ms task, and the views built off the page and put in at once one
 * frame of 80–120 ms; short tasks back to back are what keeps each under 50 ms.
 *
 * Each task ends by laying out what its pieces added (one read of `layoutOf`'s height), so the style and layout are
 * paid in the task that caused them and counted against its budget. Left to the next frame, the layouts of every task
 * since the last frame came together: frames of 1 000–1 400 new layout objects, 10–18 ms of layout and 5–12 ms of
 * style on top of paint and commit, 35–42 ms of CPU with a core busy (`node tests/bench/browser/long-tasks.mjs 2
 * --why` prints what each long task was made of).
 */
const BUDGET_MS = 4;

export class Stager {
	private readonly queue: (() => void)[] = [];
	private timer: number | null = null;
	private stopped = false;

	constructor(
		private readonly win: Window,
		private readonly layoutOf?: HTMLElement,
	) {}

	/** Queues a piece; pieces run in order, in tasks of at most BUDGET_MS. */
	stage(fn: () => void): void {
		if (this.stopped) return;
		this.queue.push(fn);
		if (this.timer === null) this.next();
	}

	/** Pieces not drawn yet. */
	get pending(): number {
		return this.queue.length;
	}

	/** Drops what is queued (the view is redrawn from the start). */
	clear(): void {
		this.queue.length = 0;
		if (this.timer !== null) this.win.clearTimeout(this.timer);
		this.timer = null;
	}

	/** Unload: nothing more is drawn. */
	destroy(): void {
		this.clear();
		this.stopped = true;
	}

	private next(): void {
		this.timer = this.win.setTimeout(() => {
			this.timer = null;
			const start = this.win.performance.now();
			do {
				const fn = this.queue.shift();
				if (!fn || this.stopped) return;
				fn();
				// Its layout now, inside the budget: a layout read after each piece, not one for the whole task.
				if (this.layoutOf?.isConnected) void this.layoutOf.offsetHeight;
			} while (this.queue.length > 0 && this.timer === null && this.win.performance.now() - start < BUDGET_MS);
			// A piece may queue more (the feature maps queue a row each); then the timer is already set.
			if (this.queue.length > 0 && this.timer === null) this.next();
		}, 0);
	}
}
