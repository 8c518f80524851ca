/**
 * One dataset resolver (src/data/dataset-resolver.ts) over two places: the vault (the plugin's VaultDataFiles,
 * through the Obsidian stub) and a vault folder on disk (the CLI's FsDataFiles). The same files must give the same
 * dataset in both, and the same readable refusals.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { App, Vault } from "../../support/obsidian-stub";
import { resolveDataset, type DatasetQuery, type DataFiles } from "../../../src/data/dataset-resolver";
import { VaultDataFiles } from "../../../src/plugin/training/dataset-source";
import { FsDataFiles } from "../../../src/cli/datasets";

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

const FILES: Record<string, string | Uint8Array> = {
	"Notes/CNN.md": "# CNN",
	"data/mnist/train-images-idx3-ubyte": idx([3, 2, 2], [0, 51, 102, 255, 255, 0, 0, 0, 10, 20, 30, 40]),
	"data/mnist/train-labels-idx1-ubyte": idx([3], [2, 0, 1]),
	"data/mnist/t10k-images-idx3-ubyte": idx([1, 2, 2], [9, 9, 9, 9]),
	"data/mnist/t10k-labels-idx1-ubyte": idx([1], [5]),
	"Notes/tiny.csv": "label,p0,p1,p2,p3\n1,0,255,0,255\n0,255,0,255,0\n",
	"pics/cat/a.png": new Uint8Array([1]),
	"pics/dog/b.png": new Uint8Array([1]),
};

let dir: string | null = null;
afterEach(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
	dir = null;
});

function onDisk(files: Record<string, string | Uint8Array>): FsDataFiles {
	dir = mkdtempSync(join(tmpdir(), "cnn-lab-resolver-"));
	for (const [p, data] of Object.entries(files)) {
		mkdirSync(dirname(join(dir, p)), { recursive: true });
		writeFileSync(join(dir, p), data);
	}
	return new FsDataFiles(dir);
}

const inVault = (files: Record<string, string | Uint8Array>): VaultDataFiles => new VaultDataFiles(new App(new Vault(files)) as unknown as ObsidianApp);

const query = (dataset: string): DatasetQuery => ({ dataset, input: [1, 2, 2], sourcePath: "Notes/CNN.md", seed: 1, limit: null, lang: "en" });

async function data(files: DataFiles, dataset: string) {
	const r = await resolveDataset(files, query(dataset));
	if (r.kind !== "data") throw new Error(`expected data, got ${r.kind}`);
	return r.dataset;
}

describe("one dataset resolver for the vault and a folder on disk", () => {
	it("reads the same IDX folder, IDX file and CSV (beside the note) to the same dataset in both places", async () => {
		const fs = onDisk(FILES);
		const vault = inVault(FILES);
		for (const name of ["data/mnist", "data/mnist/train-labels-idx1-ubyte", "tiny.csv"]) {
			const a = await data(fs, name);
			const b = await data(vault, name);
			expect(a).toEqual(b);
		}
		// The training pair of the folder, not the t10k one: three images, labels 2, 0, 1, pixels scaled to 0..1.
		const m = await data(fs, "data/mnist");
		expect(m.n).toBe(3);
		expect(Array.from(m.y)).toEqual([2, 0, 1]);
		expect(m.x[3]).toBeCloseTo(1, 6);
		expect(m.x[1]).toBeCloseTo(0.2, 6);
		const csv = await data(fs, "tiny.csv");
		expect(Array.from(csv.y)).toEqual([1, 0]);
		expect(csv.name).toBe("tiny");
	});

	it("names the built-in sets without reading anything", async () => {
		expect(await resolveDataset(onDisk({}), query("Digits"))).toEqual({ kind: "digits" });
		expect(await resolveDataset(inVault({}), { ...query("shapes"), limit: 500 })).toEqual({ kind: "shapes", size: 5, count: 500, seed: 1 });
	});

	it("refuses the same way in both places: outside the vault, unknown, images without a decoder", async () => {
		const fs = onDisk(FILES);
		const vault = inVault(FILES);
		for (const files of [fs, vault]) {
			await expect(resolveDataset(files, query("../secret.csv"))).rejects.toThrow(/outside the vault/);
			await expect(resolveDataset(files, query("mnist"))).rejects.toThrow(/not found.*digits, shapes/);
			await expect(resolveDataset(files, query("pics"))).rejects.toThrow(/cannot be decoded here.*IDX or CSV/);
		}
	});

	it("on disk reads only regular files (a FIFO named as a CSV is refused, not waited on)", async () => {
		const fs = onDisk({ "Notes/CNN.md": "# CNN" });
		execFileSync("mkfifo", [join(dir ?? "", "pipe.csv")]);
		await expect(resolveDataset(fs, query("pipe.csv"))).rejects.toThrow(/not a regular file/);
	});

	it("a CSV with CR-only line ends reads as the same file with LF: its rows and the input line's image shape", async () => {
		// 12 pixels: not a square gray image, so the shape must come from the input line (2×2×3), read off the first row
		const rows = ["label," + Array.from({ length: 12 }, (_, i) => `p${i}`).join(","), "1," + Array.from({ length: 12 }, (_, i) => String(i * 20)).join(","), "0," + Array.from({ length: 12 }, () => "255").join(",")];
		const q: DatasetQuery = { ...query("rgb.csv"), input: [3, 2, 2] };
		for (const files of [onDisk({ "Notes/CNN.md": "# CNN", "Notes/rgb.csv": rows.join("\r") + "\r" }), inVault({ "Notes/CNN.md": "# CNN", "Notes/rgb.csv": rows.join("\r") })]) {
			const r = await resolveDataset(files, q);
			const lf = await resolveDataset(inVault({ "Notes/CNN.md": "# CNN", "Notes/rgb.csv": rows.join("\n") }), q);
			if (r.kind !== "data" || lf.kind !== "data") throw new Error("expected data");
			expect(r.dataset.shape).toEqual([3, 2, 2]);
			expect(Array.from(r.dataset.y)).toEqual([1, 0]);
			expect(r.dataset).toEqual(lf.dataset);
		}
	});

	it("an image folder of more classes than a label byte holds is refused with its count, in both places", async () => {
		const many: Record<string, string | Uint8Array> = { "Notes/CNN.md": "# CNN" };
		for (let k = 0; k < 300; k++) many[`big/c${String(k).padStart(3, "0")}/a.png`] = new Uint8Array([1]);
		for (const files of [onDisk(many), inVault(many)]) await expect(resolveDataset(files, query("big"))).rejects.toThrow(/300/);
	});
});
