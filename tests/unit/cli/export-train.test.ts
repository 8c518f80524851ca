/**
 * `cnn-lab export --to pytorch --train`: the script's embedded split is the one CNN Lab's trainer makes for the same
 * seed (read back from the script's text and compared with a real Trainer on the data `cnn-lab train` uses), the
 * built-in digits are written beside it as the bundled set, and vault data are named by their vault paths.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { loadDigits } from "../../../src/data/digits";
import { subset } from "../../../src/data/dataset";
import { resizeImages } from "../../../src/data/fit";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { Sequential } from "../../../src/engine/model";
import { Trainer } from "../../../src/engine/trainer";
import { fitDataset } from "../../../src/worker/datasets";

function vault(files: Record<string, string | Uint8Array>): string {
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-export-train-"));
	mkdirSync(join(root, ".obsidian"));
	for (const [p, text] of Object.entries(files)) {
		mkdirSync(join(root, p, ".."), { recursive: true });
		writeFileSync(join(root, p), text);
	}
	return root;
}

async function exportTrain(root: string, note: string, out: string | null): Promise<{ code: number; out: string; err: string }> {
	let o = "";
	let e = "";
	const args = ["export", "--to", "pytorch", "--train", join(root, note), ...(out ? ["--out", out] : [])];
	const code = await runCli(args, { out: (s) => (o += s), err: (s) => (e += s), cwd: root });
	return { code, out: o, err: e };
}

/** A Python list of integers the script defines, read back from its text. */
function pyInts(script: string, name: string): number[] {
	const m = new RegExp(`^${name} = \\[\\n([\\s\\S]*?)^\\]`, "m").exec(script);
	if (!m) throw new Error(`${name} not in the script`);
	return m[1].split(/[,\s]+/).filter((s) => s !== "").map(Number);
}

function block(lines: string[]): string {
	return ["# Net", "", "```cnn", ...lines, "```", ""].join("\n");
}

/** CNN Lab's split as `cnn-lab train` makes it: the data fitted to the input, then the trainer's own split. */
function trainerSplit(source: string): { trainer: Trainer; fitted: ReturnType<typeof fitDataset>["dataset"] } {
	const parsed = parseCnn(source);
	const model = parsed.model!;
	const train = parsed.train!;
	const seed = train.seed ?? 0;
	const fitted = fitDataset(loadDigits(), model, "en", { count: train.limit, seed }).dataset;
	const trainer = new Trainer(Sequential.build(model, seed), fitted, { epochs: 1, batchSize: train.batch, optimizer: train.optimizer, seed, val: train.val, limit: train.limit });
	return { trainer, fitted };
}

