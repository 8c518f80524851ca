import type { Dataset } from "./dataset";
import { decodeBase64 } from "./base64";
import { DIGITS_COUNT, DIGITS_PACKED } from "./digits-packed";

export const DIGITS_CREDIT = "UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak, 1998), CC BY 4.0";

let cache: Dataset | null = null;

/**
 * The 1 797 handwritten digits (8×8, one channel) bundled with the plugin, pixels scaled from 0..16 to 0..1.
 * Unpacked once; callers get their own copy of the arrays so they may shuffle or normalise freely.
 */
export function loadDigits(): Dataset {
	if (!cache) cache = unpack();
	return { ...cache, x: cache.x.slice(), y: cache.y.slice(), classNames: cache.classNames.slice() };
}

function unpack(): Dataset {
	const n = DIGITS_COUNT;
	const bytes = decodeBase64(DIGITS_PACKED);
	const nibble = (i: number): number => (i & 1) === 0 ? bytes[i >> 1] >> 4 : bytes[i >> 1] & 15;
	const pixels = n * 64;
	const x = new Float32Array(pixels);
	const y = new Uint8Array(n);
	// Pixels: a 0 nibble and a length nibble L stand for L + 1 zeros (scripts/pack-digits.mjs); x starts zeroed.
	let at = 0;
	const fifteens: number[] = [];
	for (let i = 0; i < pixels; ) {
		const v = nibble(at++);
		if (v === 0) {
			i += nibble(at++) + 1;
			continue;
		}
		if (v === 15) fifteens.push(i);
		x[i++] = v / 16;
	}
	for (let k = 0; k < n; k++) y[k] = nibble(at++);
	const bitmapStart = Math.ceil(at / 2);
	fifteens.forEach((i, f) => {
		if (bytes[bitmapStart + (f >> 3)] & (0x80 >> (f & 7))) x[i] = 1;
	});
	return {
		x,
		y,
		n,
		shape: [1, 8, 8],
		classes: 10,
		classNames: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
		name: "digits",
		credit: DIGITS_CREDIT,
	};
}
