/**
 * Runs `fn` at most once per `intervalMs`, always in a later task: a call inside the interval is deferred to its
 * end, and calls made while one is pending fold into it. Used so that charts redraw at most ~10 times a second however fast metrics arrive.
 */
export class Throttle {
	private last = -Infinity;
	private timer: number | null = null;

	/** `win`: the window of the element being redrawn (a pop-out window's own, for a note shown there). */
	constructor(
		private readonly fn: () => void,
		private readonly intervalMs: number,
		private readonly win: Pick<Window, "setTimeout" | "clearTimeout">,
		private readonly now: () => number = () => Date.now(),
	) {}

	request(): void {
		if (this.timer !== null) return;
		// Even a due redraw waits for its own task: two charts (and the panel's other work) updated in one message
		// handler made a single 50+ ms task on slower machines at the start of a run.
		const wait = Math.max(0, this.last + this.intervalMs - this.now());
		this.timer = this.win.setTimeout(() => {
			this.timer = null;
			this.run();
		}, wait);
	}

	/** Runs now if something is pending (e.g. at the end of a run, so the last point shows at once). */
	flush(): void {
		if (this.timer === null) return;
		this.win.clearTimeout(this.timer);
		this.timer = null;
		this.run();
	}

	cancel(): void {
		if (this.timer !== null) this.win.clearTimeout(this.timer);
		this.timer = null;
	}

	get pending(): boolean {
		return this.timer !== null;
	}

	private run(): void {
		this.last = this.now();
		this.fn();
	}
}
