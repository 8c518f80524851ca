/**
 * Issue 16's Numbers: does batch norm help the W4 net on Fashion-MNIST, in CNN Lab and in PyTorch?
 *
 *   npm run bench:fashion-bn
 *
 * SEEDS=5 by default; FASHION_MNIST_DIR=… where the four .gz files are; ENGINES=cnnlab or ENGINES=torch runs one
 * side only (both by default).
 *
 * The protocol: the first 10 000 training images, the first 2 000 test images, the W4 net of `npm run bench`
 * with and without `batchnorm` after each conv, Adam lr 1e-3, batch 32, 3 epochs, no validation split; the test
 * accuracy on the final weights, over several seeds. CNN Lab trains the block's text through the parser, the
 * Trainer and the engine the plugin uses. PyTorch (where /usr/bin/python3 has torch) runs the script CNN Lab
 * exports for the same block (model and make_optimizer), with a data loop added here. Prints mean ± sd (sample
 * standard deviation) of each. A benchmark, not a test: nothing passes or fails.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCnn } from "../../src/notation/cnn/parse";
import { loadIdx, FASHION_MNIST_CLASSES } from "../../src/data/idx";
import { subset, type Dataset } from "../../src/data/dataset";
import { Sequential } from "../../src/engine/model";
import { Trainer } from "../../src/engine/trainer";
import { createEngineContext } from "../../src/engine/context";
import { createJsBackend } from "../../src/engine/backend";
import { simdBackendSync } from "../../src/engine/wasm";
import { toPyTorch } from "../../src/interop/export/pytorch";
import type { ModelSpec } from "../../src/engine/model-spec";
import type { TrainSpec } from "../../src/notation/cnn/types";

const SEEDS = Number(process.env.SEEDS ?? 5);
const TRAIN_N = 10_000;
const TEST_N = 2_000;
const EPOCHS = 3;
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const ENGINES = (process.env.ENGINES ?? "cnnlab,torch").split(",");
const DIRS = [process.env.FASHION_MNIST_DIR, "/usr/share/datasets/fashion-mnist"].filter((d): d is string => !!d);

/** The W4 net of tests/bench/run.ts in the cnn language, with or without batch norm after each conv. */
export function block(bn: boolean, seed: number): string {
	const norm = bn ? ["batchnorm"] : [];
	return [
		"input 28x28x1",
		"conv 8 5x5 pad 2",
		...norm,
		"relu",
		"maxpool 2",
		"conv 16 5x5",
		...norm,
		"relu",
		"maxpool 2",
		"flatten",
		"dense 64",
		"relu",
		"dense 10",
		"softmax",
		`train mnist epochs ${EPOCHS} batch 32 adam lr 0.001 val 0 seed ${seed}`,
	].join("\n");
}

function parsed(bn: boolean, seed: number): { model: ModelSpec; train: TrainSpec } {
	const p = parseCnn(block(bn, seed));
	const errors = p.diagnostics.filter((d) => d.severity === "error");
	if (!p.model || !p.train || errors.length) throw new Error(`the block does not parse: ${errors.map((d) => d.message).join("; ")}`);
	return { model: p.model, train: p.train };
}

function dataDir(): string {
	const d = DIRS.find((x) => existsSync(join(x, "train-images-idx3-ubyte.gz")));
	if (!d) throw new Error(`Fashion-MNIST not found in ${DIRS.join(", ")} (Debian: apt install dataset-fashion-mnist; or set FASHION_MNIST_DIR)`);
	return d;
}

async function load(dir: string, prefix: string, n: number): Promise<Dataset> {
	const ds = await loadIdx(readFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`)), readFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`)), { name: `fashion ${prefix}`, classNames: FASHION_MNIST_CLASSES, lang: "en" });
	return subset(ds, Int32Array.from({ length: n }, (_, i) => i));
}

function ours(bn: boolean, seed: number, train: Dataset, test: Dataset): number {
	const { model, train: t } = parsed(bn, seed);
	const ctx = createEngineContext({ backend: simdBackendSync() ?? createJsBackend() });
	const net = Sequential.build(model, seed, ctx);
	const trainer = new Trainer(net, train, { epochs: t.epochs, batchSize: t.batch, optimizer: t.optimizer, seed, val: t.val, test });
	while (!trainer.finished)
		for (const e of trainer.step()) {
			if (e.kind === "failed") throw new Error(e.message);
			if (e.kind === "done" && e.test) return e.test.acc;
		}
	throw new Error("the run ended without a test result");
}

