// The context model of the bundled digits, shared by the packer (scripts/pack-digits.mjs, encoding) and the plugin
// (src/data/digits.ts, decoding): both walk the data with the same code, so they cannot drift apart.
//
// Per image: the label (4 bits, a binary tree whose probabilities depend on the two previous labels: the UCI file
// repeats the same label sequence writer after writer), then the 64 pixels row by row. A pixel 0..16 is coded as
// "nonzero?", then "16?", then, for 1..15, one symbol out of 15 with adaptive counts per context (label, position,
// mean of left and upper neighbour in thirds). The two yes/no questions carry the shape of the digit; each is
// predicted by three adaptive context models whose predictions are mixed in the logistic domain with weights
// learned per question, as in the PAQ family:
//   A  label, position, left and upper neighbours in thirds, upper-right in halves
//   B  position, upper-left and upper-right in thirds, left exactly
//   C  label, which of the six nearest earlier pixels (left, up, up-left, up-right, 2 left, 2 up) are nonzero
// The values 1..15 are close to noise (~3.6 bits each whatever the model): coding them bit by bit through the mixer
// saved 5 % of the payload but took twice as long to decode, so they get one counted symbol instead.
//
// Integers only, all below 2^30: the decoder must reproduce the encoder's probabilities bit for bit on any
// JavaScript engine (no Math.exp or Math.log; squash and stretch come from a fixed table), and small integers stay
// unboxed in V8 before it has optimised the code, which is most of a single unpacking (floats there cost a heap
// allocation per operation).

/** The range coder as the model sees it: encoding, it codes the given bit or symbol; decoding, it returns it. */
export interface Coder {
	/** One bit with the probability p1 (1..4095, in 1/4096) that it is 1. */
	bit(p1: number, bit: number): number;
	/** One symbol s whose frequency is freq[at + s], out of total = the sum of freq[at], freq[at + 1], …. */
	symbol(freq: Int32Array, at: number, total: number, s: number): number;
}

const NODES = 2; // 0: nonzero?  1: 16?
const RATE_LIMIT = 20; // a counter adapts with rate 1/(n + 1.5), n capped here: fast at first, steady later

// squash(d) = 4096 / (1 + e^(−d/256)) at d = −2048, −1920, …, 2048, interpolated linearly in between.
const SQUASH_AT = [
	1, 2, 3, 6, 10, 16, 27, 45, 73, 120, 194, 310, 488, 747, 1101, 1546, 2047, 2549, 2994, 3348, 3607, 3785, 3901,
	3975, 4022, 4050, 4068, 4079, 4085, 4089, 4092, 4093, 4094,
];

/** Probability in 1/4096 (1..4094) of the log-odds d (in 1/256, clamped to ±2047). */
function squash(d: number): number {
	if (d > 2047) d = 2047;
	if (d < -2047) d = -2047;
	const w = d & 127;
	const i = (d >> 7) + 16;
	return (SQUASH_AT[i] * (128 - w) + SQUASH_AT[i + 1] * w + 64) >> 7;
}

/** A counter (P(1) in 1/65536, times 32, plus how often it was updated) after seeing bit. */
function adapt(state: number, bit: number, rate: Int32Array): number {
	const n = state & 31;
	const p = state >> 5;
	return (p + (((((bit ? 65535 : 0) - p) >> 4) * rate[n]) >> 8)) * 32 + (n < RATE_LIMIT ? n + 1 : n);
}

/**
 * Walks n images (x: n·64 pixels 0..16, y: n labels) through io; when decoding, x and y are filled. Ends with a
 * 16-bit checksum of everything, coded flat: returns false when the decoded data does not match it (corrupt input).
 */
