/** Inverted dropout: kept values are scaled by 1/(1 − p) at training time, so inference is the identity. */
import type { Rng } from "../rng";

/** Draws a fresh mask (0 or 1/(1−p) per value, from rng) and applies it: y = x ⊙ mask. */
export function dropoutForward(x: Float32Array, y: Float32Array, mask: Float32Array, len: number, p: number, rng: Rng): void {
	if (p <= 0) {
		mask.fill(1, 0, len);
		y.set(x.subarray(0, len));
		return;
	}
	const scale = p >= 1 ? 0 : 1 / (1 - p);
	for (let i = 0; i < len; i++) {
		const m = rng.next() < p ? 0 : scale;
		mask[i] = m;
		y[i] = x[i] * m;
	}
}

/** dx = dy ⊙ mask. */
export function dropoutBackward(dy: Float32Array, mask: Float32Array, dx: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) dx[i] = dy[i] * mask[i];
}
