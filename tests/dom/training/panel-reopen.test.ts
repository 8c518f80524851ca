// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { parseRunNote } from "../../../src/runs/run-note";
import { installFakeCanvas } from "./fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

const net = (train: string): string => ["input 8x8x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", train].join("\n");

let host: CnnLabHost & Plugin;
let vault: Vault;

beforeEach(() => {
	vault = new Vault({ "Notes/CNN.md": "# CNN" });
	const app = new App(vault);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	// As main.ts does: runs belong to the plugin, and its unload ends them.
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

async function render(source: string): Promise<{ el: HTMLElement; child: Component }> {
	const { el, children } = await renderCodeBlock(host, "cnn", source, { sourcePath: "Notes/CNN.md" });
	return { el, child: children[0] };
}

const button = (el: HTMLElement, cls: string): HTMLButtonElement => el.querySelector(`button.${cls}`) as HTMLButtonElement;
const runNotes = (): string[] => vault.getFiles().filter((f) => f.path.startsWith("CNN runs/") && f.extension === "md").map((f) => f.path);
async function noteText(): Promise<string> {
	const files = runNotes();
	const f = files.length === 1 ? vault.getFileByPath(files[0]) : null;
	return f ? vault.read(f) : "";
}

/** The confusion table as the reader sees it: column names, row names and the counts. */
function shownConfusion(el: HTMLElement): { cols: string[]; rows: string[]; counts: number[][]; acc: string[] } {
	const table = el.querySelector(".cnn-lab-confusion-table");
	if (!table) throw new Error("no confusion table");
	const cols = [...table.querySelectorAll("thead th:not(.cnn-lab-confusion-acc)")].slice(1).map((th) => th.textContent ?? "");
	const trs = [...table.querySelectorAll("tbody tr")];
	return {
		cols,
		rows: trs.map((tr) => tr.querySelector("th")?.textContent ?? ""),
		counts: trs.map((tr) => [...tr.querySelectorAll("td:not(.cnn-lab-confusion-acc)")].map((td) => Number(td.textContent))),
		acc: trs.map((tr) => tr.querySelector("td.cnn-lab-confusion-acc")?.textContent ?? ""),
	};
}

/** The Markdown table under "## Confusion matrix" in the note body: rows of counts, without the class column. */
function markdownCounts(text: string): number[][] {
	const at = text.indexOf("## Confusion matrix");
	expect(at).toBeGreaterThan(0);
	const rows = text
		.slice(at)
		.split("\n")
		.filter((l) => l.startsWith("| **"));
	return rows.map((l) =>
		l
			.split("|")
			.slice(2, -1)
			.map((c) => Number(c.trim())),
	);
}

describe("a reopened training block shows its last run's results", () => {
	it("the confusion matrix comes back from the run note with the counts the run showed and the note holds", async () => {
		const source = net("train digits epochs 2 batch 32 adam lr 0.01 seed 5 limit 300");
		const first = await render(source);
		button(first.el, "cnn-lab-train").click();
		await until(() => first.el.querySelector(".cnn-lab-confusion-table") !== null);
		const live = shownConfusion(first.el);
		await until(async () => parseRunNote(await noteText())?.status === "completed");
		const text = await noteText();
		first.child.unload();

		// The note keeps it twice: machine-readable in the cnn-log block, readable as a table in the vault.
		const stored = parseRunNote(text)?.confusion;
		expect(stored?.classes).toEqual(live.cols);
		expect(stored?.matrix).toEqual(live.counts);
		expect(markdownCounts(text)).toEqual(live.counts);
		// Every validation sample is counted once: 20% of 300.
		expect(live.counts.flat().reduce((a, b) => a + b, 0)).toBe(60);

		const again = await render(source);
		await until(() => again.el.querySelector(".cnn-lab-confusion-table") !== null);
		expect(again.el.querySelector(".cnn-lab-progress")).toBeNull();
		expect(host.training.running).toBe(0);
		const reopened = shownConfusion(again.el);
		expect(reopened.cols).toEqual(live.cols);
		expect(reopened.rows).toEqual(live.cols);
		expect(reopened.counts).toEqual(markdownCounts(text));
		// Per-class accuracy: the diagonal over the row's total, from the note's own counts.
		const expected = markdownCounts(text).map((row, i) => {
			const n = row.reduce((a, b) => a + b, 0);
			return n === 0 ? "–" : `${((100 * row[i]) / n).toFixed(1)} %`;
		});
		expect(reopened.acc).toEqual(expected);
	});

	it("a run note written before matrices were kept still reopens, with curves and no matrix", async () => {
		const source = net("train digits epochs 2 batch 32 adam lr 0.01 seed 5 limit 300");
		const first = await render(source);
		button(first.el, "cnn-lab-train").click();
		await until(async () => parseRunNote(await noteText())?.status === "completed");
		first.child.unload();
		// Strip what this version adds, leaving the note as an older version wrote it.
		const path = runNotes()[0];
		const file = vault.getFileByPath(path);
		if (!file) throw new Error("no note");
		const old = (await vault.read(file)).replace(/# confusion\n[\s\S]*?(?=```)/, "").replace(/## Confusion matrix[\s\S]*$/, "");
		await vault.modify(file, old);
		expect(parseRunNote(old)?.confusion).toBeUndefined();

		const again = await render(source);
		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null);
		await new Promise((r) => setTimeout(r, 50));
		expect(again.el.querySelector(".cnn-lab-training-status")?.textContent).toMatch(/Latest run/);
		expect(again.el.querySelector(".cnn-lab-confusion-table")).toBeNull();
	});
});

describe("the Concurrent training runs setting", () => {
	const long = (seed: number): string => net(`train digits epochs 200 batch 16 sgd lr 0.05 seed ${seed}`);
	const busy = (el: HTMLElement): boolean => (el.querySelector(".cnn-lab-progress-text")?.textContent ?? "") !== "" && !/Waiting/.test(el.querySelector(".cnn-lab-progress-text")?.textContent ?? "");

	it("defaults to one: a second block waits for the first", async () => {
		expect(host.settings.maxConcurrentRuns).toBe(1);
		const a = await render(long(3));
		const b = await render(long(4));
		button(a.el, "cnn-lab-train").click();
		button(b.el, "cnn-lab-train").click();
		await until(() => busy(a.el));
		await new Promise((r) => setTimeout(r, 100));
		expect(b.el.querySelector(".cnn-lab-progress-text")?.textContent).toMatch(/Waiting/);
		expect(host.training.running).toBe(1);
		expect(host.training.queuedCount).toBe(1);
		host.training.stopAll();
		await until(() => host.training.running === 0);
	});

	it("at two, two blocks train at the same time", async () => {
		host.settings.maxConcurrentRuns = 2;
		const a = await render(long(3));
		const b = await render(long(4));
		button(a.el, "cnn-lab-train").click();
		button(b.el, "cnn-lab-train").click();
		await until(() => busy(a.el) && busy(b.el));
		expect(host.training.running).toBe(2);
		expect(host.training.queuedCount).toBe(0);
		expect(b.el.querySelector(".cnn-lab-progress-text")?.textContent).not.toMatch(/Waiting/);
		host.training.stopAll();
		await until(() => host.training.running === 0);
	});
});
