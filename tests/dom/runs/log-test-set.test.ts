// @vitest-environment jsdom
/** The ```cnn-log run table: runs trained with a test set get test loss and accuracy rows, apart from validation. */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerLogBlock, LogBlockChild } from "../../../src/plugin/log-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { formatRunNote } from "../../../src/runs/run-note";
import type { RunRecord, TestMetrics } from "../../../src/runs/run-record";
import { setLanguage } from "../../../src/i18n";
import { installFakeCanvas } from "../training/fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";

beforeAll(() => installFakeCanvas());

function runNote(id: string, lr: number, test: TestMetrics | null): string {
	const r: RunRecord = {
		runId: id,
		status: "completed",
		date: "2026-11-25T10:00:00.000Z",
		sourcePath: "Notes/CNN.md",
		settings: { model: "input 28x28x1\nconv 8 3x3\nrelu\nflatten\ndense 10\ntrain mnist test mnist", dataset: "mnist", epochs: 1, batch: 32, optimizer: "adam", lr, weightDecay: 0, seed: 1 },
		durationS: 2,
		samplesPerS: 500,
		epochs: [{ epoch: 1, loss: 0.4, acc: 0.88, valLoss: 0.35, valAcc: 0.9 }],
		batches: [],
		...(test ? { test } : {}),
	};
	return formatRunNote(r);
}

let host: CnnLabHost & Plugin;
const made: Component[] = [];

function setup(files: Record<string, string>): void {
	const app = new App(new Vault({ "Notes/CNN.md": "# CNN", ...files }));
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	registerLogBlock(host as unknown as CnnLabHost & ObsidianPlugin);
}

afterEach(() => {
	setLanguage("en");
	for (const c of made) c.unload();
	made.length = 0;
	host.unload();
});

async function table(source: string): Promise<Map<string, string[]> & { el?: HTMLElement }> {
	const { el, children } = await renderCodeBlock(host as unknown as Plugin, "cnn-log", source, { sourcePath: "Notes/Compare.md" });
	await (children[0] as unknown as LogBlockChild).ready;
	made.push(children[0]);
	const rows: Map<string, string[]> & { el?: HTMLElement } = new Map<string, string[]>();
	rows.el = el;
	for (const tr of el.querySelectorAll(".cnn-lab-log-table tbody tr")) {
		const cells = [...tr.children].map((c) => c.textContent ?? "");
		rows.set(cells[0], cells.slice(1));
	}
	return rows;
}

describe("```cnn-log: the test set in the run table", () => {
	it("shows test loss and accuracy (with the test set's size) beside validation, the best test accuracy marked", async () => {
		setup({
			"CNN runs/a.md": runNote("a", 0.01, { loss: 0.31, acc: 0.912, n: 10000 }),
			"CNN runs/b.md": runNote("b", 0.001, { loss: 0.42, acc: 0.874, n: 10000 }),
		});
		const rows = await table("runs [[CNN runs/a]] [[CNN runs/b]]");
		expect(rows.get("Final validation accuracy")).toEqual(["90.0 %", "90.0 %"]);
		expect(rows.get("Test accuracy")).toEqual(["91.2 % (10000 images)", "87.4 % (10000 images)"]);
		expect(rows.get("Test loss")).toEqual(["0.31", "0.42"]);
		const testRow = [...(rows.el?.querySelectorAll(".cnn-lab-log-table tbody tr") ?? [])].find((tr) => tr.firstElementChild?.textContent === "Test accuracy");
		expect([...(testRow?.querySelectorAll("td") ?? [])].map((td) => td.classList.contains("cnn-lab-log-best"))).toEqual([true, false]);
	});

	it("has no test rows when no run had a test set, and an empty cell for a run without one", async () => {
		setup({ "CNN runs/a.md": runNote("a", 0.01, null), "CNN runs/b.md": runNote("b", 0.001, null), "CNN runs/c.md": runNote("c", 0.1, { loss: 0.5, acc: 0.8, n: 2000 }) });
		const none = await table("runs [[CNN runs/a]] [[CNN runs/b]]");
		expect(none.has("Test accuracy")).toBe(false);
		expect(none.has("Test loss")).toBe(false);
		const some = await table("runs [[CNN runs/a]] [[CNN runs/c]]");
		expect(some.get("Test accuracy")).toEqual(["", "80.0 % (2000 images)"]);
	});

	it("words the rows in Chinese", async () => {
		setLanguage("zh");
		setup({ "CNN runs/a.md": runNote("a", 0.01, { loss: 0.31, acc: 0.912, n: 10000 }) });
		const rows = await table("runs [[CNN runs/a]]");
		expect(rows.get("测试准确率")).toEqual(["91.2 % (10000 张图像)"]);
	});
});
