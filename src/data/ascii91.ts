// Bytes as printable ASCII for a JS string literal: 91 symbols ("!".."~" without the quote, the backslash and "<",
// so neither TypeScript nor esbuild escape anything), two symbols for 13 bits since 91² = 8281 ≥ 2^13. That is
// 6.5 bits a character where base64 carries 6: 8 % less bundle for the same bytes. Encoder: scripts/range-encoder.mjs.

export const ASCII91 = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i))
	.filter((c) => c !== '"' && c !== "\\" && c !== "<")
	.join("");

/** Decodes text from the encoder; the last byte may be a zero of padding. Throws on a foreign character. */
export function decodeAscii91(s: string): Uint8Array {
	const index = new Int16Array(128).fill(-1);
	for (let i = 0; i < 91; i++) index[ASCII91.charCodeAt(i)] = i;
	const out = new Uint8Array(Math.floor((s.length * 13) / 16));
	let acc = 0;
	let bits = 0;
	let o = 0;
	for (let i = 0; i + 1 < s.length; i += 2) {
		const ca = s.charCodeAt(i);
		const cb = s.charCodeAt(i + 1);
		const a = ca < 128 ? index[ca] : -1;
		const b = cb < 128 ? index[cb] : -1;
		if ((a | b) < 0) throw new Error(`Packed data has a character outside its alphabet at ${a < 0 ? i : i + 1}`);
		acc = ((acc << 13) | (a + b * 91)) & 0xffffff;
		bits += 13;
		while (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 255;
		}
	}
	return out.subarray(0, o);
}
