/**
 * How much of its one linear memory the SIMD module needs, and its ceiling. Each product and each direct
 * convolution lays its operands out whole in that memory (simd-gemm.ts), so the memory must hold the largest one a
 * run makes. These are the layouts' sizes as formulas; SimdGemm sizes its memory with these very functions, so a
 * price computed from them is the memory the module grows to, not an estimate of it.
 */
import type { ConvGeom } from "../im2col";
import { MR, NR, WASM_MAX_PAGES } from "./kernels";

export { WASM_MAX_PAGES } from "./kernels";
export const WASM_PAGE_BYTES = 65536;
/** The most the module's memory may hold (its declared maximum, kernels.ts). */
export const WASM_MAX_BYTES = WASM_MAX_PAGES * WASM_PAGE_BYTES;

/** Thrown (instead of the platform's RangeError from Memory.grow) when the module's memory cannot hold a product. */
export class WasmMemoryError extends Error {
	constructor(
		/** Bytes the product needed. */
		readonly needBytes: number,
		/** Bytes the memory held when it could not grow. */
		readonly haveBytes: number,
	) {
		super(`WebAssembly memory: a product needs ${needBytes} bytes; the module could not grow past ${haveBytes} bytes (at most ${WASM_MAX_BYTES})`);
		this.name = "WasmMemoryError";
	}
}

/** Bytes the memory has once grown to hold `floats` (whole pages; it starts at one page). */
export function wasmBytesFor(floats: number): number {
	return Math.max(1, Math.ceil((floats * 4) / WASM_PAGE_BYTES)) * WASM_PAGE_BYTES;
}

/** Floats SimdGemm.gemm lays out for C[m×n] = op(A)[m×k]·op(B)[k×n]. */
export function gemmFloats(m: number, n: number, k: number, transA: boolean, transB: boolean): number {
	if (m === 0 || n === 0 || k === 0) return 0;
	if (transB && !transA) {
		// the dot-product (NT) kernel: rows of A and B padded to 4 floats, m to 4, n to 2
		const kPad = (k + 3) & ~3;
		const mPad = (m + 3) & ~3;
		const nPad = (n + 1) & ~1;
		return mPad * kPad + nPad * kPad + mPad * nPad;
	}
	const mPad = Math.ceil(m / MR) * MR;
	const nPad = Math.ceil(n / NR) * NR;
	return mPad * k + k * nPad + mPad * nPad;
}

/** The parts of SimdGemm.convForwardStride1's layout, in floats from 0: each part starts where the one before ends. */
export function convForwardLayout(g: ConvGeom): { tBase: number; bBase: number; xBase: number; cBase: number; rawBase: number; yBase: number; end: number; ldc: number; slack: number } {
	const { n, cin, h, cout, kh, kw, pt, pl, pb, pr, dw, ho, wo } = g;
	const wp = g.w + pl + pr;
	const hp = h + pt + pb;
	const K = cin * kh * kw;
	const ldc = Math.ceil((ho * wp) / NR) * NR;
	const mb = Math.ceil(cout / MR);
	// Reads run up to NR + (kw − 1)·dw floats past the last padded image; the slack keeps them in bounds.
	const slack = NR + (kw - 1) * dw + wp;
	const tBase = mb * MR * K;
	const bBase = tBase + K;
	const xBase = bBase + ((cout + 3) & ~3);
	const cBase = xBase + n * cin * hp * wp + slack;
	const rawBase = cBase + mb * MR * ldc;
	const yBase = rawBase + n * cin * h * g.w;
	return { tBase, bBase, xBase, cBase, rawBase, yBase, end: yBase + n * cout * ho * wo, ldc, slack };
}

/** The parts of SimdGemm.convWeightGradStride1's layout, in floats from 0. */
export function convWeightGradLayout(g: ConvGeom): { xBase: number; tBase: number; cBase: number; rawBase: number; end: number; kPad: number; mPad: number; kEven: number } {
	const { n, cin, h, cout, kh, kw, pt, pl, pb, pr, dh, dw, ho, wo } = g;
	const wp = g.w + pl + pr;
	const hp = h + pt + pb;
	const K = cin * kh * kw;
	const kPad = (n * hp * wp + 3) & ~3;
	const mPad = (cout + 3) & ~3;
	const kEven = (K + 1) & ~1;
	const slack = 4 + (kh - 1) * dh * wp + (kw - 1) * dw + wp;
	const xBase = mPad * kPad;
	const tBase = xBase + cin * kPad + slack;
	const cBase = tBase + kEven;
	const rawBase = cBase + mPad * kEven;
	return { xBase, tBase, cBase, rawBase, end: rawBase + Math.max(n * cin * h * g.w, n * cout * ho * wo), kPad, mPad, kEven };
}
