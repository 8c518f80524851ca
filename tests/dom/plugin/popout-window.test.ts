// @vitest-environment jsdom
/**
 * Notes shown in a pop-out window live in that window's document. An <iframe> stands in for the pop-out here: it
 * is a second window with its own document, timers and constructors, as an Obsidian pop-out is. What a block does
 * there over time (chart redraws, size changes, a cnn-log refresh, printing) must use that window, not the main one.
 * (jsdom's frame timers run on the main window's, so only calls to the pop-out's own setTimeout can be told apart.)
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, installDomHelpers, renderCodeBlock } from "../../support/obsidian-stub";
import { LineChartView } from "../../../src/render/charts/line-chart";
import { registerLogBlock, type LogBlockChild } from "../../../src/plugin/log-block";
import { registerPrintSnapshotsInWindows } from "../../../src/plugin/print";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";

type PopoutWindow = Window & typeof globalThis;
let popout: PopoutWindow;
let frame: HTMLIFrameElement;
/** ResizeObservers made by the pop-out window, with what each one watches. */
let observers: { watched: Element[] }[];

beforeEach(() => {
	frame = document.body.createEl("iframe");
	popout = frame.contentWindow as PopoutWindow;
	installDomHelpers(popout);
	// jsdom has no canvas backend: a canvas without a context draws nothing, quietly.
	popout.HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement["getContext"];
	observers = [];
	popout.ResizeObserver = class {
		readonly watched: Element[] = [];
		constructor() {
			observers.push(this);
		}
		observe(el: Element): void {
			this.watched.push(el);
		}
		unobserve(): void {}
		disconnect(): void {}
	} as unknown as typeof ResizeObserver;
});

afterEach(() => {
	vi.restoreAllMocks();
	frame.remove();
});

describe("blocks in a pop-out window", () => {
	it("a chart watches its size with the pop-out's ResizeObserver and redraws on the pop-out's timers", () => {
		const popoutTimers = vi.spyOn(popout, "setTimeout");
		const parent = popout.document.body.createDiv();
		const chart = new LineChartView(parent, { title: "Loss", xLabel: "epoch", yLabel: "loss", series: [{ label: "training", color: 0 }] });
		chart.push(0, 1, 0.5);
		expect(observers).toHaveLength(1);
		expect(observers[0].watched[0]?.ownerDocument).toBe(popout.document);
		expect(popoutTimers).toHaveBeenCalled();
		chart.destroy();
	});

	it("a cnn-log block refreshes on the pop-out's timer when a run note changes", async () => {
		const app = new App(new Vault({ "CNN runs/a.md": "# not a run yet" }));
		const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
		plugin.load();
		const host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub() });
		registerLogBlock(host as unknown as CnnLabHost);
		const { children } = await renderCodeBlock(plugin, "cnn-log", "folder CNN runs", { parent: popout.document.body.createDiv() });
		await (children[0] as unknown as LogBlockChild).ready;
		const popoutTimers = vi.spyOn(popout, "setTimeout");
		const file = app.vault.getFileByPath("CNN runs/a.md");
		if (!file) throw new Error("the run note is missing");
		await app.vault.modify(file, "# still not a run");
		expect(popoutTimers).toHaveBeenCalledTimes(1);
		plugin.unload();
	});

	it("printing from a pop-out window gets image copies of its canvases, until the window closes", () => {
		const app = new App(new Vault({}));
		const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
		plugin.load();
		registerPrintSnapshotsInWindows(plugin as unknown as ObsidianPlugin);
		const canvas = popout.document.body.createDiv({ cls: "block-language-cnn-log" }).createEl("canvas");
		canvas.width = 40;
		canvas.height = 20;
		canvas.toDataURL = () => "data:image/png;base64,AAAA";
		app.workspace.trigger("window-open", {}, popout);
		popout.dispatchEvent(new popout.Event("beforeprint"));
		expect(popout.document.querySelectorAll("img.cnn-lab-print-snapshot")).toHaveLength(1);
		popout.dispatchEvent(new popout.Event("afterprint"));
		expect(popout.document.querySelectorAll("img")).toHaveLength(0);
		// closed: its listeners are gone (and so is the plugin's hold on the window)
		app.workspace.trigger("window-close", {}, popout);
		popout.dispatchEvent(new popout.Event("beforeprint"));
		expect(popout.document.querySelectorAll("img")).toHaveLength(0);
		plugin.unload();
	});
});
