// @vitest-environment jsdom
/**
 * The absurd specs of issue 7, typed into a note: each is refused at once, in the block, with its numbers and
 * what governs them (the setting to change, or the language's own bound on that line), and nothing is allocated
 * or started: no worker, no run slot, no run note, and no buffer of the sizes it names.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { liveWorkerCount } from "../../../src/plugin/training/worker-client";
import { makeHost, renderBlock, unloadBlock, type Host, type Lang } from "./harness";
import { Vault } from "../../support/obsidian-stub";
import { heldBufferBytes } from "../../support/buffer-growth";

let host: Host;
let vault: Vault;

beforeEach(() => {
	vault = new Vault({ "note.md": "# note" });
	host = makeHost(vault);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

/** Renders, presses Train when there is one, and returns what the block says and the buffer bytes left held. */
async function refuse(lang: Lang, source: string): Promise<{ text: string; bytes: number; trained: boolean }> {
	const before = heldBufferBytes();
	const r = await renderBlock(host, lang, source, "note.md");
	const train = r.el.querySelector<HTMLButtonElement>("button.cnn-lab-train");
	train?.click();
	const bytes = heldBufferBytes() - before;
	const text = (r.el.textContent ?? "").replace(/\s+/g, " ");
	const trained = host.training.running > 0 || liveWorkerCount() > 0 || vault.getFiles().some((f) => f.path.startsWith("CNN runs/"));
	unloadBlock(host, r);
	return { text, bytes, trained };
}

/** A rendered block's own buffers (a table, an icon) are kilobytes; the refused models would be gigabytes. */
const BOUNDED = 16 << 20;

const TAIL = "relu\nflatten\ndense 10\nsoftmax\ntrain digits epochs 5";