export function codeDigits(n: number, x: Uint8Array, y: Uint8Array, io: Coder): boolean {
	// The three context tables A, B, C, each context holding NODES counters.
	const B = 10 * 64 * 18 * NODES;
	const C = B + 64 * 9 * 17 * NODES;
	const state = new Int32Array(C + 10 * 64 * NODES).fill(32768 * 32);
	const labels = new Int32Array(100 * 16).fill(32768 * 32);
	const weights = new Int32Array(NODES * 4).fill(19661); // mixer weights in 16.16 fixed point: 0.3
	const freq = new Int32Array(10 * 64 * 3 * 16).fill(1); // per context: 15 value counts, then their total
	for (let i = 15; i < freq.length; i += 16) freq[i] = 15;
	const rate = new Int32Array(RATE_LIMIT + 1); // 4096 / (n + 1.5)
	for (let i = 0; i <= RATE_LIMIT; i++) rate[i] = (4096 / (i + 1.5)) | 0;
	const third = Int32Array.from({ length: 17 }, (_, v) => ((v * 3) / 17) | 0);
	const stretch = new Int32Array(4096); // ln(p / (1 − p)) in 1/256, the inverse of squash
	for (let d = -2047, p = 0; d <= 2047; d++) {
		const top = d === 2047 ? 4095 : squash(d);
		while (p <= top) stretch[p++] = d;
	}

	// One pixel: its contexts from the pixels already coded, then its value. A function of its own so that V8
	// optimises it after a few hundred calls instead of waiting to replace the whole loop (on-stack replacement);
	// everything per decision is written out in it, since calls are dear until then.
	const pixel = (at: number, j: number, label: number): number => {
		const col = j & 7;
		const l = col > 0 ? x[at - 1] : 0;
		const ll = col > 1 ? x[at - 2] : 0;
		const u = j >= 8 ? x[at - 8] : 0;
		const uu = j >= 16 ? x[at - 16] : 0;
		const ul = j >= 8 && col > 0 ? x[at - 9] : 0;
		const ur = j >= 8 && col < 7 ? x[at - 7] : 0;
		const lj = label * 64 + j;
		const nz = (l ? 1 : 0) | (u ? 2 : 0) | (ul ? 4 : 0) | (ur ? 8 : 0) | (ll ? 16 : 0) | (uu ? 32 : 0);
		const a = (((lj * 3 + third[l]) * 3 + third[u]) * 2 + (ur > 8 ? 1 : 0)) * NODES;
		const b = B + (((j * 3 + third[ul]) * 3 + third[ur]) * 17 + l) * NODES;
		const c = C + (label * 64 + nz) * NODES;
		const v = x[at];
		let value = 0;
		// node 0 asks "nonzero?", node 1 "16?"; each prediction mixes the three counters of its context.
		for (let node = 0; node < NODES; node++) {
			const sa = state[a + node];
			const sb = state[b + node];
			const sc = state[c + node];
			const xa = stretch[sa >> 9];
			const xb = stretch[sb >> 9];
			const xc = stretch[sc >> 9];
			const w = node * 4;
			let d = ((weights[w] * xa) >> 16) + ((weights[w + 1] * xb) >> 16) + ((weights[w + 2] * xc) >> 16) + (weights[w + 3] >> 8);
			d = d > 2047 ? 2047 : d < -2047 ? -2047 : d;
			const lo = d & 127;
			const hi = (d >> 7) + 16;
			const p1 = (SQUASH_AT[hi] * (128 - lo) + SQUASH_AT[hi + 1] * lo + 64) >> 7;
			const got = io.bit(p1, node === 0 ? (v ? 1 : 0) : v === 16 ? 1 : 0);
			// Gradient step on coding cost: learning rate 0.005 in natural units, i.e. err · 5 · input / 2^14 here
			// (· 5 as e + 4e: Chromium's Maglev de-optimised the multiplication here). Weights stay far below ±2^19,
			// where weight · input would leave the small integers (past ±2^20 it would wrap in >> 16: still the same
			// on every engine, only a worse prediction).
			const e = (got << 12) - p1;
			const err = e + (e << 2);
			weights[w] += (err * xa) >> 14;
			weights[w + 1] += (err * xb) >> 14;
			weights[w + 2] += (err * xc) >> 14;
			weights[w + 3] += (err * 256) >> 14;
			// Each counter moves towards the bit by 1/(n + 1.5) (see adapt).
			const target = got ? 65535 : 0;
			let k = sa & 31;
			let p = sa >> 5;
			state[a + node] = (p + ((((target - p) >> 4) * rate[k]) >> 8)) * 32 + (k < RATE_LIMIT ? k + 1 : k);
			k = sb & 31;
			p = sb >> 5;
			state[b + node] = (p + ((((target - p) >> 4) * rate[k]) >> 8)) * 32 + (k < RATE_LIMIT ? k + 1 : k);
			k = sc & 31;
			p = sc >> 5;
			state[c + node] = (p + ((((target - p) >> 4) * rate[k]) >> 8)) * 32 + (k < RATE_LIMIT ? k + 1 : k);
			if (node === 0 && !got) break;
			if (node === 1) {
				if (got) value = 16;
				else {
					const f = (lj * 3 + third[(l + u) >> 1]) * 16;
					value = 1 + io.symbol(freq, f, freq[f + 15], v - 1);
					freq[f + value - 1]++;
					if (++freq[f + 15] > 4096) {
						let total = 0;
						for (let i = 0; i < 15; i++) total += freq[f + i] = (freq[f + i] + 1) >> 1;
						freq[f + 15] = total;
					}
				}
			}
		}
		x[at] = value;
		return value;
	};

	let prev = 0;
	let sum = 0;
	for (let k = 0; k < n; k++) {
		const ctx = prev * 16;
		let node = 1;
		for (let i = 3; i >= 0; i--) {
			const st = labels[ctx + node];
			const bit = io.bit(Math.min(4095, Math.max(1, st >> 9)), (y[k] >> i) & 1);
			labels[ctx + node] = adapt(st, bit, rate);
			node = node * 2 + bit;
		}
		const label = Math.min(9, node - 16); // > 9 only from corrupt input, caught by the checksum
		sum = (sum * 31 + node) & 65535;
		y[k] = label;
		prev = (prev % 10) * 10 + label;

		const img = k * 64;
		for (let j = 0; j < 64; j++) sum = (sum * 31 + pixel(img + j, j, label)) & 65535;
	}
	let got = 0;
	for (let i = 15; i >= 0; i--) got = got * 2 + io.bit(2048, (sum >> i) & 1);
	return got === sum;
}
