import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gemmModuleBytes, SimdGemm, wasmSimdSupported } from "../../../src/engine/wasm";
import { gemmReference as reference } from "../../support/gemm-reference";
import { expectClose } from "../../support/oracle";

describe("WebAssembly SIMD GEMM", () => {
	it("is supported by this Node (the engine falls back to JavaScript where it is not)", () => {
		expect(WebAssembly.validate(gemmModuleBytes())).toBe(true);
		expect(wasmSimdSupported()).toBe(true);
	});

	it("matches a float64 reference for every transpose, offset, stride and accumulate combination", () => {
		const g = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		fc.assert(
			fc.property(
				fc.record({
					m: fc.integer({ min: 1, max: 13 }), n: fc.integer({ min: 1, max: 21 }), k: fc.integer({ min: 1, max: 19 }),
					tA: fc.boolean(), tB: fc.boolean(), acc: fc.boolean(),
					padA: fc.integer({ min: 0, max: 3 }), padB: fc.integer({ min: 0, max: 3 }), padC: fc.integer({ min: 0, max: 3 }),
					off: fc.integer({ min: 0, max: 5 }), seed: fc.integer(),
				}),
				({ m, n, k, tA, tB, acc, padA, padB, padC, off, seed }) => {
					let s = seed >>> 0;
					const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5;
					const lda = (tA ? m : k) + padA;
					const ldb = (tB ? k : n) + padB;
					const ldc = n + padC;
					const A = Float32Array.from({ length: off + (tA ? k : m) * lda }, rnd);
					const B = Float32Array.from({ length: off + (tB ? n : k) * ldb }, rnd);
					const C = Float32Array.from({ length: off + m * ldc }, rnd);
					const expected = reference(m, n, k, A, off, lda, tA, B, off, ldb, tB, C, off, ldc, acc);
					g.gemm(m, n, k, A, off, lda, tA, B, off, ldb, tB, C, off, ldc, acc);
					// Every element, padding included; one check naming the first one outside the tolerance.
					expectClose(C, expected, 1e-5, 1e-5, `C of ${m}×${n}×${k}`);
				},
			),
			{ numRuns: 200, seed: 20261125 },
		);
	});

	it("reuses its memory: a second product of the same size does not grow it", () => {
		const g = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		const A = new Float32Array(64 * 64).fill(1);
		const C = new Float32Array(64 * 64);
		g.gemm(64, 64, 64, A, 0, 64, false, A, 0, 64, false, C, 0, 64, false);
		expect(C[0]).toBe(64);
		const before = g.memoryBytes;
		g.gemm(64, 64, 64, A, 0, 64, false, A, 0, 64, false, C, 0, 64, false);
		expect(g.memoryBytes).toBe(before);
	});
});
