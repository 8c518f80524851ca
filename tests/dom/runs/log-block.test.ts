// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerLogBlock, LogBlockChild } from "../../../src/plugin/log-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { extractLogFence, formatRunNote } from "../../../src/runs/run-note";
import { splitFrontMatter } from "../../../src/runs/yaml";
import type { RunRecord } from "../../../src/runs/run-record";
import { themeListenerCount } from "../../../src/render/theme";
import { liveChartCount } from "../../../src/render/charts/line-chart";
import { RunStore } from "../../../src/plugin/runs/run-store";
import { installFakeCanvas } from "../training/fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";

beforeAll(() => installFakeCanvas());

const baseModel = "input 8x8x1\nconv 8 3x3 pad 1   # 8 filters\nrelu\nflatten\ndense 10\ntrain digits epochs 3 batch 32 adam lr 0.01";

function runNote(id: string, lr: number, epochs: [number, number, number, number][], date: string): string {
	const r: RunRecord = {
		runId: id,
		status: "completed",
		date,
		sourcePath: "Notes/CNN.md",
		settings: { model: baseModel, dataset: "digits", epochs: epochs.length, batch: 32, optimizer: "adam", lr, weightDecay: 0, seed: 7 },
		durationS: 3,
		samplesPerS: 1000,
		epochs: epochs.map(([loss, acc, valLoss, valAcc], i) => ({ epoch: i + 1, loss, acc, valLoss, valAcc })),
		batches: [
			{ x: 0.5, y: 2.1 },
			{ x: 1, y: 1.7 },
		],
	};
	return formatRunNote(r);
}

let host: CnnLabHost & Plugin;
let app: App;
const made: Component[] = [];

beforeEach(() => {
	app = new App(
		new Vault({
			"Notes/CNN.md": "# CNN",
			"CNN runs/a.md": runNote("a", 0.01, [[1.2, 0.6, 1.0, 0.65], [0.6, 0.8, 0.7, 0.78], [0.4, 0.9, 0.5, 0.88]], "2026-11-25T10:00:00.000Z"),
			"CNN runs/b.md": runNote("b", 0.1, [[2.0, 0.3, 1.9, 0.31], [1.5, 0.5, 1.6, 0.45], [1.1, 0.6, 1.3, 0.55]], "2026-11-25T11:00:00.000Z"),
			"CNN runs/readme.md": "# Not a run",
		}),
	);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	registerLogBlock(host as unknown as CnnLabHost & ObsidianPlugin);
});

afterEach(() => {
	host.unload();
	made.length = 0;
});

async function render(source: string, sourcePath = "Notes/Compare.md"): Promise<{ el: HTMLElement; child: LogBlockChild }> {
	const { el, children } = await renderCodeBlock(host as unknown as Plugin, "cnn-log", source, { sourcePath });
	const child = children[0] as unknown as LogBlockChild;
	await child.ready;
	made.push(children[0]);
	return { el, child };
}

const ys = (pts: readonly { x: number; y: number }[]): number[] => pts.map((p) => p.y);

