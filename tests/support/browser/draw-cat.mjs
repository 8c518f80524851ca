// Draws the demo vault's cat.png (a 96×96 gray cat face: head, ears, eyes, nose, whiskers) so the demo needs no
// downloaded image. Run: node tests/support/browser/draw-cat.mjs → examples/vault/images/cat.png
import { deflateSync } from "node:zlib";
import { mkdirSync, writeFileSync } from "node:fs";

const N = 96;
const px = new Uint8Array(N * N).fill(235);
const set = (x, y, v) => {
	if (x >= 0 && y >= 0 && x < N && y < N) px[y * N + x] = v;
};
const inTri = (x, y, [ax, ay], [bx, by], [cx, cy]) => {
	const s = (px1, py1, px2, py2, px3, py3) => (px1 - px3) * (py2 - py3) - (px2 - px3) * (py1 - py3);
	const d1 = s(x, y, ax, ay, bx, by), d2 = s(x, y, bx, by, cx, cy), d3 = s(x, y, cx, cy, ax, ay);
	return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0));
};
for (let y = 0; y < N; y++)
	for (let x = 0; x < N; x++) {
		const dx = (x - 48) / 34, dy = (y - 56) / 30;
		const head = dx * dx + dy * dy <= 1;
		const ear = inTri(x, y, [18, 40], [24, 8], [42, 28]) || inTri(x, y, [78, 40], [72, 8], [54, 28]);
		if (head || ear) set(x, y, 120 + Math.round(20 * Math.sin(x / 5) * Math.cos(y / 7)));
		const innerEar = inTri(x, y, [23, 34], [26, 15], [37, 28]) || inTri(x, y, [73, 34], [70, 15], [59, 28]);
		if (innerEar) set(x, y, 190);
		for (const ex of [34, 62]) {
			const e = ((x - ex) / 7) ** 2 + ((y - 50) / 5) ** 2;
			if (e <= 1) set(x, y, 250);
			if (((x - ex) / 2) ** 2 + ((y - 50) / 4.5) ** 2 <= 1) set(x, y, 10);
		}
		if (inTri(x, y, [43, 62], [53, 62], [48, 68])) set(x, y, 40);
	}
for (const [y0, slope] of [[66, -0.15], [70, 0], [74, 0.15]])
	for (let t = 0; t < 26; t++) {
		set(20 + t, Math.round(y0 - slope * (26 - t)), 30);
		set(76 - t, Math.round(y0 - slope * (26 - t)), 30);
	}

function crc32(buf) {
	let c, crc = 0xffffffff;
	for (let n = 0; n < buf.length; n++) {
		c = (crc ^ buf[n]) & 0xff;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		crc = (crc >>> 8) ^ c;
	}
	return (crc ^ 0xffffffff) >>> 0;
}
const chunk = (type, data) => {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
};
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(N, 0);
ihdr.writeUInt32BE(N, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 0; // grayscale
const raw = Buffer.alloc(N * (N + 1));
for (let y = 0; y < N; y++) {
	raw[y * (N + 1)] = 0;
	Buffer.from(px.subarray(y * N, (y + 1) * N)).copy(raw, y * (N + 1) + 1);
}
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
mkdirSync("examples/vault/images", { recursive: true });
writeFileSync("examples/vault/images/cat.png", png);
console.log(`wrote examples/vault/images/cat.png (${png.length} bytes)`);
