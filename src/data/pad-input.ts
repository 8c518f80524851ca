/**
 * A drawing on the explorer's pad turned into the input the network sees, the way the datasets were made:
 * - MNIST-like inputs (a side of 16 or more): the ink's bounding box scaled to fit 20/28 of the frame, keeping its
 *   aspect ratio, then placed so that its centre of mass is at the frame's centre (LeCun et al.'s preprocessing).
 * - Small inputs such as the bundled 8×8 digits: the bounding box scaled to fill the frame and centred, as the UCI
 *   set's 32×32 bitmaps were before they were counted down to 8×8.
 * Ink is 1 and paper 0, as in those sets (and Fashion-MNIST). Pure: the DOM pad only collects the strokes.
 */

/** A stroke as the pad records it: points in pad units, 0..1 across and down. */
export type Stroke = readonly { x: number; y: number }[];

/** Subsamples per output cell along each axis (16 samples a cell, for anti-aliased edges). */
const SUB = 4;

/**
 * The pen's width in output pixels for a stroke width in pad units: MNIST's strokes are 2–3 px of 28, the UCI
 * digits' about 1.5 px of 8 (their 32×32 strokes counted down by 4), so small inputs get a relatively wider pen.
 */
export function penPixels(width: number, side: number): number {
	return width * side * (side < 16 ? 2.2 : 1);
}

/**
 * The strokes fitted to an input of h×w×channels (channels first; every channel the same), or null when nothing is
 * drawn. The strokes themselves are fitted and drawn at the input's resolution, so a line is as thick as the
 * dataset's lines whatever the size it was drawn at.
 */
export function padToInput(strokes: readonly Stroke[], width: number, shape: readonly [number, number, number]): Float32Array | null {
	const [c, h, w] = shape;
	let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
	for (const st of strokes)
		for (const p of st) {
			x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x);
			y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y);
		}
	if (!(x1 >= x0)) return null;
	const side = Math.min(h, w);
	const mnist = side >= 16;
	const pen = penPixels(width, side);
	const fitW = Math.max(1, (mnist ? (20 / 28) * w : w) - pen);
	const fitH = Math.max(1, (mnist ? (20 / 28) * h : h) - pen);
	// Output pixels per pad unit; a dot (no extent) is drawn at the pen's size in the middle.
	const bw = x1 - x0;
	const bh = y1 - y0;
	const s = Math.min(bw > 0 ? fitW / bw : Infinity, bh > 0 ? fitH / bh : Infinity);
	const scale = Number.isFinite(s) ? s : 1;
	const draw = (dx: number, dy: number): Float32Array => {
		const fine = new Float32Array(h * SUB * w * SUB);
		const r = (pen * SUB) / 2;
		for (const st of strokes)
			for (let i = 0; i < st.length; i++) {
				const a = st[i];
				const b = st[Math.min(i + 1, st.length - 1)];
				const map = (p: { x: number; y: number }): [number, number] => [((p.x - (x0 + x1) / 2) * scale + w / 2 + dx) * SUB, ((p.y - (y0 + y1) / 2) * scale + h / 2 + dy) * SUB];
				const [ax, ay] = map(a);
				const [bx, by] = map(b);
				inkRect(fine, w * SUB, h * SUB, ax, ay, bx, by, r);
			}
		const plane = new Float32Array(h * w);
		for (let y = 0; y < h * SUB; y++) for (let x = 0; x < w * SUB; x++) plane[Math.floor(y / SUB) * w + Math.floor(x / SUB)] += fine[y * w * SUB + x] / (SUB * SUB);
		return plane;
	};
	let plane = draw(0, 0);
	if (mnist) {
		// MNIST: shift so that the centre of mass (not the box's centre) is at the frame's centre.
		let m = 0, mx = 0, my = 0;
		for (let y = 0; y < h; y++)
			for (let x = 0; x < w; x++) {
				const v = plane[y * w + x];
				m += v; mx += v * (x + 0.5); my += v * (y + 0.5);
			}
		if (m > 0) plane = draw(w / 2 - mx / m, h / 2 - my / m);
	}
	const out = new Float32Array(c * h * w);
	for (let k = 0; k < c; k++) out.set(plane, k * h * w);
	return out;
}

function inkRect(out: Float32Array, gw: number, gh: number, ax: number, ay: number, bx: number, by: number, r: number): void {
	const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 1));
	const x1 = Math.min(gw - 1, Math.ceil(Math.max(ax, bx) + r + 1));
	const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 1));
	const y1 = Math.min(gh - 1, Math.ceil(Math.max(ay, by) + r + 1));
	const dx = bx - ax;
	const dy = by - ay;
	const len2 = dx * dx + dy * dy;
	for (let y = y0; y <= y1; y++)
		for (let x = x0; x <= x1; x++) {
			const px = x + 0.5 - ax;
			const py = y + 0.5 - ay;
			const tt = len2 > 0 ? Math.max(0, Math.min(1, (px * dx + py * dy) / len2)) : 0;
			const ex = px - tt * dx;
			const ey = py - tt * dy;
			const cover = Math.max(0, Math.min(1, r + 0.5 - Math.sqrt(ex * ex + ey * ey)));
			const k = y * gw + x;
			if (cover > out[k]) out[k] = cover;
		}
}
