// The encoding halves of src/data/range-decoder.ts and src/data/ascii91.ts, for scripts/pack-digits.mjs and the
// round-trip tests. Kept out of src/ so that the plugin bundle carries only the decoders.

const BOTTOM = 1 << 16;
const WINDOW = 1 << 24;

/**
 * Range encoder, LZMA's scheme with a 24-bit range (see src/data/range-decoder.ts for why): `low` may carry past
 * 2^24; a byte is held back (`cache`, plus a run of 0xFF bytes) until it is known whether that carry reaches it.
 * Codes binary decisions (probability in 1/4096) and counted symbols.
 * @returns {import("./range-encoder.d.mts").RangeEncoder}
 */
export function rangeEncoder() {
	/** @type {number[]} */
	const out = [];
	let low = 0;
	let range = WINDOW - 1;
	let cache = 0;
	let pending = 1;
	const shiftLow = () => {
		if (low < 0xff0000 || low >= WINDOW) {
			const carry = low >= WINDOW ? 1 : 0;
			let b = cache;
			do {
				out.push((b + carry) & 255);
				b = 255;
			} while (--pending !== 0);
			cache = (low >> 16) & 255;
		}
		pending++;
		low = (low & 0xffff) << 8;
	};
	const normalise = () => {
		while (range < BOTTOM) {
			range <<= 8;
			shiftLow();
		}
	};
	return {
		bit(p1, b) {
			if (!(p1 >= 1 && p1 <= 4095)) throw new Error(`probability out of range: ${p1}`);
			const bound = ((range >> 8) * p1) >> 4;
			if (b) range = bound;
			else {
				low += bound;
				range -= bound;
			}
			normalise();
			return b;
		},
		symbol(freq, at, total, s) {
			if (!(total >= 1 && total <= 65536 && freq[at + s] > 0)) throw new Error(`bad symbol counts: ${freq[at + s]} of ${total}`);
			// The decoder finds s by where code / r falls among the cumulative counts.
			const r = (range / total) | 0;
			let cum = 0;
			for (let i = 0; i < s; i++) cum += freq[at + i];
			low += r * cum;
			range = r * freq[at + s];
			normalise();
			return s;
		},
		finish() {
			for (let i = 0; i < 4; i++) shiftLow();
			return Uint8Array.from(out);
		},
	};
}

/** Same alphabet as src/data/ascii91.ts: "!".."~" without '"', "\\" and "<". */
export const ASCII91 = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
	.filter((c) => c !== '"' && c !== "\\" && c !== "<")
	.join("");

/** Bytes → text, 13 bits per two characters (low digit first); the last group is padded with zero bits. */
export function encodeAscii91(/** @type {Uint8Array} */ bytes) {
	let s = "";
	let acc = 0;
	let bits = 0;
	const put = (v) => {
		s += ASCII91[v % 91] + ASCII91[Math.floor(v / 91)];
	};
	for (const byte of bytes) {
		acc = ((acc << 8) | byte) & 0xffffff;
		bits += 8;
		if (bits >= 13) {
			bits -= 13;
			put((acc >> bits) & 8191);
		}
	}
	if (bits > 0) put((acc << (13 - bits)) & 8191);
	return s;
}
