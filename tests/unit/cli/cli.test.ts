import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { scanNote } from "../../../src/cli/note-blocks";
import { FsNoteStore } from "../../../src/cli/fs-note-store";
import { RunRecorder } from "../../../src/runs/recorder";
import { INLINE_PREFIX } from "../../../src/notation/inline/inline";
import { parseRunNote } from "../../../src/runs/run-note";
import { flatFromSafetensors } from "../../../src/worker/run-weights";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { Sequential } from "../../../src/engine/model";
import { Trainer } from "../../../src/engine/trainer";
import { loadDigits } from "../../../src/data/digits";

function recorder(root: string, when: Date): RunRecorder {
	const settings = { model: "input 8x8x1\ndense 10", dataset: "digits", epochs: 1, batch: 8, optimizer: "sgd", lr: 0.1, weightDecay: 0, seed: 1 };
	return new RunRecorder(new FsNoteStore(root), { runId: "run-1", sourcePath: "lenet.md", settings, folder: "CNN runs", startedAt: when });
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
	let out = "";
	let err = "";
	const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
	return { code, out, err };
}

function vault(files: Record<string, string>, obsidian = true): string {
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-cli-"));
	if (obsidian) mkdirSync(join(root, ".obsidian"));
	for (const [p, text] of Object.entries(files)) {
		mkdirSync(join(root, p, ".."), { recursive: true });
		writeFileSync(join(root, p), text);
	}
	return root;
}

// Line numbers below are counted by hand in this text.
const studyNote = [
	"# Stride and padding", //                                   1
	"", //                                                       2
	"> [!quote] ((input − filter) / stride) + 1", //            3
	"> Checked inline: `cnn: 32 k4 s3 p1`, and `cnn: 32 k4 s3`.", // 4
	"", //                                                       5
	"```cnn", //                                                 6
	"input 32x32x3", //                                          7
	"conv 8 4x4 stride 3 pad 1", //                              8
	"```", //                                                    9
	"", //                                                      10
	"> [!note] depth", //                                       11
	"> ```cnn", //                                              12
	"> input 32x32x3", //                                       13
	"> conv 16 3x3x1", //                                       14
	"> ```", //                                                 15
	"", //                                                      16
	"~~~python", //                                             17
	"s = '`cnn: 1 k9`'", //                                     18
	"~~~", //                                                   19
].join("\n");

const digitsNote = [
	"# Digits", // 1
	"```cnn", // 2
	"input 8x8x1", // 3
	"conv 8 3x3 pad 1", // 4
	"relu", // 5
	"maxpool 2", // 6
	"flatten", // 7
	"dense 10", // 8
	"softmax", // 9
	"train digits epochs 15 batch 32 adam lr 0.01 seed 7", // 10
	"```", // 11
].join("\n");

describe("finding blocks and spans in a note", () => {
	it("finds ```cnn blocks (also in callouts) and inline spans outside fences, with note line numbers", () => {
		const { blocks, inline } = scanNote(studyNote, INLINE_PREFIX);
		expect(blocks.map((b) => [b.index, b.fenceLine])).toEqual([
			[1, 6],
			[2, 12],
		]);
		expect(blocks[1].source).toBe("input 32x32x3\nconv 16 3x3x1");
		expect(inline.map((s) => [s.line, s.source])).toEqual([
			[4, "cnn: 32 k4 s3 p1"],
			[4, "cnn: 32 k4 s3"],
		]);
	});

	it("keeps a longer fence open past a shorter one inside it", () => {
		const { blocks } = scanNote("````cnn\ninput 4x4x1\n```\nrelu\n````\n```cnn\ninput 2x2x1\n```", INLINE_PREFIX);
		expect(blocks.map((b) => b.source)).toEqual(["input 4x4x1\n```\nrelu", "input 2x2x1"]);
	});
});

