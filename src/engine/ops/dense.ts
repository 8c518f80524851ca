/** Fully connected layer as PyTorch's Linear: y = x·Wᵀ + b with W of shape [out, in]. */
import type { Backend } from "../backend";

/** x [n, inF], w [outF, inF], b [outF] or null → y [n, outF]. */
export function denseForward(be: Backend, n: number, inF: number, outF: number, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array): void {
	if (b) {
		for (let r = 0; r < n; r++) {
			const off = r * outF;
			for (let j = 0; j < outF; j++) y[off + j] = b[j];
		}
	}
	be.gemm(n, outF, inF, x, 0, inF, false, w, 0, inF, true, y, 0, outF, b !== null);
}

/** dx = dy·W (when dx is given), dW = dyᵀ·x, db = Σ_rows dy; all overwritten. */
export function denseBackward(
	be: Backend, n: number, inF: number, outF: number, x: Float32Array, w: Float32Array, dy: Float32Array,
	dx: Float32Array | null, dw: Float32Array, db: Float32Array | null,
): void {
	if (dx) be.gemm(n, inF, outF, dy, 0, outF, false, w, 0, inF, false, dx, 0, inF, false);
	be.gemm(outF, inF, n, dy, 0, outF, true, x, 0, inF, false, dw, 0, inF, false);
	if (db) {
		db.fill(0, 0, outF);
		for (let r = 0; r < n; r++) {
			const off = r * outF;
			for (let j = 0; j < outF; j++) db[j] += dy[off + j];
		}
	}
}
