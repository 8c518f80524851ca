/**
 * General matrix multiply on Float32Array: C[m×n] = op(A)·op(B) (or += when accumulate). op(A) is m×k, read as
 * A[aOff + i·lda + p] or, transposed, A[aOff + p·lda + i]; op(B) is k×n likewise. Every product in the engine
 * (conv forward and both backward products, dense) goes through the `gemm` of the engine context's backend
 * (src/engine/backend.ts), so an alternative backend (WebAssembly SIMD) plugs in there.
 *
 * The JavaScript kernel packs A into 4-row panels (the packing doubles as the transpose), reads B in place three
 * columns at a time (a column stride and a k step cover both layouts; only a last partial panel is packed,
 * zero-filled), blocks k and n so a B block stays in cache, and holds a 4×3 tile of C in twelve local
 * accumulators: with the four A values and one B value that is sixteen live doubles, what x64 has registers for
 * (a 4×4 tile spilled and measured 5–7 % slower on the W4 products). Reading B in place saves a full copy of it per product, which mattered for the convolutions'
 * column matrices (k small, n large: the copy cost a fifth of the multiply).
 */

export type GemmFn = (
	m: number, n: number, k: number,
	A: Float32Array, aOff: number, lda: number, transA: boolean,
	B: Float32Array, bOff: number, ldb: number, transB: boolean,
	C: Float32Array, cOff: number, ldc: number, accumulate: boolean,
) => void;

const MR = 4;
const NR = 3;
const KC = 512;
/** A multiple of NR, so that only the very last panel of a product can be partial. */
const NC = 1020;
const MC = 64;

/**
 * The packing buffers of one JavaScript backend, grown to the largest product seen and then reused, so a training
 * run allocates nothing after its first batch. Each backend owns one (there is no module-level buffer).
 */
export class GemmScratch {
	packA = new Float32Array(0);
	packB = new Float32Array(0);

	ensure(aLen: number, bLen: number): void {
		if (this.packA.length < aLen) this.packA = new Float32Array(aLen);
		if (this.packB.length < bLen) this.packB = new Float32Array(bLen);
	}
}

/** Packs rows [i0, i0+mc) × cols [p0, p0+kc) of op(A) as ⌈mc/MR⌉ panels of kc groups of MR values (zero-filled). */
function packAPanels(A: Float32Array, aOff: number, lda: number, transA: boolean, i0: number, mc: number, p0: number, kc: number, dst: Float32Array): void {
	const panels = (mc + MR - 1) >> 2;
	for (let pan = 0; pan < panels; pan++) {
		const base = pan * MR * kc;
		const h = Math.min(MR, mc - pan * MR);
		const i = i0 + pan * MR;
		if (h === MR && transA) {
			// Four consecutive values of one row of A per group.
			let src = aOff + p0 * lda + i;
			let d = base;
			for (let p = 0; p < kc; p++) {
				dst[d] = A[src];
				dst[d + 1] = A[src + 1];
				dst[d + 2] = A[src + 2];
				dst[d + 3] = A[src + 3];
				src += lda;
				d += MR;
			}
		} else if (h === MR) {
			// Four row streams read in step.
			const r0 = aOff + i * lda + p0;
			const r1 = r0 + lda;
			const r2 = r1 + lda;
			const r3 = r2 + lda;
			let d = base;
			for (let p = 0; p < kc; p++) {
				dst[d] = A[r0 + p];
				dst[d + 1] = A[r1 + p];
				dst[d + 2] = A[r2 + p];
				dst[d + 3] = A[r3 + p];
				d += MR;
			}
		} else {
			for (let p = 0; p < kc; p++) {
				const d = base + p * MR;
				for (let r = 0; r < MR; r++) {
					dst[d + r] = r >= h ? 0 : transA ? A[aOff + (p0 + p) * lda + i + r] : A[aOff + (i + r) * lda + p0 + p];
				}
			}
		}
	}
}

/**
 * Packs rows [p0, p0+kc) × cols [j0, j0+nc) of op(B) as ⌈nc/NR⌉ panels of kc groups of NR values (zero-filled).
 * Only the partial last panel of a product goes this way (full panels are read in place), so one plain loop does.
 */
function packBPanels(B: Float32Array, bOff: number, ldb: number, transB: boolean, p0: number, kc: number, j0: number, nc: number, dst: Float32Array): void {
	const panels = Math.ceil(nc / NR);
	for (let pan = 0; pan < panels; pan++) {
		const base = pan * NR * kc;
		const jStart = j0 + pan * NR;
		const w = Math.min(NR, nc - pan * NR);
		for (let p = 0; p < kc; p++) {
			const d = base + p * NR;
			for (let q = 0; q < NR; q++) {
				dst[d + q] = q >= w ? 0 : transB ? B[bOff + (jStart + q) * ldb + p0 + p] : B[bOff + (p0 + p) * ldb + jStart + q];
			}
		}
	}
}

/**
 * C block += or = packed A (mc×kc) · B (kc×nc). B is read three columns at a time from pb: panel jb starts at
 * bOff + jb·bStride and each k step moves bStep on. Packed panels have bStride = NR·kc and bStep = NR; a
 * row-major B read in place (no packing) has bStride = NR, bStep = ldb and bCol = 1; a transposed one bStride =
 * NR·ldb, bStep = 1 and bCol = ldb (bCol: the distance between two columns).
 */
