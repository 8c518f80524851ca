/**
 * The train line's `test …` and `augment …`, and the resolver finding a test set: an IDX folder's t10k pair
 * (tiny IDX files in a temporary folder on disk, through the CLI's FsDataFiles), other files as written.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { setLanguage, translate } from "../../../src/i18n";
import { resolveDataset, resolveTestDataset, type DatasetQuery } from "../../../src/data/dataset-resolver";
import { FsDataFiles } from "../../../src/cli/datasets";

const block = (train: string, input = "input digits"): ReturnType<typeof parseCnn> => parseCnn(`${input}\nconv 8 3x3\nrelu\nflatten\ndense 10\n${train}`);

describe("train line: test and augment", () => {
	it("reads test DATA and augment with any subset of shift, flip, rotate, noise", () => {
		const p = block("train mnist test mnist epochs 3", "input 28x28");
		expect(p.train?.dataset).toBe("mnist");
		expect(p.train?.test).toBe("mnist");
		expect(p.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
		expect(block("train data/train.csv test data/test.csv", "input 28x28").train?.test).toBe("data/test.csv");
		expect(block("train augment shift 2 flip rotate 10 noise 0.05 epochs 4").train).toMatchObject({ augment: { shift: 2, flip: true, rotate: 10, noise: 0.05 }, epochs: 4 });
		expect(block("train augment flip").train?.augment).toEqual({ shift: 0, flip: true, rotate: 0, noise: 0 });
		expect(block("train augment rotate 15 epochs 2").train).toMatchObject({ augment: { shift: 0, flip: false, rotate: 15, noise: 0 }, epochs: 2 });
		// a dataset named "test" stays one; `test` with a setting after it lacks its data
		expect(block("train test epochs 3", "input 28x28").train).toMatchObject({ dataset: "test", epochs: 3 });
		expect(block("train mnist test epochs 3", "input 28x28").diagnostics.some((d) => d.severity === "error" && d.suggestion === "test mnist")).toBe(true);
		const plain = block("train epochs 5");
		expect(plain.train?.augment ?? null).toBeNull();
		expect(plain.train?.test ?? null).toBeNull();
	});

	it("says at the line and word what is wrong, in English and Chinese", () => {
		for (const lang of ["en", "zh"] as const) {
			setLanguage(lang);
			const [noData] = block("train mnist test", "input 28x28").diagnostics.filter((d) => d.severity === "error");
			expect(noData).toMatchObject({ line: 6, column: 13, suggestion: "test mnist", message: translate(lang, "practice.testNeedsData") });
			const [badShift] = block("train augment shift 1.5").diagnostics.filter((d) => d.severity === "error");
			expect(badShift).toMatchObject({ line: 6 });
			expect(badShift.message).toContain("shift");
			const [noWhat] = block("train augment epochs 3").diagnostics.filter((d) => d.severity === "warning");
			expect(noWhat).toMatchObject({ line: 6, column: 7, message: translate(lang, "practice.augmentNeedsWhat") });
			const [noValue] = block("train augment rotate").diagnostics.filter((d) => d.severity === "error");
			expect(noValue.suggestion).toBe("augment shift 2 flip rotate 10 noise 0.05");
		}
		setLanguage("en");
	});

	it("a built-in set has no test data of its own: a held-out part is validation, and the line says so", () => {
		setLanguage("en");
		const p = block("train digits epochs 3 test digits");
		const [w] = p.diagnostics.filter((d) => d.severity === "warning");
		expect(w).toMatchObject({ line: 6, column: 23 });
		expect(w.message).toContain("data of its own");
		expect(w.message).toContain("validation");
		expect(p.train?.test ?? null).toBeNull();
		setLanguage("zh");
		expect(block("train digits test digits").diagnostics.some((d) => d.message.includes("测试集需要自己的数据"))).toBe(true);
		setLanguage("en");
	});
});

/** An IDX file: 0, 0, type 0x08, number of dims, the dims big-endian, then the bytes. */
function idx(dims: number[], data: number[]): Uint8Array {
	const out = new Uint8Array(4 + 4 * dims.length + data.length);
	out[2] = 0x08;
	out[3] = dims.length;
	const view = new DataView(out.buffer);
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
	out.set(data, 4 + 4 * dims.length);
	return out;
}

let dir: string | null = null;
afterEach(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
	dir = null;
});
function onDisk(files: Record<string, string | Uint8Array>): FsDataFiles {
	dir = mkdtempSync(join(tmpdir(), "cnn-lab-testset-"));
	for (const [p, data] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, p)), { recursive: true });
		writeFileSync(join(dir, p), data);
	}
	return new FsDataFiles(dir);
}
const query = (dataset: string): DatasetQuery => ({ dataset, input: [1, 2, 2], sourcePath: "Notes/CNN.md", seed: 1, limit: null, lang: "en" });

const MNIST = {
	"Notes/CNN.md": "# CNN",
	// gzipped-name-free tiny sets: 3 training images, 2 test images, each 2×2
	"mnist/t10k-images-idx3-ubyte": idx([2, 2, 2], [9, 9, 9, 9, 255, 0, 255, 0]),
	"mnist/t10k-labels-idx1-ubyte": idx([2], [5, 1]),
	"mnist/train-images-idx3-ubyte": idx([3, 2, 2], [0, 51, 102, 255, 255, 0, 0, 0, 10, 20, 30, 40]),
	"mnist/train-labels-idx1-ubyte": idx([3], [2, 0, 1]),
	"only/train-images-idx3-ubyte": idx([1, 2, 2], [1, 2, 3, 4]),
	"only/train-labels-idx1-ubyte": idx([1], [3]),
	"Notes/test.csv": "label,p0,p1,p2,p3\n1,0,255,0,255\n0,255,0,255,0\n",
};

describe("resolving a test set", () => {
	it("train mnist test mnist: the folder's train pair for training, its t10k pair for the test", async () => {
		const files = onDisk(MNIST);
		const train = await resolveDataset(files, query("mnist"));
		if (train.kind !== "data") throw new Error("expected data");
		expect(train.dataset.n).toBe(3);
		const test = await resolveTestDataset(files, query("mnist"), "mnist");
		expect(test.n).toBe(2);
		expect(Array.from(test.y)).toEqual([5, 1]);
		expect(test.x[4]).toBeCloseTo(1, 6);
	});

	it("naming one of the t10k files gives the t10k pair; a CSV as written", async () => {
		const files = onDisk(MNIST);
		expect((await resolveTestDataset(files, query("mnist/t10k-labels-idx1-ubyte"), "mnist")).n).toBe(2);
		const csv = await resolveTestDataset(files, query("test.csv"), "mnist");
		expect(csv.n).toBe(2);
		expect(Array.from(csv.y)).toEqual([1, 0]);
	});

	it("a folder without test files is refused: the same files are not a test set", async () => {
		const files = onDisk(MNIST);
		await expect(resolveTestDataset(files, query("only"), "only")).rejects.toThrow(/a test set needs data of its own/);
		await expect(resolveTestDataset(files, query("Notes/test.csv"), "Notes/test.csv")).rejects.toThrow(/same files/);
		await expect(resolveTestDataset(files, query("digits"), "digits")).rejects.toThrow(/built-in sets have no test data/);
	});
});
