import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { parseCnn } from "../../../src/notation/cnn/parse";

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
	let out = "";
	let err = "";
	const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
	return { code, out, err };
}

function vault(files: Record<string, string | Uint8Array>): string {
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-refuse-"));
	mkdirSync(join(root, ".obsidian"));
	for (const [p, body] of Object.entries(files)) {
		mkdirSync(join(root, p, ".."), { recursive: true });
		writeFileSync(join(root, p), body);
	}
	return root;
}

function block(lines: string[]): string {
	return ["```cnn", ...lines, "```", ""].join("\n");
}

/** An IDX header: magic (type 8 = unsigned byte, then the number of dimensions) and the dimensions, no data. */
function idxHeader(dims: number[]): Uint8Array {
	const b = new Uint8Array(4 + 4 * dims.length);
	const v = new DataView(b.buffer);
	v.setUint8(2, 8);
	v.setUint8(3, dims.length);
	dims.forEach((d, i) => v.setUint32(4 + 4 * i, d));
	return b;
}

const fewOutputs = ["input 8x8x1", "flatten", "dense 5", "softmax", "train digits epochs 1"];

describe("a model with fewer outputs than the data's classes", () => {
	it("is an error at the dense row when the block is read", () => {
		const p = parseCnn(fewOutputs.join("\n"));
		const e = p.diagnostics.filter((d) => d.severity === "error");
		expect(e).toHaveLength(1);
		expect(e[0].line).toBe(3);
		expect(e[0].message).toMatch(/5 outputs but digits has 10 classes/);
		expect(e[0].suggestion).toBe("dense 10");
		expect(p.model).toBeNull();
	});

	it("is fine when the outputs cover the classes, and for the 8 shapes", () => {
		expect(parseCnn(["input 8x8x1", "flatten", "dense 10", "train digits"].join("\n")).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
		expect(parseCnn(["input 16x16x1", "flatten", "dense 8", "train shapes"].join("\n")).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
		expect(parseCnn(["input 16x16x1", "flatten", "dense 4", "train shapes"].join("\n")).diagnostics.some((d) => /8 classes/.test(d.message))).toBe(true);
	});

	it("is reported by cnn-lab check and refused by cnn-lab train with exit 1 and no stack trace", async () => {
		const root = vault({ "few.md": block(fewOutputs) });
		const c = await cli(["check", "few.md"], root);
		expect(c.code).toBe(1);
		expect(c.out + c.err).toMatch(/few\.md:4:1: error: The network ends with 5 outputs/);
		const r = await cli(["train", "few.md"], root);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/few\.md:4:1: The network ends with 5 outputs/);
		expect(r.err).not.toMatch(/\n\s+at /);
	});
});

describe("cnn-lab train refuses before allocating, with exit 1 and a message", () => {
	it("an IDX pair with 0 images", async () => {
		const root = vault({
			"zero/train-images-idx3-ubyte": idxHeader([0, 8, 8]),
			"zero/train-labels-idx1-ubyte": idxHeader([0]),
			"z.md": block(["input 8x8x1", "flatten", "dense 10", "train zero epochs 1"]),
		});
		const r = await cli(["train", "z.md"], root);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/dimension of 0 .*no images/);
		expect(r.err).not.toMatch(/\n\s+at /);
		expect(readdirSync(root)).not.toContain("CNN runs");
	});

	it("`conv 1 3x3 dilation 1000 pad 1000` on the digits, by its padded workspace", async () => {
		const root = vault({ "pad.md": block(["input 8x8x1", "conv 1 3x3 dilation 1000 pad 1000", "flatten", "dense 10", "train digits epochs 1"]) });
		const r = await cli(["train", "pad.md"], root);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/refused:[\s\S]*padded inputs/);
		expect(readdirSync(root)).not.toContain("CNN runs");
	});

	it("`input shapes 512 / maxpool 64` by the size of its data, before generating it", async () => {
		const root = vault({ "s.md": block(["input shapes 512", "maxpool 64", "flatten", "dense 8", "train shapes epochs 1"]) });
		const r = await cli(["train", "s.md"], root);
		expect(r.code).toBe(1);
		expect(r.err).toMatch(/shapes 512×512 would take \d+ MB as training data/);
	});
});
