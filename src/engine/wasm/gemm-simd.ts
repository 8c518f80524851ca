/**
 * Matrix multiply on WebAssembly SIMD (f32x4): C = op(A)·op(B), with A and B packed into panels inside the
 * module's memory so the micro-kernel (4 rows × 8 columns of C held in eight v128 accumulators) runs with
 * contiguous loads and no edge cases. Packing doubles as the transpose, so every GEMM variant the ops need is one
 * entry point.
 */
import { assemble, Code, F32, I32, V128 } from "./wasm-writer";

const MR = 4;
const NR = 8;

function kernelCode(): Code {
	// params: ap, bp, cp, mBlocks, nBlocks, k, ldcBytes
	const c = new Code(7);
	const [ap, bp, cp, mb, nb, k, ldc] = [0, 1, 2, 3, 4, 5, 6];
	const jb = c.local(I32);
	const ib = c.local(I32);
	const a = c.local(I32);
	const b = c.local(I32);
	const bEnd = c.local(I32);
	const bPanel = c.local(I32);
	const aStride = c.local(I32);
	const bStride = c.local(I32);
	const out = c.local(I32);
	const acc: number[] = [];
	for (let i = 0; i < 8; i++) acc.push(c.local(V128));
	const b0 = c.local(V128);
	const b1 = c.local(V128);
	const s = c.local(V128);
	void F32;

	c.get(k).i32(MR * 4).mul().set(aStride);
	c.get(k).i32(NR * 4).mul().set(bStride);
	c.i32(0).set(jb);
	c.block(() => {
		c.loop(() => {
			c.get(jb).get(nb).op(0x4f).brIf(1); // jb >= nBlocks → done
			c.get(bp).get(jb).get(bStride).mul().add().set(bPanel);
			c.i32(0).set(ib);
			c.block(() => {
				c.loop(() => {
					c.get(ib).get(mb).op(0x4f).brIf(1);
					c.get(ap).get(ib).get(aStride).mul().add().set(a);
					c.get(bPanel).set(b);
					c.get(b).get(bStride).add().set(bEnd);
					for (const r of acc) c.v128Zero().set(r);
					c.loop(() => {
						c.get(b).v128Load(0).set(b0);
						c.get(b).v128Load(16).set(b1);
						for (let r = 0; r < MR; r++) {
							c.get(a).load32Splat(r * 4).set(s);
							c.get(acc[2 * r]).get(s).get(b0).f32x4Mul().f32x4Add().set(acc[2 * r]);
							c.get(acc[2 * r + 1]).get(s).get(b1).f32x4Mul().f32x4Add().set(acc[2 * r + 1]);
						}
						c.get(a).i32(MR * 4).add().set(a);
						c.get(b).i32(NR * 4).add().tee(b).get(bEnd).ltU().brIf(0);
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

/** The module's bytes; tiny (well under 1 KB), so it is built at start-up rather than shipped. */
export function gemmModuleBytes(): Uint8Array<ArrayBuffer> {
	return assemble([{ name: "gemm4x8", params: [I32, I32, I32, I32, I32, I32, I32], results: [], code: kernelCode() }], 1);
}

/** True where the platform validates a module that uses SIMD instructions. */
export function wasmSimdSupported(): boolean {
	try {
		return typeof WebAssembly === "object" && WebAssembly.validate(gemmModuleBytes());
	} catch {
		return false;
	}
}

type Kernel = (ap: number, bp: number, cp: number, mb: number, nb: number, k: number, ldc: number) => void;

/**
 * One instance per thread. Its memory grows to the largest product seen and is then reused, so a training run
 * allocates nothing after its first batch.
 */
export class SimdGemm {
	private readonly memory: WebAssembly.Memory;
	private readonly kernel: Kernel;
	private f32: Float32Array;

	constructor() {
		const mod = new WebAssembly.Module(gemmModuleBytes());
		const inst = new WebAssembly.Instance(mod, {});
		this.memory = inst.exports.memory as WebAssembly.Memory;
		this.kernel = inst.exports.gemm4x8 as Kernel;
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
		const mb = Math.ceil(m / MR);
		const nb = Math.ceil(n / NR);
		const aFloats = mb * MR * k;
		const bFloats = nb * NR * k;
		const ldcPad = nb * NR;
		const cFloats = mb * MR * ldcPad;
		this.ensure(aFloats + bFloats + cFloats);
		const mem = this.f32;
		const aBase = 0;
		const bBase = aFloats;
		const cBase = aFloats + bFloats;

		// A panels: for each block of MR rows, k groups of MR values (rows past m are zero).
		for (let blk = 0; blk < mb; blk++) {
			const base = aBase + blk * MR * k;
			for (let r = 0; r < MR; r++) {
				const i = blk * MR + r;
				if (i >= m) {
					for (let p = 0; p < k; p++) mem[base + p * MR + r] = 0;
				} else if (transA) {
					for (let p = 0; p < k; p++) mem[base + p * MR + r] = A[aOff + p * lda + i];
				} else {
					const row = aOff + i * lda;
					for (let p = 0; p < k; p++) mem[base + p * MR + r] = A[row + p];
				}
			}
		}
		// B panels: for each block of NR columns, k groups of NR values (columns past n are zero).
		for (let blk = 0; blk < nb; blk++) {
			const base = bBase + blk * NR * k;
			const j0 = blk * NR;
			const w = Math.min(NR, n - j0);
			for (let p = 0; p < k; p++) {
				const dst = base + p * NR;
				if (transB) {
					for (let q = 0; q < w; q++) mem[dst + q] = B[bOff + (j0 + q) * ldb + p];
				} else {
					const row = bOff + p * ldb + j0;
					for (let q = 0; q < w; q++) mem[dst + q] = B[row + q];
				}
				for (let q = w; q < NR; q++) mem[dst + q] = 0;
			}
		}
		this.kernel(aBase * 4, bBase * 4, cBase * 4, mb, nb, k, ldcPad * 4);
		for (let i = 0; i < m; i++) {
			const src = cBase + i * ldcPad;
			const dst = cOff + i * ldc;
			if (accumulate) for (let j = 0; j < n; j++) C[dst + j] += mem[src + j];
			else for (let j = 0; j < n; j++) C[dst + j] = mem[src + j];
		}
	}
}
