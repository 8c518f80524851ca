/**
 * The whole way out on the command line: `cnn-lab train NOTE` writes `<run note>.safetensors` with the batch-norm
 * running statistics it trained, and `cnn-lab export --to pytorch NOTE --weights F --check` gives a script that
 * Debian's torch runs to "logits match" (exit 0).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { readSafetensors } from "../../../src/interop/safetensors";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
	let out = "";
	let err = "";
	const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
	return { code, out, err };
}

const NOTE = ["```cnn", "input digits", "conv 8 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "flatten", "dense 16", "batchnorm", "relu", "dense 10", "train digits epochs 2 batch 32 adam lr 0.01 seed 3 limit 400", "```"].join("\n");

describe.skipIf(!torchHere)("cnn-lab train, then export --weights --check (Debian's torch)", () => {
	it("the run's safetensors carries trained running statistics, and the exported script's check passes", async () => {
		const root = mkdtempSync(join(tmpdir(), "cnn-lab-weights-cli-"));
		mkdirSync(join(root, ".obsidian"));
		writeFileSync(join(root, "Net.md"), NOTE);
		const train = await cli(["train", "Net.md", "--json"], root);
		expect(train.code, train.err).toBe(0);
		const runNote = (JSON.parse(train.out) as { runNote: string }).runNote;
		const weights = join(root, runNote.replace(/\.md$/, ".safetensors"));
		const file = readSafetensors(new Uint8Array(readFileSync(weights)));
		if (!file.ok) throw new Error(file.error);
		// Both batch norms' statistics moved from their start (mean 0, variance 1) and counted the batches.
		for (const bn of ["1", "6"]) {
			const mean = file.file.tensors.get(`${bn}.running_mean`)?.data ?? new Float32Array(0);
			const variance = file.file.tensors.get(`${bn}.running_var`)?.data ?? new Float32Array(0);
			expect(mean.length).toBeGreaterThan(0);
			expect(Math.max(...Array.from(mean, Math.abs))).toBeGreaterThan(1e-3);
			expect(Math.max(...Array.from(variance, (v) => Math.abs(v - 1)))).toBeGreaterThan(1e-3);
			expect(file.file.tensors.get(`${bn}.num_batches_tracked`)?.data[0]).toBeGreaterThan(0);
		}
		const exported = await cli(["export", "--to", "pytorch", "Net.md", "--weights", weights, "--check"], root);
		expect(exported.code, exported.err).toBe(0);
		const script = join(root, "net.py");
		writeFileSync(script, exported.out);
		const run = spawnSync("/usr/bin/python3", [script, weights], { encoding: "utf8", timeout: 120_000 });
		expect(run.status, run.stderr).toBe(0);
		expect(run.stdout).toMatch(/logits match CNN Lab's: worst difference \S+ over 8 inputs/);
	});
});