function macroKernel(
	mc: number, nc: number, kc: number, pa: Float32Array,
	pb: Float32Array, bOff: number, bStride: number, bStep: number, bCol: number,
	C: Float32Array, cOff: number, ldc: number, acc: boolean,
): void {
	const bCol2 = 2 * bCol;
	const aPanels = (mc + MR - 1) >> 2;
	const bPanels = Math.ceil(nc / NR);
	const aStride = MR * kc;
	for (let jb = 0; jb < bPanels; jb++) {
		const bBase = bOff + jb * bStride;
		const j = jb * NR;
		const w = Math.min(NR, nc - j);
		for (let ib = 0; ib < aPanels; ib++) {
			let ai = ib * aStride;
			let bi = bBase;
			let c00 = 0, c01 = 0, c02 = 0;
			let c10 = 0, c11 = 0, c12 = 0;
			let c20 = 0, c21 = 0, c22 = 0;
			let c30 = 0, c31 = 0, c32 = 0;
			const aEnd = ai + aStride;
			// One B value at a time keeps 12 accumulators + 4 A values + 1 B value live: no register spills.
			while (ai < aEnd) {
				const a0 = pa[ai], a1 = pa[ai + 1], a2 = pa[ai + 2], a3 = pa[ai + 3];
				let b = pb[bi];
				c00 += a0 * b; c10 += a1 * b; c20 += a2 * b; c30 += a3 * b;
				b = pb[bi + bCol];
				c01 += a0 * b; c11 += a1 * b; c21 += a2 * b; c31 += a3 * b;
				b = pb[bi + bCol2];
				c02 += a0 * b; c12 += a1 * b; c22 += a2 * b; c32 += a3 * b;
				ai += 4;
				bi += bStep;
			}
			const i = ib * MR;
			const h = Math.min(MR, mc - i);
			let o = cOff + i * ldc + j;
			if (h === MR && w === NR) {
				if (acc) {
					C[o] += c00; C[o + 1] += c01; C[o + 2] += c02; o += ldc;
					C[o] += c10; C[o + 1] += c11; C[o + 2] += c12; o += ldc;
					C[o] += c20; C[o + 1] += c21; C[o + 2] += c22; o += ldc;
					C[o] += c30; C[o + 1] += c31; C[o + 2] += c32;
				} else {
					C[o] = c00; C[o + 1] = c01; C[o + 2] = c02; o += ldc;
					C[o] = c10; C[o + 1] = c11; C[o + 2] = c12; o += ldc;
					C[o] = c20; C[o + 1] = c21; C[o + 2] = c22; o += ldc;
					C[o] = c30; C[o + 1] = c31; C[o + 2] = c32;
				}
			} else {
				storeEdge(C, o, w, acc, c00, c01, c02);
				if (h > 1) storeEdge(C, o + ldc, w, acc, c10, c11, c12);
				if (h > 2) storeEdge(C, o + 2 * ldc, w, acc, c20, c21, c22);
				if (h > 3) storeEdge(C, o + 3 * ldc, w, acc, c30, c31, c32);
			}
		}
	}
}

/** Stores the first w values of one tile row (right and bottom edges of C). */
function storeEdge(C: Float32Array, o: number, w: number, acc: boolean, v0: number, v1: number, v2: number): void {
	if (acc) {
		C[o] += v0;
		if (w > 1) C[o + 1] += v1;
		if (w > 2) C[o + 2] += v2;
	} else {
		C[o] = v0;
		if (w > 1) C[o + 1] = v1;
		if (w > 2) C[o + 2] = v2;
	}
}

/**
 * The plain-JavaScript GEMM (see the file comment). Without `scratch` it packs into buffers made for this call
 * alone (exactly the size it needs), which suits one-off products; a backend passes its own scratch.
 */
export function gemmJs(
	m: number, n: number, k: number,
	A: Float32Array, aOff: number, lda: number, transA: boolean,
	B: Float32Array, bOff: number, ldb: number, transB: boolean,
	C: Float32Array, cOff: number, ldc: number, accumulate: boolean,
	scratch: GemmScratch = new GemmScratch(),
): void {
	if (m <= 0 || n <= 0) return;
	if (k <= 0) {
		if (!accumulate) for (let i = 0; i < m; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + n);
		return;
	}
	const kcMax = Math.min(KC, k);
	const mcMax = Math.min(MC, m);
	// Only a last partial panel of B is ever packed (below), so B's buffer needs one panel.
	scratch.ensure(((mcMax + MR - 1) >> 2) * MR * kcMax, n % NR === 0 ? 0 : NR * kcMax);
	const pa = scratch.packA;
	const pb = scratch.packB;
	for (let j0 = 0; j0 < n; j0 += NC) {
		const nc = Math.min(NC, n - j0);
		// A row-major B is read in place, NR consecutive columns per k step (its rows are the k steps), which
		// saves copying it; only a last partial panel of fewer than NR columns is packed (zero-filled).
		const inPlace = nc - (nc % NR);
		for (let p0 = 0; p0 < k; p0 += KC) {
			const kc = Math.min(KC, k - p0);
			if (inPlace < nc) packBPanels(B, bOff, ldb, transB, p0, kc, j0 + inPlace, nc - inPlace, pb);
			const acc = accumulate || p0 > 0;
			for (let i0 = 0; i0 < m; i0 += MC) {
				const mc = Math.min(MC, m - i0);
				packAPanels(A, aOff, lda, transA, i0, mc, p0, kc, pa);
				const c0 = cOff + i0 * ldc + j0;
				if (inPlace > 0) {
					if (transB) macroKernel(mc, inPlace, kc, pa, B, bOff + j0 * ldb + p0, NR * ldb, 1, ldb, C, c0, ldc, acc);
					else macroKernel(mc, inPlace, kc, pa, B, bOff + p0 * ldb + j0, NR, ldb, 1, C, c0, ldc, acc);
				}
				if (inPlace < nc) macroKernel(mc, nc - inPlace, kc, pa, pb, 0, NR * kc, NR, 1, C, c0 + inPlace, ldc, acc);
			}
		}
	}
}
