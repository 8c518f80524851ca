export interface Point {
	x: number;
	y: number;
}

/**
 * A per-batch curve kept short: values are smoothed with an exponential moving average (so the noisy batch loss
 * reads as a trend) and, once `max` points are held, neighbouring pairs are merged and the stride doubles, so a long
 * run keeps an even coverage of at most `max` points without ever re-reading the whole history.
 */
export class ThinnedSeries {
	readonly points: Point[] = [];
	private stride = 1;
	private pendingN = 0;
	private pendingX = 0;
	private pendingY = 0;
	private ema: number | null = null;

	constructor(
		private readonly max = 400,
		private readonly smoothing = 0.9,
	) {}

	push(x: number, y: number): void {
		if (!Number.isFinite(y)) return;
		this.ema = this.ema === null ? y : this.smoothing * this.ema + (1 - this.smoothing) * y;
		this.pendingN++;
		this.pendingX = x;
		this.pendingY += this.ema;
		if (this.pendingN < this.stride) return;
		this.points.push({ x: this.pendingX, y: this.pendingY / this.pendingN });
		this.pendingN = 0;
		this.pendingY = 0;
		if (this.points.length >= this.max) this.halve();
	}

	private halve(): void {
		const p = this.points;
		let w = 0;
		for (let i = 0; i + 1 < p.length; i += 2) p[w++] = { x: p[i + 1].x, y: (p[i].y + p[i + 1].y) / 2 };
		if (p.length % 2 === 1) p[w++] = p[p.length - 1];
		p.length = w;
		this.stride *= 2;
	}
}
