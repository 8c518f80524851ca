// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerLogBlock, LogBlockChild } from "../../../src/plugin/log-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { formatRunNote } from "../../../src/runs/run-note";
import type { ConfusionRecord, RunRecord } from "../../../src/runs/run-record";
import { setLanguage } from "../../../src/i18n";
import { installFakeCanvas } from "../training/fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";

// Counts how many run notes have their tables parsed (the costly part a big folder must not pay for every note).
const parses = vi.hoisted(() => ({ n: 0 }));
vi.mock("../../../src/runs/run-note", async (importOriginal) => {
	const m = await importOriginal<typeof import("../../../src/runs/run-note")>();
	return {
		...m,
		parseRunNote: (text: string) => {
			parses.n++;
			return m.parseRunNote(text);
		},
	};
});

beforeAll(() => installFakeCanvas());

const model = "input 8x8x1\nconv 4 3x3\nrelu\nflatten\ndense 4\ntrain digits epochs 2 batch 16 adam lr 0.01";
const classes = ["0", "1", "2", "3"];
// Rows: true digit, columns: predicted.
const matA = [
	[9, 0, 1, 0],
	[0, 8, 0, 2],
	[1, 0, 7, 4],
	[0, 3, 0, 9],
];
const matB = [
	[10, 0, 0, 0],
	[0, 9, 1, 0],
	[0, 0, 11, 1],
	[0, 1, 0, 11],
];

function runNote(id: string, date: string, confusion?: ConfusionRecord, status: RunRecord["status"] = "completed"): string {
	const r: RunRecord = {
		runId: id,
		status,
		date,
		sourcePath: "Notes/CNN.md",
		settings: { model, dataset: "digits", epochs: 2, batch: 16, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 1 },
		durationS: 2,
		samplesPerS: 500,
		epochs: [
			{ epoch: 1, loss: 1.1, acc: 0.6, valLoss: 1.0, valAcc: 0.62 },
			{ epoch: 2, loss: 0.7, acc: 0.8, valLoss: 0.75, valAcc: 0.79 },
		],
		batches: [],
		...(confusion ? { confusion } : {}),
	};
	return formatRunNote(r);
}

const hour = (h: number): string => `2026-11-25T${String(h).padStart(2, "0")}:00:00.000Z`;

let host: CnnLabHost & Plugin;
let app: App;
const made: Component[] = [];

function setup(files: Record<string, string>): void {
	app = new App(new Vault({ "Notes/CNN.md": "# CNN", ...files }));
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	registerLogBlock(host as unknown as CnnLabHost & ObsidianPlugin);
}

beforeEach(() => {
	setup({
		"CNN runs/a.md": runNote("a", hour(10), { classes, matrix: matA }),
		"CNN runs/b.md": runNote("b", hour(11), { classes, matrix: matB }),
		"CNN runs/old.md": runNote("old", hour(9)),
	});
});

afterEach(() => {
	setLanguage("en");
	for (const c of made) c.unload();
	made.length = 0;
	host.unload();
});

async function render(source: string): Promise<{ el: HTMLElement; child: LogBlockChild }> {
	const { el, children } = await renderCodeBlock(host as unknown as Plugin, "cnn-log", source, { sourcePath: "Notes/Compare.md" });
	const child = children[0] as unknown as LogBlockChild;
	await child.ready;
	made.push(children[0]);
	return { el, child };
}

