// @vitest-environment jsdom
/**
 * The proof of one recorder: `cnn-lab train` (in-process, on a vault folder on disk) and the plugin (through the
 * Obsidian stub, worker off, as tests/dom/training/panel.test.ts runs it) write the same run note, byte for byte,
 * for the same block and seed, once the run's id and its times are masked.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { runCli } from "../../../src/cli/run";
import { installFakeCanvas } from "../training/fake-canvas";

beforeAll(() => installFakeCanvas());

const BLOCK = ["input 8x8x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 2 batch 32 adam lr 0.01 seed 11 limit 300"].join("\n");
const NOTE = `# CNN\n\n\`\`\`cnn\n${BLOCK}\n\`\`\`\n`;

/** What differs between two runs of the same block and seed: the id, the start time, the time taken and the speed. */
function masked(note: string): string {
	return note
		.replace(/^run_id: .*$/m, "run_id: <id>")
		.replace(/^date: .*$/m, "date: <date>")
		.replace(/^duration_s: .*$/m, "duration_s: <s>")
		.replace(/^samples_per_s: .*$/m, "samples_per_s: <n>")
		.replace(/\d{4}-\d{2}-\d{2}[ T]\d{2}[.:-]?\d{2}(?:[.:-]?\d{2})?/g, "<time>");
}

let dir: string | null = null;
afterEach(() => {
	if (dir) rmSync(dir, { recursive: true, force: true });
	dir = null;
});

async function cliNote(): Promise<string> {
	dir = mkdtempSync(join(tmpdir(), "cnn-lab-same-note-"));
	mkdirSync(join(dir, ".obsidian"));
	mkdirSync(join(dir, "Notes"));
	writeFileSync(join(dir, "Notes", "CNN.md"), NOTE);
	const err: string[] = [];
	const code = await runCli(["train", "Notes/CNN.md"], { out: () => undefined, err: (s) => err.push(s), cwd: dir });
	expect(err.join("")).toBe("");
	expect(code).toBe(0);
	const names = readdirSync(join(dir, DEFAULT_SETTINGS.runsFolder)).filter((n) => n.endsWith(".md"));
	expect(names).toHaveLength(1);
	return readFileSync(join(dir, DEFAULT_SETTINGS.runsFolder, names[0]), "utf8");
}

async function pluginNote(): Promise<string> {
	const vault = new Vault({ "Notes/CNN.md": NOTE });
	const app = new App(vault);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	const host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
	try {
		const { el } = await renderCodeBlock(host, "cnn", BLOCK, { sourcePath: "Notes/CNN.md" });
		(el.querySelector("button.cnn-lab-train") as HTMLButtonElement).click();
		const runs = (): string[] => vault.getFiles().filter((f) => f.path.startsWith(`${DEFAULT_SETTINGS.runsFolder}/`) && f.extension === "md").map((f) => f.path);
		for (;;) {
			const files = runs();
			const f = files.length === 1 ? vault.getFileByPath(files[0]) : null;
			const text = f ? await vault.read(f) : "";
			// The last write of a finished run: its confusion table follows the log.
			if (/^status: completed$/m.test(text) && text.includes("## ") && host.training.running === 0) return text;
			await new Promise((r) => setTimeout(r, 20));
		}
	} finally {
		host.unload();
		document.body.empty();
	}
}

describe("one recorder for cnn-lab train and the plugin", () => {
	it("writes the same run note for the same block and seed (id and times masked)", async () => {
		const fromCli = await cliNote();
		const fromPlugin = await pluginNote();
		// Both trained and wrote a whole note: two epoch rows with numbers, a confusion matrix.
		expect(fromCli).toMatch(/^status: completed$/m);
		expect(fromCli).toMatch(/^epochs_done: 2$/m);
		expect(fromCli).toMatch(/^val_acc: 0\.\d+$/m);
		expect(masked(fromPlugin)).toBe(masked(fromCli));
	}, 120000);
});
