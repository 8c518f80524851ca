/**
 * Matrix multiply on WebAssembly SIMD (f32x4): C = op(A)·op(B). The operands are copied into the module's
 * memory with native row copies (no element-by-element packing, except a transposed B), and the micro-kernel
 * holds a 4 × 8 tile of C in eight v128 accumulators, reading A through strides so a transposed A is free.
 */
import { assemble, Code, F32, I32, V128 } from "./wasm-writer";

const MR = 4;
const NR = 8;

/**
 * The micro-kernel loop nest. A is read in place with any strides (aRow, aCol in bytes), so a transposed A costs
 * nothing; B is row-major with row stride ldb bytes, NR columns at a time; C is written with row stride ldc bytes.
 * Rows and columns past the edges are computed into padding that the caller never reads.
 */
function kernelCode(): Code {
	// params: ap, bp, cp, mBlocks, nBlocks, k, ldbBytes, ldcBytes, aRowBytes, aColBytes
	const c = new Code(10);
	const [ap, bp, cp, mb, nb, k, ldb, ldc, aRow, aCol] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
	const jb = c.local(I32);
	const ib = c.local(I32);
	const a = c.local(I32);
	const b = c.local(I32);
	const kk = c.local(I32);
	const bCol = c.local(I32);
	const out = c.local(I32);
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
			c.get(bp).get(jb).i32(NR * 4).mul().add().set(bCol);
			c.i32(0).set(ib);
			c.block(() => {
				c.loop(() => {
					c.get(ib).get(mb).op(0x4f).brIf(1);
					c.get(ap).get(ib).i32(MR).mul().get(aRow).mul().add().set(a);
					c.get(a).get(aRow).add().set(a1);
					c.get(a1).get(aRow).add().set(a2);
					c.get(a2).get(aRow).add().set(a3);
					c.get(bCol).set(b);
					c.get(k).set(kk);
					for (const r of acc) c.v128Zero().set(r);
					c.loop(() => {
						c.get(b).v128Load(0).set(b0);
						c.get(b).v128Load(16).set(b1);
						const rows = [a, a1, a2, a3];
						for (let r = 0; r < MR; r++) {
							c.get(rows[r]).load32Splat(0).set(s);
							c.get(acc[2 * r]).get(s).get(b0).f32x4Mul().f32x4Add().set(acc[2 * r]);
							c.get(acc[2 * r + 1]).get(s).get(b1).f32x4Mul().f32x4Add().set(acc[2 * r + 1]);
						}
						for (const r of rows) c.get(r).get(aCol).add().set(r);
						c.get(b).get(ldb).add().set(b);
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
function kernelNTCode(): Code {
	// params: ap, bp, cp, mBlocks, nBlocks, kQuads, ldaBytes, ldbBytes, ldcBytes
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
					for (let q = 0; q < 2; q++) c.get(bp).get(jb).i32(2).mul().i32(q).add().get(ldb).mul().add().set(cols[q]);
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

/** The module's bytes; tiny (well under 1 KB), so it is built at start-up rather than shipped. */
export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
	return assemble(
		[
			{ name: "gemm4x8", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelCode() },
			{ name: "gemmNT4x2", params: [I32, I32, I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelNTCode() },
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
type Kernel = (ap: number, bp: number, cp: number, mb: number, nb: number, k: number, ldb: number, ldc: number, aRow: number, aCol: number) => void;

/**
 * One instance per thread. Its memory grows to the largest product seen and is then reused, so a training run
 * allocates nothing after its first batch.
 */
export class SimdGemm {
	private readonly memory: WebAssembly.Memory;
	private readonly kernel: Kernel;
	private readonly kernelNT: KernelNT;
	private f32: Float32Array;

	constructor() {
		const mod = new WebAssembly.Module(gemmModuleBytes());
		const inst = new WebAssembly.Instance(mod, {});
		this.memory = inst.exports.memory as WebAssembly.Memory;
		this.kernel = inst.exports.gemm4x8 as Kernel;
		this.kernelNT = inst.exports.gemmNT4x2 as KernelNT;
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
}