describe("```cnn-log block", () => {
	it("overlays two runs: the charts hold their numbers and the table marks what differs", async () => {
		const { el, child } = await render("runs [[CNN runs/a]] [[CNN runs/b]]");
		const view = child.view;
		expect(view).not.toBeNull();
		const loss = view?.lossChart;
		expect(loss).toBeTruthy();
		const labels = loss?.series().map((d) => d.label);
		// The runs differ only in their learning rate: that is their name here, not the notes' names.
		expect(labels).toEqual(["lr 0.01 · training", "lr 0.01 · validation", "lr 0.1 · training", "lr 0.1 · validation"]);
		expect(ys(loss?.series()[0].points ?? [])).toEqual([1.2, 0.6, 0.4]);
		expect(ys(loss?.series()[3].points ?? [])).toEqual([1.9, 1.6, 1.3]);
		expect(ys(view?.accChart?.series()[1].points ?? [])).toEqual([0.65, 0.78, 0.88]);
		// The accuracy axis is fitted to the runs' numbers; its "0–100 %" toggle shows the whole range.
		const acc = view?.accChart;
		const fitted = acc?.yRange();
		const accs = acc?.series().flatMap((s) => ys(s.points)) ?? [];
		expect(fitted?.max).toBeGreaterThanOrEqual(Math.max(...accs));
		expect(fitted?.min).toBeLessThanOrEqual(Math.min(...accs));
		expect(fitted?.min).toBeGreaterThan(0);
		const full = [...(acc?.el.querySelectorAll<HTMLButtonElement>("button.cnn-lab-chart-control") ?? [])].find((b) => b.textContent === "0–100 %");
		full?.click();
		expect(full?.getAttribute("aria-pressed")).toBe("true");
		expect(acc?.yRange()).toEqual({ min: 0, max: 1 });

		const row = (k: string): HTMLTableRowElement => el.querySelector(`tr[data-key="${k}"]`) as HTMLTableRowElement;
		expect(row("lr").classList.contains("cnn-lab-log-diff")).toBe(true);
		expect([...row("lr").querySelectorAll("td")].map((td) => td.textContent)).toEqual(["0.01", "0.1"]);
		expect(row("dataset").classList.contains("cnn-lab-log-diff")).toBe(false);
		expect(row("batch").classList.contains("cnn-lab-log-diff")).toBe(false);
		// The model row compares layers: comments and the train line are left out.
		expect(row("model").querySelector("td")?.textContent).toBe("input 8x8x1 · conv 8 3x3 pad 1 · relu · flatten · dense 10");
		// The same model is said once across both runs' columns (repeated, it made the table wider than 760 px).
		expect(row("model").querySelectorAll("td")).toHaveLength(1);
		expect(row("model").querySelector("td")?.getAttribute("colspan")).toBe("2");
		// Final metrics: run a has the better validation accuracy (88 % vs 55 %).
		const va = [...row("val_acc").querySelectorAll("td")];
		expect(va.map((td) => td.textContent)).toEqual(["88.0 %", "55.0 %"]);
		expect(va[0].classList.contains("cnn-lab-log-best")).toBe(true);
		expect(el.querySelector(".cnn-lab-error")).toBeNull();
	});

	it("cleans up on unload: no chart, theme listener or vault listener left", async () => {
		const charts0 = liveChartCount();
		const theme0 = themeListenerCount();
		const vault0 = app.vault.listenerCount();
		const { child } = await render("folder CNN runs");
		expect(liveChartCount()).toBe(charts0 + 2);
		expect(app.vault.listenerCount()).toBeGreaterThan(vault0);
		child.unload();
		expect(liveChartCount()).toBe(charts0);
		expect(themeListenerCount()).toBe(theme0);
		expect(app.vault.listenerCount()).toBe(vault0);
	});

	it("12 renders with charts and unloads leave nothing behind", async () => {
		// Counted against what was live before: the chart and theme registries are the module's, and another file
		// sharing this worker's modules may have left its own charts (this test's must all be gone).
		const charts0 = liveChartCount();
		const theme0 = themeListenerCount();
		const vault0 = app.vault.listenerCount();
		for (let i = 0; i < 12; i++) {
			const { child } = await render(i % 2 ? "folder CNN runs" : "epoch,loss\n1,0.5\n2,0.4");
			child.unload();
		}
		expect(liveChartCount()).toBe(charts0);
		expect(themeListenerCount()).toBe(theme0);
		expect(app.vault.listenerCount()).toBe(vault0);
	});

	it("1000 renders and unloads of blocks that only show messages leave no listener or timer", async () => {
		const vault0 = app.vault.listenerCount();
		const theme0 = themeListenerCount();
		const blocks0 = document.body.querySelectorAll(".block-language-cnn-log").length;
		const sources = ["runs [[nope]]", "epoch,loss\n1,x", "folder ../x", "", "{'loss': [", "folder Missing"];
		for (let i = 0; i < 1000; i++) {
			const { el, child } = await render(sources[i % sources.length]);
			expect(el.querySelector(".cnn-lab-log-diagnostics li")).not.toBeNull();
			child.unload();
			el.remove();
		}
		expect(app.vault.listenerCount()).toBe(vault0);
		expect(themeListenerCount()).toBe(theme0);
		expect(document.body.querySelectorAll(".block-language-cnn-log")).toHaveLength(blocks0);
	});

	it("lists a folder newest first and filters it", async () => {
		const all = await render("folder CNN runs");
		expect(all.child.view?.lossChart?.series()[0].label).toBe("lr 0.1 · training");
		const some = await render("folder CNN runs where lr < 0.05");
		expect(some.child.view?.lossChart?.series().map((d) => d.label)).toEqual(["loss per batch", "training loss", "validation loss"]);
	});

	it("a pasted PyTorch CSV draws its curves", async () => {
		const { child } = await render("epoch,train_loss,train_acc,val_loss,val_acc\n0,0.9,71.5,0.8,75\n1,0.5,85,0.6,80\n");
		const loss = child.view?.lossChart?.series() ?? [];
		expect(loss.map((d) => d.label)).toEqual(["training loss", "validation loss"]);
		expect(loss[0].points).toEqual([
			{ x: 1, y: 0.9 },
			{ x: 2, y: 0.5 },
		]);
		expect(ys(child.view?.accChart?.series()[0].points ?? [])).toEqual([0.715, 0.85]);
	});

	it("errors carry line numbers: missing run link, bad CSV row, empty folder", async () => {
		const missing = await render("runs [[CNN runs/a]]\nruns [[CNN runs/nope]] [[CNN runs/readme]]");
		const items = [...missing.el.querySelectorAll(".cnn-lab-log-diagnostics li")];
		expect(items.map((li) => li.getAttribute("data-line"))).toEqual(["2", "2"]);
		expect(items[0].textContent).toContain("CNN runs/nope");
		expect(items[1].textContent).toContain("not a CNN Lab run");
		// The run that exists is still drawn.
		expect(missing.child.view?.lossChart?.series().length).toBeGreaterThan(0);

		const bad = await render("epoch,loss,acc,val_loss,val_acc\n1,0.81,0.74,0.40,0.88\n2,0.33,oops,0.27,0.9\n3,0.24,0.93,0.21,0.94");
		const li = bad.el.querySelector(".cnn-lab-log-diagnostics li");
		expect(li?.getAttribute("data-line")).toBe("3");
		expect(li?.textContent).toContain("oops");
		expect(ys(bad.child.view?.lossChart?.series()[0].points ?? [])).toEqual([0.81, 0.24]);

		await app.vault.createFolder("Empty runs");
		const empty = await render("\nfolder Empty runs");
		const e = empty.el.querySelector(".cnn-lab-log-diagnostics li");
		expect(e?.getAttribute("data-line")).toBe("2");
		expect(e?.textContent).toContain("No runs");
		expect(e?.classList.contains("cnn-lab-error")).toBe(false);
		expect(empty.child.view).toBeNull();

		const outside = await render("folder ../secrets");
		expect(outside.el.querySelector(".cnn-lab-error")?.textContent).toContain("cannot be used");
	});

	it("redraws when a listed run note is rewritten (a run still training)", async () => {
		const { child } = await render("runs [[CNN runs/a]]");
		expect(child.view?.lossChart?.series().find((d) => d.label === "training loss")?.points).toHaveLength(3);
		const chartBefore = child.view?.lossChart;
		const f = app.vault.getFileByPath("CNN runs/a.md");
		if (!f) throw new Error("missing");
		await app.vault.modify(f, runNote("a", 0.01, [[1.2, 0.6, 1.0, 0.65], [0.6, 0.8, 0.7, 0.78], [0.4, 0.9, 0.5, 0.88], [0.3, 0.92, 0.45, 0.9]], "2026-11-25T10:00:00.000Z"));
		await new Promise((r) => setTimeout(r, 1100));
		await child.ready;
		expect(child.view?.lossChart?.series().find((d) => d.label === "training loss")?.points).toHaveLength(4);
		// Updated in place: the same chart, no flicker.
		expect(child.view?.lossChart).toBe(chartBefore);
		expect(child.containerEl.querySelector('tr[data-key="epochs"] td')?.textContent).toBe("4 / 4");
	});

	it("a folder that does not exist yet fills in when the first run is written", async () => {
		const { el, child } = await render("folder Fresh runs");
		expect(el.querySelector(".cnn-lab-log-info")?.textContent).toContain('No runs in "Fresh runs" yet');
		const run = RunStore.begin(app as unknown as ObsidianPlugin["app"], { runsFolder: "Fresh runs" }, {
			sourcePath: "Notes/CNN.md",
			modelText: baseModel,
			dataset: "shapes",
			epochs: 2,
			batch: 16,
			optimizer: "sgd",
			lr: 0.05,
			weightDecay: 0,
			seed: 1,
		});
		await run.epoch({ epoch: 1, loss: 0.9, acc: 0.6, valLoss: 1.0, valAcc: 0.55 });
		await new Promise((r) => setTimeout(r, 1100));
		await child.ready;
		expect(el.querySelector(".cnn-lab-log-info")).toBeNull();
		expect(ys(child.view?.lossChart?.series().find((d) => d.label === "validation loss")?.points ?? [])).toEqual([1.0]);
		expect(el.querySelector('tr[data-key="dataset"] td')?.textContent).toBe("shapes");
		await run.finish("completed");
	});

	it("labels runs by the settings that differ, not by note names that differ only in the minute", async () => {
		await app.vault.create("Runs/CNN 2026-11-25 10-00.md", runNote("c", 0.1, [[1.2, 0.6, 1.0, 0.65]], "2026-11-25T10:00:00"));
		await app.vault.create("Runs/CNN 2026-11-25 10-01.md", runNote("d", 0.01, [[1.1, 0.6, 1.0, 0.66]], "2026-11-25T10:01:00"));
		const { el } = await render("runs [[Runs/CNN 2026-11-25 10-00]] [[Runs/CNN 2026-11-25 10-01]]");
		const heads = [...el.querySelectorAll<HTMLElement>("thead th.cnn-lab-log-run")];
		expect(heads.map((h) => h.textContent)).toEqual(["lr 0.1", "lr 0.01"]);
		// The note is still named on hover, and the label still opens it.
		expect(heads[0].getAttribute("title")).toBe("Note: CNN 2026-11-25 10-00");
		expect(heads[1].querySelector("a")?.textContent).toBe("lr 0.01");
		// The matrices' titles (none kept here) and the chart legend use the same names.
		expect(el.querySelector(".cnn-lab-log-confusion-none")?.textContent ?? "").not.toContain("10-01");
	});

	it("labels runs whose models differ by the first layer line where they part ways", async () => {
		const other = (id: string, model: string): string =>
			formatRunNote({
				runId: id,
				status: "completed",
				date: "2026-11-25T10:00:00",
				sourcePath: "Notes/CNN.md",
				settings: { model, dataset: "digits", epochs: 1, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7 },
				durationS: 0.2,
				samplesPerS: 1000,
				epochs: [{ epoch: 1, loss: 1, acc: 0.5, valLoss: 1, valAcc: 0.5 }],
				batches: [],
			});
		await app.vault.create("Runs/m1.md", other("m1", "input 8x8x1\nconv 8 3x3\nflatten\ndense 10"));
		await app.vault.create("Runs/m2.md", other("m2", "input 8x8x1\nconv 16 3x3 # wider\nflatten\ndense 10"));
		const { el } = await render("runs [[Runs/m1]] [[Runs/m2]]");
		expect([...el.querySelectorAll("thead th.cnn-lab-log-run")].map((h) => h.textContent)).toEqual(["conv 8 3x3", "conv 16 3x3"]);
		// Different models keep a cell each.
		expect(el.querySelectorAll('tr[data-key="model"] td')).toHaveLength(2);
		// A 0.2 s run's duration, in Chinese units in Chinese (checked below in English).
		expect(el.querySelector('tr[data-key="duration_s"] td')?.textContent).toBe("0.2 s");
	});

	it("keeps the notes' names when the runs' settings are the same", async () => {
		await app.vault.create("Runs/same 1.md", runNote("s1", 0.01, [[1.2, 0.6, 1.0, 0.65]], "2026-11-25T10:00:00"));
		await app.vault.create("Runs/same 2.md", runNote("s2", 0.01, [[1.1, 0.6, 1.0, 0.66]], "2026-11-25T10:01:00"));
		const { el } = await render("runs [[Runs/same 1]] [[Runs/same 2]]");
		expect([...el.querySelectorAll("thead th.cnn-lab-log-run")].map((h) => h.textContent)).toEqual(["same 1", "same 2"]);
	});

	it("titles a run note's own log as the run, also when the block gets no front matter (Live Preview)", async () => {
		const path = "CNN runs/a.md";
		const file = app.vault.getFileByPath(path);
		const text = file ? await app.vault.read(file) : "";
		const { fm, body } = splitFrontMatter(text);
		const fence = extractLogFence(body) ?? "";
		expect(fence).not.toBe("");
		// What Obsidian's metadata cache holds for the note (the stand-in's cache holds nothing by itself).
		app.metadataCache.getFileCache = ((f: { path: string }) => (f.path === path ? { frontmatter: fm } : null)) as never;
		const { el } = await render(fence, path);
		const head = el.querySelector("thead th.cnn-lab-log-run")?.textContent;
		expect(head).toBe("a");
		expect(el.textContent).not.toContain("Pasted log");
	});

	it("titles a run note's own log as the run when neither the block nor the metadata cache has its front matter yet", async () => {
		const path = "CNN runs/b.md";
		const file = app.vault.getFileByPath(path);
		const fence = extractLogFence(splitFrontMatter(file ? await app.vault.read(file) : "").body) ?? "";
		expect(app.metadataCache.getFileCache(file!)).toBeNull();
		const { el } = await render(fence, path);
		expect(el.querySelector("thead th.cnn-lab-log-run")?.textContent).toBe("b");
		expect(el.textContent).not.toContain("Pasted log");
	});
});
