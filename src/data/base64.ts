const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP = new Uint8Array(128);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Decodes standard base64 to bytes without atob or Buffer, so it runs the same in Node, a worker and the app. */
export function decodeBase64(s: string): Uint8Array {
	let len = s.length;
	while (len > 0 && s.charCodeAt(len - 1) === 61) len--; // trailing "="
	const out = new Uint8Array(Math.floor((len * 3) / 4));
	let o = 0;
	let acc = 0;
	let bits = 0;
	for (let i = 0; i < len; i++) {
		acc = (acc << 6) | LOOKUP[s.charCodeAt(i) & 127];
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (acc >> bits) & 255;
		}
	}
	return out;
}
