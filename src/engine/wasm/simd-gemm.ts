/**
 * Matrix multiply on WebAssembly SIMD (f32x4): C = op(A)·op(B). The operands are copied into the module's
 * memory with native row copies (no element-by-element packing, except a transposed B), and the micro-kernel
 * (kernels.ts) holds a 4 × 8 tile of C in eight v128 accumulators, reading A through strides so a transposed A
 * is free. Also the direct stride-1 convolution (forward and weight gradient) on the same kernels.
 */
import type { ConvGeom } from "../im2col";
import { MR, NR } from "./kernels";
import { convForwardLayout, convWeightGradLayout, gemmFloats, WASM_PAGE_BYTES, WasmMemoryError } from "./memory";

type KernelNT = (ap: number, bp: number, cp: number, mb: number, nb: number, kq: number, lda: number, ldb: number, ldc: number) => void;
type ScatterRows = (src: number, dst: number, rows: number, len: number, stride: number, blockRows: number, gap: number) => void;
type GatherOutput = (cp: number, yp: number, bp: number, cout: number, ho: number, wo: number, wp: number, ldc: number) => void;
type Kernel = (ap: number, bp: number, cp: number, mb: number, nb: number, k: number, ldb: number, ldc: number, aRow: number, aCol: number) => void;

/**
 * One instance of the compiled module (see wasm/index.ts for where the module comes from). Its memory grows to the
 * largest product seen and is then reused, so a training run allocates nothing after its first batch.
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

	constructor(mod: WebAssembly.Module) {
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

	/**
	 * Grows the memory to hold `floats`. A grow the platform refuses (past the declared maximum, or no memory left)
	 * is a WasmMemoryError with the sizes, which the run words for the user; never the bare RangeError.
	 */
	private ensure(floats: number): void {
		const bytes = floats * 4;
		const have = this.memory.buffer.byteLength;
		if (bytes > have) {
			try {
				this.memory.grow(Math.ceil((bytes - have) / WASM_PAGE_BYTES));
			} catch (e) {
				if (e instanceof RangeError) throw new WasmMemoryError(bytes, have);
				throw e;
			}
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
		this.ensure(gemmFloats(m, n, k, transA, transB));
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
		this.ensure(gemmFloats(m, n, k, false, true));
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
		const mb = Math.ceil(cout / MR);
		const imgPad = cin * hp * wp;
		// The layout (memory.ts, which prices a run from the same function): weights, row table, bias, the padded
		// batch and its slack, the product, the raw batch, the output.
		const aBase = 0;
		const { tBase, bBase, xBase, cBase, rawBase, yBase, end, ldc } = convForwardLayout(g);
		const nb = ldc / NR;
		this.ensure(end);
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
		const aBase = 0;
		const { xBase, tBase, cBase, rawBase, end, kPad, mPad, kEven } = convWeightGradLayout(g);
		this.ensure(end);
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

