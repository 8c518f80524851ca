import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseCsvDataset } from "../../../src/data/csv";
import { MAX_DATA_BYTES } from "../../../src/data/data-limits";
import { gunzip, loadIdx, parseIdx } from "../../../src/data/idx";

/** An IDX header (type 0x08) with these dimensions, followed by `data` bytes. */
function idx(dims: number[], data = new Uint8Array(0)): Uint8Array {
	const head = new Uint8Array(4 + 4 * dims.length);
	head[2] = 0x08;
	head[3] = dims.length;
	const view = new DataView(head.buffer);
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
	const out = new Uint8Array(head.length + data.length);
	out.set(head);
	out.set(data, head.length);
	return out;
}

describe("CSV read exactly or refused", () => {
	it("refuses an empty label cell with the file's line (a header and a comment line before it)", () => {
		expect(() => parseCsvDataset("label,a,b,c,d\n# note\n1,0,0,0,0\n,1,1,1,1", { name: "c", lang: "en" })).toThrow(/^CSV line 4: the label “” /);
	});

	it("refuses an empty pixel cell instead of reading it as 0", () => {
		expect(() => parseCsvDataset("1,0,0,0,0\n\n2,0,,0,0", { name: "c", lang: "en" })).toThrow(/^CSV line 3, column 3: “” is not a pixel value/);
		expect(() => parseCsvDataset("1,0,0,0, ", { name: "c", lang: "en" })).toThrow(/^CSV line 1, column 5/);
	});

	it("reads a CR-only file", () => {
		const ds = parseCsvDataset("label,a,b,c,d\r1,0,16,8,4\r0,4,8,16,0\r", { name: "c", lang: "en" });
		expect(ds.n).toBe(2);
		expect(Array.from(ds.y)).toEqual([1, 0]);
		expect(Array.from(ds.x.subarray(0, 4))).toEqual([0, 1, 0.5, 0.25]);
	});

	it("refuses full-width digits on their line", () => {
		expect(() => parseCsvDataset("1,0,0,0,0\n１,0,0,0,0", { name: "c", lang: "en" })).toThrow(/^CSV line 2: the label/);
	});
});

describe("IDX read exactly or refused", () => {
	it("says an IDX with a 0 dimension holds no images", () => {
		expect(() => parseIdx(idx([0, 8, 8]), "en")).toThrow("The IDX file's header has a dimension of 0 (0×8×8): it holds no images.");
		expect(() => parseIdx(idx([5, 0, 8]), "en")).toThrow(/dimension of 0 \(5×0×8\)/);
	});

	it("names the file that is refused", async () => {
		await expect(loadIdx(idx([0, 8, 8]), idx([0]), { name: "set", files: ["a-images.idx3-ubyte", "a-labels.idx1-ubyte"], lang: "en" })).rejects.toThrow(/^a-images\.idx3-ubyte: The IDX file's header has a dimension of 0/);
	});

	it("prices the float array a header announces before allocating it", () => {
		const n = Math.ceil(MAX_DATA_BYTES / 4 / 64) + 1;
		// The header claims n 8×8 images; the data is not there, and no Float32Array of that size is ever made.
		expect(() => parseIdx(idx([n, 8, 8]), "en")).toThrow(/cut short/);
	});
});

describe("gzip bounded before it is inflated", () => {
	afterEach(() => vi.unstubAllGlobals());

	it("stops at the size the IDX header announces: the bytes after it are never inflated", async () => {
		const body = idx([2, 2, 2], new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
		const trailing = new Uint8Array(8 * 1024 * 1024);
		const gz = gzipSync(Buffer.concat([body, trailing]));
		const ds = await loadIdx(gz, gzipSync(idx([2], new Uint8Array([0, 1]))), { name: "small", lang: "en" });
		expect(ds.n).toBe(2);
		expect(Array.from(ds.x.subarray(0, 4)).map((v) => Math.round(v * 255))).toEqual([1, 2, 3, 4]);
	});

	it("refuses a bomb whose header announces more than the cap, naming the file, before inflating it", async () => {
		// 3 GiB of zeros announced; the file itself is a few kB.
		const gz = gzipSync(Buffer.concat([idx([3 * 1024 * 16, 256, 256]), new Uint8Array(1 << 20)]));
		await expect(loadIdx(gz, gzipSync(idx([1], new Uint8Array([0]))), { name: "bomb", files: ["bomb-images.gz", "l.gz"], lang: "en" })).rejects.toThrow(
			/^bomb-images\.gz inflates to 3072 MB; compressed data files over 1024 MB unzipped are not read\.$/,
		);
	});

	it("refuses plain bytes that inflate past the cap, without holding more than the cap", async () => {
		const gz = gzipSync(new Uint8Array(3 << 20));
		await expect(gunzip(gz, { name: "x.gz", lang: "en", maxBytes: 1 << 20 })).rejects.toThrow(/^x\.gz inflates to > 1 MB; /);
	});

	it("says to unzip first where the platform has no DecompressionStream", async () => {
		vi.stubGlobal("DecompressionStream", undefined);
		await expect(loadIdx(gzipSync(idx([1, 1, 1], new Uint8Array([1]))), idx([1], new Uint8Array([0])), { name: "s", files: ["t-images.gz", "t-labels"], lang: "en" })).rejects.toThrow(
			"t-images.gz is gzip-compressed and this app cannot unzip it; unzip it first.",
		);
	});

	it("names a corrupt gzip file", async () => {
		const gz = gzipSync(idx([1, 1, 1], new Uint8Array([1])));
		gz[gz.length - 5] ^= 0xff;
		await expect(gunzip(gz.subarray(0, 15), { name: "cut.gz", lang: "en" })).rejects.toThrow(/^cut\.gz could not be unzipped: /);
	});
});
