import { describe, expect, it } from "vitest";
import * as F from "../../../src/engine/functional";
import { Rng } from "../../../src/engine/rng";
import type { Tensor } from "../../../src/engine/tensor";
import { ctx } from "../../support/engine";

function rand(shape: number[], rng: Rng): Tensor {
	const n = shape.reduce((a, b) => a * b, 1);
	return { shape, data: Float32Array.from({ length: n }, () => rng.next() * 2 - 1) };
}

// Images whose column matrix exceeds the 16 MB cap are convolved in chunks; the results must not depend on it.
describe("conv2d on images too large for one column matrix", () => {
	it("matches a direct sum at sampled outputs, and the batch gradients equal the sum of per-image ones", () => {
		const rng = new Rng(11);
		const x = rand([3, 1, 420, 420], rng); // 25 × 416² floats per image: more than the cap on its own
		const w = rand([2, 1, 5, 5], rng);
		const b = rand([2], rng);
		const y = F.conv2d(x, w, b, {}, ctx);
		expect(y.shape).toEqual([3, 2, 416, 416]);
		for (const [n, co, oh, ow] of [[0, 0, 0, 0], [1, 1, 200, 311], [2, 0, 415, 415], [2, 1, 7, 400]]) {
			let s = b.data[co];
			for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) s += w.data[co * 25 + i * 5 + j] * x.data[n * 420 * 420 + (oh + i) * 420 + ow + j];
			expect(y.data[((n * 2 + co) * 416 + oh) * 416 + ow]).toBeCloseTo(s, 4);
		}
		const dy = rand(y.shape, rng);
		const all = F.conv2dBackward(x, w, dy, {}, ctx);
		const dw = new Float64Array(50);
		const plane = 420 * 420;
		const out = 2 * 416 * 416;
		for (let n = 0; n < 3; n++) {
			const xi = { shape: [1, 1, 420, 420], data: x.data.slice(n * plane, (n + 1) * plane) };
			const dyi = { shape: [1, 2, 416, 416], data: dy.data.slice(n * out, (n + 1) * out) };
			const one = F.conv2dBackward(xi, w, dyi, {}, ctx);
			for (let i = 0; i < 50; i++) dw[i] += one.dw.data[i];
			const dxi = all.dx.data.subarray(n * plane, (n + 1) * plane);
			for (const k of [0, 1234, 88_000, plane - 1]) expect(dxi[k]).toBeCloseTo(one.dx.data[k], 5);
		}
		for (let i = 0; i < 50; i++) expect(Math.abs(all.dw.data[i] - dw[i])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(dw[i])));
	});
});
