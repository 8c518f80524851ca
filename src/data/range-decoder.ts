// Range decoder for data packed by scripts/range-encoder.mjs: binary decisions with a probability in 1/4096, and
// symbols with counted frequencies; the probabilities and counts come from the caller's model.
//
// The scheme is LZMA's (bytes shifted in as the range shrinks, the encoder resolving carries) with a 24-bit range
// in [2^16, 2^24) instead of a 32-bit one: every value then stays a small integer (a V8 "Smi"). With 32 bits, range
// and code exceed 2^30 and, until V8 has optimised the loop, each step allocates heap numbers: in Chromium that was
// several milliseconds of garbage collection on the first unpacking. The narrower range costs < 0.1 % of size.

const BOTTOM = 1 << 16;

export class RangeDecoder {
	private range = 0xffffff;
	private code = 0;
	private pos = 0;

	constructor(private readonly bytes: Uint8Array) {
		for (let i = 0; i < 4; i++) this.code = (this.code << 8) | this.next();
	}

	/** Decodes one bit whose probability of being 1 is p1/4096 (1 ≤ p1 ≤ 4095). */
	bit(p1: number): number {
		let range = this.range;
		let code = this.code;
		const bound = ((range >> 8) * p1) >> 4;
		let b = 0;
		if (code < bound) {
			range = bound;
			b = 1;
		} else {
			code -= bound;
			range -= bound;
		}
		while (range < BOTTOM) {
			range <<= 8;
			code = (code << 8) | this.next();
		}
		this.range = range;
		this.code = code;
		return b;
	}

	/**
	 * Decodes one symbol s, whose frequency is freq[at + s] out of total (the sum of freq[at], freq[at + 1], …;
	 * at most 2^16, so that every symbol keeps a share of the range).
	 */
	symbol(freq: Int32Array, at: number, total: number): number {
		let range = this.range;
		let code = this.code;
		const r = (range / total) | 0;
		// Only a corrupt payload puts the code past r · total; the clamp keeps the search inside the table.
		const target = Math.min(total - 1, (code / r) | 0);
		let s = 0;
		let cum = 0;
		while (cum + freq[at + s] <= target) cum += freq[at + s++];
		code -= r * cum;
		range = r * freq[at + s];
		while (range < BOTTOM) {
			range <<= 8;
			code = (code << 8) | this.next();
		}
		this.range = range;
		this.code = code;
		return s;
	}

	/** The next byte; a clear Error when the model asks for more than the bytes hold (a truncated payload). */
	private next(): number {
		if (this.pos >= this.bytes.length) throw new Error("Packed data ends early: it is truncated or corrupt");
		return this.bytes[this.pos++];
	}
}
