/**
 * Elementwise activations over the first `len` values, forward and backward. Conventions as PyTorch:
 * relu'(0) = 0, leaky_relu'(0) = slope (the x ≤ 0 branch). Sigmoid and tanh never overflow, even at |x| = 1000.
 */

export function reluForward(x: Float32Array, y: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) {
		const v = x[i];
		y[i] = v > 0 ? v : 0;
	}
}

/** dx = dy where x > 0, else 0. */
export function reluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
}

export function leakyReluForward(x: Float32Array, y: Float32Array, len: number, slope: number): void {
	for (let i = 0; i < len; i++) {
		const v = x[i];
		y[i] = v > 0 ? v : v * slope;
	}
}

/** dx = dy where x > 0, else slope·dy. */
export function leakyReluBackward(x: Float32Array, dy: Float32Array, dx: Float32Array, len: number, slope: number): void {
	for (let i = 0; i < len; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * slope;
}

/** 1 / (1 + e^−x), computed from e^−|x| so the exponent is never positive. */
export function sigmoidForward(x: Float32Array, y: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) {
		const v = x[i];
		if (v >= 0) {
			y[i] = 1 / (1 + Math.exp(-v));
		} else {
			const e = Math.exp(v);
			y[i] = e / (1 + e);
		}
	}
}

/** dx = dy·y·(1 − y), from the forward's output y. */
export function sigmoidBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) {
		const s = y[i];
		dx[i] = dy[i] * s * (1 - s);
	}
}

export function tanhForward(x: Float32Array, y: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) y[i] = Math.tanh(x[i]);
}

/** dx = dy·(1 − y²), from the forward's output y. */
export function tanhBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) {
		const t = y[i];
		dx[i] = dy[i] * (1 - t * t);
	}
}
