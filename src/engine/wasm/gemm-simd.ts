/**
 * Matrix multiply on WebAssembly SIMD (f32x4): C = op(A)·op(B). The operands are copied into the module's
 * memory with native row copies (no element-by-element packing, except a transposed B), and the micro-kernel
 * holds a 4 × 8 tile of C in eight v128 accumulators, reading A through strides so a transposed A is free.
 */
import type { ConvGeom } from "../im2col";
import { assemble, Code, F32, I32, uleb, V128 } from "./wasm-writer";

const MR = 4;
const NR = 8;

/**
 * The micro-kernel loop nest. A is read in place with any strides (aRow, aCol in bytes), so a transposed A costs
 * nothing; B is row-major with row stride ldb bytes, NR columns at a time; C is written with row stride ldc bytes.
 * Rows and columns past the edges are computed into padding that the caller never reads.
 */
function kernelCode(rowTable: boolean, packedA = false): Code {
	// params: ap, bp, cp, mBlocks, nBlocks, k, ldbBytes, ldcBytes, aRowBytes, aColBytes. With rowTable, bp points
	// at k byte addresses, one per row of B (rows anywhere in memory: the implicit GEMM of a convolution), and ldb
	// is unused. With packedA, A is in panels of MR rows (k groups of MR values) and aRow/aCol are unused.
	const c = new Code(10);
	const [ap, bp, cp, mb, nb, k, ldb, ldc, aRow, aCol] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
	const jb = c.local(I32);
	const ib = c.local(I32);
	const a = c.local(I32);
	const b = c.local(I32);
	const kk = c.local(I32);
	const bCol = c.local(I32);
	const out = c.local(I32);
	const tbl = c.local(I32);
	const a1 = c.local(I32);
	const a2 = c.local(I32);
	const a3 = c.local(I32);
	const acc: number[] = [];
	for (let i = 0; i < 8; i++) acc.push(c.local(V128));
	const b0 = c.local(V128);
	const b1 = c.local(V128);
	const s = c.local(V128);
	void F32;

	c.i32(0).set(jb);
	c.block(() => {
		c.loop(() => {
			c.get(jb).get(nb).op(0x4f).brIf(1); // jb >= nBlocks → done
			if (rowTable) c.get(jb).i32(NR * 4).mul().set(bCol);
			else c.get(bp).get(jb).i32(NR * 4).mul().add().set(bCol);
			c.i32(0).set(ib);
			c.block(() => {
				c.loop(() => {
					c.get(ib).get(mb).op(0x4f).brIf(1);
					if (packedA) {
						c.get(ap).get(ib).get(k).mul().i32(MR * 4).mul().add().set(a);
					} else {
						c.get(ap).get(ib).i32(MR).mul().get(aRow).mul().add().set(a);
						c.get(a).get(aRow).add().set(a1);
						c.get(a1).get(aRow).add().set(a2);
						c.get(a2).get(aRow).add().set(a3);
					}
					if (rowTable) c.get(bp).set(tbl);
					else c.get(bCol).set(b);
					c.get(k).set(kk);
					for (const r of acc) c.v128Zero().set(r);
					c.loop(() => {
						if (rowTable) c.get(tbl).op(0x28, 2, 0).get(bCol).add().set(b);
						c.get(b).v128Load(0).set(b0);
						c.get(b).v128Load(16).set(b1);
						const rows = [a, a1, a2, a3];
						for (let r = 0; r < MR; r++) {
							if (packedA) c.get(a).load32Splat(r * 4).set(s);
							else c.get(rows[r]).load32Splat(0).set(s);
							c.get(acc[2 * r]).get(s).get(b0).f32x4Mul().f32x4Add().set(acc[2 * r]);
							c.get(acc[2 * r + 1]).get(s).get(b1).f32x4Mul().f32x4Add().set(acc[2 * r + 1]);
						}
						if (packedA) c.get(a).i32(MR * 4).add().set(a);
						else for (const r of rows) c.get(r).get(aCol).add().set(r);
						if (rowTable) c.get(tbl).i32(4).add().set(tbl);
						else c.get(b).get(ldb).add().set(b);
						c.get(kk).i32(1).sub().tee(kk).brIf(0);
					});
					// out = cp + ib·MR·ldc + jb·NR·4
					c.get(cp).get(ib).i32(MR).mul().get(ldc).mul().add().get(jb).i32(NR * 4).mul().add().set(out);
					for (let r = 0; r < MR; r++) {
						c.get(out).get(acc[2 * r]).v128Store(0);
						c.get(out).get(acc[2 * r + 1]).v128Store(16);
						if (r < MR - 1) c.get(out).get(ldc).add().set(out);
					}
					c.get(ib).i32(1).add().set(ib);
					c.br(0);
				});
			});
			c.get(jb).i32(1).add().set(jb);
			c.br(0);
		});
	});
	return c;
}