/** The data loop added to the exported script: the same images, shuffled each epoch, CrossEntropyLoss on the scores. */
function torchHarness(dir: string, seed: number): string {
	return `
import gzip, numpy as np
torch.set_num_threads(1)
def idx(path, offset):
    with gzip.open(path, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=offset)
D = ${JSON.stringify(dir)}
xtr = torch.tensor(idx(D + "/train-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)[:${TRAIN_N}] / 255.0, dtype=torch.float32)
ytr = torch.tensor(idx(D + "/train-labels-idx1-ubyte.gz", 8)[:${TRAIN_N}].astype(np.int64))
xte = torch.tensor(idx(D + "/t10k-images-idx3-ubyte.gz", 16).reshape(-1, 1, 28, 28)[:${TEST_N}] / 255.0, dtype=torch.float32)
yte = torch.tensor(idx(D + "/t10k-labels-idx1-ubyte.gz", 8)[:${TEST_N}].astype(np.int64))
# nn.CrossEntropyLoss wants the class scores: the exported Softmax is left out while training and testing.
scores = model[:-1] if isinstance(model[-1], nn.Softmax) else model
optimizer = make_optimizer(model)
loss_fn = nn.CrossEntropyLoss()
g = torch.Generator().manual_seed(${seed})
for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(xtr), generator=g)
    for i in range(0, len(xtr), BATCH):
        b = order[i:i + BATCH]
        optimizer.zero_grad()
        loss = loss_fn(scores(xtr[b]), ytr[b])
        loss.backward()
        optimizer.step()
model.eval()
with torch.no_grad():
    acc = (scores(xte).argmax(1) == yte).float().mean().item()
print("test_acc", acc)
`;
}

function hasTorch(): boolean {
	return spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" }).status === 0;
}

function torchRun(bn: boolean, seed: number, dir: string, work: string): number {
	const { model, train } = parsed(bn, seed);
	const script = `import torch\ntorch.manual_seed(${seed})\n` + toPyTorch(model, { train: { epochs: train.epochs, batch: train.batch, optimizer: train.optimizer } }) + torchHarness(dir, seed);
	const file = join(work, `w4-${bn ? "bn" : "plain"}-${seed}.py`);
	writeFileSync(file, script);
	const r = spawnSync(PYTHON, [file], { encoding: "utf8", maxBuffer: 1 << 24 });
	const m = /test_acc ([\d.]+)/.exec(r.stdout);
	if (r.status !== 0 || !m) throw new Error(`PyTorch run failed: ${r.stderr.slice(-2000)}`);
	return Number(m[1]);
}

function meanSd(v: number[]): string {
	const mean = v.reduce((a, b) => a + b, 0) / v.length;
	const sd = v.length > 1 ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) : 0;
	return `${(mean * 100).toFixed(2)} % ± ${(sd * 100).toFixed(2)}`;
}

async function main(): Promise<void> {
	const dir = dataDir();
	const train = await load(dir, "train", TRAIN_N);
	const test = await load(dir, "t10k", TEST_N);
	const cnnlab = ENGINES.includes("cnnlab");
	const torch = ENGINES.includes("torch") && hasTorch();
	const work = mkdtempSync(join(tmpdir(), "cnn-fashion-bn-"));
	const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1);
	const rows: { name: string; accs: number[] }[] = [
		{ name: "CNN Lab, W4", accs: [] },
		{ name: "CNN Lab, W4 + batchnorm", accs: [] },
		{ name: "PyTorch (exported script), W4", accs: [] },
		{ name: "PyTorch (exported script), W4 + batchnorm", accs: [] },
	];
	const t0 = performance.now();
	try {
		for (const seed of seeds) {
			for (const bn of [false, true]) {
				if (cnnlab) {
					const a = ours(bn, seed, train, test);
					rows[bn ? 1 : 0].accs.push(a);
					process.stderr.write(`seed ${seed} CNN Lab ${bn ? "bn" : "plain"}: ${(a * 100).toFixed(2)} % (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
				}
				if (torch) {
					const b = torchRun(bn, seed, dir, work);
					rows[bn ? 3 : 2].accs.push(b);
					process.stderr.write(`seed ${seed} PyTorch ${bn ? "bn" : "plain"}: ${(b * 100).toFixed(2)} %\n`);
				}
			}
		}
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
	const lines = [
		`Fashion-MNIST, first ${TRAIN_N} training / ${TEST_N} test images, Adam 1e-3, batch 32, ${EPOCHS} epochs, seeds ${seeds.join(", ")}: test accuracy, mean ± sd`,
		"",
		"| net | test accuracy | per seed |",
		"|---|---|---|",
		...rows.filter((r) => r.accs.length > 0).map((r) => `| ${r.name} | ${meanSd(r.accs)} | ${r.accs.map((a) => (a * 100).toFixed(1)).join(", ")} |`),
		"",
		torch || !ENGINES.includes("torch") ? "" : `(PyTorch not measured: ${PYTHON} has no torch.)`,
		`Total ${((performance.now() - t0) / 1000).toFixed(0)} s.`,
	];
	process.stdout.write(lines.join("\n") + "\n");
}

main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
