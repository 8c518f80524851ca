// Range decoder (the LZMA scheme: 32-bit range, bytes shifted in as the range drops below 2^24), for data packed by
// scripts/range-encoder.mjs: binary decisions with a probability in 1/4096, and symbols with counted frequencies.
// The probabilities and counts come from the caller's model.
//
// Range and code are unsigned 32-bit numbers: they are kept in an Int32Array between calls and read back with
// >>> 0, which V8 compiles to plain 32-bit arithmetic (as fields or closure variables, values above 2^31 would be
// boxed doubles: a third slower).

const TOP = 2 ** 24;

export class RangeDecoder {
	private readonly rc = new Int32Array(2); // range, code
	private pos = 0;

	constructor(private readonly bytes: Uint8Array) {
		let code = 0;
		for (let i = 0; i < 5; i++) code = (code << 8) | this.next();
		this.rc[0] = -1; // 2^32 − 1
		this.rc[1] = code;
	}

	/** Decodes one bit whose probability of being 1 is p1/4096 (1 ≤ p1 ≤ 4095). */
	bit(p1: number): number {
		const rc = this.rc;
		let range = rc[0] >>> 0;
		let code = rc[1] >>> 0;
		const bound = (range >>> 12) * p1;
		let b = 0;
		if (code < bound) {
			range = bound;
			b = 1;
		} else {
			code -= bound;
			range -= bound;
		}
		this.normalise(range, code);
		return b;
	}

	/** Decodes one symbol s, whose frequency is freq[at + s] out of total (the sum of freq[at], freq[at + 1], …). */
	symbol(freq: Int32Array, at: number, total: number): number {
		let range = this.rc[0] >>> 0;
		let code = this.rc[1] >>> 0;
		const r = Math.floor(range / total);
		// Only a corrupt payload puts the code past r · total; the clamp keeps the search inside the table.
		const target = Math.min(total - 1, Math.floor(code / r));
		let s = 0;
		let cum = 0;
		while (cum + freq[at + s] <= target) cum += freq[at + s++];
		code -= r * cum;
		range = r * freq[at + s];
		this.normalise(range, code);
		return s;
	}

	private normalise(range: number, code: number): void {
		while (range < TOP) {
			range = (range << 8) >>> 0;
			code = ((code << 8) | this.next()) >>> 0;
		}
		this.rc[0] = range;
		this.rc[1] = code;
	}

	/** The next byte; a clear Error when the model asks for more bits than the bytes hold (a truncated payload). */
	private next(): number {
		if (this.pos >= this.bytes.length) throw new Error("Packed data ends early: it is truncated or corrupt");
		return this.bytes[this.pos++];
	}
}
