// Draws the demo vault's tiny image-folder dataset: 8×8 gray PNGs, one subfolder per class (ring, square, cross),
// 8 images each, shapes jittered in place and brightness, on a noisy dark background. ~3 KB in all. The pixels come
// from a seeded generator, so the files are the same on every run; the e2e check reads them back from disk.
// Run: node scripts/make-tiny-shapes.mjs → examples/vault/CNN data/tiny-shapes/<class>/<n>.png
import { crc32, deflateSync } from "node:zlib";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";

const N = 8;
const PER_CLASS = 8;
const OUT = "examples/vault/CNN data/tiny-shapes";

let seed = 20261126;
function rand() {
	// mulberry32
	seed = (seed + 0x6d2b79f5) | 0;
	let t = seed;
	t = Math.imul(t ^ (t >>> 15), t | 1);
	t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
	return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));

/** Is (x, y) on the shape of `cls`, centred at (cx, cy)? */
const SHAPES = {
	ring: (x, y, cx, cy) => {
		const d = Math.hypot(x - cx, y - cy);
		return d >= 1.5 && d <= 2.9;
	},
	square: (x, y, cx, cy) => Math.abs(x - cx) <= 2 && Math.abs(y - cy) <= 2,
	cross: (x, y, cx, cy) => (Math.abs(x - cx) < 0.5 && Math.abs(y - cy) <= 3) || (Math.abs(y - cy) < 0.5 && Math.abs(x - cx) <= 3),
};

function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td) >>> 0);
	return Buffer.concat([len, td, crc]);
}

/** An 8-bit grayscale PNG of w×h pixels (filter 0 on every row). */
function grayPng(px, w, h) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 0; // gray
	const raw = Buffer.alloc((w + 1) * h);
	for (let y = 0; y < h; y++) raw.set(px.subarray(y * w, (y + 1) * w), y * (w + 1) + 1);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

rmSync(OUT, { recursive: true, force: true });
let bytes = 0;
for (const [cls, on] of Object.entries(SHAPES)) {
	mkdirSync(`${OUT}/${cls}`, { recursive: true });
	for (let k = 0; k < PER_CLASS; k++) {
		const cx = 3.5 + int(-1, 1) * 0.5;
		const cy = 3.5 + int(-1, 1) * 0.5;
		const fg = int(170, 250);
		const px = new Uint8Array(N * N);
		for (let y = 0; y < N; y++) for (let x = 0; x < N; x++) px[y * N + x] = on(x, y, cx, cy) ? fg - int(0, 20) : int(0, 60);
		const png = grayPng(px, N, N);
		writeFileSync(`${OUT}/${cls}/${k}.png`, png);
		bytes += png.length;
	}
}
console.log(`wrote ${Object.keys(SHAPES).length * PER_CLASS} images, ${bytes} bytes, to ${OUT}/`);
