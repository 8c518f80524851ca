import { describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { App, Vault, type TFile } from "../../support/obsidian-stub";
import type { App as ObsidianApp } from "obsidian";
import { resolveDataset, type DatasetRequest } from "../../../src/plugin/training/dataset-source";
import { fitDataset, materialize } from "../../../src/worker/datasets";
import { loadDigits } from "../../../src/data/digits";
import type { DatasetDescriptor } from "../../../src/worker/messages";
import type { ModelSpec } from "../../../src/engine/model-spec";

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

const model = (c: number, h: number, w: number, classes = 10): ModelSpec => ({
	input: [c, h, w],
	layers: [{ type: "flatten" }, { type: "dense", units: classes, bias: true }],
});

function request(dataset: string, m: ModelSpec, extra: Partial<DatasetRequest> = {}): DatasetRequest {
	return { dataset, model: m, sourcePath: "Notes/CNN.md", seed: 1, limit: null, lang: "en", ...extra };
}

const arrays = (d: DatasetDescriptor) => {
	if (d.kind !== "arrays") throw new Error(`expected arrays, got ${d.kind}`);
	return d;
};

// Three 2×2 images: pixel values 0, 51, 255… and labels 2, 0, 1.
const images = idx([3, 2, 2], [0, 51, 102, 255, 255, 0, 0, 0, 10, 20, 30, 40]);
const labels = idx([3], [2, 0, 1]);

function app(files: Record<string, string | Uint8Array>): ObsidianApp {
	return new App(new Vault(files)) as unknown as ObsidianApp;
}

describe("datasets named by a train line", () => {
	it("digits and shapes are built in and made in the worker", async () => {
		const a = app({});
		expect(await resolveDataset(a, request("digits", model(1, 8, 8)))).toEqual({ kind: "digits" });
		const s = await resolveDataset(a, request("Shapes", model(1, 28, 28), { limit: 500 }));
		expect(s).toMatchObject({ kind: "shapes", size: 28, count: 500 });
	});

	it("reads an IDX pair from a folder (images gzipped), pixels /255 and labels in order", async () => {
		const a = app({ "data/mnist/train-images-idx3-ubyte.gz": new Uint8Array(gzipSync(images)), "data/mnist/train-labels-idx1-ubyte": labels });
		const d = arrays(await resolveDataset(a, request("data/mnist", model(1, 2, 2))));
		expect(d.n).toBe(3);
		expect(d.shape).toEqual([1, 2, 2]);
		expect(Array.from(d.y)).toEqual([2, 0, 1]);
		expect(d.x[1]).toBeCloseTo(51 / 255, 6);
		expect(d.x[3]).toBe(1);
		// A link to the images file finds its labels beside it.
		const viaLink = arrays(await resolveDataset(a, request("[[data/mnist/train-images-idx3-ubyte.gz]]", model(1, 2, 2))));
		expect(Array.from(viaLink.y)).toEqual([2, 0, 1]);
	});

	it("an IDX images file without its labels says what is missing", async () => {
		const a = app({ "data/x/train-images-idx3-ubyte": images });
		await expect(resolveDataset(a, request("data/x/train-images-idx3-ubyte", model(1, 2, 2)))).rejects.toThrow(/labels/);
	});

	it("reads a CSV of label + pixels, relative to the note's folder, shaped by the input line", async () => {
		const a = app({ "Notes/tiny.csv": "label,p1,p2,p3,p4\n1,0,255,0,255\n0,255,255,0,0\n" });
		const d = arrays(await resolveDataset(a, request("tiny.csv", model(1, 2, 2, 2))));
		expect(d.n).toBe(2);
		expect(Array.from(d.y)).toEqual([1, 0]);
		expect(Array.from(d.x.subarray(0, 4))).toEqual([0, 1, 0, 1]);
	});

	it("reads an image folder with one subfolder per class through the decoder", async () => {
		const a = app({ "pics/cat/a.png": new Uint8Array([1]), "pics/cat/b.png": new Uint8Array([2]), "pics/dog/c.jpg": new Uint8Array([3]), "pics/dog/notes.md": "x" });
		const seen: string[] = [];
		const decodeImage = (_: unknown, f: TFile, shape: number[]): Promise<Float32Array> => {
			seen.push(`${f.path} ${shape.join("x")}`);
			return Promise.resolve(new Float32Array(4).fill(f.name === "c.jpg" ? 1 : 0));
		};
		const d = arrays(await resolveDataset(a, request("pics", model(1, 2, 2, 2), { decodeImage: decodeImage as unknown as DatasetRequest["decodeImage"] })));
		expect(d.classNames).toEqual(["cat", "dog"]);
		expect(Array.from(d.y)).toEqual([0, 0, 1]);
		expect(seen).toEqual(["pics/cat/a.png 1x2x2", "pics/cat/b.png 1x2x2", "pics/dog/c.jpg 1x2x2"]);
		expect(Array.from(d.x.subarray(8, 12))).toEqual([1, 1, 1, 1]);
	});

	it("reads an image folder in name order whatever order the vault lists it in, so a seed repeats its run", async () => {
		// The same files added in two different orders: the vault's children follow the order files were indexed.
		const names = ["10.png", "2.png", "1.png", "b.png", "a.png"];
		const read = async (order: string[]): Promise<string[]> => {
			const files: Record<string, Uint8Array> = {};
			for (const n of order) files[`set/x/${n}`] = new Uint8Array([1]);
			files["set/y/0.png"] = new Uint8Array([1]);
			const seen: string[] = [];
			const decodeImage = (_: unknown, f: TFile): Promise<Float32Array> => {
				seen.push(f.name);
				return Promise.resolve(new Float32Array(4));
			};
			await resolveDataset(app(files), request("set", model(1, 2, 2, 2), { decodeImage: decodeImage as unknown as DatasetRequest["decodeImage"] }));
			return seen;
		};
		const want = ["1.png", "2.png", "10.png", "a.png", "b.png", "0.png"];
		expect(await read(names)).toEqual(want);
		expect(await read([...names].reverse())).toEqual(want);
	});

	it("refuses paths outside the vault and explains a missing dataset", async () => {
		const a = app({});
		await expect(resolveDataset(a, request("../secret", model(1, 2, 2)))).rejects.toThrow(/outside the vault/);
		await expect(resolveDataset(a, request("/etc/passwd", model(1, 2, 2)))).rejects.toThrow(/outside the vault/);
		await expect(resolveDataset(a, request("mnist", model(1, 2, 2)))).rejects.toThrow(/not found.*digits, shapes/);
	});
});

describe("fitting the data to the network", () => {
	it("digits into a 16×16×3 input: resized and channels copied, with a note saying so", () => {
		const { dataset, note } = fitDataset(materialize({ kind: "digits" }, [3, 16, 16], 1, loadDigits, "en"), model(3, 16, 16), "en");
		expect(dataset.shape).toEqual([3, 16, 16]);
		expect(dataset.n).toBe(1797);
		expect(note).toMatch(/8×8/);
		expect(note).toMatch(/16×16/);
	});

	it("a network with fewer outputs than the data has classes is refused with both numbers", () => {
		expect(() => fitDataset(materialize({ kind: "digits" }, [1, 8, 8], 1, loadDigits, "en"), model(1, 8, 8, 4), "en")).toThrow(/4[\s\S]*10|10[\s\S]*4/);
	});
});
