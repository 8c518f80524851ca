import fc from "fast-check";
import { describe, it } from "vitest";
import { gemmJs } from "../../../src/engine/gemm";
import { gemmReference as reference } from "../../support/gemm-reference";
import { expectClose } from "../../support/oracle";

function check(m: number, n: number, k: number, tA: boolean, tB: boolean, acc: boolean, pad: number, off: number, seed: number): void {
	let s = seed >>> 0;
	const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5;
	const lda = (tA ? m : k) + pad;
	const ldb = (tB ? k : n) + pad;
	const ldc = n + pad;
	const A = Float32Array.from({ length: off + (tA ? k : m) * lda }, rnd);
	const B = Float32Array.from({ length: off + (tB ? n : k) * ldb }, rnd);
	const C = Float32Array.from({ length: off + m * ldc }, rnd);
	const expected = reference(m, n, k, A, off, lda, tA, B, off, ldb, tB, C, off, ldc, acc);
	gemmJs(m, n, k, A, off, lda, tA, B, off, ldb, tB, C, off, ldc, acc);
	// Every element, padding included: the gaps between rows of C must stay untouched. One check for the whole array
	// (an expect() per element cost seconds on the large products), naming the first element outside the tolerance.
	expectClose(C, expected, 1e-4, 1e-5, `C of ${m}×${n}×${k}${tA ? " tA" : ""}${tB ? " tB" : ""}${acc ? " acc" : ""}`);
}

describe("JavaScript GEMM", () => {
	it("matches a float64 reference for every transpose, offset, stride and accumulate combination", () => {
		fc.assert(
			fc.property(
				fc.record({
					m: fc.integer({ min: 1, max: 13 }), n: fc.integer({ min: 1, max: 21 }), k: fc.integer({ min: 1, max: 19 }),
					tA: fc.boolean(), tB: fc.boolean(), acc: fc.boolean(),
					pad: fc.integer({ min: 0, max: 3 }), off: fc.integer({ min: 0, max: 5 }), seed: fc.integer(),
				}),
				({ m, n, k, tA, tB, acc, pad, off, seed }) => check(m, n, k, tA, tB, acc, pad, off, seed),
			),
			{ numRuns: 300, seed: 20261125 },
		);
	});

	it("matches the reference across its cache blocks (k past 512, n past 1024, m past 64) with partial edge panels", () => {
		for (const tB of [false, true]) {
			check(67, 1030, 7, false, tB, false, 1, 3, 1);
			check(5, 9, 1100, true, tB, true, 2, 1, 2);
			check(9, 1027, 515, false, tB, true, 0, 0, 3);
		}
	});
});
