import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FsDataFiles } from "../../../src/cli/datasets";
import { MAX_CSV_CHARS, parseCsvDataset } from "../../../src/data/csv";
import { resolveDataset, type DatasetQuery } from "../../../src/data/dataset-resolver";
import { loadIdx } from "../../../src/data/idx";
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

describe("data files are priced by their size and header before they are read", () => {
	let dir: string | null = null;
	afterEach(() => {
		if (dir) rmSync(dir, { recursive: true, force: true });
		dir = null;
	});
	const query = (dataset: string): DatasetQuery => ({ dataset, input: [1, 28, 28], sourcePath: "note.md", seed: 1, limit: 1000, lang: "en" });

	/** A vault folder holding sparse files of these sizes (no disk used): reading one whole would allocate its size. */
	function sparse(files: Record<string, number>): FsDataFiles {
		dir = mkdtempSync(join(tmpdir(), "cnn-lab-size-"));
		for (const [p, bytes] of Object.entries(files)) {
			mkdirSync(join(dir, p, ".."), { recursive: true });
			writeFileSync(join(dir, p), "");
			truncateSync(join(dir, p), bytes);
		}
		return new FsDataFiles(dir);
	}

	it("a 430 MB CSV with `limit 1000` is refused by its size, never read", async () => {
		const files = sparse({ "big.csv": 430 * 1048576 });
		const read = vi.spyOn(files, "readText");
		await expect(resolveDataset(files, query("big.csv"))).rejects.toThrow(/^big\.csv is 430 MB, more than the 200 MB a note can train on\.$/);
		expect(read).not.toHaveBeenCalled();
	});

	it("an IDX pair whose images file is over the cap is refused by its size, naming it, before either is read", async () => {
		const files = sparse({ "mnist/train-images-idx3-ubyte": 300 * 1048576, "mnist/train-labels-idx1-ubyte": 60008 });
		const read = vi.spyOn(files, "readBytes");
		await expect(resolveDataset(files, query("mnist"))).rejects.toThrow(/^mnist\/train-images-idx3-ubyte is 300 MB, more than the 200 MB/);
		expect(read).not.toHaveBeenCalled();
	});

	it("a gzip IDX whose header announces more floats than the cap is refused from the header, not after inflating", async () => {
		// 300 M one-pixel images: 300 MB of bytes (under the 1 GiB inflate cap) but 1 144 MB as floats. Only 4 MB
		// of zeros follow the header: a reader that inflated first would say "cut short" instead.
		const head = new Uint8Array(16);
		head[2] = 0x08;
		head[3] = 3;
		new DataView(head.buffer).setUint32(4, 300_000_000);
		new DataView(head.buffer).setUint32(8, 1);
		new DataView(head.buffer).setUint32(12, 1);
		const gz = gzipSync(Buffer.concat([head, new Uint8Array(4 << 20)]));
		await expect(loadIdx(gz, gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 1, 0])), { name: "many", files: ["many-images.gz", "l.gz"], lang: "en" })).rejects.toThrow(
			/^many-images\.gz would take 1144 MB as training data; at most 1024 MB is read\./,
		);
	});

	it("a CSV over the text cap is refused before it is split into rows", () => {
		const text = { length: MAX_CSV_CHARS + 1, split: () => { throw new Error("split"); } } as unknown as string;
		expect(() => parseCsvDataset(text, { name: "huge", lang: "en" })).toThrow(/^huge holds 200 MB of text; CSV files over 200 MB are not read\.$/);
	});
});