describe("cnn-lab check", () => {
	it("prints each table with note line numbers and exits 1 when a block has an error", async () => {
		const root = vault({ "Study.md": studyNote });
		const r = await cli(["check", "Study.md"], root);
		expect(r.code).toBe(1);
		// Acceptance 2: ((32 + 2·1 − 4)/3) + 1 = 11, 392 parameters; the conv is on line 8 of the note.
		expect(r.out).toMatch(/^\s+8\s+conv 8 4x4 stride 3 pad 1\s+11×11×8\s+4×4×3 × 8\s+392/m);
		// Acceptance 4 inside the callout: the error on note line 14.
		expect(r.out).toMatch(/Study\.md:14:\d+: error: .*\(1\).*\(3\)/);
		expect(r.out).toContain("Study.md:4:");
		expect(r.out).toMatch(/inline flagged: `cnn: 32 k4 s3` → \(32 − 4\)\/3 \+ 1 = 10\.33/);
		expect(r.out).not.toContain("k9");
	});

	it("a message naming another line of its block names the note's line, as the report's own line numbers do", async () => {
		const note = [
			"# Shapes", // 1
			"```cnn", // 2
			"input 28x28x1", // 3
			"conv 16 3x3 pad 1", // 4
			"maxpool 2", // 5
			"conv 32 3x3 pad 1", // 6
			"maxpool 2", // 7
			"flatten", // 8
			"dense 10", // 9
			"mat1 and mat2 shapes cannot be multiplied (32x1568 and 1050x10)", // 10
			"```", // 11
		].join("\n");
		const r = await cli(["check", "Shapes.md"], vault({ "Shapes.md": note }));
		// the error pasted on note line 10 (block line 8) is explained at the dense row, note line 9
		expect(r.out).toContain("Shapes.md:9:1: error: PyTorch's error (line 10) comes from this layer: Linear(1050, 10) must be Linear(1568, 10)");
	});

	it("--json: per block file, line, layers with [H, W, C], parameters, multiply-adds, receptive field, diagnostics", async () => {
		const root = vault({ "Study.md": studyNote });
		const r = await cli(["check", "Study.md", "--json"], root);
		expect(r.code).toBe(1);
		const reports = JSON.parse(r.out) as Array<Record<string, unknown>>;
		const blocks = reports.filter((x) => x.kind === "cnn") as Array<{ file: string; line: number; input: number[]; layers: Array<{ line: number; output: number[]; parameters: number; multiplyAdds: number; receptiveField: { size: number[]; jump: number[] } }>; diagnostics: Array<{ line: number; severity: string }> }>;
		expect(blocks.map((b) => [b.file, b.line])).toEqual([
			["Study.md", 6],
			["Study.md", 12],
		]);
		const conv = blocks[0].layers[0];
		expect(blocks[0].input).toEqual([32, 32, 3]);
		expect(conv.line).toBe(8);
		expect(conv.output).toEqual([11, 11, 8]);
		expect(conv.parameters).toBe(392);
		// 11·11 outputs × 8 filters × 4·4·3 products each.
		expect(conv.multiplyAdds).toBe(11 * 11 * 8 * 48);
		expect(conv.receptiveField).toEqual({ size: [4, 4], jump: [3, 3] });
		expect(blocks[1].diagnostics.filter((d) => d.severity === "error").map((d) => d.line)).toEqual([14]);
		const inline = reports.filter((x) => x.kind === "inline");
		expect(inline.map((x) => [x.line, x.fits])).toEqual([
			[4, true],
			[4, false],
		]);
	});

	it("walks a folder (skipping .obsidian), and exits 0 when every block is fine", async () => {
		const root = vault({ "a/Digits.md": digitsNote, ".obsidian/Hidden.md": "```cnn\ninput 2x2x1\nconv 1 9x9\n```", "b/Empty.md": "no blocks" });
		const r = await cli(["check", "."], root);
		expect(r.code).toBe(0);
		expect(r.out).toContain("a/Digits.md:2:");
		expect(r.out).not.toContain("Hidden");
		// 8·9 + 8 = 80 and 128·10 + 10 = 1290 parameters; 1370 in all.
		expect(r.out).toMatch(/1370 parameters/);
	});

	it("exits 2 on a missing file or an unknown command", async () => {
		const root = vault({});
		expect((await cli(["check", "nope.md"], root)).code).toBe(2);
		expect((await cli(["frobnicate"], root)).code).toBe(2);
		expect((await cli(["check", "--bogus", "x.md"], root)).code).toBe(2);
	});
});