/** The matrix as the user reads it: the count in each cell, row by row. */
function cellsOf(item: Element): number[][] {
	return [...item.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td[data-pred]")].map((td) => Number(td.textContent)));
}
const items = (el: HTMLElement): HTMLElement[] => [...el.querySelectorAll<HTMLElement>(".cnn-lab-log-confusion-item")];
const titleOf = (item: Element): string => item.querySelector(".cnn-lab-log-confusion-run")?.textContent ?? "";

describe("```cnn-log block: stored confusion matrices", () => {
	it("draws each run's matrix under the table, titled in its colour, and names the run without one", async () => {
		const { el } = await render("runs [[CNN runs/a]] [[CNN runs/b]] [[CNN runs/old]]");
		const section = el.querySelector(".cnn-lab-log-confusion-section");
		expect(section).not.toBeNull();
		// Under the settings table.
		const table = el.querySelector(".cnn-lab-log-table");
		expect(table && section && table.compareDocumentPosition(section) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
		expect(section?.querySelector(".cnn-lab-section-title")?.textContent).toBe("Confusion matrices (validation, end of run)");
		const shown = items(el);
		expect(shown.map(titleOf)).toEqual(["a", "b"]);
		// The title's colour class is the one the settings table gives that run's column.
		const colourOf = (e: Element | null): string | undefined => [...(e?.classList ?? [])].find((c) => /^cnn-lab-log-c\d$/.test(c));
		const heads = [...el.querySelectorAll(".cnn-lab-log-table thead th.cnn-lab-log-run")];
		expect(shown.map((i) => colourOf(i.querySelector(".cnn-lab-log-confusion-run")))).toEqual([colourOf(heads[0]), colourOf(heads[1])]);
		expect(colourOf(heads[0])).not.toBe(colourOf(heads[1]));
		expect(cellsOf(shown[0])).toEqual(matA);
		expect(cellsOf(shown[1])).toEqual(matB);
		// Class names head the rows and columns.
		expect([...shown[0].querySelectorAll("thead th[scope=col]")].slice(0, 4).map((th) => th.textContent)).toEqual(classes);
		// Per-class accuracy of run a, digit 2: 7 of 12.
		expect(shown[0].querySelectorAll("tbody tr")[2].querySelector("td.cnn-lab-confusion-acc")?.textContent).toBe(`${((7 / 12) * 100).toFixed(1)} %`);
		expect(el.querySelector(".cnn-lab-log-confusion-none")?.textContent).toBe("No matrix kept: old");
		// Not the training panel's heading: the run's name is the title.
		expect(section?.textContent).not.toContain("Confusion matrix (validation)");
	});

	it("for two runs, names the three off-diagonal cells that changed most", async () => {
		const { el } = await render("runs [[CNN runs/a]] [[CNN runs/b]]");
		const diffs: { i: number; j: number; a: number; b: number }[] = [];
		for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j && matA[i][j] !== matB[i][j]) diffs.push({ i, j, a: matA[i][j], b: matB[i][j] });
		diffs.sort((p, q) => Math.abs(q.a - q.b) - Math.abs(p.a - p.b) || Math.max(q.a, q.b) - Math.max(p.a, p.b));
		const want = diffs.slice(0, 3).map((d) => `${classes[d.i]} → ${classes[d.j]}: ${d.a} in a, ${d.b} in b`);
		const got = [...el.querySelectorAll(".cnn-lab-log-confusion-change")].map((s) => s.textContent);
		expect(got).toEqual(want);
		// By hand: digit 2 read as 3 four times in a, once in b is the biggest change.
		expect(got[0]).toBe("2 → 3: 4 in a, 1 in b");
		expect(el.querySelector(".cnn-lab-log-confusion-none")).toBeNull();
	});

	it("two runs with the same matrix say so", async () => {
		setup({ "CNN runs/a.md": runNote("a", hour(10), { classes, matrix: matA }), "CNN runs/c.md": runNote("c", hour(11), { classes, matrix: matA }) });
		const { el } = await render("runs [[CNN runs/a]] [[CNN runs/c]]");
		expect(el.querySelector(".cnn-lab-log-confusion-compare")?.textContent).toBe("Both runs make exactly the same mistakes.");
		expect(el.querySelector(".cnn-lab-log-confusion-change")).toBeNull();
	});

	it("draws at most four matrices, newest first, and says how many are left out", async () => {
		const files: Record<string, string> = {};
		for (let k = 0; k < 6; k++) files[`CNN runs/r${k}.md`] = runNote(`r${k}`, hour(10 + k), { classes, matrix: matA.map((row) => row.map((v) => v + k)) });
		setup(files);
		const { el } = await render("folder CNN runs");
		const shown = items(el);
		expect(shown.map(titleOf)).toEqual(["r5", "r4", "r3", "r2"]);
		expect(cellsOf(shown[0])[0]).toEqual(matA[0].map((v) => v + 5));
		expect(el.querySelector(".cnn-lab-log-confusion-more")?.textContent).toBe("Showing the newest 4 matrices; 2 more left out: r1, r0");
		// The compare line is for two runs only.
		expect(el.querySelector(".cnn-lab-log-confusion-compare")).toBeNull();
	});

	it("a pasted log or runs without any stored matrix get no section", async () => {
		const pasted = await render("epoch,loss,acc,val_loss,val_acc\n1,0.9,0.7,0.8,0.72\n2,0.5,0.85,0.6,0.8");
		expect(pasted.child.view).not.toBeNull();
		expect(pasted.el.querySelector(".cnn-lab-log-confusion-section")).toBeNull();
		const old = await render("runs [[CNN runs/old]]");
		expect(old.el.querySelector(".cnn-lab-log-table")).not.toBeNull();
		expect(old.el.querySelector(".cnn-lab-log-confusion-section")).toBeNull();
	});

	it("the matrix appears when a run that was training writes it", async () => {
		setup({ "CNN runs/a.md": runNote("a", hour(10), undefined, "running"), "CNN runs/b.md": runNote("b", hour(11), { classes, matrix: matB }) });
		const { el, child } = await render("runs [[CNN runs/a]] [[CNN runs/b]]");
		expect(items(el).map(titleOf)).toEqual(["b"]);
		expect(el.querySelector(".cnn-lab-log-confusion-section .cnn-lab-section-title")?.textContent).toBe("Confusion matrix (validation, end of run)");
		expect(el.querySelector(".cnn-lab-log-confusion-none")?.textContent).toBe("No matrix kept: a");
		const f = app.vault.getFileByPath("CNN runs/a.md");
		if (!f) throw new Error("missing");
		await app.vault.modify(f, runNote("a", hour(10), { classes, matrix: matA }));
		await new Promise((r) => setTimeout(r, 1100));
		await child.ready;
		expect(items(el).map(titleOf)).toEqual(["a", "b"]);
		expect(cellsOf(items(el)[0])).toEqual(matA);
		expect(el.querySelector(".cnn-lab-log-confusion-section .cnn-lab-section-title")?.textContent).toBe("Confusion matrices (validation, end of run)");
		expect(el.querySelectorAll(".cnn-lab-log-confusion-section")).toHaveLength(1);
		expect(el.querySelector(".cnn-lab-log-confusion-none")).toBeNull();
	});

	it("speaks Chinese when Obsidian does", async () => {
		setLanguage("zh-CN");
		const { el } = await render("runs [[CNN runs/a]] [[CNN runs/b]] [[CNN runs/old]]");
		expect(el.querySelector(".cnn-lab-log-confusion-section .cnn-lab-section-title")?.textContent).toBe("混淆矩阵（验证集，运行结束时）");
		expect(el.querySelector(".cnn-lab-log-confusion-none")?.textContent).toBe("未保存混淆矩阵：old");
		expect(el.querySelector(".cnn-lab-log-confusion-change")?.textContent).toBe("2 → 3：a 中 4 个，b 中 1 个");
		expect(el.querySelector(".cnn-lab-confusion-corner")?.textContent).toBe("真实 \\ 预测");
	});

	it("a folder of many runs parses only the notes it draws", async () => {
		const files: Record<string, string> = {};
		for (let k = 0; k < 60; k++) files[`CNN runs/r${k}.md`] = runNote(`r${k}`, `2026-11-25T10:${String(k).padStart(2, "0")}:00.000Z`, { classes, matrix: matA });
		setup(files);
		parses.n = 0;
		const { el } = await render("folder CNN runs");
		expect(items(el)).toHaveLength(4);
		expect(el.querySelector(".cnn-lab-log-more")?.textContent).toBe("Showing the newest 8 of 60 runs.");
		// The 8 overlaid runs' tables are read once each; the other 52 notes only by their front matter.
		expect(parses.n).toBeGreaterThan(0);
		expect(parses.n).toBeLessThanOrEqual(8);
	});
});
