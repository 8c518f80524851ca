// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App, Editor, Platform, Plugin, Vault, renderCodeBlock, shownNotices } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import { registerCommands } from "../../../src/plugin/commands";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { registerTrainingStatus } from "../../../src/plugin/training/status-bar";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { setLanguage } from "../../../src/i18n";
import { installFakeCanvas } from "./fake-canvas";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

const block = (train: string): string => ["input 8x8x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", train].join("\n");
const LONG = block("train digits epochs 200 batch 16 sgd lr 0.05 seed 3");
const SHORT = block("train digits epochs 2 batch 32 adam lr 0.01 seed 5 limit 300");
const note = (source: string): string => ["# CNN", "", "```cnn", source, "```", ""].join("\n");

type Cmd = { id: string; checkCallback?: (checking: boolean) => boolean | void; editorCallback?: (e: Editor, ctx: unknown) => unknown };
let host: CnnLabHost & Plugin;
let app: App;
let cmds: Map<string, Cmd>;

function setup(): void {
	app = new App(new Vault({ "Notes/CNN.md": "# CNN" }));
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
	registerCommands(host);
	registerTrainingStatus(host);
	cmds = new Map((plugin.commands as Cmd[]).map((c) => [c.id, c]));
}

beforeEach(() => {
	setLanguage("en");
	shownNotices.length = 0;
});

afterEach(() => {
	host.unload();
	Platform.isMobile = false;
	setLanguage("en");
	document.body.empty();
});

/** Runs "Train the block under the cursor" with the cursor on the block's second line. */
const trainCommand = (source: string): unknown => cmds.get("train-block-under-cursor")?.editorCallback?.(new Editor(note(source), { line: 4, ch: 1 }), { file: { path: "Notes/CNN.md" } });

describe("the status bar and the training commands", () => {
	it("the command trains the block under the cursor; the status bar says how far it is, opens the note, and goes at the end", async () => {
		setup();
		const item = host.statusBarItems[0];
		expect(item.hasClass("cnn-lab-status--idle")).toBe(true);
		const stop = cmds.get("stop-all-training");
		expect(stop?.checkCallback?.(true)).toBe(false);

		trainCommand(LONG);
		expect(shownNotices.at(-1)).toBe("Training the block in CNN.");
		expect(item.hasClass("cnn-lab-status--idle")).toBe(false);
		await until(() => /epoch/.test(item.textContent ?? ""));
		expect(item.textContent).toMatch(/^CNN Lab: epoch \d+\/200 · \d+ %$/);
		const run = host.training.activeRuns()[0];
		const p = run.lastProgress;
		if (!p) throw new Error("no progress");
		setLanguage("zh");
		await until(() => /轮/.test(item.textContent ?? ""));
		expect(item.textContent).toMatch(/^CNN Lab：第 \d+\/200 轮 · \d+ %$/);
		setLanguage("en");

		// The block, rendered now, shows the run the command started.
		const { el } = await renderCodeBlock(host, "cnn", LONG, { sourcePath: "Notes/CNN.md" });
		expect(el.querySelector(".cnn-lab-progress")).not.toBeNull();
		expect(el.querySelector<HTMLButtonElement>("button.cnn-lab-train")?.disabled).toBe(true);

		item.click();
		expect(app.workspace.opened.at(-1)?.linktext).toBe("Notes/CNN.md");

		expect(stop?.checkCallback?.(true)).toBe(true);
		stop?.checkCallback?.(false);
		expect(shownNotices.at(-1)).toBe("Stopped 1 training runs.");
		await until(() => item.hasClass("cnn-lab-status--idle"));
		expect(item.textContent).toBe("");
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Stopped after/);
		expect(stop?.checkCallback?.(true)).toBe(false);
	});

	it("the command says why when the cursor is not in a trainable block", () => {
		setup();
		cmds.get("train-block-under-cursor")?.editorCallback?.(new Editor("# nothing here", { line: 0, ch: 0 }), { file: { path: "Notes/CNN.md" } });
		expect(shownNotices.at(-1)).toMatch(/cursor inside a ```cnn block/);
		trainCommand(block("").trimEnd());
		expect(shownNotices.at(-1)).toMatch(/no train line/);
		expect(host.training.running).toBe(0);
	});

	it("on mobile there is no status bar; a run that ends while no block shows it says so in a Notice", async () => {
		Platform.isMobile = true;
		setup();
		expect(host.statusBarItems).toHaveLength(0);
		trainCommand(SHORT);
		await until(() => shownNotices.some((n) => n.startsWith("CNN Lab · CNN")));
		expect(shownNotices.at(-1)).toBe("CNN Lab · CNN: Completed: 2 of 2 epochs");

		// With the block on show, the block itself says it: no Notice.
		shownNotices.length = 0;
		const { el } = await renderCodeBlock(host, "cnn", SHORT.replace("seed 5", "seed 6"), { sourcePath: "Notes/CNN.md" });
		el.querySelector<HTMLButtonElement>("button.cnn-lab-train")?.click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(shownNotices.filter((n) => n.startsWith("CNN Lab ·"))).toEqual([]);
	});
});
