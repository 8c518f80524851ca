// Types of scripts/range-encoder.mjs, for the tests that check it against the plugin's decoders.

export interface RangeEncoder {
	/** Encodes bit b (0 or 1) whose probability of being 1 is p1/4096 (1 ≤ p1 ≤ 4095); returns b. */
	bit(p1: number, b: number): number;
	/** Encodes symbol s of frequency freq[at + s] out of total (the sum of freq[at], freq[at + 1], …); returns s. */
	symbol(freq: Int32Array, at: number, total: number, s: number): number;
	/** Flushes the coder and returns all bytes written. */
	finish(): Uint8Array;
}

export function rangeEncoder(): RangeEncoder;
export const ASCII91: string;
export function encodeAscii91(bytes: Uint8Array): string;
