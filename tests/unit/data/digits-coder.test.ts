import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeAscii91, rangeEncoder } from "../../../scripts/range-encoder.mjs";
import { ASCII91, decodeAscii91 } from "../../../src/data/ascii91";
import { RangeDecoder } from "../../../src/data/range-decoder";
import { codeDigits } from "../../../src/data/digits-model";
import { unpackDigits } from "../../../src/data/digits";
import { DIGITS_COUNT, DIGITS_PACKED } from "../../../src/data/digits-packed";

/** Encodes bits under the given probabilities, then decodes them with the plugin's decoder. */
function roundTrip(bits: number[], probs: number[]): number[] {
	const enc = rangeEncoder();
	bits.forEach((b, i) => enc.bit(probs[i], b));
	const dec = new RangeDecoder(enc.finish());
	return probs.map((p) => dec.bit(p));
}

describe("range coder", () => {
	it("decodes any bit stream under any probabilities exactly", () => {
		fc.assert(
			fc.property(
				fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 4095 })), { maxLength: 3000 }),
				(pairs) => {
					const bits = pairs.map(([b]) => b);
					expect(roundTrip(bits, pairs.map(([, p]) => p))).toEqual(bits);
				},
			),
			{ numRuns: 200 },
		);
	});

	it("survives the extremes: long runs of near-certain bits, and surprises that push a carry through", () => {
		const bits: number[] = [];
		const probs: number[] = [];
		for (let i = 0; i < 20000; i++) {
			// Mostly the expected bit at p = 4095/4096 (low creeps towards the carry), now and then the unexpected one.
			const surprise = i % 997 === 0;
			bits.push(surprise ? 0 : 1);
			probs.push(i % 3 === 0 ? 4095 : 1 + (i % 4095));
		}
		expect(roundTrip(bits, probs)).toEqual(bits);
		const zeros = new Array<number>(5000).fill(0);
		expect(roundTrip(zeros, zeros.map(() => 1))).toEqual(zeros);
		expect(roundTrip(zeros, zeros.map(() => 4095))).toEqual(zeros);
	});

	it("compresses as the probabilities promise (within a few bytes of the information content)", () => {
		const probs: number[] = [];
		const bits: number[] = [];
		let seed = 12345;
		let info = 0;
		for (let i = 0; i < 50000; i++) {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			const p = 400 + (i % 3000);
			const b = seed / 2147483648 < p / 4096 ? 1 : 0;
			probs.push(p);
			bits.push(b);
			info += -Math.log2(b ? p / 4096 : 1 - p / 4096);
		}
		const enc = rangeEncoder();
		bits.forEach((b, i) => enc.bit(probs[i], b));
		const size = enc.finish().length;
		expect(size).toBeGreaterThanOrEqual(Math.floor(info / 8));
		expect(size).toBeLessThan(info / 8 + 16);
	});

	it("decodes counted symbols mixed with bits exactly, whatever the frequency tables", () => {
		const step = fc.oneof(
			fc.record({ kind: fc.constant("bit" as const), b: fc.integer({ min: 0, max: 1 }), p: fc.integer({ min: 1, max: 4095 }) }),
			fc
				.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 16 })
				.chain((f) => fc.record({ kind: fc.constant("symbol" as const), f: fc.constant(f), s: fc.integer({ min: 0, max: f.length - 1 }) })),
		);
		fc.assert(
			fc.property(fc.array(step, { maxLength: 800 }), (steps) => {
				const total = (f: number[]): number => f.reduce((a, b) => a + b, 0);
				const enc = rangeEncoder();
				for (const st of steps) {
					if (st.kind === "bit") enc.bit(st.p, st.b);
					else enc.symbol(Int32Array.from(st.f), 0, total(st.f), st.s);
				}
				const dec = new RangeDecoder(enc.finish());
				const got = steps.map((st) => (st.kind === "bit" ? dec.bit(st.p) : dec.symbol(Int32Array.from(st.f), 0, total(st.f))));
				expect(got).toEqual(steps.map((st) => (st.kind === "bit" ? st.b : st.s)));
			}),
			{ numRuns: 200 },
		);
	});

	it("says so when the bytes run out, instead of inventing bits", () => {
		const enc = rangeEncoder();
		for (let i = 0; i < 2000; i++) enc.bit(2048, i & 1);
		const bytes = enc.finish();
		const dec = new RangeDecoder(bytes.subarray(0, bytes.length >> 1));
		expect(() => {
			for (let i = 0; i < 2000; i++) dec.bit(2048);
		}).toThrow(/truncated/);
	});
});

