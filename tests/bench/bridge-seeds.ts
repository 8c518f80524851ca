/**
 * The PyTorch bridge's numbers (issue 18): the digits acceptance net (20 % held out, Adam 0.01, batch 32, 15 epochs)
 * trained by `cnn-lab train` and by the script `cnn-lab export --to pytorch --train` writes, run under python3 with
 * torch, for each seed; prints each run's final validation accuracy, the means and their difference.
 *   node --import tsx tests/bench/bridge-seeds.ts [seed …]        (default seeds 7 8 9; PYTHON=/usr/bin/python3)
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../src/cli/run";
import { parseRunNote } from "../../src/runs/run-note";
import { splitFrontMatter } from "../../src/runs/yaml";

const python = process.env.PYTHON ?? "/usr/bin/python3";
const seeds = process.argv.slice(2).map(Number).filter(Number.isInteger);
if (seeds.length === 0) seeds.push(7, 8, 9);

const quiet = { out: (): void => undefined, err: (s: string): void => void process.stderr.write(s) };

/** val_acc of the one run note in the vault's runs folder whose `framework` is (or is not) pytorch. */
function valAcc(root: string, pytorch: boolean): number {
	const dir = join(root, "CNN runs");
	for (const f of readdirSync(dir).filter((n) => n.endsWith(".md"))) {
		const text = readFileSync(join(dir, f), "utf8");
		if ((splitFrontMatter(text).fm?.framework === "pytorch") !== pytorch) continue;
		const run = parseRunNote(text);
		const last = run?.epochs[run.epochs.length - 1];
		if (run?.status !== "completed" || run.epochs.length !== 15 || last?.valAcc == null) throw new Error(`${f}: not a completed 15-epoch run`);
		return last.valAcc;
	}
	throw new Error(`no ${pytorch ? "PyTorch" : "CNN Lab"} run note in ${dir}`);
}

const rows: { seed: number; cnnLab: number; torch: number; cnnS: number; torchS: number }[] = [];
for (const seed of seeds) {
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-bridge-"));
	mkdirSync(join(root, ".obsidian"));
	const lines = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", `train digits epochs 15 batch 32 adam lr 0.01 seed ${seed}`];
	writeFileSync(join(root, "Digits.md"), ["```cnn", ...lines, "```", ""].join("\n"));
	let t0 = performance.now();
	if ((await runCli(["train", join(root, "Digits.md")], { ...quiet, cwd: root })) !== 0) throw new Error("cnn-lab train failed");
	const cnnS = (performance.now() - t0) / 1000;
	const script = join(root, "train.py");
	if ((await runCli(["export", "--to", "pytorch", "--train", join(root, "Digits.md"), "--out", script], { ...quiet, cwd: root })) !== 0) throw new Error("export failed");
	t0 = performance.now();
	execFileSync(python, [script, "--vault", root, "--device", "cpu"], { stdio: ["ignore", "ignore", "inherit"] });
	const torchS = (performance.now() - t0) / 1000;
	rows.push({ seed, cnnLab: valAcc(root, false), torch: valAcc(root, true), cnnS, torchS });
	const r = rows[rows.length - 1];
	console.log(`seed ${seed}: CNN Lab val_acc ${(100 * r.cnnLab).toFixed(2)} % (${cnnS.toFixed(1)} s), PyTorch ${(100 * r.torch).toFixed(2)} % (${torchS.toFixed(1)} s)`);
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const a = mean(rows.map((r) => r.cnnLab));
const b = mean(rows.map((r) => r.torch));
console.log(`mean over ${rows.length} seeds: CNN Lab ${(100 * a).toFixed(2)} %, PyTorch ${(100 * b).toFixed(2)} %, difference ${(100 * (b - a)).toFixed(2)} points (goal: within 1)`);
