/** Float64 reference of C = op(A)·op(B) (+ C0), written out index by index, for the GEMM kernels' tests. */
export function gemmReference(
	m: number, n: number, k: number,
	A: Float32Array, aOff: number, lda: number, tA: boolean,
	B: Float32Array, bOff: number, ldb: number, tB: boolean,
	C0: Float32Array, cOff: number, ldc: number, acc: boolean,
): Float64Array {
	const out = Float64Array.from(C0);
	for (let i = 0; i < m; i++)
		for (let j = 0; j < n; j++) {
			let s = acc ? C0[cOff + i * ldc + j] : 0;
			for (let p = 0; p < k; p++) s += (tA ? A[aOff + p * lda + i] : A[aOff + i * lda + p]) * (tB ? B[bOff + j * ldb + p] : B[bOff + p * ldb + j]);
			out[cOff + i * ldc + j] = s;
		}
	return out;
}