/**
 * C = A·Bᵀ with both operands row-major in p (the weight gradient of a convolution or dense layer): each output is
 * a dot product of two contiguous rows, so a 4 × 2 tile keeps eight v128 partial sums over four values of p at a
 * time and adds their lanes at the end. Rows are padded with zeros to a multiple of four values of p.
 */
function kernelNTCode(rowTable = false): Code {
	// params: ap, bp, cp, mBlocks, nBlocks, kQuads, ldaBytes, ldbBytes, ldcBytes. With rowTable, bp points at one
	// byte address per row of B (the rows of a convolution's implicit column matrix) and ldb is unused.
	const c = new Code(9);
	const [ap, bp, cp, mb, nb, kq, lda, ldb, ldc] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
	const ib = c.local(I32);
	const jb = c.local(I32);
	const kk = c.local(I32);
	const out = c.local(I32);
	const rows = [c.local(I32), c.local(I32), c.local(I32), c.local(I32)];
	const cols = [c.local(I32), c.local(I32)];
	const acc: number[] = [];
	for (let i = 0; i < 8; i++) acc.push(c.local(V128));
	const va = [c.local(V128), c.local(V128), c.local(V128), c.local(V128)];
	const vb = [c.local(V128), c.local(V128)];

	c.i32(0).set(ib);
	c.block(() => {
		c.loop(() => {
			c.get(ib).get(mb).op(0x4f).brIf(1);
			c.i32(0).set(jb);
			c.block(() => {
				c.loop(() => {
					c.get(jb).get(nb).op(0x4f).brIf(1);
					for (let r = 0; r < 4; r++) c.get(ap).get(ib).i32(4).mul().i32(r).add().get(lda).mul().add().set(rows[r]);
					for (let q = 0; q < 2; q++) {
						if (rowTable) c.get(bp).get(jb).i32(8).mul().add().op(0x28, 2, ...uleb(q * 4)).set(cols[q]);
						else c.get(bp).get(jb).i32(2).mul().i32(q).add().get(ldb).mul().add().set(cols[q]);
					}
					for (const r of acc) c.v128Zero().set(r);
					c.get(kq).set(kk);
					c.loop(() => {
						for (let r = 0; r < 4; r++) c.get(rows[r]).v128Load(0).set(va[r]);
						for (let q = 0; q < 2; q++) c.get(cols[q]).v128Load(0).set(vb[q]);
						for (let r = 0; r < 4; r++)
							for (let q = 0; q < 2; q++) c.get(acc[r * 2 + q]).get(va[r]).get(vb[q]).f32x4Mul().f32x4Add().set(acc[r * 2 + q]);
						for (const r of rows) c.get(r).i32(16).add().set(r);
						for (const q of cols) c.get(q).i32(16).add().set(q);
						c.get(kk).i32(1).sub().tee(kk).brIf(0);
					});
					// out = cp + ib·4·ldc + jb·2·4; each of the 4 × 2 sums is the sum of its four lanes.
					c.get(cp).get(ib).i32(4).mul().get(ldc).mul().add().get(jb).i32(8).mul().add().set(out);
					for (let r = 0; r < 4; r++) {
						for (let q = 0; q < 2; q++) {
							c.get(out);
							const v = acc[r * 2 + q];
							c.get(v).simd(0x1f, 0).get(v).simd(0x1f, 1).op(0x92).get(v).simd(0x1f, 2).op(0x92).get(v).simd(0x1f, 3).op(0x92);
							c.f32Store(q * 4);
						}
						if (r < 3) c.get(out).get(ldc).add().set(out);
					}
					c.get(jb).i32(1).add().set(jb);
					c.br(0);
				});
			});
			c.get(ib).i32(1).add().set(ib);
			c.br(0);
		});
	});
	return c;
}

