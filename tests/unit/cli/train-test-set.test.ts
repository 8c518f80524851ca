/**
 * `cnn-lab train` with `test mnist` and `augment`: a vault whose mnist folder holds a train and a t10k IDX pair
 * (the built-in 8×8 digits written as IDX bytes, split in two), the run note recording the test set's numbers apart
 * from validation, and the same seed repeating an augmented run exactly.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { loadDigits } from "../../../src/data/digits";
import { parseRunNote } from "../../../src/runs/run-note";
import { splitFrontMatter } from "../../../src/runs/yaml";

function idx(dims: number[], data: ArrayLike<number>): Uint8Array {
	const out = new Uint8Array(4 + 4 * dims.length + data.length);
	out[2] = 0x08;
	out[3] = dims.length;
	const view = new DataView(out.buffer);
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
	out.set(Array.from(data), 4 + 4 * dims.length);
	return out;
}

const roots: string[] = [];
afterAll(() => {
	for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A vault with mnist/{train,t10k}-{images,labels} made of the digits: the first 1200 to train on, the rest to test. */
function vault(train: string): string {
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-testset-cli-"));
	roots.push(root);
	mkdirSync(join(root, ".obsidian"));
	mkdirSync(join(root, "mnist"));
	const d = loadDigits();
	const cut = 1200;
	const bytes = (from: number, to: number): Uint8Array => Uint8Array.from(d.x.subarray(from * 64, to * 64), (v) => Math.round(v * 255));
	writeFileSync(join(root, "mnist/train-images-idx3-ubyte"), idx([cut, 8, 8], bytes(0, cut)));
	writeFileSync(join(root, "mnist/train-labels-idx1-ubyte"), idx([cut], d.y.subarray(0, cut)));
	writeFileSync(join(root, "mnist/t10k-images-idx3-ubyte"), idx([d.n - cut, 8, 8], bytes(cut, d.n)));
	writeFileSync(join(root, "mnist/t10k-labels-idx1-ubyte"), idx([d.n - cut], d.y.subarray(cut)));
	writeFileSync(join(root, "Net.md"), ["```cnn", "input 8x8", "flatten", "dense 32", "relu", "dense 10", train, "```", ""].join("\n"));
	return root;
}

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
	let out = "";
	let err = "";
	const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
	return { code, out, err };
}

function runNote(root: string): string {
	const dir = join(root, "CNN runs");
	const [name] = readdirSync(dir).filter((f) => f.endsWith(".md"));
	return readFileSync(join(dir, name), "utf8");
}

describe("cnn-lab train with a test set", () => {
	it("trains on the train pair, tests on the t10k pair once at the end, and the run note records test_loss and test_acc apart from validation", async () => {
		const root = vault("train mnist test mnist epochs 4 batch 32 adam lr 0.01 seed 3");
		const r = await cli(["train", "Net.md"], root);
		expect(r.err).toBe("");
		expect(r.code).toBe(0);
		expect(r.out).toMatch(/960 training and 240 validation, 597 test images/);
		expect(r.out).toMatch(/test set \(597 images\): test_loss [\d.]+ {2}test_acc [\d.]+%/);
		const text = runNote(root);
		const fm = splitFrontMatter(text).fm as Record<string, unknown>;
		expect(fm.test_n).toBe(597);
		expect(typeof fm.test_acc).toBe("number");
		expect(fm.test_acc as number).toBeGreaterThan(0.6);
		expect(typeof fm.val_acc).toBe("number");
		const rec = parseRunNote(text);
		expect(rec?.test?.n).toBe(597);
		// the confusion matrix kept is the test set's: its counts add up to the test images
		const total = (rec?.confusion?.matrix ?? []).flat().reduce((a, b) => a + b, 0);
		expect(total).toBe(597);
	});

	it("with augment, the same seed repeats the run exactly and another seed does not", async () => {
		const line = (seed: number): string => `train mnist test mnist epochs 2 batch 32 adam lr 0.01 seed ${seed} augment shift 1 rotate 10 noise 0.02`;
		const acc = async (seed: number): Promise<unknown[]> => {
			const root = vault(line(seed));
			const r = await cli(["train", "Net.md", "--json"], root);
			expect(r.code).toBe(0);
			const j = JSON.parse(r.out) as { epochs: { loss: number; valLoss: number }[]; test: { acc: number; loss: number } };
			return [j.epochs.map((e) => [e.loss, e.valLoss]), j.test.loss, j.test.acc];
		};
		const a = await acc(4);
		expect(await acc(4)).toEqual(a);
		expect(await acc(5)).not.toEqual(a);
	});

	it("a folder with no test files of its own is refused with the reason", async () => {
		const root = vault("train mnist test mnist epochs 1");
		rmSync(join(root, "mnist/t10k-images-idx3-ubyte"));
		rmSync(join(root, "mnist/t10k-labels-idx1-ubyte"));
		const r = await cli(["train", "Net.md"], root);
		expect(r.code).toBe(1);
		expect(r.err).toContain("a test set needs data of its own");
	});
});
