import { setGemmBackend } from "../gemm";
import { setConvForwardBackend, setConvWeightGradBackend } from "../ops/conv2d";
import { SimdGemm, wasmSimdSupported } from "./gemm-simd";

export { SimdGemm, wasmSimdSupported } from "./gemm-simd";

let instance: SimdGemm | null = null;
let active: "wasm-simd" | "js" = "js";

/** The backend the engine computes with in this thread now (recorded with each run: the two round differently). */
export function activeBackend(): "wasm-simd" | "js" {
	return active;
}

/**
 * Routes every product of the engine through the WebAssembly SIMD kernel where the platform has SIMD; returns
 * which backend is now in use. Both backends pass the same correctness suite; each is bit-for-bit repeatable on
 * its own, but they round differently, so a run's backend is recorded with its log.
 */
export function useWasmGemm(on: boolean): "wasm-simd" | "js" {
	if (!on) {
		setGemmBackend(null);
		setConvForwardBackend(null);
		setConvWeightGradBackend(null);
		active = "js";
		return "js";
	}
	try {
		if (!instance && wasmSimdSupported()) instance = new SimdGemm();
	} catch {
		instance = null;
	}
	if (!instance) {
		setGemmBackend(null);
		setConvForwardBackend(null);
		setConvWeightGradBackend(null);
		active = "js";
		return "js";
	}
	const g = instance;
	setGemmBackend((m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc) => g.gemm(m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc));
	setConvForwardBackend((geom, x, w, b, y) => g.convForwardStride1(geom, x, w, b, y));
	setConvWeightGradBackend((geom, x, dy, dw) => g.convWeightGradStride1(geom, x, dy, dw));
	active = "wasm-simd";
	return "wasm-simd";
}
