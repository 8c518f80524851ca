/**
 * Runs `fn` at most once per `intervalMs`: a call inside the interval is deferred to its end, and calls made while
 * one is pending fold into it. Used so that charts redraw at most ~10 times a second however fast metrics arrive.
 */
export class Throttle {
	private last = -Infinity;
	private timer: number | null = null;

	constructor(
		private readonly fn: () => void,
		private readonly intervalMs: number,
		private readonly now: () => number = () => Date.now(),
	) {}

	request(): void {
		if (this.timer !== null) return;
		const wait = this.last + this.intervalMs - this.now();
		if (wait <= 0) {
			this.run();
			return;
		}
		this.timer = window.setTimeout(() => {
			this.timer = null;
			this.run();
		}, wait);
	}

	/** Runs now if something is pending (e.g. at the end of a run, so the last point shows at once). */
	flush(): void {
		if (this.timer === null) return;
		window.clearTimeout(this.timer);
		this.timer = null;
		this.run();
	}

	cancel(): void {
		if (this.timer !== null) window.clearTimeout(this.timer);
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
