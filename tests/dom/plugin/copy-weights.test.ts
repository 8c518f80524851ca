// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { App, Editor, Plugin, Vault, renderCodeBlock, shownNotices } from "../../support/obsidian-stub";
import { registerCommands } from "../../../src/plugin/commands";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import type { CnnLabHost } from "../../../src/plugin/host";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { RunStore } from "../../../src/plugin/runs/run-store";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { Sequential } from "../../../src/engine/model";
import { runWeightsFile } from "../../../src/worker/run-weights";
import { saveSafetensors } from "../../../src/interop/safetensors-weights";
import type { ModelSpec } from "../../../src/engine/model-spec";

type Cmd = { id: string; editorCallback?: (e: Editor, ctx: unknown) => unknown };

const BLOCK = ["input 8x8x1", "conv 4 3x3 pad 1", "batchnorm", "relu", "flatten", "dense 10", "train digits epochs 1 batch 32 adam lr 0.01 seed 7"].join("\n");
const noteWith = (block: string): string => ["# Net", "", "```cnn", block, "```"].join("\n");
const model = parseCnn(BLOCK).model as ModelSpec;

let vault: Vault;
let host: CnnLabHost & Plugin;
let cmds: Map<string, Cmd>;
let clip: string[];

beforeEach(() => {
	vault = new Vault({ "Notes/Net.md": "# Net" });
	const plugin = new Plugin(new App(vault), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "0", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub() }) as unknown as CnnLabHost & Plugin;
	host.load();
	registerCommands(host);
	registerCnnBlock(host);
	cmds = new Map((plugin.commands as Cmd[]).map((c) => [c.id, c]));
	clip = [];
	shownNotices.length = 0;
	Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: vi.fn(async (s: string) => void clip.push(s)) } });
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

const ctx = { file: { basename: "Net", path: "Notes/Net.md" } };

async function copyCommand(block: string): Promise<string> {
	await cmds.get("copy-as-pytorch")?.editorCallback?.(new Editor(noteWith(block), { line: 4, ch: 1 }), ctx);
	expect(clip).toHaveLength(1);
	return clip[0];
}

/** A finished run of BLOCK with its weights kept beside its note; the note's path. */
async function storedRun(): Promise<string> {
	const run = RunStore.begin(host.app as unknown as ObsidianApp, host.settings, { sourcePath: "Notes/Net.md", modelText: BLOCK, dataset: "digits", epochs: 1, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7, now: new Date(2026, 11, 2, 15, 0, 0) });
	await run.epoch({ epoch: 1, loss: 0.5, acc: 0.8, valLoss: 0.6, valAcc: 0.75 });
	const bytes = (id: string): Uint8Array | null => {
		const f = runWeightsFile(model, Sequential.build(model, 1).exportWeights(), id);
		return f.ok ? f.bytes : null;
	};
	expect(await run.saveWeights(bytes)).toBe(true);
	await run.finish("completed", { durationS: 1, samplesPerS: 100 });
	return run.path ?? "";
}

const LOAD = "model.load_state_dict(read_safetensors(weights_path), strict=True)";

describe("Copy as PyTorch with weights", () => {
	it("without weights: the plain export, no loading", async () => {
		const code = await copyCommand(BLOCK);
		expect(code).toMatch(/^model = nn\.Sequential\(/m);
		expect(code).not.toContain("load_state_dict");
	});

	it("the block's latest run kept weights: the script loads its .safetensors by vault path", async () => {
		const note = await storedRun();
		const weights = note.replace(/\.md$/, ".safetensors");
		expect(weights).toBe("CNN runs/Net 2026-12-02 1500.safetensors");
		const code = await copyCommand(BLOCK);
		expect(code).toContain(`weights_path = sys.argv[1] if len(sys.argv) > 1 else "CNN runs/Net 2026-12-02 1500.safetensors"`);
		expect(code).toContain(LOAD);
		expect(code).toContain("# The weights file by its path in the vault: run this script from the vault's folder, or name the file.");
	});

	it("a weights line wins over the run, and the block's button copies the same script", async () => {
		await storedRun();
		const s = saveSafetensors(Sequential.build(model, 2));
		if (!s.ok) throw new Error(s.error);
		await vault.createBinary("Models/trained in torch.safetensors", s.bytes.slice().buffer);
		const block = `${BLOCK}\nweights [[trained in torch.safetensors]]`;
		const code = await copyCommand(block);
		expect(code).toContain(`else "Models/trained in torch.safetensors"`);
		const { el } = await renderCodeBlock(host, "cnn", block, { sourcePath: "Notes/Net.md" });
		el.querySelector<HTMLButtonElement>(".cnn-spec-copy")?.click();
		const t0 = Date.now();
		while (clip.length < 2 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
		// the button copies the network without the note's header, loading the same file
		expect(clip[1]).toContain(`else "Models/trained in torch.safetensors"`);
		expect(clip[1]).toContain(LOAD);
		expect(shownNotices.at(-1)).toBe("PyTorch copied to the clipboard");
	});

	it("a vault path that is not plain text is never written into the script: it asks for the file instead", async () => {
		const s = saveSafetensors(Sequential.build(model, 2));
		if (!s.ok) throw new Error(s.error);
		const bad = 'Models/x"); import os; os.system("echo hi"); ("y.safetensors';
		await vault.createBinary(bad, s.bytes.slice().buffer);
		const code = await copyCommand(`${BLOCK}\nweights ${bad}`);
		expect(code).toContain(LOAD);
		// the path is in the header's comment lines (the block's text) only, never in code
		for (const line of code.split("\n")) if (line.includes("os.system")) expect(line.startsWith("#"), line).toBe(true);
		expect(code).toContain('    sys.exit("usage: python3 this_script.py WEIGHTS.safetensors")');
	});
});
