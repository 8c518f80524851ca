import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { Sequential } from "../../../src/engine/model";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { saveSafetensors } from "../../../src/interop/safetensors-weights";

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
	let out = "";
	let err = "";
	const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
	return { code, out, err };
}

const net = (filters: number): string => ["input 8x8x1", `conv ${filters} 3x3`, "relu", "flatten", "dense 10"].join("\n");

function bytesFor(text: string): Uint8Array {
	const model = parseCnn(text).model;
	if (!model) throw new Error("does not parse");
	const s = saveSafetensors(Sequential.build(model, 1));
	if (!s.ok) throw new Error(s.error);
	return s.bytes;
}

describe("cnn-lab check and a weights line", () => {
	it("passes a file that fits, and reports at the weights line one that does not, or is missing", async () => {
		const root = mkdtempSync(join(tmpdir(), "cnn-lab-check-weights-"));
		mkdirSync(join(root, ".obsidian"));
		mkdirSync(join(root, "Models"));
		writeFileSync(join(root, "Models", "good.safetensors"), bytesFor(net(16)));
		writeFileSync(join(root, "Models", "small.safetensors"), bytesFor(net(8)));
		// Line 1 is the fence; the weights line is the block's 6th line, the note's 7th.
		const note = (ref: string): string => ["```cnn", net(16), `weights ${ref}`, "```"].join("\n");
		writeFileSync(join(root, "A.md"), note("[[good.safetensors]]"));
		writeFileSync(join(root, "B.md"), note("Models/small.safetensors"));
		writeFileSync(join(root, "C.md"), note("[[gone.safetensors]]"));
		const a = await cli(["check", "A.md"], root);
		expect(a.code).toBe(0);
		const b = await cli(["check", "B.md"], root);
		expect(b.code).toBe(1);
		expect(b.out).toContain("B.md:7:1: error: weights Models/small.safetensors: 0.weight: the file has 8×1×3×3, the network needs 16×1×3×3; 0.bias: the file has 8, the network needs 16; 3.weight: the file has 10×288, the network needs 10×576");
		const c = await cli(["check", "C.md", "--json"], root);
		expect(c.code).toBe(1);
		const [report] = JSON.parse(c.out) as { diagnostics: { line: number; message: string }[] }[];
		expect(report.diagnostics).toContainEqual(expect.objectContaining({ line: 7, message: "weights gone.safetensors: no such file in the vault" }));
	});
});

describe("cnn-lab export --to keras --weights", () => {
	it("prints the Keras script loading the file channels last, after checking it fits; refuses --check", async () => {
		const root = mkdtempSync(join(tmpdir(), "cnn-lab-keras-weights-"));
		mkdirSync(join(root, ".obsidian"));
		writeFileSync(join(root, "good.safetensors"), bytesFor(net(16)));
		writeFileSync(join(root, "small.safetensors"), bytesFor(net(8)));
		writeFileSync(join(root, "N.md"), ["```cnn", net(16), "```"].join("\n"));
		const ok = await cli(["export", "--to", "keras", "N.md", "--weights", "good.safetensors"], root);
		expect(ok.code).toBe(0);
		expect(ok.out).toContain('keras_layers[1].set_weights([dense_kernel(state["3.weight"], (16, 6, 6)), state["3.bias"]])');
		const bad = await cli(["export", "--to", "keras", "N.md", "--weights", "small.safetensors"], root);
		expect(bad.code).toBe(1);
		expect(bad.err).toContain("0.weight: the file has 8×1×3×3, the network needs 16×1×3×3");
		expect((await cli(["export", "--to", "keras", "N.md", "--weights", "good.safetensors", "--check"], root)).code).toBe(2);
	});
});
