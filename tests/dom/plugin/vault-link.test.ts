// @vitest-environment jsdom
/**
 * The links CNN Lab draws to notes (a run's name in ```cnn-log, "Run log saved to …" under a training block) act
 * like Obsidian's: click opens, Mod-click and middle click open a new tab, hovering asks for the page preview.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp, Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { registerLogBlock, type LogBlockChild } from "../../../src/plugin/log-block";
import { createVaultLink, HOVER_SOURCE, registerVaultLinks } from "../../../src/plugin/vault-link";
import { mountSaveStatus } from "../../../src/plugin/runs/save-status";
import { RunStore } from "../../../src/plugin/runs/run-store";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { formatRunNote } from "../../../src/runs/run-note";

beforeAll(() => installFakeCanvas());

const model = "input 8x8x1\nconv 8 3x3 pad 1\nrelu\nflatten\ndense 10\ntrain digits epochs 1 batch 32 adam lr 0.01 seed 7";
const runNote = formatRunNote({
	runId: "a",
	status: "completed",
	date: "2026-11-25T10:00:00.000Z",
	sourcePath: "Notes/CNN.md",
	settings: { model, dataset: "digits", epochs: 1, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7 },
	durationS: 3,
	samplesPerS: 1000,
	epochs: [{ epoch: 1, loss: 0.5, acc: 0.8, valLoss: 0.6, valAcc: 0.78 }],
	batches: [],
});

let app: App;
let plugin: Plugin;
let hovers: Record<string, unknown>[];

beforeEach(() => {
	app = new App(new Vault({ "Notes/CNN.md": "# CNN", "CNN runs/a.md": runNote }));
	plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	plugin.load();
	hovers = [];
	app.workspace.on("hover-link", (info) => void hovers.push(info as Record<string, unknown>));
});

afterEach(() => {
	plugin.unload();
	document.body.empty();
});

/** Clicks as the user does: plain, with Ctrl (Mod on Linux and Windows), and with the middle button. */
function clickAllWays(a: HTMLElement): void {
	a.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0 }));
	a.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, button: 0, ctrlKey: true }));
	a.dispatchEvent(new MouseEvent("auxclick", { bubbles: true, cancelable: true, button: 1 }));
	// a right click (auxclick with button 2) opens nothing: it is the context menu's
	a.dispatchEvent(new MouseEvent("auxclick", { bubbles: true, cancelable: true, button: 2 }));
}

describe("vault links", () => {
	it("CNN Lab is a page-preview source that previews without a modifier, like note links", () => {
		registerVaultLinks(plugin as unknown as ObsidianPlugin);
		expect(plugin.hoverLinkSources.get(HOVER_SOURCE)).toEqual({ display: "CNN Lab", defaultMod: false });
	});

	it("a run's name in ```cnn-log opens its note, in a new tab with Mod or the middle button, and previews on hover", async () => {
		const host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub() });
		registerLogBlock(host as unknown as CnnLabHost);
		const { el, children } = await renderCodeBlock(plugin, "cnn-log", "runs [[CNN runs/a]]", { sourcePath: "Notes/Compare.md" });
		const child = children[0] as unknown as LogBlockChild;
		await child.ready;
		const a = el.querySelector<HTMLAnchorElement>("th a.internal-link");
		expect(a?.textContent).toBe("a");
		expect(a?.getAttribute("data-href")).toBe("CNN runs/a.md");
		clickAllWays(a!);
		expect(app.workspace.opened).toEqual([
			{ linktext: "CNN runs/a.md", sourcePath: "Notes/Compare.md", newLeaf: false },
			{ linktext: "CNN runs/a.md", sourcePath: "Notes/Compare.md", newLeaf: "tab" },
			{ linktext: "CNN runs/a.md", sourcePath: "Notes/Compare.md", newLeaf: "tab" },
		]);
		a!.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
		expect(hovers).toHaveLength(1);
		expect(hovers[0]).toMatchObject({ source: HOVER_SOURCE, linktext: "CNN runs/a.md", sourcePath: "Notes/Compare.md", targetEl: a });
		// by identity: a deep comparison would walk into the block's chart.js charts, whose option proxies it cannot read
		expect(hovers[0].hoverParent).toBe(child);
		expect(hovers[0].event).toBeInstanceOf(MouseEvent);
	});

	it("'Run log saved to …' links the run note the same way", async () => {
		const run = RunStore.begin(app as unknown as ObsidianApp, { runsFolder: "CNN runs" }, {
			sourcePath: "Notes/CNN.md", modelText: model, dataset: "digits", epochs: 1, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7, now: new Date(2026, 10, 25, 14, 12, 5),
		});
		const parent = document.body.createDiv();
		const hoverParent = { hoverPopover: null };
		mountSaveStatus(parent, run, (p, text, path) => createVaultLink(app as unknown as ObsidianApp, p, text, { linktext: path, sourcePath: "Notes/CNN.md" }, hoverParent));
		await run.epoch({ epoch: 1, loss: 0.5, acc: 0.8, valLoss: 0.6, valAcc: 0.78 });
		const a = parent.querySelector<HTMLAnchorElement>("a.internal-link");
		expect(a?.textContent).toBe("CNN runs/CNN 2026-11-25 1412");
		clickAllWays(a!);
		expect(app.workspace.opened.map((o) => [o.linktext, o.newLeaf])).toEqual([
			["CNN runs/CNN 2026-11-25 1412.md", false],
			["CNN runs/CNN 2026-11-25 1412.md", "tab"],
			["CNN runs/CNN 2026-11-25 1412.md", "tab"],
		]);
		a!.dispatchEvent(new MouseEvent("mouseover", { bubbles: true }));
		expect(hovers[0]).toMatchObject({ source: HOVER_SOURCE, linktext: "CNN runs/CNN 2026-11-25 1412.md", hoverParent });
	});
});
