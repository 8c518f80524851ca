/**
 * Drawing in pieces, one per task, in order: a view queues its parts (a confusion matrix, a row of feature maps) and
 * the page gets a turn between them, so no single task blocks it long even on a busy machine. Timers run on the
 * element's own window (pop-out windows have their own).
 */
export class Stager {
	private readonly queue: (() => void)[] = [];
	private timer: number | null = null;
	private stopped = false;

	constructor(private readonly win: Window) {}

	/** Queues a piece; pieces run one per task, in order. */
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
			const fn = this.queue.shift();
			if (!fn || this.stopped) return;
			fn();
			// A piece may queue more (the feature maps queue a row each); then the timer is already set.
			if (this.queue.length > 0 && this.timer === null) this.next();
		}, 0);
	}
}
