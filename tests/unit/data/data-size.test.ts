import { describe, expect, it } from "vitest";
import { convertChannels, fitToInput, limitImages, resizeImages } from "../../../src/data/fit";
import { loadDigits } from "../../../src/data/digits";
import { makeShapes } from "../../../src/data/shapes";
import { MAX_DATA_BYTES } from "../../../src/data/data-limits";
import { fitDataset } from "../../../src/worker/datasets";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { splitIndices } from "../../../src/engine/trainer";
import { Rng } from "../../../src/engine/rng";

describe("datasets are priced before they are allocated", () => {
	it("refuses shapes 512×512 × 2400 (2.4 GB) with a message, before generating", () => {
		expect(() => makeShapes({ size: 512, count: 2400, seed: 1, lang: "en" })).toThrow(/shapes 512×512 would take 2400 MB/);
	});

	it("refuses to resize or recolour the digits into more than the data cap", () => {
		const d = loadDigits();
		const side = Math.ceil(Math.sqrt(MAX_DATA_BYTES / 4 / d.n)) + 1;
		expect(() => resizeImages(d, side, side, "en")).toThrow(/MB as training data/);
		const tall = { ...d, shape: [1, side * side, 1] as [number, number, number], x: new Float32Array(0) };
		expect(() => convertChannels(tall, 3, "en")).toThrow(/MB as training data/);
	});

	it("keeps the trainer's stratified `limit` draw and converts only those images", () => {
		const d = loadDigits();
		const kept = limitImages(d, 20, 7);
		expect(kept.n).toBe(20);
		// the same images the trainer's split keeps from the whole set with that seed, in the data's order
		const want = Array.from(splitIndices(d.y, d.n, d.classes, 0, 20, new Rng(7).fork()).train).sort((a, b) => a - b);
		for (let k = 0; k < 20; k++) {
			expect(kept.y[k]).toBe(d.y[want[k]]);
			expect(Array.from(kept.x.subarray(k * 64, k * 64 + 64))).toEqual(Array.from(d.x.subarray(want[k] * 64, want[k] * 64 + 64)));
		}
		expect(new Set(Array.from(kept.y)).size).toBe(10);
		const big = fitToInput(d, [1, 400, 400], "en", { count: 20, seed: 7 }).dataset;
		expect(big.n).toBe(20);
		expect(big.x.length).toBe(20 * 400 * 400);
	});

	it("`input 400x400x1 … train digits limit 20` fits 20 images, not 1 797", () => {
		const model: ModelSpec = { input: [1, 400, 400], layers: [{ type: "flatten" }, { type: "dense", units: 10, bias: true }] };
		const { dataset } = fitDataset(loadDigits(), model, "en", { count: 20, seed: 3 });
		expect(dataset.n).toBe(20);
		expect(dataset.shape).toEqual([1, 400, 400]);
	});

	it("a limit at or over the set's size keeps the set itself", () => {
		const d = loadDigits();
		expect(limitImages(d, null, 1)).toBe(d);
		expect(limitImages(d, d.n, 1)).toBe(d);
	});
});
