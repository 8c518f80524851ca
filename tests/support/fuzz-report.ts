/**
 * What a fuzz test tried, printed when its file ends: the number of inputs per class and the worst time one input
 * took (with the start of that input), so a slow class shows up in the output. Times are reported, never asserted.
 */
export class FuzzReport {
	private readonly rows = new Map<string, { n: number; worst: number; input: string }>();

	constructor(private readonly title: string) {}

	/** Runs `f` on one input of class `what`, counting it and keeping the worst time. */
	time<T>(what: string, input: string, f: () => T): T {
		const t0 = performance.now();
		try {
			return f();
		} finally {
			this.note(what, input, performance.now() - t0);
		}
	}

	async timeAsync<T>(what: string, input: string, f: () => Promise<T>): Promise<T> {
		const t0 = performance.now();
		try {
			return await f();
		} finally {
			this.note(what, input, performance.now() - t0);
		}
	}

	note(what: string, input: string, ms: number): void {
		const r = this.rows.get(what) ?? { n: 0, worst: -1, input: "" };
		r.n++;
		if (ms > r.worst) {
			r.worst = ms;
			r.input = input;
		}
		this.rows.set(what, r);
	}

	/** Inputs tried in class `what` (0 when none). */
	count(what: string): number {
		return this.rows.get(what)?.n ?? 0;
	}

	print(): void {
		const lines = [...this.rows].map(([k, v]) => `  ${k}: ${v.n} inputs, worst ${v.worst.toFixed(1)} ms (${JSON.stringify(v.input.slice(0, 50))}…)`);
		console.log(`${this.title}\n${lines.join("\n")}`);
	}
}
