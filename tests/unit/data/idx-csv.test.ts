import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadIdx, parseIdx } from "../../../src/data/idx";
import { parseCsvDataset } from "../../../src/data/csv";

function idx(dims: number[], values: number[]): Uint8Array {
	const head = new Uint8Array(4 + 4 * dims.length);
	const view = new DataView(head.buffer);
	head[2] = 8;
	head[3] = dims.length;
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
	const out = new Uint8Array(head.length + values.length);
	out.set(head);
	out.set(values, head.length);
	return out;
}

describe("IDX", () => {
	// Two 2×3 images and their labels.
	const images = idx([2, 2, 3], [0, 255, 51, 102, 0, 0, 255, 255, 255, 0, 0, 0]);
	const labels = idx([2], [7, 3]);

	it("reads the header and data", () => {
		const a = parseIdx(images, "en");
		expect(a.dims).toEqual([2, 2, 3]);
		expect(Array.from(a.data)).toHaveLength(12);
	});

	it("loads plain and gzipped files into the same dataset, pixels /255", async () => {
		const plain = await loadIdx(images, labels, { name: "tiny", lang: "en" });
		const gz = await loadIdx(gzipSync(images), gzipSync(labels).buffer as ArrayBuffer, { name: "tiny", lang: "en" });
		for (const ds of [plain, gz]) {
			expect(ds.n).toBe(2);
			expect(ds.shape).toEqual([1, 2, 3]);
			expect(Array.from(ds.y)).toEqual([7, 3]);
			expect(ds.classes).toBe(8);
			expect(ds.x[1]).toBe(1);
			expect(ds.x[2]).toBeCloseTo(0.2, 6);
			expect(ds.x[6]).toBe(1);
		}
	});

	it("says what is wrong with a broken file", async () => {
		expect(() => parseIdx(new Uint8Array([1, 2, 3, 4]), "en")).toThrow(/not an IDX/);
		expect(() => parseIdx(images.subarray(0, images.length - 1), "en")).toThrow(/cut short/);
		await expect(loadIdx(images, idx([3], [1, 2, 3]), { name: "x", lang: "en" })).rejects.toThrow(/2 images.*3 labels/);
		await expect(loadIdx(labels, images, { name: "x", lang: "en" })).rejects.toThrow(/3 dimensions/);
	});
});

describe("CSV", () => {
	it("reads label + pixels with a header, scale 0..255", () => {
		const ds = parseCsvDataset("label,p1,p2,p3,p4\n1,0,255,0,51\n0,255,0,0,0\n", { name: "c", lang: "en" });
		expect(ds.shape).toEqual([1, 2, 2]);
		expect(Array.from(ds.y)).toEqual([1, 0]);
		expect(ds.x[1]).toBe(1);
		expect(ds.x[3]).toBeCloseTo(0.2, 6);
		expect(ds.classes).toBe(2);
	});

	it("detects 0..16 and 0..1 scales and takes rows without a header", () => {
		expect(parseCsvDataset("2,0,16,8,4", { name: "c", lang: "en" }).x[2]).toBe(0.5);
		expect(parseCsvDataset("2,0,1,0.5,0.25", { name: "c", lang: "en" }).x[2]).toBe(0.5);
	});

	it("names the row of a bad value", () => {
		expect(() => parseCsvDataset("1,0,0,0,0\n1,0,x,0,0", { name: "c", lang: "en" })).toThrow(/line 2, column 3/);
		expect(() => parseCsvDataset("1,0,0,0", { name: "c", lang: "en" })).toThrow(/not a square/);
		expect(() => parseCsvDataset("1,0,0,0,0\n2,0,0", { name: "c", lang: "en" })).toThrow(/line 2 has 3/);
	});
});
