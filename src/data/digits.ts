import type { Dataset } from "./dataset";
import { decodeAscii91 } from "./ascii91";
import { codeDigits } from "./digits-model";
import { RangeDecoder } from "./range-decoder";
import { DIGITS_COUNT, DIGITS_PACKED } from "./digits-packed";

export const DIGITS_CREDIT = "UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak, 1998), CC BY 4.0";

let cache: Dataset | null = null;

/**
 * The 1 797 handwritten digits (8×8, one channel) bundled with the plugin, pixels scaled from 0..16 to 0..1.
 * Unpacked once; callers get their own copy of the arrays so they may shuffle or normalise freely.
 */
export function loadDigits(): Dataset {
	if (!cache) cache = unpackDigits(DIGITS_PACKED, DIGITS_COUNT);
	return { ...cache, x: cache.x.slice(), y: cache.y.slice(), classNames: cache.classNames.slice() };
}

/**
 * Decodes the packed text (scripts/pack-digits.mjs: context-modelled range coding, as printable ASCII). Throws an
 * Error that says so when the text is truncated or corrupt.
 */
export function unpackDigits(packed: string, n: number): Dataset {
	const decoder = new RangeDecoder(decodeAscii91(packed));
	const pixels = new Uint8Array(n * 64);
	const y = new Uint8Array(n);
	if (!codeDigits(n, pixels, y, decoder)) {
		throw new Error("The packed digits are corrupt: their checksum does not match");
	}
	const x = new Float32Array(n * 64);
	for (let i = 0; i < x.length; i++) x[i] = pixels[i] / 16;
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
