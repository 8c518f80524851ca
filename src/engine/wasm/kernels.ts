/**
 * The WebAssembly SIMD kernels (f32x4), written as code for the module writer: the micro-kernels of the matrix
 * multiply and the two layout helpers of the direct convolution. The host side — copying operands into the
 * module's memory and calling these — is simd-gemm.ts.
 */
import { assemble, Code, F32, I32, V128 } from "./wasm-writer";

/** Rows of C per micro-kernel tile. */
export const MR = 4;
/** Columns of C per micro-kernel tile (two f32x4 vectors). */
export const NR = 8;

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

	c.i32(0).set(jb);
	c.block(() => {
		c.loop(() => {
			c.get(jb).get(nb).geU().brIf(1); // jb >= nBlocks → done
			if (rowTable) c.get(jb).i32(NR * 4).mul().set(bCol);
			else c.get(bp).get(jb).i32(NR * 4).mul().add().set(bCol);
			c.i32(0).set(ib);
			c.block(() => {
				c.loop(() => {
					c.get(ib).get(mb).geU().brIf(1);
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
						if (rowTable) c.get(tbl).i32Load(0).get(bCol).add().set(b);
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
			c.get(ib).get(mb).geU().brIf(1);
			c.i32(0).set(jb);
			c.block(() => {
				c.loop(() => {
					c.get(jb).get(nb).geU().brIf(1);
					for (let r = 0; r < 4; r++) c.get(ap).get(ib).i32(4).mul().i32(r).add().get(lda).mul().add().set(rows[r]);
					for (let q = 0; q < 2; q++) {
						if (rowTable) c.get(bp).get(jb).i32(8).mul().add().i32Load(q * 4).set(cols[q]);
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
							c.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add().get(v).f32x4ExtractLane(2).f32Add().get(v).f32x4ExtractLane(3).f32Add();
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
			c.get(r).get(rows).geU().brIf(1);
			c.get(dst).set(d);
			c.i32(0).set(t);
			c.block(() => {
				c.loop(() => {
					c.get(t).get(len).geU().brIf(1);
					c.get(d).get(src).f32Load(0).f32Store(0);
					c.get(src).i32(4).add().set(src);
					c.get(d).i32(4).add().set(d);
					c.get(t).i32(1).add().set(t);
					c.br(0);
				});
			});
			c.get(dst).get(stride).add().set(dst);
			c.get(inBlock).i32(1).add().tee(inBlock).get(blockRows).eq();
			c.ifThen(() => {
				c.get(dst).get(gap).add().set(dst);
				c.i32(0).set(inBlock);
			});
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
			c.get(co).get(cout).geU().brIf(1);
			c.get(bp).get(co).i32(4).mul().add().f32Load(0).set(bias);
			c.get(cp).get(co).get(ldc).mul().add().set(sRow);
			c.i32(0).set(oh);
			c.block(() => {
				c.loop(() => {
					c.get(oh).get(ho).geU().brIf(1);
					c.get(sRow).set(sp);
					c.i32(0).set(ow);
					c.block(() => {
						c.loop(() => {
							c.get(ow).get(wo).geU().brIf(1);
							c.get(yp).get(sp).f32Load(0).get(bias).f32Add().f32Store(0);
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

/**
 * The module's memory may grow to this many 64 KiB pages (2 GiB), declared in the module: wasm32 allows 4 GiB, but
 * 32-bit engines, older V8 and WebKit (iOS) stop at 2 GiB, and a phone rarely has more to give. Declared, the
 * ceiling is the same everywhere: a grow past it fails at once rather than on one machine and not another.
 * memory.ts prices runs against it.
 */
export const WASM_MAX_PAGES = 32768;

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
		WASM_MAX_PAGES,
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