describe("cnn-lab export --to pytorch --train", () => {
	it("embeds the validation indices and the training order CNN Lab's trainer uses for the seed", async () => {
		for (const seed of [7, 123]) {
			const lines = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", `train digits epochs 2 batch 32 adam lr 0.01 seed ${seed}`];
			const root = vault({ "net.md": block(lines) });
			const r = await exportTrain(root, "net.md", join(root, "train.py"));
			expect(r.code, r.err).toBe(0);
			const script = readFileSync(join(root, "train.py"), "utf8");
			const { trainer } = trainerSplit(lines.join("\n"));
			expect(pyInts(script, "VAL_INDICES")).toEqual(Array.from(trainer.valIndices));
			expect(pyInts(script, "TRAIN_ORDER")).toEqual(Array.from(trainer.trainIndices));
			expect(trainer.valIndices.length).toBe(359);
			expect(script).toContain(`SEED = ${seed}`);
		}
	});

	it("maps the split through a limit whose images are resized first (indices into the data as read)", async () => {
		const lines = ["input 12x12x1", "conv 4 3x3", "relu", "flatten", "dense 10", "train digits epochs 1 batch 16 sgd lr 0.1 seed 5 limit 300 val 0.25"];
		const root = vault({ "net.md": block(lines) });
		const r = await exportTrain(root, "net.md", join(root, "train.py"));
		expect(r.code, r.err).toBe(0);
		const script = readFileSync(join(root, "train.py"), "utf8");
		const { trainer, fitted } = trainerSplit(lines.join("\n"));
		const raw = loadDigits();
		for (const [name, theirs] of [["TRAIN_ORDER", trainer.trainIndices], ["VAL_INDICES", trainer.valIndices]] as const) {
			const ours = pyInts(script, name);
			expect(ours.length).toBe(theirs.length);
			// The same image: the one the trainer takes from its fitted data is the raw one the script takes, resized.
			const resized = resizeImages(subset(raw, ours), 12, 12, "en");
			for (let k = 0; k < ours.length; k++) {
				expect(raw.y[ours[k]]).toBe(fitted.y[theirs[k]]);
				expect(resized.x.subarray(k * 144, (k + 1) * 144)).toEqual(fitted.x.subarray(theirs[k] * 144, (theirs[k] + 1) * 144));
			}
		}
		expect(script).toContain("LIMIT = 300");
	});

	it("writes the bundled digits beside the script, in the bundled (UCI) order with their 0..16 values", async () => {
		const root = vault({ "net.md": block(["input 8x8x1", "flatten", "dense 10", "train digits epochs 1 batch 32 sgd lr 0.1"]) });
		const r = await exportTrain(root, "net.md", join(root, "out", "..", "train.py"));
		expect(r.code, r.err).toBe(0);
		const rows = readFileSync(join(root, "digits.csv"), "utf8").trim().split("\n");
		const digits = loadDigits();
		expect(rows.length).toBe(digits.n + 1);
		for (const i of [0, 1, 900, digits.n - 1]) {
			const cells = rows[i + 1].split(",").map(Number);
			expect(cells[0]).toBe(digits.y[i]);
			expect(cells.slice(1).map((v) => v / 16)).toEqual(Array.from(digits.x.subarray(i * 64, (i + 1) * 64)));
		}
	});

	it("names vault data by their vault paths, an IDX pair as images then labels", async () => {
		const n = 40;
		const images = new Uint8Array(16 + n * 4);
		images.set([0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 2, 0, 0, 0, 2]);
		const labels = new Uint8Array(8 + n);
		labels.set([0, 0, 8, 1, 0, 0, 0, n]);
		for (let i = 0; i < n; i++) labels[8 + i] = i % 2;
		const root = vault({
			"data/mini/train-images-idx3-ubyte": images,
			"data/mini/train-labels-idx1-ubyte": labels,
			"notes/net.md": block(["input 2x2x1", "flatten", "dense 2", "train data/mini epochs 1 batch 8 sgd lr 0.1"]),
		});
		const r = await exportTrain(root, "notes/net.md", null);
		expect(r.code, r.err).toBe(0);
		expect(r.out).toContain('DATA_KIND = "idx"');
		expect(r.out).toContain('DATA_PATHS = ["data/mini/train-images-idx3-ubyte", "data/mini/train-labels-idx1-ubyte"]');
		expect(r.out).toContain('SOURCE_LINK = "[[notes/net]]"');
		expect(pyInts(r.out, "VAL_INDICES").length).toBe(8);
	});

	it("refuses a block without a train line, and --out without --train", async () => {
		const root = vault({ "net.md": block(["input 8x8x1", "flatten", "dense 10"]) });
		const r = await exportTrain(root, "net.md", null);
		expect(r.code).toBe(1);
		expect(r.err).toContain("no train line");
		let err = "";
		const code = await runCli(["export", "--to", "pytorch", "--out", "x.py", join(root, "net.md")], { out: () => undefined, err: (s) => (err += s), cwd: root });
		expect(code).toBe(2);
		expect(err).toContain("--out goes with --train");
	});

	it("writes the PyTorch and the Keras training scripts as the golden files show them", async () => {
		const lines = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 15 batch 32 adam lr 0.01 seed 7 limit 60 schedule step 5 0.5 patience 3 augment shift 1"];
		for (const to of ["pytorch", "keras"]) {
			const root = vault({ "Digits.md": block(lines) });
			let out = "";
			const code = await runCli(["export", "--to", to, "--train", join(root, "Digits.md")], { out: (s) => (out += s), err: () => undefined, cwd: root });
			expect(code).toBe(0);
			expect(out).toContain(to === "keras" ? "net.fit(batches, epochs=EPOCHS" : "train_module = DistributedDataParallel(");
			expect(out).toContain(`FRAMEWORK = "${to}"`);
			expect(out).toContain(`RUN_TITLE = "Digits ${to === "keras" ? "Keras" : "PyTorch"}"`);
			await expect(out).toMatchFileSnapshot(join(__dirname, "../../golden/export", `digits-train.${to}.py`));
		}
	});
});