/** Copies `count` rows of `len` floats from src (contiguous) to dst with a row stride of dstStride floats. */
function scatterRowsCode(): Code {
	// params: src, dst, rows, len, dstStrideBytes, blockRows, blockGapBytes — every blockRows rows, dst skips blockGap
	const c = new Code(7);
	const [src, dst, rows, len, stride, blockRows, gap] = [0, 1, 2, 3, 4, 5, 6];
	const r = c.local(I32);
	const t = c.local(I32);
	const d = c.local(I32);
	const inBlock = c.local(I32);
	c.i32(0).set(r);
	c.i32(0).set(inBlock);
	c.block(() => {
		c.loop(() => {
			c.get(r).get(rows).op(0x4f).brIf(1);
			c.get(dst).set(d);
			c.i32(0).set(t);
			c.block(() => {
				c.loop(() => {
					c.get(t).get(len).op(0x4f).brIf(1);
					c.get(d).get(src).f32Load(0).f32Store(0);
					c.get(src).i32(4).add().set(src);
					c.get(d).i32(4).add().set(d);
					c.get(t).i32(1).add().set(t);
					c.br(0);
				});
			});
			c.get(dst).get(stride).add().set(dst);
			c.get(inBlock).i32(1).add().tee(inBlock).get(blockRows).op(0x46); // == blockRows
			c.op(0x04, 0x40); // if
			c.get(dst).get(gap).add().set(dst);
			c.i32(0).set(inBlock);
			c.op(0x0b); // end if
			c.get(r).i32(1).add().set(r);
			c.br(0);
		});
	});
	return c;
}

/** Reads the Ho × Wp positions of the implicit GEMM back as Ho × Wo, adding each filter's bias: y is contiguous. */
function gatherOutputCode(): Code {
	// params: cp, yp, biasPtr, cout, ho, wo, wpBytes, ldcBytes
	const c = new Code(8);
	const [cp, yp, bp, cout, ho, wo, wp, ldc] = [0, 1, 2, 3, 4, 5, 6, 7];
	const co = c.local(I32);
	const oh = c.local(I32);
	const ow = c.local(I32);
	const sRow = c.local(I32);
	const sp = c.local(I32);
	const bias = c.local(F32);
	c.i32(0).set(co);
	c.block(() => {
		c.loop(() => {
			c.get(co).get(cout).op(0x4f).brIf(1);
			c.get(bp).get(co).i32(4).mul().add().f32Load(0).set(bias);
			c.get(cp).get(co).get(ldc).mul().add().set(sRow);
			c.i32(0).set(oh);
			c.block(() => {
				c.loop(() => {
					c.get(oh).get(ho).op(0x4f).brIf(1);
					c.get(sRow).set(sp);
					c.i32(0).set(ow);
					c.block(() => {
						c.loop(() => {
							c.get(ow).get(wo).op(0x4f).brIf(1);
							c.get(yp).get(sp).f32Load(0).get(bias).op(0x92).f32Store(0);
							c.get(yp).i32(4).add().set(yp);
							c.get(sp).i32(4).add().set(sp);
							c.get(ow).i32(1).add().set(ow);
							c.br(0);
						});
					});
					c.get(sRow).get(wp).add().set(sRow);
					c.get(oh).i32(1).add().set(oh);
					c.br(0);
				});
			});
			c.get(co).i32(1).add().set(co);
			c.br(0);
		});
	});
	return c;
}

/** The module's bytes; tiny (well under 1 KB), so it is built at start-up rather than shipped. */
export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
	return assemble(
		[
			{ name: "gemm4x8", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelCode(false) },
			{ name: "gemm4x8rows", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelCode(true, true) },
			{ name: "gemmNT4x2", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelNTCode() },
			{ name: "gemmNT4x2rows", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelNTCode(true) },
			{ name: "scatterRows", params: [I32, I32, I32, I32, I32, I32, I32], results: [], code: scatterRowsCode() },
			{ name: "gatherOutput", params: [I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: gatherOutputCode() },
		],
		1,
	);
}

/** True where the platform validates a module that uses SIMD instructions. */
export function wasmSimdSupported(): boolean {
	try {
		return typeof WebAssembly === "object" && WebAssembly.validate(gemmModuleBytes());
	} catch {
		return false;
	}
}