describe("cnn-lab export", () => {
	it("prints the chosen block as PyTorch or Keras code", async () => {
		const root = vault({ "Study.md": studyNote });
		const py = await cli(["export", "--to", "pytorch", "Study.md"], root);
		expect(py.code).toBe(0);
		expect(py.out).toContain("nn.Conv2d(3, 8, kernel_size=4, stride=3, padding=1)");
		expect(py.out).toContain("assert parameters == 392");
		const keras = await cli(["export", "--to=keras", "Study.md", "--block", "1"], root);
		expect(keras.out).toContain("keras.Input(shape=(32, 32, 3))");
		// ceil(32/3) = 11 needs (11 − 1)·3 + 4 − 32 = 2 padding rows, one each side: exactly pad 1, Keras's 'same'.
		expect(keras.out).toContain('layers.Conv2D(8, (4, 4), strides=(3, 3), padding="same"),  # 11×11×8');
	});

	it("refuses a block with errors (exit 1) and a block that is not there (exit 2)", async () => {
		const root = vault({ "Study.md": studyNote });
		const bad = await cli(["export", "--to", "pytorch", "Study.md", "--block", "2"], root);
		expect(bad.code).toBe(1);
		expect(bad.err).toMatch(/Study\.md:14:/);
		expect((await cli(["export", "--to", "pytorch", "Study.md", "--block", "3"], root)).code).toBe(2);
		expect((await cli(["export", "--to", "tensorflow", "Study.md"], root)).code).toBe(2);
	});
});

describe("cnn-lab train", () => {
	it("trains the acceptance digits net to ≥ 95 % validation accuracy and writes the run note into the vault", async () => {
		const root = vault({ "Notes/Digits.md": digitsNote });
		const r = await cli(["train", "Digits.md", "--json"], join(root, "Notes"));
		expect(r.code).toBe(0);
		const res = JSON.parse(r.out) as { status: string; runNote: string; vault: string; epochs: unknown[]; final: { valAcc: number }; valCount: number };
		expect(res.status).toBe("completed");
		expect(res.vault).toBe(root);
		expect(res.runNote.startsWith("CNN runs/Digits ")).toBe(true);
		expect(res.epochs.length).toBe(15);
		expect(res.final.valAcc).toBeGreaterThanOrEqual(0.95);
		const rec = parseRunNote(readFileSync(join(root, res.runNote), "utf8"));
		expect(rec?.status).toBe("completed");
		expect(rec?.sourcePath).toBe("Notes/Digits.md");
		expect(rec?.epochs.length).toBe(15);
		expect(rec?.settings.seed).toBe(7);
		expect(rec?.epochs[14].valAcc).toBeCloseTo(res.final.valAcc, 5);
		// The final confusion matrix is kept as the plugin keeps it: 10 digits, 20 % of 1 797 held out, and its
		// diagonal is the validation accuracy of the last epoch.
		const conf = rec?.confusion;
		expect(conf?.classes).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
		const total = conf?.matrix.flat().reduce((a, v) => a + v, 0) ?? 0;
		const right = conf?.matrix.reduce((a, row, i) => a + row[i], 0) ?? 0;
		expect(total).toBe(res.valCount);
		expect(right / total).toBeCloseTo(res.final.valAcc, 6);
		// The weights are kept beside the note as safetensors, linked from it; loaded into a fresh network they give
		// the run's validation accuracy again (the same seed holds out the same images).
		const weightsPath = res.runNote.replace(/\.md$/, ".safetensors");
		expect(rec?.weights).toBe(weightsPath);
		const { model, train } = parseCnn(digitsNote.split("\n").slice(2, 10).join("\n"));
		if (!model || !train) throw new Error("the digits note does not parse");
		const loaded = flatFromSafetensors(model, new Uint8Array(readFileSync(join(root, weightsPath))));
		if (!loaded.ok) throw new Error(loaded.errors.join("; "));
		const net = Sequential.build(model, 99);
		net.importWeights(loaded.weights);
		const again = new Trainer(net, loadDigits(), { epochs: 1, batchSize: 32, optimizer: train.optimizer, seed: 7, val: train.val, limit: null });
		const ev = again.evaluateValidation();
		expect(ev.acc).toBeCloseTo(res.final.valAcc, 6);
	});

	it("uses the vault's runs folder setting, the note's folder when there is no vault, and the same seed gives the same curve", async () => {
		const short = digitsNote.replace("epochs 15", "epochs 2");
		const root = vault({ "N.md": short, ".obsidian/plugins/cnn-lab/data.json": JSON.stringify({ runsFolder: "Logs/CNN" }) });
		const a = JSON.parse((await cli(["train", "N.md", "--json"], root)).out) as { runNote: string; epochs: Array<{ loss: number }> };
		expect(a.runNote.startsWith("Logs/CNN/N ")).toBe(true);
		const bare = vault({ "N.md": short }, false);
		const b = JSON.parse((await cli(["train", "N.md", "--json"], bare)).out) as { runNote: string; epochs: Array<{ loss: number }> };
		expect(existsSync(join(bare, b.runNote))).toBe(true);
		expect(b.epochs.map((e) => e.loss)).toEqual(a.epochs.map((e) => e.loss));
	});

	it("records a schedule, patience, the best epoch and an early stop in the run note, as the plugin does", async () => {
		const note = digitsNote.replace(/train digits [^\n]*/, "train digits epochs 60 batch 32 adam lr 0.05 seed 5 limit 200 schedule step 2 0.9 patience 2");
		const root = vault({ "N.md": note });
		const r = JSON.parse((await cli(["train", "N.md", "--json"], root)).out) as { runNote: string };
		const rec = parseRunNote(readFileSync(join(root, r.runNote), "utf8"));
		if (!rec) throw new Error("no run note");
		const vals = rec.epochs.map((e) => e.valLoss ?? Infinity);
		expect(rec.epochs.length).toBeLessThan(60);
		expect(rec.earlyStop).toBe(true);
		expect(rec.bestEpoch).toBe(rec.epochs[vals.indexOf(Math.min(...vals))].epoch);
		expect(rec.settings.schedule).toBe("step 2 0.9");
		expect(rec.settings.patience).toBe(2);
	});

	it("refuses a run over the vault's limits before training, naming the setting", async () => {
		// 100 epochs of 3 · 5888 multiply-adds · 1438 samples at 5e8 a second ≈ 5 s, over a 1 s limit.
		const root = vault({ "N.md": digitsNote.replace("epochs 15", "epochs 100"), ".obsidian/plugins/cnn-lab/data.json": JSON.stringify({ maxRunSeconds: 1 }) });
		const r = await cli(["train", "N.md"], root);
		expect(r.code).toBe(1);
		expect(r.err).toContain("Longest run (seconds)");
		expect(existsSync(join(root, "CNN runs"))).toBe(false);
	});

	it("says what is missing: no train line, a dataset outside the vault", async () => {
		const root = vault({ "A.md": "```cnn\ninput 8x8x1\nflatten\ndense 10\n```", "B.md": digitsNote.replace("train digits", "train ../../etc/data.csv") });
		const a = await cli(["train", "A.md"], root);
		expect(a.code).toBe(1);
		expect(a.err).toContain("no train line");
		const b = await cli(["train", "B.md"], root);
		expect(b.code).toBe(1);
		expect(b.err).toMatch(/inside the vault|outside/);
	});
});

