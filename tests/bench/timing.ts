/**
 * Interleaved timing: every contender of a workload runs one timed block per round, the rounds alternate the
 * contenders (rotating who goes first), so slow drift of a shared machine hits all of them alike.
 */

export interface Runner {
	/** One unit of work: a conv forward of the whole batch, or one training batch. */
	run(): void | Promise<void>;
	/** Frees what setup made (tfjs tensors). */
	dispose?(): void;
}

export interface Contender {
	name: string;
	/** Called before each timed block (switching the tfjs backend, re-creating tensors); not timed. */
	setup(): Promise<Runner>;
}

export interface Result {
	name: string;
	/** Milliseconds per unit of work, one value per round. */
	perCall: number[];
	min: number;
	median: number;
}

const median = (a: number[]): number => {
	const s = a.slice().sort((x, y) => x - y);
	const m = s.length >> 1;
	return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const gc = (): void => {
	const g = (globalThis as { gc?: () => void }).gc;
	if (g) g();
};

async function timeBlock(r: Runner, calls: number): Promise<number> {
	const t0 = performance.now();
	for (let i = 0; i < calls; i++) await r.run();
	return (performance.now() - t0) / calls;
}

/** Runs `rounds` interleaved rounds of blocks of about blockMs each (at least one call). */
export async function measure(contenders: Contender[], rounds: number, blockMs: number): Promise<Result[]> {
	// Calibrate: warm up (JIT, buffer allocation) and find how many calls fill a block.
	const calls: number[] = [];
	const warm: boolean[] = [];
	for (const c of contenders) {
		const r = await c.setup();
		await r.run();
		const once = await timeBlock(r, 1);
		calls.push(Math.max(1, Math.round(blockMs / Math.max(once, 0.01))));
		// A call slower than a block is timed cold: its set-up costs are small beside it, and the bench stays short.
		warm.push(once < blockMs);
		r.dispose?.();
	}
	const per: number[][] = contenders.map(() => []);
	for (let round = 0; round < rounds; round++) {
		for (let j = 0; j < contenders.length; j++) {
			const k = (j + round) % contenders.length;
			const r = await contenders[k].setup();
			if (warm[k]) await r.run();
			gc();
			per[k].push(await timeBlock(r, calls[k]));
			r.dispose?.();
		}
	}
	return contenders.map((c, k) => ({ name: c.name, perCall: per[k], min: Math.min(...per[k]), median: median(per[k]) }));
}

/** Deterministic pseudo-random floats in [-1, 1) for inputs, so every contender sees the same numbers. */
export function randomArray(n: number, seed: number): Float32Array {
	const a = new Float32Array(n);
	let s = seed >>> 0 || 1;
	for (let i = 0; i < n; i++) {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		a[i] = ((s >>> 0) / 4294967296) * 2 - 1;
	}
	return a;
}
