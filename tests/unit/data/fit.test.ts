import { describe, expect, it } from "vitest";
import type { Dataset } from "../../../src/data/dataset";
import { convertChannels, explainMismatch, fitToInput, resizeImages } from "../../../src/data/fit";

function ds(shape: [number, number, number], values: number[], classes = 2): Dataset {
	const n = values.length / (shape[0] * shape[1] * shape[2]);
	return { x: Float32Array.from(values), y: new Uint8Array(n), n, shape, classes, classNames: ["a", "b"].slice(0, classes), name: "demo" };
}

describe("fitting a dataset to the input", () => {
	it("bilinear 2×2 → 4×4 on pixel centres matches hand values", () => {
		const r = resizeImages(ds([1, 2, 2], [0, 1, 1, 0]), 4, 4, "en");
		// Output centre 0.5 maps to source −0.25 (clamped to 0); 1.5 to 0.25: 0.75·a + 0.25·b.
		expect(Array.from(r.x.subarray(0, 4)).map((v) => +v.toFixed(4))).toEqual([0, 0.25, 0.75, 1]);
		expect(Array.from(r.x.subarray(4, 8)).map((v) => +v.toFixed(4))).toEqual([0.25, 0.375, 0.625, 0.75]);
	});

	it("halving averages pairs of pixels", () => {
		const r = resizeImages(ds([1, 2, 4], [0, 1, 0, 1, 1, 0, 1, 0]), 1, 2, "en");
		expect(Array.from(r.x)).toEqual([0.5, 0.5]);
	});

	it("replicates gray into 3 channels and averages RGB to gray", () => {
		const g = convertChannels(ds([1, 1, 2], [0.2, 0.4]), 3, "en");
		expect(Array.from(g.x).map((v) => +v.toFixed(4))).toEqual([0.2, 0.4, 0.2, 0.4, 0.2, 0.4]);
		const back = convertChannels(g, 1, "en");
		expect(Array.from(back.x).map((v) => +v.toFixed(4))).toEqual([0.2, 0.4]);
	});

	it("fits 8×8×1 into 16×16×3 and says what it did", () => {
		const d = ds([1, 8, 8], new Array(64).fill(0.5));
		const { dataset, changes } = fitToInput(d, [3, 16, 16], "en");
		expect(dataset.shape).toEqual([3, 16, 16]);
		expect(dataset.x.every((v) => Math.abs(v - 0.5) < 1e-6)).toBe(true);
		expect(changes.join("; ")).toMatch(/copied into 3 channels.*8×8 to 16×16/);
	});

	it("explains a mismatch with the fix, and is silent when the data fits", () => {
		const d = ds([1, 8, 8], new Array(64).fill(0), 10);
		const msg = explainMismatch({ ...d, name: "digits" }, [1, 28, 28], "en", 5) ?? "";
		expect(msg).toContain("8×8×1");
		expect(msg).toContain("28×28×1");
		expect(msg).toContain("input 8x8x1");
		expect(msg).toMatch(/enlarged from 8×8 to 28×28/);
		expect(msg).toContain("dense 10");
		expect(explainMismatch(d, [1, 8, 8], "en", 10)).toBeNull();
		expect(explainMismatch(d, [3, 8, 8], "en")).toMatch(/copied into all 3 channels/);
	});
});
