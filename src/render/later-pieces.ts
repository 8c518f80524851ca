/**
 * Pieces of a view built one per task after the view is made: what is seen first, then the hidden numbers. A view
 * made on a click in a page that already holds hundreds of maps (the explorer's computation, its attribution) did all
 * of it in one task of over 100 ms, most of it the layout of its tables.
 *
 * Each piece ends with its own layout (`layoutOf` read once, after the piece wrote): left to the next frame, the
 * layouts of every piece that ran before it came together in one long rendering task again. A piece reads the view's
 * state when it runs, so a view that moved on meanwhile (another cell, a new stroke) builds the newest; clear() (on
 * destroy) drops what is left and its timer. Timers are the element's window's (pop-out windows).
 */
export class LaterPieces {
	private readonly seen: (() => void)[] = [];
	private readonly hidden: (() => void)[] = [];
	private timer = 0;

	constructor(
		private readonly win: Window,
		private readonly layoutOf: HTMLElement,
	) {}

	/** True while pieces are left (tests wait for it). */
	get pending(): boolean {
		return this.seen.length + this.hidden.length > 0;
	}

	/** A piece the user sees (run before every hidden one). */
	add(piece: () => void): void {
		this.seen.push(piece);
		this.schedule();
	}

	/** A piece only assistive technology reads (a heatmap's hidden numbers): after every seen piece. */
	readonly addHidden = (piece: () => void): void => {
		this.hidden.push(piece);
		this.schedule();
	};

	clear(): void {
		this.win.clearTimeout(this.timer);
		this.timer = 0;
		this.seen.length = 0;
		this.hidden.length = 0;
	}

	private schedule(): void {
		if (this.timer === 0 && this.pending) this.timer = this.win.setTimeout(this.run, 0);
	}

	private readonly run = (): void => {
		this.timer = 0;
		(this.seen.shift() ?? this.hidden.shift())?.();
		// One read after the piece's writes: its layout in this task, not piled onto the next piece's frame.
		if (this.layoutOf.isConnected) void this.layoutOf.offsetHeight;
		this.schedule();
	};
}
