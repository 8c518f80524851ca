// @vitest-environment jsdom
/**
 * The bridge's round trip as a user sees it: a block trained by `cnn-lab train` and by the exported PyTorch script
 * (run under Debian's torch) into one vault, and a ```cnn-log block over the runs folder overlays both runs, their
 * curves holding each note's numbers and both confusion matrices shown.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import { registerLogBlock, LogBlockChild } from "../../../src/plugin/log-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { runCli } from "../../../src/cli/run";
import { parseRunNote } from "../../../src/runs/run-note";
import { installFakeCanvas } from "../training/fake-canvas";

const PY = "/usr/bin/python3";
const torchHere = spawnSync(PY, ["-c", "import torch"], { stdio: "ignore" }).status === 0;
const BLOCK = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 3 batch 32 adam lr 0.01 seed 7"];

/** The vault's files after both runs: the note and the two run notes. */
const files: Record<string, string> = {};

beforeAll(async () => {
	installFakeCanvas();
	if (!torchHere) return;
	const root = mkdtempSync(join(tmpdir(), "cnn-lab-bridge-log-"));
	mkdirSync(join(root, ".obsidian"));
	const note = ["# Digits", "", "```cnn", ...BLOCK, "```", ""].join("\n");
	writeFileSync(join(root, "Digits.md"), note);
	const io = { out: (): void => undefined, err: (): void => undefined, cwd: root };
	expect(await runCli(["train", join(root, "Digits.md")], io)).toBe(0);
	expect(await runCli(["export", "--to", "pytorch", "--train", join(root, "Digits.md"), "--out", join(root, "train.py")], io)).toBe(0);
	execFileSync(PY, [join(root, "train.py"), "--vault", root], { stdio: "ignore", timeout: 180_000 });
	files["Digits.md"] = note;
	for (const f of readdirSync(join(root, "CNN runs")).filter((n) => n.endsWith(".md"))) files[`CNN runs/${f}`] = readFileSync(join(root, "CNN runs", f), "utf8");
}, 240_000);

describe.skipIf(!torchHere)("a PyTorch run in ```cnn-log", () => {
	it("is overlaid with CNN Lab's run of the same block: curves, table and confusion matrices", async () => {
		const app = new App(new Vault(files));
		const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
		const host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
		host.load();
		registerLogBlock(host as unknown as CnnLabHost & ObsidianPlugin);
		const { el, children } = await renderCodeBlock(host as unknown as Plugin, "cnn-log", "folder CNN runs", { sourcePath: "Compare.md" });
		const child = children[0] as unknown as LogBlockChild;
		await child.ready;
		const notes = Object.keys(files).filter((p) => p.startsWith("CNN runs/"));
		expect(notes.length).toBe(2);
		const torchNote = notes.find((p) => p.includes("PyTorch"))!;
		const torchRun = parseRunNote(files[torchNote])!;
		const series = child.view?.lossChart?.series() ?? [];
		expect(series.length).toBe(4);
		// The same settings: the runs keep their notes' names, and the PyTorch one says so.
		expect(series.filter((s) => s.label.includes("PyTorch")).length).toBe(2);
		// Same settings: the framework (read from the note's `framework` key) tells the two runs apart.
		expect(series.filter((s) => s.label.startsWith("PyTorch")).length).toBe(2);
		expect(series.filter((s) => s.label.startsWith("CNN Lab")).length).toBe(2);
		const torchTraining = series.find((s) => s.label.includes("PyTorch") && s.label.endsWith("training"));
		expect(torchTraining?.points.map((p) => p.y)).toEqual(torchRun.epochs.map((e) => e.loss));
		// Both confusion matrices are drawn, one per run.
		expect(el.querySelectorAll(".cnn-lab-log-confusion-item").length).toBe(2);
		expect(el.querySelector(".cnn-lab-error")).toBeNull();
		host.unload();
	});
});
