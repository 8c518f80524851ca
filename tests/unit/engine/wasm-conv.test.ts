import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convGeom } from "../../../src/engine/im2col";
import { gemmModuleBytes, SimdGemm } from "../../../src/engine/wasm";
import { expectClose } from "../../support/oracle";

/** Direct float64 convolution, written from the definition (cross-correlation, zero padding). */
function direct(xs: number[], x: Float32Array, ws: number[], w: Float32Array, b: Float32Array, pad: [number, number, number, number], dil: [number, number]): { y: Float64Array; ho: number; wo: number } {
	const [n, cin, h, wi] = xs;
	const [cout, , kh, kw] = ws;
	const [pt, pl, pb, pr] = pad;
	const ho = h + pt + pb - dil[0] * (kh - 1);
	const wo = wi + pl + pr - dil[1] * (kw - 1);
	const y = new Float64Array(n * cout * ho * wo);
	for (let im = 0; im < n; im++)
		for (let co = 0; co < cout; co++)
			for (let oh = 0; oh < ho; oh++)
				for (let ow = 0; ow < wo; ow++) {
					let s = b[co];
					for (let c = 0; c < cin; c++)
						for (let i = 0; i < kh; i++)
							for (let j = 0; j < kw; j++) {
								const ih = oh - pt + i * dil[0];
								const iw = ow - pl + j * dil[1];
								if (ih < 0 || ih >= h || iw < 0 || iw >= wi) continue;
								s += w[((co * cin + c) * kh + i) * kw + j] * x[((im * cin + c) * h + ih) * wi + iw];
							}
					y[((im * cout + co) * ho + oh) * wo + ow] = s;
				}
	return { y, ho, wo };
}

describe("WebAssembly SIMD stride-1 convolution (implicit GEMM, no column matrix)", () => {
	it("matches the definition on random shapes, asymmetric padding and dilation", () => {
		const g2 = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		fc.assert(
			fc.property(
				fc.record({
					n: fc.integer({ min: 1, max: 3 }), cin: fc.integer({ min: 1, max: 5 }), cout: fc.integer({ min: 1, max: 9 }),
					h: fc.integer({ min: 1, max: 12 }), w: fc.integer({ min: 1, max: 12 }),
					kh: fc.integer({ min: 1, max: 5 }), kw: fc.integer({ min: 1, max: 5 }),
					pt: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }),
					dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }), bias: fc.boolean(), seed: fc.integer(),
				}),
				(r) => {
					fc.pre(r.h + r.pt + r.pb >= r.dh * (r.kh - 1) + 1 && r.w + r.pl + r.pr >= r.dw * (r.kw - 1) + 1);
					let s = r.seed >>> 0;
					const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
					const xs = [r.n, r.cin, r.h, r.w];
					const wsh = [r.cout, r.cin, r.kh, r.kw];
					const x = Float32Array.from({ length: r.n * r.cin * r.h * r.w }, rnd);
					const w = Float32Array.from({ length: r.cout * r.cin * r.kh * r.kw }, rnd);
					const b = r.bias ? Float32Array.from({ length: r.cout }, rnd) : new Float32Array(r.cout);
					const g = convGeom(xs, wsh, { stride: [1, 1], pad: [r.pt, r.pl], padEnd: [r.pb, r.pr], dilation: [r.dh, r.dw] });
					const ref = direct(xs, x, wsh, w, b, [r.pt, r.pl, r.pb, r.pr], [r.dh, r.dw]);
					expect([g.ho, g.wo]).toEqual([ref.ho, ref.wo]);
					const y = new Float32Array(ref.y.length).fill(Number.NaN);
					g2.convForwardStride1(g, x, w, r.bias ? b : null, y);
					// Every output (NaN-filled before, so one left unwritten fails); the first one outside the tolerance is named.
					expectClose(y, ref.y, 1e-5, 1e-4, "y");
				},
			),
			{ numRuns: 150, seed: 7 },
		);
	});

	it("leaves no stale values behind when a smaller convolution follows a larger one in the same memory", () => {
		const g2 = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		const big = convGeom([2, 4, 10, 10], [6, 4, 3, 3], { stride: [1, 1], pad: [1, 1], dilation: [1, 1] });
		g2.convForwardStride1(big, new Float32Array(800).fill(7), new Float32Array(216).fill(1), null, new Float32Array(2 * 6 * 100));
		const small = convGeom([1, 1, 3, 3], [1, 1, 3, 3], { stride: [1, 1], pad: [1, 1], dilation: [1, 1] });
		const y = new Float32Array(9);
		g2.convForwardStride1(small, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), new Float32Array(9).fill(1), null, y);
		expect(Array.from(y)).toEqual([12, 21, 16, 27, 45, 33, 24, 39, 28]);
	});

	it("gives the weight gradient of the definition (Σ dy · shifted x over the batch), with asymmetric padding and dilation", () => {
		const g2 = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		fc.assert(
			fc.property(
				fc.record({
					n: fc.integer({ min: 1, max: 3 }), cin: fc.integer({ min: 1, max: 4 }), cout: fc.integer({ min: 1, max: 7 }),
					h: fc.integer({ min: 1, max: 10 }), w: fc.integer({ min: 1, max: 10 }),
					kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }),
					pt: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }),
					dh: fc.integer({ min: 1, max: 2 }), dw: fc.integer({ min: 1, max: 2 }), seed: fc.integer(),
				}),
				(r) => {
					fc.pre(r.h + r.pt + r.pb >= r.dh * (r.kh - 1) + 1 && r.w + r.pl + r.pr >= r.dw * (r.kw - 1) + 1);
					let s = r.seed >>> 0;
					const rnd = (): number => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296) * 2 - 1;
					const g = convGeom([r.n, r.cin, r.h, r.w], [r.cout, r.cin, r.kh, r.kw], { stride: [1, 1], pad: [r.pt, r.pl], padEnd: [r.pb, r.pr], dilation: [r.dh, r.dw] });
					const x = Float32Array.from({ length: r.n * r.cin * r.h * r.w }, rnd);
					const dy = Float32Array.from({ length: r.n * r.cout * g.ho * g.wo }, rnd);
					const expected = new Float64Array(r.cout * r.cin * r.kh * r.kw);
					for (let im = 0; im < r.n; im++)
						for (let co = 0; co < r.cout; co++)
							for (let c = 0; c < r.cin; c++)
								for (let i = 0; i < r.kh; i++)
									for (let j = 0; j < r.kw; j++)
										for (let oh = 0; oh < g.ho; oh++)
											for (let ow = 0; ow < g.wo; ow++) {
												const ih = oh - r.pt + i * r.dh;
												const iw = ow - r.pl + j * r.dw;
												if (ih < 0 || ih >= r.h || iw < 0 || iw >= r.w) continue;
												expected[((co * r.cin + c) * r.kh + i) * r.kw + j] += dy[((im * r.cout + co) * g.ho + oh) * g.wo + ow] * x[((im * r.cin + c) * r.h + ih) * r.w + iw];
											}
					const dw = new Float32Array(expected.length).fill(Number.NaN);
					g2.convWeightGradStride1(g, x, dy, dw);
					expectClose(dw, expected, 1e-4, 1e-4, "dw");
				},
			),
			{ numRuns: 150, seed: 11 },
		);
	});
});
