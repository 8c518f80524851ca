/**
 * The exported training script run under Debian's torch: `cnn-lab export --to pytorch --train` for the digits net,
 * then `python3 train.py --vault V --epochs 2` writes a run note that CNN Lab's run-note parser (the one ```cnn-log
 * reads runs with) reads, with plausible numbers, CNN Lab's numbers (the same data, split, batch order and first
 * weights: PyTorch's run is compared with CNN Lab's own Trainer, an implementation in another language), and weights
 * that load into the block's network. Also: the DistributedDataParallel path on one CPU process (gloo), a vault IDX
 * (.gz) dataset, and the bundled digits against scikit-learn's load_digits where it is installed.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { Trainer, type EpochEvent, type TrainEvent } from "../../../src/engine/trainer";
import { fitDataset } from "../../../src/worker/datasets";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { parseRunNote } from "../../../src/runs/run-note";
import { runPropertyProblem } from "../../../src/runs/run-properties";
import { splitFrontMatter } from "../../../src/runs/yaml";
import { flatFromSafetensors } from "../../../src/worker/run-weights";

const PY = "/usr/bin/python3";
const torchHere = spawnSync(PY, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
const sklearnHere = spawnSync(PY, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0;
const pilHere = spawnSync(PY, ["-c", "import PIL"], { stdio: "ignore" }).status === 0;

const NET = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 15 batch 32 adam lr 0.01 seed 7"];

function vault(files: Record<string, string | Uint8Array>): string {
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-train-script-"));
	mkdirSync(join(root, ".obsidian"));
	for (const [p, text] of Object.entries(files)) {
		mkdirSync(join(root, p, ".."), { recursive: true });
		writeFileSync(join(root, p), text);
	}
	return root;
}

const note = (lines: string[]): string => ["# Digits", "", "```cnn", ...lines, "```", ""].join("\n");

async function exportScript(root: string, notePath: string): Promise<string> {
	const script = join(mkdtempSync(join(tmpdir(), "cnn-lab-script-")), "train.py");
	let err = "";
	const code = await runCli(["export", "--to", "pytorch", "--train", join(root, notePath), "--out", script], { out: () => undefined, err: (s) => (err += s), cwd: root });
	expect(code, err).toBe(0);
	return script;
}

function runNotes(root: string): string[] {
	return readdirSync(join(root, "CNN runs")).filter((f) => f.endsWith(".md")).map((f) => join(root, "CNN runs", f));
}

/** CNN Lab's own run of the block for `epochs` epochs. */
function cnnLabEpochs(lines: string[], epochs: number): EpochEvent[] {
	const parsed = parseCnn(lines.join("\n"));
	const train = parsed.train!;
	const tr = new Trainer(Sequential.build(parsed.model!, train.seed!), loadDigits(), { epochs, batchSize: train.batch, optimizer: train.optimizer, seed: train.seed!, val: train.val });
	while (!tr.finished) tr.step();
	return tr.history;
}

