/**
 * Seeded random numbers (mulberry32 for uniforms, Box–Muller for normals): the same seed gives the same weights,
 * the same shuffles and the same dropout masks, run after run and in the worker as in Node.
 */
export class Rng {
	private state: number;
	private spare: number | null = null;

	constructor(seed: number) {
		this.state = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
	}

	/** Uniform in [0, 1). */
	next(): number {
		let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}

	/** Integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}

	/** Standard normal. */
	normal(): number {
		if (this.spare !== null) {
			const s = this.spare;
			this.spare = null;
			return s;
		}
		let u = 0;
		while (u === 0) u = this.next();
		const v = this.next();
		const r = Math.sqrt(-2 * Math.log(u));
		this.spare = r * Math.sin(2 * Math.PI * v);
		return r * Math.cos(2 * Math.PI * v);
	}

	/** Fisher–Yates shuffle in place. */
	shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
		for (let i = a.length - 1; i > 0; i--) {
			const j = this.int(i + 1);
			const t = a[i];
			a[i] = a[j];
			a[j] = t;
		}
		return a;
	}

	/** A new generator derived from this one, so that two consumers do not disturb each other's sequences. */
	fork(): Rng {
		return new Rng(Math.floor(this.next() * 4294967296));
	}
}
