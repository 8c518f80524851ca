/**
 * Data augmentation of training batches: `augment shift 2 flip rotate 10 noise 0.05` on the train line. Each
 * training image gets, in this order, a horizontal flip (half the time), a rotation by a uniform angle in
 * ±rotate degrees about its centre, an integer shift of up to ±shift pixels in x and y (zeros come in at the
 * edges), then Gaussian noise of standard deviation `noise`, the result kept in 0..1 like the data. Pixels are
 * sampled nearest-neighbour through the inverse map, so a shift or a flip moves pixels exactly and a quarter turn
 * of a square image is exact too. The PyTorch / Keras export writes the same function out in NumPy
 * (src/interop/export/augment-py.ts), so the exported script augments the way the engine does.
 *
 * Draws come from the run's seeded Rng in a fixed order per image, so the same seed repeats the run exactly.
 * Only training batches are augmented; validation, test and prediction see the data as they are.
 */
import type { Rng } from "./rng";

export interface AugmentSpec {
	/** Largest shift in pixels, each of x and y (0: none). */
	shift: number;
	/** Mirror left–right half the time. */
	flip: boolean;
	/** Largest rotation in degrees, either way (0: none). */
	rotate: number;
	/** Standard deviation of the added Gaussian noise (0: none). */
	noise: number;
}

/** Whether the spec changes anything (an `augment` word with nothing after it is a no-op). */
export function augmentsAnything(a: AugmentSpec | null | undefined): a is AugmentSpec {
	return !!a && (a.shift > 0 || a.flip || a.rotate > 0 || a.noise > 0);
}

/**
 * One image (C×H×W at srcOff) flipped, rotated by `degrees` and shifted by (dx, dy) into dst at dstOff, through
 * the inverse map with nearest-neighbour sampling and zeros outside. Positive dx moves the content right, positive
 * dy down; positive degrees turn it clockwise as the image is drawn (rows downwards). src and dst must not overlap.
 */
export function warpImage(
	src: Float32Array,
	srcOff: number,
	dst: Float32Array,
	dstOff: number,
	c: number,
	h: number,
	w: number,
	dx: number,
	dy: number,
	flip: boolean,
	degrees: number,
): void {
	const rad = (degrees * Math.PI) / 180;
	const cos = Math.cos(rad);
	const sin = Math.sin(rad);
	const cx = (w - 1) / 2;
	const cy = (h - 1) / 2;
	const plane = h * w;
	for (let oy = 0; oy < h; oy++) {
		for (let ox = 0; ox < w; ox++) {
			// Undo the shift, then the rotation (the inverse turn), then the flip.
			const u = ox - dx - cx;
			const v = oy - dy - cy;
			let rx = cos * u + sin * v + cx;
			const ry = -sin * u + cos * v + cy;
			if (flip) rx = w - 1 - rx;
			// floor(x + 0.5), not Math.round's ties: the NumPy export rounds the same way.
			const sx = Math.floor(rx + 0.5 + 1e-9);
			const sy = Math.floor(ry + 0.5 + 1e-9);
			const inside = sx >= 0 && sx < w && sy >= 0 && sy < h;
			const from = srcOff + sy * w + sx;
			const to = dstOff + oy * w + ox;
			for (let k = 0; k < c; k++) dst[to + k * plane] = inside ? src[from + k * plane] : 0;
		}
	}
}

/**
 * Augments a batch in place with one scratch image allocated up front: nothing is allocated per batch or per image.
 */
export class Augmenter {
	private readonly scratch: Float32Array;
	private readonly size: number;

	constructor(
		readonly spec: AugmentSpec,
		private readonly shape: readonly number[],
		private readonly rng: Rng,
	) {
		this.size = shape[0] * shape[1] * shape[2];
		this.scratch = new Float32Array(this.size);
	}

	/** The first `count` images of x (each shape[0]×shape[1]×shape[2]) augmented in place. */
	apply(x: Float32Array, count: number): void {
		const { shift, flip, rotate, noise } = this.spec;
		const c = this.shape[0];
		const h = this.shape[1];
		const w = this.shape[2];
		const sz = this.size;
		const rng = this.rng;
		const scratch = this.scratch;
		const geometric = shift > 0 || flip || rotate > 0;
		for (let k = 0; k < count; k++) {
			const off = k * sz;
			if (geometric) {
				const dx = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
				const dy = shift > 0 ? rng.int(2 * shift + 1) - shift : 0;
				const mirror = flip ? rng.next() < 0.5 : false;
				const angle = rotate > 0 ? (2 * rng.next() - 1) * rotate : 0;
				for (let j = 0; j < sz; j++) scratch[j] = x[off + j];
				warpImage(scratch, 0, x, off, c, h, w, dx, dy, mirror, angle);
			}
			if (noise > 0) {
				for (let j = 0; j < sz; j++) {
					const v = x[off + j] + noise * rng.normal();
					x[off + j] = v < 0 ? 0 : v > 1 ? 1 : v;
				}
			}
		}
	}
}
