/**
 * The WebAssembly SIMD backend. Compiling the module is what costs (tens of milliseconds on a phone), so nothing
 * here runs at import: a thread asks for a backend when it first needs one — asynchronously where it shares a
 * thread with a UI (LazyBackend), synchronously in Node (the CLI, tests, the bench) — and keeps the value.
 */
import { createJsBackend, type Backend } from "../backend";
import { gemmModuleBytes } from "./kernels";
import { SimdGemm } from "./simd-gemm";

export { SimdGemm } from "./simd-gemm";
export { gemmModuleBytes, wasmSimdSupported } from "./kernels";

/** A backend whose products and stride-1 convolutions run on `g` (one module instance, one memory). */
export function simdBackend(g: SimdGemm): Backend {
	return Object.freeze({
		name: "wasm-simd",
		gemm: (m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc) => g.gemm(m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc),
		gemmReadsInPlace: false,
		convForwardStride1: (geom, x, w, b, y) => g.convForwardStride1(geom, x, w, b, y),
		convWeightGradStride1: (geom, x, dy, dw) => g.convWeightGradStride1(geom, x, dy, dw),
	} satisfies Backend);
}

/** The SIMD backend compiled synchronously, or null where the platform has no WebAssembly SIMD. For Node. */
export function simdBackendSync(): Backend | null {
	try {
		return simdBackend(new SimdGemm(new WebAssembly.Module(gemmModuleBytes())));
	} catch {
		return null;
	}
}

/**
 * The SIMD backend, compiled off the calling thread's critical path (WebAssembly.compile), or the TypeScript
 * kernels where the platform has no WebAssembly SIMD. Never rejects.
 */
export async function loadBackend(): Promise<Backend> {
	try {
		if (typeof WebAssembly !== "object") return createJsBackend();
		const mod = await WebAssembly.compile(gemmModuleBytes());
		return simdBackend(new SimdGemm(mod));
	} catch {
		return createJsBackend();
	}
}

/** loadBackend on the first get(), once: every later get() returns the same backend. Hold one per thread. */
export class LazyBackend {
	private pending: Promise<Backend> | null = null;

	get(): Promise<Backend> {
		return (this.pending ??= loadBackend());
	}
}
