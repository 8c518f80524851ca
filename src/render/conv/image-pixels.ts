/**
 * Pure helpers for image inputs: read an image's size from its header (so a 20 000 × 20 000 file is refused
 * before anything is decoded), choose the downscaled size, and turn RGBA pixels into 0..1 planes.
 */
import type { Planes } from "../../notation/conv/types";

export const MAX_IMAGE_BYTES = 25 * 1024 * 1024;
export const MAX_IMAGE_PIXELS = 40_000_000;

export interface ImageSize {
	width: number;
	height: number;
	format: string;
}

function u16be(b: Uint8Array, i: number): number {
	return (b[i] << 8) | b[i + 1];
}
function u32be(b: Uint8Array, i: number): number {
	return ((b[i] << 24) >>> 0) + (b[i + 1] << 16) + (b[i + 2] << 8) + b[i + 3];
}
function u16le(b: Uint8Array, i: number): number {
	return b[i] | (b[i + 1] << 8);
}
function i32le(b: Uint8Array, i: number): number {
	return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24);
}
function u24le(b: Uint8Array, i: number): number {
	return b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
}

/** Width and height from a PNG, JPEG, GIF, BMP or WebP header; null when the format is not recognised. */
export function imageSizeFromHeader(buf: ArrayBuffer): ImageSize | null {
	const b = new Uint8Array(buf);
	if (b.length >= 24 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return { width: u32be(b, 16), height: u32be(b, 20), format: "png" };
	if (b.length >= 10 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46) return { width: u16le(b, 6), height: u16le(b, 8), format: "gif" };
	if (b.length >= 26 && b[0] === 0x42 && b[1] === 0x4d) return { width: Math.abs(i32le(b, 18)), height: Math.abs(i32le(b, 22)), format: "bmp" };
	if (b.length >= 30 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) {
		const chunk = String.fromCharCode(b[12], b[13], b[14], b[15]);
		if (chunk === "VP8X") return { width: u24le(b, 24) + 1, height: u24le(b, 27) + 1, format: "webp" };
		if (chunk === "VP8L") {
			const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
			return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1, format: "webp" };
		}
		if (chunk === "VP8 ") return { width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff, format: "webp" };
		return null;
	}
	if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
		let i = 2;
		while (i + 9 < b.length) {
			if (b[i] !== 0xff) {
				i++;
				continue;
			}
			const marker = b[i + 1];
			if (marker === 0xff) {
				i++;
				continue;
			}
			// Start-of-frame markers carry the size; 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) do not.
			if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return { width: u16be(b, i + 7), height: u16be(b, i + 5), format: "jpeg" };
			if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
				i += 2;
				continue;
			}
			i += 2 + u16be(b, i + 2);
		}
		return null;
	}
	return null;
}

/** The size after scaling the longest side down to at most maxSide (never up), each side at least 1. */
export function fitSize(width: number, height: number, maxSide: number): { width: number; height: number } {
	const s = Math.min(1, maxSide / Math.max(width, height));
	return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** RGBA bytes → one gray plane (Rec. 601 luma) or three RGB planes, values 0..1, transparency over white. */
export function rgbaToPlanes(rgba: ArrayLike<number>, width: number, height: number, mode: "gray" | "rgb"): Planes {
	const chans = mode === "gray" ? 1 : 3;
	const planes: Planes = Array.from({ length: chans }, () => Array.from({ length: height }, () => new Array<number>(width).fill(0)));
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) {
			const o = (y * width + x) * 4;
			const a = rgba[o + 3] / 255;
			const r = (rgba[o] / 255) * a + (1 - a);
			const g = (rgba[o + 1] / 255) * a + (1 - a);
			const b = (rgba[o + 2] / 255) * a + (1 - a);
			if (mode === "gray") planes[0][y][x] = Math.round((0.299 * r + 0.587 * g + 0.114 * b) * 1000) / 1000;
			else {
				planes[0][y][x] = Math.round(r * 1000) / 1000;
				planes[1][y][x] = Math.round(g * 1000) / 1000;
				planes[2][y][x] = Math.round(b * 1000) / 1000;
			}
		}
	return planes;
}
