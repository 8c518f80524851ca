/**
 * A backend: the kernels every product and stride-1 convolution of the engine runs on. It is a value held by an
 * engine context (context.ts) and handed to the layers, never a module-level switch, so two models in one thread
 * can run on different kernels and a copy of this module elsewhere in a bundle holds no state of its own.
 */
import { gemmJs, GemmScratch, type GemmFn } from "./gemm";
import type { ConvGeom } from "./im2col";

export type BackendName = "js" | "wasm-simd";

/** y = conv(x, w) + b for a stride-1 convolution, NCHW, without a column matrix. */
export type ConvForwardFn = (g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array) => void;
/** dw of a stride-1 convolution (overwritten), without a column matrix. */
export type ConvWeightGradFn = (g: ConvGeom, x: Float32Array, dy: Float32Array, dw: Float32Array) => void;

export interface Backend {
	/** Recorded with each run: the two backends round differently (each is repeatable bit for bit on its own). */
	readonly name: BackendName;
	readonly gemm: GemmFn;
	/**
	 * True when `gemm` reads its operands where they lie (the JS kernel), so a convolution's backward runs one
	 * product per image; false when it copies them (WebAssembly), which pays per call, so dy is gathered first.
	 */
	readonly gemmReadsInPlace: boolean;
	/** A direct stride-1 forward convolution, or null for im2col + GEMM (and Winograd). */
	readonly convForwardStride1: ConvForwardFn | null;
	/** A direct stride-1 weight gradient, or null for im2col + GEMM. */
	readonly convWeightGradStride1: ConvWeightGradFn | null;
}

function jsBackend(gemm: GemmFn): Backend {
	return Object.freeze({ name: "js", gemm, gemmReadsInPlace: true, convForwardStride1: null, convWeightGradStride1: null });
}

/**
 * The TypeScript kernels with packing buffers of their own (reused across calls): the backend for a model that
 * trains, where a product per batch must not allocate.
 */
export function createJsBackend(): Backend {
	const scratch = new GemmScratch();
	return jsBackend((m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc) =>
		gemmJs(m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc, scratch),
	);
}

/**
 * The default of every function that takes an optional context: the TypeScript kernels with no state at all (each
 * product packs into buffers of its own), so sharing it between callers can never leak anything between them.
 */
export const TS_BACKEND: Backend = jsBackend((m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc) =>
	gemmJs(m, n, k, A, aOff, lda, tA, B, bOff, ldb, tB, C, cOff, ldc, acc),
);