describe("absurd sizes are refused with their numbers and the setting that governs them", () => {
	it("input 100000x100000x3: the activation memory, in the table's units against the limit, and its setting", async () => {
		const r = await refuse("cnn", `input 100000x100000x3\nconv 8 3x3\n${TAIL}`);
		// 2 (forward + backward) × 4 bytes × 32 samples × (3 + 8 + 8 + …) × ~1e10 values: some 1e8 MB, far over 512;
		// so far that no setting could allow it: the setting is named, not advised. Said in TB, as the table's
		// total is ("62.9 TB for a training batch"), not as "7.8e7 MB"
		expect(r.text).toMatch(/Not trained\. .*Training needs [\d.]+ TB per batch: [\d.]+ TB of activations \(forward and backward\) and [\d.]+ TB for the convolutions' padded inputs and column matrices; the limit is 512 MB \(“Activation memory per batch \(MB\)”\)/);
		// the activations' part is the table's total, word for word
		const table = /([\d.]+ TB) for a training batch of 32/.exec(r.text)?.[1];
		expect(table).toBeDefined();
		expect(r.text).toContain(`: ${table} of activations`);
		expect(r.text).not.toMatch(/\de\d+ MB/);
		expect(r.text).not.toContain("Change “Activation memory per batch (MB)” in the settings");
		expect(r.text.match(/Make the network smaller/g)).toHaveLength(1);
		expect(r.trained).toBe(false);
		expect(r.bytes).toBeLessThan(BOUNDED);
	});

	it("says so as soon as the block renders, before Train is pressed", async () => {
		const r = await renderBlock(host, "cnn", "input 224x224x3\nconv 64 3x3 pad 1\nrelu\nflatten\ndense 10\ntrain digits epochs 5", "note.md");
		const text = (r.el.textContent ?? "").replace(/\s+/g, " ");
		unloadBlock(host, r);
		// 224·224·64·3·3·… : the dense layer alone has 224·224·64·10 + 10 = 32 112 650 parameters, over 5 000 000
		expect(text).toMatch(/Not trained\. .*32 112 650|Not trained\. .*3\.2e7/);
		expect(text).toContain("Change “Largest model (parameters)” in the settings");
		expect(host.training.running).toBe(0);
	});

	it("conv 100000 99x99: 2.9e9 parameters against 5 000 000, and its setting", async () => {
		const r = await refuse("cnn", "input 100000x100000x3\nconv 100000 99x99\ntrain digits epochs 5");
		// 99·99·3·100000 weights + 100000 biases = 2 940 400 000
		expect(r.text).toMatch(/The model has 2\.9e9 parameters \(11\.0 GB\); the limit is 5 000 000 \(“Largest model \(parameters\)”\)/);
		// the table's total says 11.0 GB as well
		expect(r.text).toContain("2 940 400 000 parameters (11.0 GB as float32)");
		expect(r.text).toContain("about 4.0e7 years");
		expect(r.text).not.toContain("Change “Largest model (parameters)” in the settings");
		expect(r.trained).toBe(false);
		expect(r.bytes).toBeLessThan(BOUNDED);
	});

	it("dense 1000000000: the language's bound, on its line, before any model exists", async () => {
		const r = await refuse("cnn", "input 28x28x1\nflatten\ndense 1000000000\nsoftmax\ntrain digits");
		expect(r.text).toMatch(/line 3 units 1000000000 is too large: at most 1000000/);
		expect(r.text).not.toMatch(/Train again|Training needs/);
		expect(r.trained).toBe(false);
		expect(r.bytes).toBeLessThan(BOUNDED);
	});

	it("dense 1000000 (inside the language) on 28×28: 785 million parameters, refused by the setting", async () => {
		const r = await refuse("cnn", "input 28x28x1\nflatten\ndense 1000000\nsoftmax\ntrain digits");
		// 784 · 1 000 000 + 1 000 000 = 785 000 000
		expect(r.text).toMatch(/The model has 7\.[89]e8 parameters \(2\.92 GB\); the limit is 5 000 000/);
		// 2 · 4 bytes · 32 · (784 + 784 + 1e6 + 1e6) = 512.4 MB: just over 512, and it must read so.
		expect(r.text).toMatch(/Training needs 512\.4 MB of activations per batch .*the limit is 512 MB/);
		expect(r.text).toContain("“Largest model (parameters)”");
		expect(r.trained).toBe(false);
	});

	it("train digits epochs 1e9: refused on its line with the range", async () => {
		const r = await refuse("cnn", `input 8x8x1\nconv 4 3x3\n${TAIL.replace("epochs 5", "epochs 1e9")}`);
		expect(r.text).toMatch(/line 7 epochs must be between 1 and 10000, not 1e9/);
		expect(r.trained).toBe(false);
	});

	it("the most epochs the language allows on a big net: refused by the time estimate and its setting", async () => {
		const r = await refuse("cnn", `input 8x8x1\nconv 256 3x3 pad 1\nconv 256 3x3 pad 1\n${TAIL.replace("epochs 5", "epochs 10000")}`);
		expect(r.text).toMatch(/The run would take about [\d.]+ (h|days|years); the limit is 30 min/);
		expect(r.text).toContain("“Longest run (seconds)”");
		expect(r.trained).toBe(false);
	});

	it("a 50 MB matrix pasted into cnn-conv: the size and the bound, at once", async () => {
		const row = "1 2 3 4 5 6 7 8 9 0 ".repeat(500);
		const source = `input\n${`${row}\n`.repeat(5000)}kernel\n1`;
		expect(source.length).toBeGreaterThan(50_000_000);
		const r = await refuse("cnn-conv", source);
		expect(r.text).toMatch(/line 1: This block has 50,005,\d{3} characters; cnn-conv reads at most 200,000/);
		expect(r.bytes).toBeLessThan(BOUNDED);
	});

	it("the limits are settings: raise one and the same model trains (the refusal was the setting, not the model)", async () => {
		const source = "input 8x8x1\nconv 4 3x3\nrelu\nflatten\ndense 10\nsoftmax\ntrain digits epochs 1";
		host.settings.maxParameters = 100;
		const refused = await refuse("cnn", source);
		// 3·3·1·4 + 4 + 6·6·4·10 + 10 = 1 490 parameters, 5 960 bytes = 5.82 KB, as the table's total says
		expect(refused.text).toMatch(/The model has 1 490 parameters \(5\.82 KB\); the limit is 100\. Change “Largest model \(parameters\)” in the settings/);
		host.settings.maxParameters = 5_000_000;
		const ok = await refuse("cnn", source);
		expect(ok.text).not.toContain("Not trained");
	});
});