describe.skipIf(!torchHere)("the exported training script under PyTorch", () => {
	it("trains 2 epochs and writes a run note CNN Lab reads, with CNN Lab's numbers and weights that load", async () => {
		const root = vault({ "Digits.md": note(NET) });
		const script = await exportScript(root, "Digits.md");
		const printed = execFileSync(PY, [script, "--vault", root, "--epochs", "2", "--device", "cpu"], { encoding: "utf8", timeout: 180_000 });
		expect(printed).toContain("completed: 2 of 2 epochs");
		const [path] = runNotes(root);
		const text = readFileSync(path, "utf8");
		const { fm } = splitFrontMatter(text);
		expect(fm?.framework).toBe("pytorch");
		expect(fm?.backend).toBe("pytorch-cpu");
		expect(runPropertyProblem(fm!)).toBeNull();
		const run = parseRunNote(text)!;
		expect(run.status).toBe("completed");
		expect(run.settings).toMatchObject({ dataset: "digits", epochs: 2, batch: 32, optimizer: "adam", lr: 0.01, seed: 7, val: 0.2 });
		expect(fm?.epochs_done).toBe(2);
		expect(run.sourcePath).toBe("Digits.md");
		expect(run.settings.model).toBe(NET.join("\n"));
		expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2]);
		for (const e of run.epochs) {
			expect(Number.isFinite(e.loss)).toBe(true);
			for (const a of [e.acc, e.valAcc]) {
				expect(a).toBeGreaterThanOrEqual(0);
				expect(a).toBeLessThanOrEqual(1);
			}
		}
		expect(run.epochs[1].loss).toBeLessThan(run.epochs[0].loss);
		expect(run.batches.length).toBe(90);
		expect(run.batches[89].x).toBeCloseTo(2, 9);
		// The held-out 359 images, every one counted once.
		expect(run.confusion?.classes).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
		expect(run.confusion?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(359);
		// CNN Lab's run of the same block: the same numbers to the note's six digits (float32 rounding apart).
		const ours = cnnLabEpochs(NET, 2);
		for (let e = 0; e < 2; e++) {
			expect(run.epochs[e].loss).toBeCloseTo(ours[e].loss, 4);
			expect(run.epochs[e].valLoss!).toBeCloseTo(ours[e].valLoss!, 4);
			expect(run.epochs[e].valAcc!).toBeCloseTo(ours[e].valAcc!, 6);
			expect(run.epochs[e].lr).toBe(0.01);
		}
		expect(run.weights).toBe(path.slice(root.length + 1).replace(/\.md$/, ".safetensors"));
		const weights = flatFromSafetensors(parseCnn(NET.join("\n")).model!, new Uint8Array(readFileSync(join(root, run.weights!))));
		expect(weights.ok).toBe(true);
	});

	it("trains a residual network (identity and projection blocks) with CNN Lab's numbers", async () => {
		// No conv bias before a batch norm (it cancels it, and its gradient is float noise there, which Adam turns
		// into steps of its own in each framework: the running means, and so the validation numbers, would drift apart).
		const RES = [
			"input 8x8x1", "conv 8 3x3 pad 1 nobias", "batchnorm", "relu",
			"residual", "  conv 8 3x3 pad 1 nobias", "  batchnorm", "end", "relu",
			"residual project", "  conv 16 3x3 stride 2 pad 1 nobias", "  batchnorm", "end", "relu",
			"gap", "dense 10", "train digits epochs 1 batch 32 adam lr 0.01 seed 3",
		];
		const root = vault({ "Res.md": note(RES) });
		const script = await exportScript(root, "Res.md");
		expect(readFileSync(script, "utf8")).toContain("class Residual(nn.Module):");
		const printed = execFileSync(PY, [script, "--vault", root, "--device", "cpu"], { encoding: "utf8", timeout: 180_000 });
		expect(printed).toContain("completed: 1 of 1 epochs");
		const run = parseRunNote(readFileSync(runNotes(root)[0], "utf8"))!;
		const ours = cnnLabEpochs(RES, 1);
		expect(run.epochs[0].loss).toBeCloseTo(ours[0].loss, 4);
		expect(run.epochs[0].valLoss!).toBeCloseTo(ours[0].valLoss!, 4);
		expect(run.epochs[0].valAcc!).toBeCloseTo(ours[0].valAcc!, 6);
		const weights = flatFromSafetensors(parseCnn(RES.join("\n")).model!, new Uint8Array(readFileSync(join(root, run.weights!))));
		expect(weights.ok).toBe(true);
	});

	it("runs the DistributedDataParallel path in one CPU process (gloo), rank 0 writing the note", async () => {
		const lines = NET.slice(0, -1).concat("train digits epochs 1 batch 64 sgd lr 0.1 momentum 0.9 seed 3");
		const root = vault({ "Digits.md": note(lines) });
		const script = await exportScript(root, "Digits.md");
		// What torchrun sets for one process (Debian's torch 1.13 launcher fails under Python 3.11 before it starts one).
		const env = { ...process.env, RANK: "0", WORLD_SIZE: "1", LOCAL_RANK: "0", MASTER_ADDR: "127.0.0.1", MASTER_PORT: String(29500 + (process.pid % 400)) };
		execFileSync(PY, [script, "--vault", root, "--distributed", "--device", "cpu"], { encoding: "utf8", timeout: 180_000, env });
		const run = parseRunNote(readFileSync(runNotes(root)[0], "utf8"))!;
		expect(run.status).toBe("completed");
		expect(run.epochs.length).toBe(1);
		expect(run.epochs[0].valAcc!).toBeCloseTo(cnnLabEpochs(lines, 1)[0].valAcc!, 6);
	});

	it("brings the data to the input as CNN Lab does (a limit, a resize) and follows the schedule and patience", async () => {
		const lines = ["input 12x12x1", "conv 4 3x3", "relu", "flatten", "dense 10", "train digits epochs 4 batch 16 sgd lr 0.1 momentum 0.9 seed 5 limit 400 val 0.25 schedule step 2 0.5 patience 1"];
		const root = vault({ "Digits.md": note(lines) });
		const script = await exportScript(root, "Digits.md");
		execFileSync(PY, [script, "--vault", root], { encoding: "utf8", timeout: 180_000 });
		const run = parseRunNote(readFileSync(runNotes(root)[0], "utf8"))!;
		const parsed = parseCnn(lines.join("\n"));
		const train = parsed.train!;
		const fitted = fitDataset(loadDigits(), parsed.model!, "en", { count: train.limit, seed: 5 }).dataset;
		const tr = new Trainer(Sequential.build(parsed.model!, 5), fitted, { epochs: 4, batchSize: 16, optimizer: train.optimizer, seed: 5, val: 0.25, limit: 400, schedule: train.schedule, patience: 1 });
		let done: TrainEvent | null = null;
		while (!tr.finished) for (const e of tr.step()) if (e.kind === "done") done = e;
		expect(run.epochs.map((e) => e.lr)).toEqual(tr.history.map((e) => e.lr));
		expect(run.epochs.length).toBe(tr.history.length);
		tr.history.forEach((e, i) => {
			expect(run.epochs[i].loss).toBeCloseTo(e.loss, 4);
			expect(run.epochs[i].valAcc!).toBeCloseTo(e.valAcc!, 6);
		});
		expect(run.settings).toMatchObject({ limit: 400, val: 0.25, schedule: "step 2 0.5", patience: 1 });
		expect(run.bestEpoch ?? null).toBe(done?.kind === "done" ? (done.bestEpoch ?? null) : null);
		expect(run.confusion?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(100);
	});

	it("writes Keras and PyTorch training scripts Python compiles", async () => {
		const root = vault({ "Digits.md": note(NET) });
		for (const to of ["pytorch", "keras"]) {
			const script = join(root, `${to}.py`);
			const code = await runCli(["export", "--to", to, "--train", join(root, "Digits.md"), "--out", script], { out: () => undefined, err: () => undefined, cwd: root });
			expect(code).toBe(0);
			execFileSync(PY, ["-m", "py_compile", script]);
		}
	});

	it("reads a vault IDX pair (.gz) by its vault path", async () => {
		const d = loadDigits();
		const n = 300;
		const images = new Uint8Array(16 + n * 64);
		images.set([0, 0, 8, 3, 0, 0, 1, 44, 0, 0, 0, 8, 0, 0, 0, 8]);
		for (let i = 0; i < n * 64; i++) images[16 + i] = Math.round(d.x[i] * 255);
		const labels = new Uint8Array(8 + n);
		labels.set([0, 0, 8, 1, 0, 0, 1, 44]);
		labels.set(d.y.subarray(0, n), 8);
		const lines = ["input 8x8x1", "flatten", "dense 10", "train data/mini epochs 2 batch 16 sgd lr 0.1 seed 2"];
		const root = vault({ "data/mini/train-images-idx3-ubyte.gz": gzipSync(images), "data/mini/train-labels-idx1-ubyte.gz": gzipSync(labels), "Mini.md": note(lines) });
		const script = await exportScript(root, "Mini.md");
		execFileSync(PY, [script, "--vault", root], { encoding: "utf8", timeout: 180_000 });
		const run = parseRunNote(readFileSync(runNotes(root)[0], "utf8"))!;
		expect(run.settings.dataset).toBe("data/mini");
		expect(run.epochs.length).toBe(2);
		expect(run.confusion?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(60);
		expect(run.epochs[1].loss).toBeLessThan(run.epochs[0].loss);
	});

	it("evaluates the train line's test set once at the end, with CNN Lab's test numbers and the test set's confusion matrix", async () => {
		const d = loadDigits();
		const idx = (from: number, n: number): [Uint8Array, Uint8Array] => {
			const images = new Uint8Array(16 + n * 64);
			images.set([0, 0, 8, 3, (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255, 0, 0, 0, 8, 0, 0, 0, 8]);
			for (let i = 0; i < n * 64; i++) images[16 + i] = Math.round(d.x[from * 64 + i] * 255);
			const labels = new Uint8Array(8 + n);
			labels.set([0, 0, 8, 1, (n >> 24) & 255, (n >> 16) & 255, (n >> 8) & 255, n & 255]);
			labels.set(d.y.subarray(from, from + n), 8);
			return [gzipSync(images), gzipSync(labels)];
		};
		const [trX, trY] = idx(0, 300);
		const [teX, teY] = idx(300, 120);
		// patience: the test set is evaluated on the best epoch's weights, as the trainer does.
		const lines = ["input 8x8x1", "flatten", "dense 10", "train data/mini test data/mini epochs 4 batch 16 sgd lr 0.1 seed 2 patience 1"];
		const root = vault({
			"data/mini/train-images-idx3-ubyte.gz": trX,
			"data/mini/train-labels-idx1-ubyte.gz": trY,
			"data/mini/t10k-images-idx3-ubyte.gz": teX,
			"data/mini/t10k-labels-idx1-ubyte.gz": teY,
			"Mini.md": note(lines),
		});
		const script = await exportScript(root, "Mini.md");
		expect(readFileSync(script, "utf8")).toContain('TEST_PATHS = ["data/mini/t10k-images-idx3-ubyte.gz", "data/mini/t10k-labels-idx1-ubyte.gz"]');
		const printed = execFileSync(PY, [script, "--vault", root, "--device", "cpu"], { encoding: "utf8", timeout: 180_000 });
		expect(printed).toContain("test set (120 images)");
		const [torchPath] = runNotes(root);
		const torchText = readFileSync(torchPath, "utf8");
		expect(runPropertyProblem(splitFrontMatter(torchText).fm!)).toBeNull();
		const torchRun = parseRunNote(torchText)!;
		// CNN Lab's own run of the same block, in the same vault.
		let err = "";
		expect(await runCli(["train", join(root, "Mini.md")], { out: () => undefined, err: (s) => (err += s), cwd: root }), err).toBe(0);
		const labPath = runNotes(root).find((p) => p !== torchPath)!;
		const labRun = parseRunNote(readFileSync(labPath, "utf8"))!;
		expect(labRun.test?.n).toBe(120);
		expect(torchRun.test?.n).toBe(120);
		expect(torchRun.test!.loss).toBeCloseTo(labRun.test!.loss, 4);
		expect(torchRun.test!.acc).toBeCloseTo(labRun.test!.acc, 4);
		expect(torchRun.epochs.length).toBe(labRun.epochs.length);
		// The confusion matrix is the test set's in both notes (120 images, not the 60 held out).
		expect(torchRun.confusion?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(120);
		expect(torchRun.confusion?.matrix).toEqual(labRun.confusion?.matrix);
	});

	it.skipIf(!pilHere)("reads a folder of class subfolders image by image, in CNN Lab's order", async () => {
		const root = vault({ "Shapes.md": note(["input 6x6x1", "flatten", "dense 2", "train pics epochs 2 batch 4 sgd lr 0.5 seed 1 val 0.25"]) });
		// 8 bright and 8 dark PNGs, drawn by Pillow; names sorted as numbers (2.png before 10.png), as CNN Lab sorts them.
		const draw = ["from PIL import Image", "import os", `root = ${JSON.stringify(root)}`, "for cls, v in (('bright', 230), ('dark', 20)):", "    os.makedirs(os.path.join(root, 'pics', cls))", "    for i in range(8):", "        Image.new('L', (12, 12), v + i).save(os.path.join(root, 'pics', cls, '%d.png' % (i * 5)))"].join("\n");
		execFileSync(PY, ["-c", draw]);
		const script = await exportScript(root, "Shapes.md");
		const text = readFileSync(script, "utf8");
		expect(text).toContain('DATA_KIND = "images"');
		expect(text).toContain('    "pics/bright/0.png",\n    "pics/bright/5.png",\n    "pics/bright/10.png",');
		execFileSync(PY, [script, "--vault", root], { encoding: "utf8", timeout: 180_000 });
		const run = parseRunNote(readFileSync(runNotes(root)[0], "utf8"))!;
		expect(run.confusion?.classes).toEqual(["bright", "dark"]);
		expect(run.confusion?.matrix.flat().reduce((a, b) => a + b, 0)).toBe(4);
		expect(run.epochs.length).toBe(2);
	});

	it.skipIf(!sklearnHere)("trains on the same digits as scikit-learn's load_digits (the UCI set, in the same order)", async () => {
		const root = vault({ "Digits.md": note(NET) });
		const script = await exportScript(root, "Digits.md");
		const check = ["import numpy as np, runpy", "from sklearn.datasets import load_digits", `m = runpy.run_path(${JSON.stringify(script)})`, "x, y = m['load_data']('.', False)", "d = load_digits()", "print(x.shape, bool((x.reshape(-1, 64) * 16 == d.data).all()), bool((y == d.target).all()))"].join("\n");
		expect(execFileSync(PY, ["-c", check], { encoding: "utf8", timeout: 180_000 }).trim().split("\n").pop()).toBe("(1797, 1, 8, 8) True True");
	});
});