describe("run note file", () => {
	it("never overwrites a file it did not write: takes the next free name", async () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-runs-"));
		const when = new Date(2026, 10, 25, 14, 12, 9);
		mkdirSync(join(dir, "CNN runs"));
		writeFileSync(join(dir, "CNN runs", "lenet 2026-11-25 1412.md"), "my own note");
		const r = recorder(dir, when);
		await r.write();
		expect(r.path).toBe("CNN runs/lenet 2026-11-25 141209.md");
		expect(readFileSync(join(dir, "CNN runs", "lenet 2026-11-25 1412.md"), "utf8")).toBe("my own note");
		// Replaced by the user while the run goes on: the next write goes elsewhere and leaves theirs.
		const first = join(dir, "CNN runs", "lenet 2026-11-25 141209.md");
		writeFileSync(first, "replaced by the user");
		await r.write();
		expect(r.path).toBe("CNN runs/lenet 2026-11-25 141209 2.md");
		expect(readFileSync(first, "utf8")).toBe("replaced by the user");
		expect(readdirSync(join(dir, "CNN runs")).filter((n) => n.endsWith(".tmp"))).toEqual([]);
	});

	it("reports a runs folder that is a file", async () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-runs-"));
		writeFileSync(join(dir, "CNN runs"), "a file");
		await expect(recorder(dir, new Date()).write()).rejects.toThrow(/is a file/);
	});
});
