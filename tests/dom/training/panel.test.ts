// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { liveWorkerCount } from "../../../src/plugin/training/worker-client";
import { themeListenerCount } from "../../../src/render/theme";
import { chartOfCanvas, liveChartCount, type LineChartView } from "../../../src/render/charts/line-chart";
import { parseRunNote } from "../../../src/runs/run-note";
import { Trainer } from "../../../src/engine/trainer";
import { installFakeCanvas } from "./fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

const net = (train: string): string =>
	["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", train].join("\n");

let host: CnnLabHost & Plugin;
let app: App;
let vault: Vault;

beforeEach(() => {
	vault = new Vault({ "Notes/CNN.md": "# CNN" });
	app = new App(vault);
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

const chartOf = (el: HTMLElement, i: number): LineChartView => {
	const canvas = el.querySelectorAll<HTMLCanvasElement>(".cnn-lab-chart-canvas")[i];
	const c = canvas ? chartOfCanvas(canvas) : undefined;
	if (!c) throw new Error("no chart");
	return c;
};
const ys = (c: LineChartView, ds: number): number[] => c.points(ds).map((p) => p.y);
/** Epoch points in the loss chart so far (0 before the charts exist). */
const epochsShown = (el: HTMLElement): number => {
	const canvas = el.querySelector<HTMLCanvasElement>(".cnn-lab-chart-canvas");
	const c = canvas ? chartOfCanvas(canvas) : undefined;
	return c ? ys(c, 1).length : 0;
};
const runNotes = (): string[] => vault.getFiles().filter((f) => f.path.startsWith("CNN runs/") && f.extension === "md").map((f) => f.path);
/** The one run note in the vault, parsed (null while there is none). */
async function noteRun(): Promise<ReturnType<typeof parseRunNote>> {
	const files = runNotes();
	if (files.length !== 1) return null;
	const f = vault.getFileByPath(files[0]);
	return f ? parseRunNote(await vault.read(f)) : null;
}

async function untilRun(status: string, ms = 20000): Promise<NonNullable<ReturnType<typeof parseRunNote>>> {
	const t0 = Date.now();
	for (;;) {
		const r = await noteRun();
		if (r && r.status === status) return r;
		if (Date.now() - t0 > ms) throw new Error(`no ${status} run note`);
		await new Promise((res) => setTimeout(res, 10));
	}
}

const button = (el: HTMLElement, cls: string): HTMLButtonElement => el.querySelector(`button.${cls}`) as HTMLButtonElement;

describe("training panel in a ```cnn block", () => {
	it("does not train on render, shows the random filters, and trains on the Train button into the charts and the vault", async () => {
		const { el } = await render(net("train digits epochs 3 batch 32 adam lr 0.01 seed 7 limit 600"));
		expect(el.querySelector(".cnn-lab-progress")).toBeNull();
		expect(host.training.running).toBe(0);
		// Before training: the untrained network's 8 filters and feature maps appear (after a tick).
		await until(() => el.querySelectorAll(".cnn-lab-filter").length === 8);
		expect(el.querySelector(".cnn-lab-filters")?.textContent).toMatch(/random/);
		expect(runNotes()).toEqual([]);

		button(el, "cnn-lab-train").click();
		expect(el.querySelector(".cnn-lab-progress")).not.toBeNull();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toContain("3 of 3");

		// Loss chart: training and validation loss per epoch; accuracy chart likewise.
		const loss = chartOf(el, 0);
		const acc = chartOf(el, 1);
		expect(ys(loss, 1)).toHaveLength(3);
		expect(ys(loss, 2)).toHaveLength(3);
		expect(ys(acc, 1)).toHaveLength(3);
		expect(ys(loss, 0).length).toBeGreaterThan(3); // batch loss points
		expect(ys(loss, 1)[2]).toBeLessThan(ys(loss, 1)[0]);
		// The run note has the same numbers as the chart.
		const run = await untilRun("completed");
		expect(run.epochs).toHaveLength(3);
		run.epochs.forEach((e, i) => expect(e.valAcc).toBeCloseTo(ys(acc, 1)[i], 4));
		// jsdom has no Worker: the inline fallback ran it, with the WebAssembly SIMD kernels Node has; the note and the
		// metrics line say so.
		expect(run.backend).toBe("wasm-simd");
		expect(el.querySelector(".cnn-lab-metrics-list")?.textContent).toContain("WebAssembly SIMD");
		// Results (drawn in steps after the end): confusion matrix of 10 classes, validation samples, learned filters.
		await until(() => /Learned/.test(el.querySelector(".cnn-lab-filters")?.textContent ?? "") && el.querySelector(".cnn-lab-featuremaps") !== null);
		expect(el.querySelectorAll(".cnn-lab-confusion-table tbody tr")).toHaveLength(10);
		expect(el.querySelectorAll(".cnn-lab-sample").length).toBeGreaterThan(0);
		expect(el.querySelector(".cnn-lab-filters")?.textContent).toMatch(/Learned/);
		expect(host.training.running).toBe(0);
		expect(button(el, "cnn-lab-train").disabled).toBe(false);
	});

	it("a schedule's rate is drawn on a right-hand axis; patience's best epoch and early stop are marked and kept in the note", async () => {
		const source = net("train digits epochs 60 batch 32 adam lr 0.05 seed 5 limit 200 schedule step 2 0.9 patience 2");
		const { el } = await render(source);
		button(el, "cnn-lab-train").click();
		const run = await untilRun("completed");
		await until(() => button(el, "cnn-lab-train").disabled === false);
		const loss = chartOf(el, 0);
		const acc = chartOf(el, 1);
		// The learning rate of every epoch, as the note's lr column holds it: halved every two epochs.
		const lrs = run.epochs.map((e) => e.lr ?? NaN);
		expect(lrs[0]).toBeCloseTo(0.05, 6);
		expect(lrs[2]).toBeCloseTo(0.045, 6);
		const lrSeries = loss.series().find((s) => s.label === "learning rate")?.points ?? [];
		expect(lrSeries.map((p) => p.x)).toEqual(run.epochs.map((e) => e.epoch));
		// the note keeps 6 significant digits
		lrSeries.forEach((p, i) => expect(Math.abs(p.y - lrs[i]) / lrs[i]).toBeLessThan(1e-5));
		loss.flush();
		expect(loss.chart?.options.scales?.y2?.position).toBe("right");
		// Early stopping: the run ended before epoch 40, on the weights of its lowest validation loss.
		const vals = run.epochs.map((e) => e.valLoss ?? Infinity);
		const best = run.epochs[vals.indexOf(Math.min(...vals))].epoch;
		const last = run.epochs[run.epochs.length - 1].epoch;
		expect(last).toBeLessThan(60);
		expect(run.bestEpoch).toBe(best);
		expect(run.earlyStop).toBe(true);
		expect(run.settings.schedule).toBe("step 2 0.9");
		expect(run.settings.patience).toBe(2);
		for (const c of [loss, acc]) expect(c.markers()).toEqual([{ x: best, label: `best: epoch ${best}` }, { x: last, label: "stopped early" }]);
		// Opened again: the stored run's charts carry the same marks.
		const again = await render(source);
		await until(() => el.ownerDocument.contains(again.el) && again.el.querySelectorAll(".cnn-lab-chart-canvas").length >= 2 && chartOf(again.el, 0).markers().length === 2);
		expect(chartOf(again.el, 0).markers()[0].x).toBe(best);
	});

	it("a run without a schedule or patience draws no rate and no marks", async () => {
		const { el } = await render(net("train digits epochs 2 batch 32 adam lr 0.01 seed 7 limit 300"));
		button(el, "cnn-lab-train").click();
		const run = await untilRun("completed");
		await until(() => button(el, "cnn-lab-train").disabled === false);
		const loss = chartOf(el, 0);
		expect(run.epochs.every((e) => e.lr === 0.01)).toBe(true);
		expect(loss.series().find((s) => s.label === "learning rate")?.points).toEqual([]);
		expect(loss.markers()).toEqual([]);
		expect(run.bestEpoch).toBeUndefined();
		expect(run.settings.schedule).toBeUndefined();
	});

	it("Stop ends the run within a batch, keeps the finished epochs and the note says stopped", async () => {
		const { el } = await render(net("train digits epochs 200 batch 16 sgd lr 0.05 seed 3"));
		button(el, "cnn-lab-train").click();
		await until(() => epochsShown(el) >= 1);
		const shownAtStop = epochsShown(el);
		button(el, "cnn-lab-stop").click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		// The worker ends at the batch it is in (tests/unit/engine/trainer.test.ts). Seen from the page, the run may
		// finish the epoch it was in and one more whose events were still on their way; it must not run on.
		const status = el.querySelector(".cnn-lab-metrics-status")?.textContent ?? "";
		expect(status).toMatch(/Stopped after \d+ of 200/);
		expect(Number(/Stopped after (\d+)/.exec(status)?.[1])).toBeLessThanOrEqual(shownAtStop + 2);
		const kept = ys(chartOf(el, 0), 1).length;
		expect(kept).toBeGreaterThanOrEqual(1);
		expect((await untilRun("stopped")).epochs).toHaveLength(kept);
		expect(host.training.running).toBe(0);
	});

	it("unloading the block detaches its view (no charts left) and the run goes on; the plugin's unload ends it", async () => {
		// Counted against what was live before: the chart and worker registries are the modules', and another file
		// sharing this worker's modules may have left its own (this block's and this run's must be gone).
		const charts0 = liveChartCount();
		const workers0 = liveWorkerCount();
		const { el, child } = await render(net("train digits epochs 200 batch 16 sgd lr 0.05 seed 3"));
		button(el, "cnn-lab-train").click();
		await until(() => epochsShown(el) >= 1);
		expect(liveChartCount()).toBe(charts0 + 2);
		child.unload();
		expect(liveChartCount()).toBe(charts0);
		// The run is the plugin's, not the block's: it keeps its slot and keeps training.
		expect(host.training.running).toBe(1);
		const steps = vi.spyOn(Trainer.prototype, "step");
		await until(() => steps.mock.calls.length > 0);
		steps.mockRestore();
		host.unload();
		expect(host.training.running).toBe(0);
		expect(host.training.activeRuns()).toEqual([]);
		expect(liveWorkerCount()).toBe(workers0);
		// Nothing keeps training after the plugin's unload: no further batch is trained.
		const after = vi.spyOn(Trainer.prototype, "step");
		await new Promise((r) => setTimeout(r, 150));
		expect(after).not.toHaveBeenCalled();
		after.mockRestore();
		expect((await untilRun("stopped")).epochs.length).toBeGreaterThanOrEqual(1);
	});

	it("a second block waits for the first (one run at a time) and stop-all stops both", async () => {
		const a = await render(net("train digits epochs 200 batch 16 sgd lr 0.05 seed 3"));
		const b = await render(net("train digits epochs 200 batch 16 sgd lr 0.05 seed 4"));
		button(a.el, "cnn-lab-train").click();
		button(b.el, "cnn-lab-train").click();
		await until(() => epochsShown(a.el) >= 1);
		expect(b.el.querySelector(".cnn-lab-progress-text")?.textContent).toMatch(/Waiting/);
		host.training.stopAll();
		await until(() => a.el.querySelector(".cnn-lab-metrics") !== null);
		expect(b.el.querySelector(".cnn-lab-progress")).toBeNull();
		expect(button(b.el, "cnn-lab-train").disabled).toBe(false);
		expect(host.training.running).toBe(0);
	});

	it("re-rendering a block that has a run shows that run's curves without training again", async () => {
		const source = net("train digits epochs 2 batch 32 adam lr 0.01 seed 7 limit 400");
		const first = await render(source);
		button(first.el, "cnn-lab-train").click();
		await until(() => first.el.querySelector(".cnn-lab-metrics") !== null);
		await untilRun("completed");
		const trained = ys(chartOf(first.el, 1), 1);
		first.child.unload();

		const again = await render(source);
		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null);
		expect(again.el.querySelector(".cnn-lab-progress")).toBeNull();
		expect(again.el.querySelector(".cnn-lab-training-status")?.textContent).toMatch(/Latest run/);
		const shown = ys(chartOf(again.el, 1), 1);
		expect(shown).toHaveLength(2);
		shown.forEach((v, i) => expect(v).toBeCloseTo(trained[i], 3));
		expect(host.training.running).toBe(0);
		// Training again overlays that run, dashed, as "previous run".
		button(again.el, "cnn-lab-train").click();
		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null && button(again.el, "cnn-lab-train").disabled === false);
		const acc = chartOf(again.el, 1);
		expect(acc.series()[2].label).toMatch(/previous/);
		expect(acc.series()[2].dashed).toBe(true);
		ys(acc, 2).forEach((v, i) => expect(v).toBeCloseTo(trained[i], 3));
		expect(ys(acc, 1)).toHaveLength(2);
	});

	it("a reopened run whose weights were not saved does not call its filters and maps 'before training'", async () => {
		host.settings.saveWeights = false;
		const source = net("train digits epochs 2 batch 32 adam lr 0.01 seed 7 limit 400");
		const first = await render(source);
		button(first.el, "cnn-lab-train").click();
		await until(() => first.el.querySelector(".cnn-lab-metrics") !== null);
		await untilRun("completed");
		first.child.unload();

		const again = await render(source);
		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null && again.el.querySelector(".cnn-lab-featuremaps .cnn-lab-section-title") !== null);
		const filters = again.el.querySelector(".cnn-lab-filters .cnn-lab-section-title")?.textContent ?? "";
		const maps = again.el.querySelector(".cnn-lab-featuremaps .cnn-lab-section-title")?.textContent ?? "";
		expect(filters).toContain("the last run's trained weights were not saved");
		expect(maps).toContain("weights were not saved");
		expect(`${filters} ${maps}`).not.toMatch(/before training/);
		// A new run from here is captioned as a run's starting point again.
		button(again.el, "cnn-lab-train").click();
		await until(() => /before training/.test(again.el.querySelector(".cnn-lab-filters")?.textContent ?? ""));
		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null && button(again.el, "cnn-lab-train").disabled === false);
	});

	it("a run of a second or two says its time in seconds, and its confusion matrix scrolls in a box of its own", async () => {
		const { el } = await render(net("train digits epochs 1 batch 32 adam lr 0.01 seed 7 limit 200"));
		button(el, "cnn-lab-train").click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null && el.querySelector(".cnn-lab-confusion-table") !== null);
		const time = [...el.querySelectorAll(".cnn-lab-metric")].find((d) => d.querySelector("dt")?.textContent === "Time");
		const shown = time?.querySelector("dd")?.textContent ?? "";
		// m:ss would say "0:00" or "0:01" for this run
		expect(shown).toMatch(/^\d+(\.\d)? s$/);
		const table = el.querySelector(".cnn-lab-confusion-table");
		expect(table?.parentElement?.classList.contains("cnn-lab-confusion-scroll")).toBe(true);
		expect(table?.parentElement?.getAttribute("tabindex")).toBe("0");
		// The sample captions keep "73 %" together: a no-break space before the sign.
		await until(() => el.querySelector(".cnn-lab-sample-caption") !== null);
		const captions = [...el.querySelectorAll(".cnn-lab-sample-caption")].map((c) => c.textContent ?? "");
		for (const c of captions) expect(c).toMatch(/\d\u00a0%/);
		await until(() => button(el, "cnn-lab-train").disabled === false);
	});

	it("the Train button looks disabled while it is: a :disabled rule of the styles matches it, and only then", async () => {
		const { el } = await render(net("train digits epochs 1 batch 32 adam lr 0.01 seed 7 limit 200"));
		const train = button(el, "cnn-lab-train");
		// Rules of the plugin's styles that dim a disabled button (each selector checked against the real button).
		const css = readFileSync(resolve(process.cwd(), "src/styles/training.css"), "utf8").replace(/\/\*[\s\S]*?\*\//g, "");
		const dimming = [...css.matchAll(/([^{}]+)\{([^}]*)\}/g)]
			.filter(([, , body]) => /opacity:\s*0?\.\d/.test(body))
			.flatMap(([, sel]) => sel.split(",").map((x) => x.trim()))
			.filter((sel) => sel.includes(":disabled"));
		const matches = (): boolean => dimming.some((sel) => train.matches(sel));
		expect(train.disabled).toBe(false);
		expect(matches()).toBe(false);
		train.click();
		expect(train.disabled).toBe(true);
		expect(matches()).toBe(true);
		await until(() => el.querySelector(".cnn-lab-metrics") !== null && !train.disabled);
	});

	it("with `save weights` the trained filters come back when the note is opened again, without training", async () => {
		const source = net("train digits epochs 2 batch 32 adam lr 0.01 seed 7 limit 400 save weights");
		const first = await render(source);
		button(first.el, "cnn-lab-train").click();
		await until(() => /Learned/.test(first.el.querySelector(".cnn-lab-filters")?.textContent ?? ""));
		await until(() => vault.getFiles().some((f) => f.path.endsWith(".safetensors")), 5000);
		const learned = first.el.querySelector(".cnn-lab-filters table")?.textContent;
		first.child.unload();

		const again = await render(source);
		// The filters' images (and their hidden number tables) are drawn a task after their titles.
		await until(() => /Learned/.test(again.el.querySelector(".cnn-lab-filters")?.textContent ?? "") && again.el.querySelector(".cnn-lab-featuremaps") !== null && again.el.querySelector(".cnn-lab-filters table") !== null);
		expect(again.el.querySelector(".cnn-lab-progress")).toBeNull();
		// The same numbers as the filters the run learned (the hidden number table of the first filter).
		expect(again.el.querySelector(".cnn-lab-filters table")?.textContent).toBe(learned);
		expect(again.el.querySelector(".cnn-lab-featuremaps")?.textContent).toMatch(/after training/);
	});

	it("a loss that blows up ends the run with a message naming the epoch and batch; the block stays usable", async () => {
		const { el } = await render(net("train digits epochs 5 batch 32 adam lr 100 seed 1"));
		button(el, "cnn-lab-train").click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Failed/);
		expect(el.querySelector(".cnn-lab-metrics .cnn-lab-error")?.textContent).toMatch(/epoch \d+, batch \d+/);
		expect(button(el, "cnn-lab-train").disabled).toBe(false);
		expect(host.training.running).toBe(0);
		expect((await untilRun("failed")).message).toMatch(/epoch \d+, batch \d+/);
	});

	it("a run stopped before its first epoch ends leaves no note", async () => {
		const { el } = await render(net("train digits epochs 5 batch 1 sgd lr 0.01 seed 3"));
		button(el, "cnn-lab-train").click();
		await until(() => el.querySelector(".cnn-lab-progress-text")?.textContent?.startsWith("Epoch") ?? false);
		button(el, "cnn-lab-stop").click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Stopped after 0 of 5/);
		await new Promise((r) => setTimeout(r, 50));
		expect(runNotes()).toEqual([]);
	});

	it("rendering a training block 100 times and unloading it leaves nothing behind and trains nothing", async () => {
		const before = themeListenerCount();
		const charts0 = liveChartCount();
		const steps = vi.spyOn(Trainer.prototype, "step");
		for (let i = 0; i < 100; i++) {
			const { child } = await render(net("train digits epochs 3 batch 32 adam lr 0.01 seed 7"));
			child.unload();
		}
		await new Promise((r) => setTimeout(r, 50));
		expect(steps).not.toHaveBeenCalled();
		steps.mockRestore();
		expect(liveChartCount()).toBe(charts0);
		expect(themeListenerCount()).toBe(before);
		expect(host.training.running).toBe(0);
		expect(runNotes()).toEqual([]);
	});

	it("a model over the limits is refused with the numbers and the setting, and nothing runs", async () => {
		host.settings.maxParameters = 100;
		const { el } = await render(net("train digits epochs 3 batch 32 adam lr 0.01"));
		button(el, "cnn-lab-train").click();
		const text = el.querySelector(".cnn-lab-results")?.textContent ?? "";
		expect(text).toMatch(/1 370/);
		expect(text).toMatch(/100/);
		expect(text).toMatch(/Largest model \(parameters\)/);
		expect(el.querySelector(".cnn-lab-progress")).toBeNull();
		expect(host.training.running).toBe(0);
	});
});