type KernelNT = (ap: number, bp: number, cp: number, mb: number, nb: number, kq: number, lda: number, ldb: number, ldc: number) => void;
type ScatterRows = (src: number, dst: number, rows: number, len: number, stride: number, blockRows: number, gap: number) => void;
type GatherOutput = (cp: number, yp: number, bp: number, cout: number, ho: number, wo: number, wp: number, ldc: number) => void;
type Kernel = (ap: number, bp: number, cp: number, mb: number, nb: number, k: number, ldb: number, ldc: number, aRow: number, aCol: number) => void;

/**
 * One instance per thread. Its memory grows to the largest product seen and is then reused, so a training run
 * allocates nothing after its first batch.
 */
export class SimdGemm {
	private readonly memory: WebAssembly.Memory;
	private readonly kernel: Kernel;
	private readonly kernelNT: KernelNT;
	private readonly kernelRows: Kernel;
	private readonly scatterRows: ScatterRows;
	private readonly kernelNTRows: KernelNT;
	private readonly gatherOutput: GatherOutput;
	private f32: Float32Array;

	constructor() {
		const mod = new WebAssembly.Module(gemmModuleBytes());
		const inst = new WebAssembly.Instance(mod, {});
		this.memory = inst.exports.memory as WebAssembly.Memory;
		this.kernel = inst.exports.gemm4x8 as Kernel;
		this.kernelNT = inst.exports.gemmNT4x2 as KernelNT;
		this.kernelRows = inst.exports.gemm4x8rows as Kernel;
		this.scatterRows = inst.exports.scatterRows as ScatterRows;
		this.kernelNTRows = inst.exports.gemmNT4x2rows as KernelNT;
		this.gatherOutput = inst.exports.gatherOutput as GatherOutput;
		this.f32 = new Float32Array(this.memory.buffer);
	}

	/** Size of the module's memory, for tests that check it is reused. */
	get memoryBytes(): number {
		return this.memory.buffer.byteLength;
	}

