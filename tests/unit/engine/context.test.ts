import { describe, expect, it } from "vitest";
import { createJsBackend, TS_BACKEND, type Backend } from "../../../src/engine/backend";
import { createEngineContext, TS_CONTEXT } from "../../../src/engine/context";
import * as F from "../../../src/engine/functional";
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { backendUnderTest, ctx } from "../../support/engine";

/** The JS kernels, counting the products that reach them. */
function counting(): { backend: Backend; products: () => number } {
	const inner = createJsBackend();
	let n = 0;
	const backend: Backend = { ...inner, gemm: (...args) => (n++, inner.gemm(...args)) };
	return { backend, products: () => n };
}

const spec: ModelSpec = {
	input: [1, 6, 6],
	layers: [
		{ type: "conv", filters: 2, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
		{ type: "relu" },
		{ type: "flatten" },
		{ type: "dense", units: 3, bias: true },
	],
};

describe("the engine context", () => {
	it("is the backend this test project runs the engine suite on", () => {
		expect(ctx.backend.name).toBe(backendUnderTest);
	});

	it("routes a model's products through its own backend only: two models in one thread do not share kernels", () => {
		const a = counting();
		const b = counting();
		const ma = Sequential.build(spec, 1, createEngineContext({ backend: a.backend }));
		Sequential.build(spec, 1, createEngineContext({ backend: b.backend }));
		const x = { shape: [2, 1, 6, 6], data: Float32Array.from({ length: 72 }, (_, i) => Math.sin(i)) };
		ma.lossAndGrad(x, [0, 2]);
		// conv forward and weight gradient, dense forward, input gradient and weight gradient (im2col + GEMM on JS).
		expect(a.products()).toBeGreaterThanOrEqual(4);
		expect(b.products()).toBe(0);
	});

	it("defaults the functional ops to the stateless TypeScript backend, in English", () => {
		expect(TS_CONTEXT.backend).toBe(TS_BACKEND);
		expect(TS_CONTEXT.lang).toBe("en");
		expect(Object.isFrozen(TS_CONTEXT) && Object.isFrozen(TS_BACKEND)).toBe(true);
		const x = { shape: [1, 2], data: Float32Array.of(1, 2) };
		const w = { shape: [1, 2], data: Float32Array.of(3, 4) };
		expect(Array.from(F.linear(x, w, null).data)).toEqual([11]);
	});

	it("takes the language from an app code: zh… is Chinese, anything else English", () => {
		expect(createEngineContext({ lang: "zh-CN" }).lang).toBe("zh");
		expect(createEngineContext({ lang: "fr" }).lang).toBe("en");
		expect(createEngineContext().lang).toBe("en");
	});
});