describe("ascii91 text", () => {
	it("uses 91 printable characters, none that a JS string literal or esbuild would escape", () => {
		expect(ASCII91).toHaveLength(91);
		expect(new Set(ASCII91).size).toBe(91);
		for (const c of ASCII91) {
			expect(c.charCodeAt(0)).toBeGreaterThan(32);
			expect(c.charCodeAt(0)).toBeLessThan(127);
			expect(`"\\<`).not.toContain(c);
		}
	});

	it("round-trips any bytes at 13 bits per two characters", () => {
		fc.assert(
			fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
				const text = encodeAscii91(bytes);
				expect(text.length).toBe(2 * Math.ceil((bytes.length * 8) / 13));
				for (const c of text) expect(ASCII91).toContain(c);
				const back = decodeAscii91(text);
				// A last partial group may add one zero byte of padding, never more.
				expect(Array.from(back.subarray(0, bytes.length))).toEqual(Array.from(bytes));
				expect(back.length - bytes.length).toBeLessThanOrEqual(1);
				if (back.length > bytes.length) expect(back[bytes.length]).toBe(0);
			}),
			{ numRuns: 300 },
		);
	});

	it("rejects a character outside the alphabet", () => {
		expect(() => decodeAscii91('AB"C')).toThrow(/outside its alphabet/);
		expect(() => decodeAscii91("ABé!")).toThrow(/outside its alphabet/);
	});
});

describe("digits model", () => {
	/** Random images shaped a little like digits: a blob of nonzero values, 16s in the middle. */
	function randomDigits(n: number, seed: number): { x: Uint8Array; y: Uint8Array } {
		let s = seed;
		const rnd = (): number => {
			s = (s * 1103515245 + 12345) % 2147483648;
			return s / 2147483648;
		};
		const x = new Uint8Array(n * 64);
		const y = new Uint8Array(n);
		for (let k = 0; k < n; k++) {
			y[k] = Math.floor(rnd() * 10);
			for (let j = 0; j < 64; j++) {
				const r = rnd();
				x[k * 64 + j] = r < 0.45 ? 0 : r < 0.6 ? 16 : 1 + Math.floor(rnd() * 15);
			}
		}
		return { x, y };
	}

	it("walks the same path encoding and decoding: any images and labels come back exactly", () => {
		for (const [n, seed] of [
			[1, 1],
			[7, 2],
			[150, 3],
		]) {
			const { x, y } = randomDigits(n, seed);
			const enc = rangeEncoder();
			expect(codeDigits(n, x.slice(), y.slice(), enc)).toBe(true);
			const dec = new RangeDecoder(enc.finish());
			const x2 = new Uint8Array(n * 64);
			const y2 = new Uint8Array(n);
			expect(codeDigits(n, x2, y2, dec)).toBe(true);
			expect(Array.from(x2)).toEqual(Array.from(x));
			expect(Array.from(y2)).toEqual(Array.from(y));
		}
	});

	it("hands the coder only what it can code: integer probabilities in 1..4095, consistent symbol counts", () => {
		const { x, y } = randomDigits(300, 9);
		const seen = new Set<number>();
		let symbols = 0;
		let bad = 0;
		codeDigits(300, x, y, {
			bit(p1, bit) {
				seen.add(p1);
				return bit;
			},
			symbol(freq, at, total, s) {
				let sum = 0;
				for (let i = 0; i < 15; i++) {
					if (!(freq[at + i] > 0)) bad++;
					sum += freq[at + i];
				}
				if (total !== sum || total >= 65536 || s < 0 || s >= 15) bad++;
				symbols++;
				return s;
			},
		});
		expect(symbols).toBeGreaterThan(1000);
		expect(bad).toBe(0);
		expect(Math.min(...seen)).toBeGreaterThanOrEqual(1);
		expect(Math.max(...seen)).toBeLessThanOrEqual(4095);
		for (const p of seen) expect(Number.isInteger(p)).toBe(true);
	});
});

describe("packed digits, damaged", () => {
	it("a truncated payload throws an Error that says so, and does not hang", () => {
		for (const keep of [0, 10, DIGITS_PACKED.length >> 1, DIGITS_PACKED.length - 8]) {
			expect(() => unpackDigits(DIGITS_PACKED.slice(0, keep), DIGITS_COUNT)).toThrow(/truncated or corrupt/);
		}
	});

	it("a changed character is caught (checksum or running out of bytes)", () => {
		for (const at of [100, DIGITS_PACKED.length >> 1, DIGITS_PACKED.length - 40]) {
			const c = DIGITS_PACKED[at] === "A" ? "B" : "A";
			const bad = DIGITS_PACKED.slice(0, at) + c + DIGITS_PACKED.slice(at + 1);
			expect(() => unpackDigits(bad, DIGITS_COUNT)).toThrow(/corrupt/);
		}
	});
});
