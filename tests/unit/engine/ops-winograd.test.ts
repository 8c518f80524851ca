import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convGeom } from "../../../src/engine/im2col";
import { conv2dForward, ConvWorkspace } from "../../../src/engine/ops/conv2d";
import { conv2dWinograd, winogradApplies, WinogradWorkspace } from "../../../src/engine/ops/winograd";
import { Rng } from "../../../src/engine/rng";
import { expectClose } from "../../support/oracle";
import { ctx } from "../../support/engine";

/** Direct float64 cross-correlation: the reference both paths are held to. */
function direct(x: Float32Array, w: Float32Array, b: Float32Array, n: number, cin: number, h: number, wd: number, cout: number, pt: number, pl: number, ho: number, wo: number): Float64Array {
	const y = new Float64Array(n * cout * ho * wo);
	for (let i = 0; i < n; i++) for (let co = 0; co < cout; co++) for (let oh = 0; oh < ho; oh++) for (let ow = 0; ow < wo; ow++) {
		let s = b[co];
		for (let ci = 0; ci < cin; ci++) for (let ki = 0; ki < 3; ki++) for (let kj = 0; kj < 3; kj++) {
			const ih = oh - pt + ki;
			const iw = ow - pl + kj;
			if (ih < 0 || ih >= h || iw < 0 || iw >= wd) continue;
			s += w[((co * cin + ci) * 3 + ki) * 3 + kj] * x[((i * cin + ci) * h + ih) * wd + iw];
		}
		y[((i * cout + co) * ho + oh) * wo + ow] = s;
	}
	return y;
}

describe("Winograd F(2×2, 3×3) convolution", () => {
	it("matches a direct float64 sum (odd and even sizes, asymmetric padding, partial edge tiles)", () => {
		fc.assert(
			fc.property(
				fc.record({
					n: fc.integer({ min: 1, max: 2 }), cin: fc.integer({ min: 8, max: 12 }), cout: fc.integer({ min: 1, max: 6 }),
					h: fc.integer({ min: 3, max: 11 }), w: fc.integer({ min: 3, max: 11 }),
					pt: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }),
					seed: fc.integer({ min: 1, max: 1e6 }),
				}),
				(p) => {
					const rng = new Rng(p.seed);
					const x = Float32Array.from({ length: p.n * p.cin * p.h * p.w }, () => rng.next() * 2 - 1);
					const w = Float32Array.from({ length: p.cout * p.cin * 9 }, () => rng.next() * 2 - 1);
					const b = Float32Array.from({ length: p.cout }, () => rng.next() * 2 - 1);
					const g = convGeom([p.n, p.cin, p.h, p.w], [p.cout, p.cin, 3, 3], { stride: [1, 1], pad: [p.pt, p.pl], padEnd: [p.pb, p.pr], dilation: [1, 1] });
					expect(winogradApplies(g)).toBe(true);
					const expected = direct(x, w, b, p.n, p.cin, p.h, p.w, p.cout, p.pt, p.pl, g.ho, g.wo);
					const y = new Float32Array(expected.length).fill(NaN);
					conv2dWinograd(ctx.backend, g, x, w, b, y, new WinogradWorkspace());
					expectClose(y, expected, 1e-5, 1e-4, "winograd y");
					// The inference and training forwards (Winograd or another backend, im2col) agree too.
					const yInfer = new Float32Array(expected.length);
					const yTrain = new Float32Array(expected.length);
					conv2dForward(ctx.backend, g, x, w, b, yInfer, new ConvWorkspace(), false);
					conv2dForward(ctx.backend, g, x, w, b, yTrain, new ConvWorkspace(), true);
					expectClose(yInfer, expected, 1e-5, 1e-4, "inference y");
					expectClose(yTrain, expected, 1e-5, 1e-4, "im2col y");
				},
			),
			{ numRuns: 40, seed: 4242 },
		);
	});

	it("is not used where it does not apply", () => {
		const geo = (cin: number, k: number, s: number, d: number) => convGeom([1, cin, 9, 9], [2, cin, k, k], { stride: [s, s], pad: [1, 1], dilation: [d, d] });
		expect(winogradApplies(geo(8, 3, 1, 1))).toBe(true);
		expect(winogradApplies(geo(4, 3, 1, 1))).toBe(false);
		expect(winogradApplies(geo(8, 5, 1, 1))).toBe(false);
		expect(winogradApplies(geo(8, 3, 2, 1))).toBe(false);
		expect(winogradApplies(geo(8, 3, 1, 2))).toBe(false);
	});
});
