import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadDigits } from "../../../src/data/digits";
import { checkDataset, classCounts } from "../../../src/data/dataset";

// The source CSV beside the repository: the packed module must reproduce it exactly.
const csv = gunzipSync(readFileSync(resolve(__dirname, "../../../../shared/datasets/digits.csv.gz")))
	.toString("utf8")
	.trim()
	.split("\n")
	.map((l) => l.split(",").map(Number));

describe("bundled digits", () => {
	const ds = loadDigits();

	it("has 1797 images of 8×8×1 in 10 classes, credited", () => {
		expect(ds.n).toBe(1797);
		expect(ds.shape).toEqual([1, 8, 8]);
		expect(ds.classes).toBe(10);
		expect(ds.credit).toContain("Alpaydin");
		expect(ds.credit).toContain("CC BY 4.0");
		checkDataset(ds);
	});

	it("matches every pixel and label of digits.csv.gz (pixels /16)", () => {
		expect(csv).toHaveLength(1797);
		for (let k = 0; k < csv.length; k++) {
			expect(ds.y[k]).toBe(csv[k][64]);
			for (let j = 0; j < 64; j++) {
				if (ds.x[k * 64 + j] !== csv[k][j] / 16) throw new Error(`image ${k} pixel ${j}: ${ds.x[k * 64 + j] * 16} vs ${csv[k][j]}`);
			}
		}
		expect(Math.max(...ds.x)).toBe(1);
		expect(classCounts(ds).every((c) => c > 170 && c < 190)).toBe(true);
	});

	it("hands out independent copies", () => {
		const a = loadDigits();
		a.x[0] = 0.5;
		expect(loadDigits().x[0]).toBe(csv[0][0] / 16);
	});
});
