import { describe, expect, it } from "vitest";
import type { Param } from "../../../src/engine/layer";
import { createOptimizer, optimizerSpec } from "../../../src/engine/optim";
import { initParams } from "../../../src/engine/init";
import { Rng } from "../../../src/engine/rng";

function param(values: number[], init: Param["init"] = "zeros", fanIn = 1, fanOut = 1): Param {
	return { name: "p", shape: [values.length], value: Float32Array.from(values), grad: new Float32Array(values.length), fanIn, fanOut, init };
}

describe("createOptimizer", () => {
	it("Adam's first step moves every weight by lr against the sign of its gradient", () => {
		const p = param([1, -2, 3]);
		const opt = createOptimizer(optimizerSpec("adam", { lr: 0.01 }), [p]);
		p.grad.set([0.5, -7, 1e-3]);
		opt.step();
		expect(Array.from(p.value).map((v) => +v.toFixed(5))).toEqual([0.99, -1.99, 2.99]);
	});

	it("'momentum' is SGD with momentum 0.9: a constant gradient moves by lr·g·(1, 1.9, 2.71)", () => {
		const p = param([0]);
		const opt = createOptimizer(optimizerSpec("momentum", { lr: 0.1 }), [p]);
		const seen: number[] = [];
		for (let i = 0; i < 3; i++) {
			const before = p.value[0];
			p.grad[0] = 1;
			opt.step();
			seen.push(before - p.value[0]);
		}
		expect(seen[0]).toBeCloseTo(0.1, 6);
		expect(seen[1]).toBeCloseTo(0.19, 6);
		expect(seen[2]).toBeCloseTo(0.271, 6);
		expect(opt.steps).toBe(3);
	});

	it("plain SGD with weight decay shrinks a weight with zero gradient by lr·wd each step", () => {
		const p = param([2]);
		const opt = createOptimizer(optimizerSpec("sgd", { lr: 0.5, weightDecay: 0.1 }), [p]);
		opt.step();
		expect(p.value[0]).toBeCloseTo(2 * (1 - 0.05), 6);
	});

	it("Adam's weight decay is L2 added to the gradient (torch.optim.Adam), not decoupled (AdamW)", () => {
		// grad 0, p 1, wd 0.1: g = 0.1, m̂ = 0.1, √v̂ = 0.1, so p moves by lr·0.1/(0.1 + eps) ≈ lr; AdamW would give 0.999.
		const p = param([1]);
		const opt = createOptimizer(optimizerSpec("adam", { lr: 0.01, weightDecay: 0.1 }), [p]);
		opt.step();
		expect(p.value[0]).toBeCloseTo(0.99, 6);
	});

	it("SGD minimises a quadratic", () => {
		const p = param([5, -3]);
		const opt = createOptimizer(optimizerSpec("sgd", { lr: 0.1 }), [p]);
		for (let i = 0; i < 200; i++) {
			p.grad[0] = 2 * (p.value[0] - 1);
			p.grad[1] = 2 * (p.value[1] + 4);
			opt.step();
		}
		expect(p.value[0]).toBeCloseTo(1, 4);
		expect(p.value[1]).toBeCloseTo(-4, 4);
	});
});

describe("initialisation", () => {
	it("He normal has mean ≈ 0 and std ≈ √(2/fanIn); Glorot stays inside ±√(6/(fanIn+fanOut)); biases are zero", () => {
		const he = param(new Array(20000).fill(0), "he", 50);
		const gl = param(new Array(20000).fill(0), "glorot", 30, 70);
		const b = param([1, 2, 3], "zeros");
		initParams([he, gl, b], new Rng(3));
		const mean = he.value.reduce((a, v) => a + v, 0) / he.value.length;
		const sd = Math.sqrt(he.value.reduce((a, v) => a + (v - mean) ** 2, 0) / he.value.length);
		expect(Math.abs(mean)).toBeLessThan(0.01);
		expect(sd).toBeGreaterThan(0.2 * 0.97);
		expect(sd).toBeLessThan(0.2 * 1.03);
		const lim = Math.sqrt(6 / 100);
		expect(Math.max(...gl.value)).toBeLessThanOrEqual(lim);
		expect(Math.min(...gl.value)).toBeGreaterThanOrEqual(-lim);
		expect(Math.max(...gl.value)).toBeGreaterThan(lim * 0.99);
		expect(Array.from(b.value)).toEqual([0, 0, 0]);
	});

	it("the same seed gives the same weights", () => {
		const a = param(new Array(100).fill(0), "he", 9);
		const c = param(new Array(100).fill(0), "he", 9);
		initParams([a], new Rng(7));
		initParams([c], new Rng(7));
		expect(Array.from(a.value)).toEqual(Array.from(c.value));
		initParams([c], new Rng(8));
		expect(Array.from(a.value)).not.toEqual(Array.from(c.value));
	});
});