	private ensure(floats: number): void {
		const bytes = floats * 4;
		if (bytes > this.memory.buffer.byteLength) {
			this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / 65536));
			this.f32 = new Float32Array(this.memory.buffer);
		}
	}

	/**
	 * C[m×n] (row-major, leading dimension ldc, from offset cOff) = op(A)·op(B), or += when accumulate.
	 * op(A) is m×k: A[i·lda + p] or, transposed, A[p·lda + i]; op(B) is k×n likewise.
	 */
	gemm(
		m: number, n: number, k: number,
		A: Float32Array, aOff: number, lda: number, transA: boolean,
		B: Float32Array, bOff: number, ldb: number, transB: boolean,
		C: Float32Array, cOff: number, ldc: number, accumulate: boolean,
	): void {
		if (m === 0 || n === 0) return;
		if (k === 0) {
			if (!accumulate) for (let i = 0; i < m; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + n);
			return;
		}
		if (transB && !transA) {
			this.gemmNT(m, n, k, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
			return;
		}
		const mb = Math.ceil(m / MR);
		const nb = Math.ceil(n / NR);
		const mPad = mb * MR;
		const nPad = nb * NR;
		// A is copied as stored (rows of length lda), one native copy per stored row, padded so the kernel may read
		// the rows (or, transposed, the columns) past m. op(B) is laid out row-major k × nPad.
		const aRows = transA ? k : mPad;
		const aLd = transA ? mPad : k;
		const aFloats = aRows * aLd;
		const bFloats = k * nPad;
		const cFloats = mPad * nPad;
		this.ensure(aFloats + bFloats + cFloats);
		const mem = this.f32;
		const aBase = 0;
		const bBase = aFloats;
		const cBase = aFloats + bFloats;
		const aLen = transA ? m : k;
		const aStored = transA ? k : m;
		for (let r = 0; r < aStored; r++) mem.set(A.subarray(aOff + r * lda, aOff + r * lda + aLen), aBase + r * aLd);
		if (transB) {
			for (let p = 0; p < k; p++) {
				const dst = bBase + p * nPad;
				let src = bOff + p;
				for (let j = 0; j < n; j++) {
					mem[dst + j] = B[src];
					src += ldb;
				}
			}
		} else {
			for (let p = 0; p < k; p++) mem.set(B.subarray(bOff + p * ldb, bOff + p * ldb + n), bBase + p * nPad);
		}
		const aRowBytes = transA ? 4 : aLd * 4;
		const aColBytes = transA ? aLd * 4 : 4;
		this.kernel(aBase * 4, bBase * 4, cBase * 4, mb, nb, k, nPad * 4, nPad * 4, aRowBytes, aColBytes);
		for (let i = 0; i < m; i++) {
			const src = cBase + i * nPad;
			const dst = cOff + i * ldc;
			if (accumulate) for (let j = 0; j < n; j++) C[dst + j] += mem[src + j];
			else C.set(mem.subarray(src, src + n), dst);
		}
	}

	/** C (+)= A·Bᵀ where rows of A (m × k) and of B (n × k) are contiguous: dot products on the NT kernel. */
	private gemmNT(
		m: number, n: number, k: number, A: Float32Array, aOff: number, lda: number,
		B: Float32Array, bOff: number, ldb: number, C: Float32Array, cOff: number, ldc: number, accumulate: boolean,
	): void {
		const kPad = (k + 3) & ~3;
		const mPad = (m + 3) & ~3;
		const nPad = (n + 1) & ~1;
		const aBase = 0;
		const bBase = mPad * kPad;
		const cBase = bBase + nPad * kPad;
		this.ensure(cBase + mPad * nPad);
		const mem = this.f32;
		// The zero tail of each row keeps padded products at 0 whatever the memory held before.
		for (let i = 0; i < m; i++) {
			const d = aBase + i * kPad;
			mem.set(A.subarray(aOff + i * lda, aOff + i * lda + k), d);
			mem.fill(0, d + k, d + kPad);
		}
		for (let j = 0; j < n; j++) {
			const d = bBase + j * kPad;
			mem.set(B.subarray(bOff + j * ldb, bOff + j * ldb + k), d);
			mem.fill(0, d + k, d + kPad);
		}
		this.kernelNT(aBase * 4, bBase * 4, cBase * 4, mPad >> 2, nPad >> 1, kPad >> 2, kPad * 4, kPad * 4, nPad * 4);
		for (let i = 0; i < m; i++) {
			const src = cBase + i * nPad;
			const dst = cOff + i * ldc;
			if (accumulate) for (let j = 0; j < n; j++) C[dst + j] += mem[src + j];
			else C.set(mem.subarray(src, src + n), dst);
		}
	}

	/**
	 * A stride-1 convolution without im2col: the input is laid out padded (row length Wp) in the module's memory,
	 * and the output is computed on Ho × Wp positions, so row (c, i, j) of the implicit column matrix is the padded
	 * channel itself, shifted by (i·dh)·Wp + j·dw, and the kernel reads it in place through a table of row
	 * addresses. Positions past Wo are computed and dropped. y = conv(x, w) + b, NCHW.
	 */
	convForwardStride1(g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array): void {
		const { n, cin, h, cout, kh, kw, pt, pl, pb, pr, dh, dw, ho, wo } = g;
		const wIn = g.w;
		const wp = wIn + pl + pr;
		const hp = h + pt + pb;
		const K = cin * kh * kw;
		const q = ho * wp;
		const nb = Math.ceil(q / NR);
		const mb = Math.ceil(cout / MR);
		const ldc = nb * NR;
		const imgPad = cin * hp * wp;
		// Reads run up to NR + (kw − 1)·dw floats past the last padded image; the slack keeps them in bounds.
		const slack = NR + (kw - 1) * dw + wp;
		const aBase = 0;
		const aFloats = mb * MR * K;
		const tBase = aFloats;
		const bBase = tBase + K;
		const xBase = bBase + ((cout + 3) & ~3);
		const cBase = xBase + n * imgPad + slack;
		const rawBase = cBase + mb * MR * ldc;
		const yBase = rawBase + n * cin * h * wIn;
		this.ensure(yBase + n * cout * ho * wo);
		const mem = this.f32;
		// Weights in panels of MR filters: k groups of MR values (filters past cout are zero).
		for (let blk = 0; blk < mb; blk++) {
			const base = aBase + blk * MR * K;
			for (let r = 0; r < MR; r++) {
				const co = blk * MR + r;
				if (co >= cout) for (let p = 0; p < K; p++) mem[base + p * MR + r] = 0;
				else for (let p = 0; p < K; p++) mem[base + p * MR + r] = w[co * K + p];
			}
		}
		if (b) mem.set(b.subarray(0, cout), bBase);
		else mem.fill(0, bBase, bBase + cout);
		// The batch goes in with one native copy, then is spread into the zeroed padded layout inside the module.
		mem.fill(0, xBase, cBase);
		mem.set(x.subarray(0, n * cin * h * wIn), rawBase);
		this.scatterRows(rawBase * 4, (xBase + pt * wp + pl) * 4, n * cin * h, wIn, wp * 4, h, (hp - h) * wp * 4);
		const table = new Int32Array(mem.buffer, tBase * 4, K);
		for (let img = 0; img < n; img++) {
			const base = xBase + img * imgPad;
			let p = 0;
			for (let c = 0; c < cin; c++)
				for (let i = 0; i < kh; i++)
					for (let j = 0; j < kw; j++) table[p++] = (base + c * hp * wp + i * dh * wp + j * dw) * 4;
			this.kernelRows(aBase * 4, tBase * 4, cBase * 4, mb, nb, K, 0, ldc * 4, 0, 0);
			this.gatherOutput(cBase * 4, (yBase + img * cout * ho * wo) * 4, bBase * 4, cout, ho, wo, wp * 4, ldc * 4);
		}
		y.set(mem.subarray(yBase, yBase + n * cout * ho * wo));
	}

	/**
	 * The weight gradient of a stride-1 convolution without im2col: dW[co, (ci, i, j)] = Σ over images and output
	 * positions of dy · x shifted by (i·dh, j·dw). Both are laid out on the padded Hp × Wp grid with the images of a
	 * channel one after another ([C][N][Hp][Wp]; dy zero outside Ho × Wo), so each (ci, i, j) is one contiguous row
	 * of the padded input and the whole batch is one A·Bᵀ product on the dot-product kernel.
	 */
	convWeightGradStride1(g: ConvGeom, x: Float32Array, dy: Float32Array, dw: Float32Array): void {
		const { n, cin, h, cout, kh, kw, pt, pl, pb, pr, dh, dw: dil, ho, wo } = g;
		const wIn = g.w;
		const wp = wIn + pl + pr;
		const hp = h + pt + pb;
		const K = cin * kh * kw;
		const plane = hp * wp;
		const len = n * plane;
		const kPad = (len + 3) & ~3;
		const mPad = (cout + 3) & ~3;
		const kEven = (K + 1) & ~1;
		const slack = 4 + (kh - 1) * dh * wp + (kw - 1) * dil + wp;
		const aBase = 0;
		const xBase = aBase + mPad * kPad;
		const tBase = xBase + cin * kPad + slack;
		const cBase = tBase + kEven;
		const rawBase = cBase + mPad * kEven;
		this.ensure(rawBase + Math.max(n * cin * h * wIn, n * cout * ho * wo));
		const mem = this.f32;
		mem.fill(0, aBase, tBase);
		// dy → [Cout][N][Hp][Wp] (rows of length Wo at the top-left of each plane), x → [Cin][N][Hp][Wp] padded.
		mem.set(dy.subarray(0, n * cout * ho * wo), rawBase);
		for (let img = 0; img < n; img++)
			for (let co = 0; co < cout; co++)
				this.scatterRows((rawBase + (img * cout + co) * ho * wo) * 4, (aBase + co * kPad + img * plane) * 4, ho, wo, wp * 4, ho, 0);
		mem.set(x.subarray(0, n * cin * h * wIn), rawBase);
		for (let img = 0; img < n; img++)
			for (let c = 0; c < cin; c++)
				this.scatterRows((rawBase + (img * cin + c) * h * wIn) * 4, (xBase + c * kPad + img * plane + pt * wp + pl) * 4, h, wIn, wp * 4, h, 0);
		const table = new Int32Array(mem.buffer, tBase * 4, kEven);
		let p = 0;
		for (let c = 0; c < cin; c++)
			for (let i = 0; i < kh; i++)
				for (let j = 0; j < kw; j++) table[p++] = (xBase + c * kPad + i * dh * wp + j * dil) * 4;
		if (p < kEven) table[p] = xBase * 4;
		this.kernelNTRows(aBase * 4, tBase * 4, cBase * 4, mPad >> 2, kEven >> 1, kPad >> 2, kPad * 4, 0, kEven * 4);
		for (let co = 0; co < cout; co++) dw.set(mem.subarray(cBase + co * kEven, cBase + co * kEven + K), co * K);
	}
}

