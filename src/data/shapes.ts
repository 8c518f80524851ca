import type { Lang } from "../i18n";
import { Rng } from "../engine/rng";
import { assertDataFits, type Dataset } from "./dataset";

/** Every shape the synthetic set can draw, in class order. */
export const SHAPE_CLASSES = ["horizontal line", "vertical line", "diagonal \\", "diagonal /", "cross", "square", "circle", "triangle"] as const;
export type ShapeName = (typeof SHAPE_CLASSES)[number];

export interface ShapesOptions {
	/** Side of the square images, at least 5. */
	size: number;
	count: number;
	seed: number;
	/** The first k classes, or the classes by name; all eight by default. */
	classes?: number | readonly ShapeName[];
	/** Standard deviation of the pixel noise; 0.05 by default. */
	noise?: number;
	/** Three channels (the shape in one random-ish colour) instead of one. */
	channels?: 1 | 3;
	/** The language of the refusal of a set too big to hold. */
	lang: Lang;
}

/**
 * A seeded synthetic set of outlined shapes with jittered position, size and stroke and a little pixel noise:
 * big enough to train on at any size, small enough to generate in milliseconds. Classes are balanced and the
 * images come in shuffled order.
 */
export function makeShapes(opts: ShapesOptions): Dataset {
	const size = Math.floor(opts.size);
	if (!(size >= 5)) throw new Error(`shapes: size ${opts.size} is too small; use at least 5`);
	const count = Math.max(0, Math.floor(opts.count));
	const names: ShapeName[] =
		typeof opts.classes === "number"
			? SHAPE_CLASSES.slice(0, Math.max(2, Math.min(SHAPE_CLASSES.length, Math.floor(opts.classes))))
			: opts.classes
				? opts.classes.slice()
				: SHAPE_CLASSES.slice();
	const channels = opts.channels ?? 1;
	assertDataFits(`shapes ${size}×${size}`, count, [channels, size, size], opts.lang);
	const noise = opts.noise ?? 0.05;
	const rng = new Rng(opts.seed);
	const k = names.length;
	const labels = new Uint8Array(count);
	for (let i = 0; i < count; i++) labels[i] = i % k;
	rng.shuffle(labels);

	const plane = size * size;
	const x = new Float32Array(count * channels * plane);
	const img = new Float32Array(plane);
	for (let i = 0; i < count; i++) {
		drawShape(img, size, names[labels[i]], rng);
		const base = i * channels * plane;
		for (let c = 0; c < channels; c++) {
			const tint = channels === 1 ? 1 : 0.5 + 0.5 * rng.next();
			for (let p = 0; p < plane; p++) {
				const v = img[p] * tint + noise * rng.normal();
				x[base + c * plane + p] = v < 0 ? 0 : v > 1 ? 1 : v;
			}
		}
	}
	return {
		x,
		y: labels,
		n: count,
		shape: [channels, size, size],
		classes: k,
		classNames: names.slice(),
		name: `shapes ${size}×${size}`,
	};
}

function segDist(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
	const dx = bx - ax;
	const dy = by - ay;
	const len2 = dx * dx + dy * dy;
	let u = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
	u = u < 0 ? 0 : u > 1 ? 1 : u;
	const ex = ax + u * dx - px;
	const ey = ay + u * dy - py;
	return Math.sqrt(ex * ex + ey * ey);
}

/** Rasterises one jittered outline into img (size×size) as ink in 0..1 with a one-pixel soft edge. */
function drawShape(img: Float32Array, size: number, shape: ShapeName, rng: Rng): void {
	const r = size * (0.25 + 0.15 * rng.next());
	const room = Math.max(0, size / 2 - r - 0.5);
	const cx = size / 2 + (rng.next() * 2 - 1) * room * 0.8;
	const cy = size / 2 + (rng.next() * 2 - 1) * room * 0.8;
	const half = (Math.max(1, size / 14) * (0.8 + 0.4 * rng.next())) / 2;
	const tri = [cx, cy - r, cx - r, cy + 0.8 * r, cx + r, cy + 0.8 * r];
	for (let row = 0; row < size; row++) {
		for (let col = 0; col < size; col++) {
			const px = col + 0.5;
			const py = row + 0.5;
			const dx = px - cx;
			const dy = py - cy;
			let d: number;
			switch (shape) {
				case "horizontal line":
					d = segDist(px, py, cx - r, cy, cx + r, cy);
					break;
				case "vertical line":
					d = segDist(px, py, cx, cy - r, cx, cy + r);
					break;
				case "diagonal \\":
					d = segDist(px, py, cx - r, cy - r, cx + r, cy + r);
					break;
				case "diagonal /":
					d = segDist(px, py, cx - r, cy + r, cx + r, cy - r);
					break;
				case "cross":
					d = Math.min(segDist(px, py, cx - r, cy, cx + r, cy), segDist(px, py, cx, cy - r, cx, cy + r));
					break;
				case "square":
					d = Math.abs(Math.max(Math.abs(dx), Math.abs(dy)) - r);
					break;
				case "circle":
					d = Math.abs(Math.sqrt(dx * dx + dy * dy) - r);
					break;
				case "triangle":
					d = Math.min(
						segDist(px, py, tri[0], tri[1], tri[2], tri[3]),
						segDist(px, py, tri[2], tri[3], tri[4], tri[5]),
						segDist(px, py, tri[4], tri[5], tri[0], tri[1]),
					);
					break;
			}
			const ink = 1 - (d - half);
			img[row * size + col] = ink <= 0 ? 0 : ink >= 1 ? 1 : ink;
		}
	}
}
