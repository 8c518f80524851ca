// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { chartOfCanvas } from "../../../src/render/charts/line-chart";
import { parseRunNote } from "../../../src/runs/run-note";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { installFakeCanvas } from "./fake-canvas";
import { until } from "../../support/until";

// A run belongs to the plugin: the block that started it may go (another note opened, Live Preview's source toggle,
// scrolled out of view) and come back; the run goes on, and the block shows it again from its start.

beforeAll(() => installFakeCanvas());

const net = (train: string): string => ["input 8x8x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", train].join("\n");
/**
 * Long enough that the block can go and come back mid-run, several times: on a busy machine the block's first
 * chart point can come some epochs into the run (its redraws are throttled), and with 6 epochs the run had once
 * ended by the time the block came back (no progress bar to find).
 */
const EPOCHS = 12;
const BLOCK = net(`train digits epochs ${EPOCHS} batch 16 sgd lr 0.05 seed 11 limit 900`);

let host: CnnLabHost & Plugin;
let vault: Vault;
let app: App;

beforeEach(() => {
	vault = new Vault({ "Notes/CNN.md": "# CNN" });
	app = new App(vault);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
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
/** Points of one series of one chart of the block, as drawn. */
function shown(el: HTMLElement, chart: number, series: number): number[] {
	const canvas = el.querySelectorAll<HTMLCanvasElement>(".cnn-lab-chart-canvas")[chart];
	const c = canvas ? chartOfCanvas(canvas) : undefined;
	return c ? c.points(series).map((p) => p.y) : [];
}
const runOf = (source: string) => host.training.find({ sourcePath: "Notes/CNN.md", source });
const runNotes = (): string[] => vault.getFiles().filter((f) => f.path.startsWith("CNN runs/") && f.extension === "md").map((f) => f.path);
async function noteRun(): Promise<ReturnType<typeof parseRunNote>> {
	const files = runNotes();
	const f = files.length === 1 ? vault.getFileByPath(files[0]) : null;
	return f ? parseRunNote(await vault.read(f)) : null;
}
const barValue = (el: HTMLElement): number => Number(el.querySelector(".cnn-lab-progress-bar")?.getAttribute("aria-valuenow") ?? NaN);

describe("a run outlives its block", () => {
	it("Live Preview's source toggle mid-run (block unloaded, rendered again): reattached with every epoch so far, the run goes on to completed", async () => {
		const first = await render(BLOCK);
		button(first.el, "cnn-lab-train").click();
		await until(() => shown(first.el, 0, 1).length >= 1);
		first.child.unload();
		const run = runOf(BLOCK);
		if (!run) throw new Error("the run is gone with its block");
		const at = run.epochs.length;
		// Away from the block, it trains on.
		await until(() => run.epochs.length >= at + 1);

		const before = run.epochs.length;
		const again = await render(BLOCK);
		// At once: the whole history on the charts (every epoch the run had when the block came back; the run trains
		// on meanwhile, so one more may have reached both), the bar where the run is.
		const loss = shown(again.el, 0, 1);
		expect(loss.length).toBeGreaterThanOrEqual(Math.max(1, before));
		expect(loss).toEqual(run.epochs.slice(0, loss.length).map((e) => e.loss));
		expect(shown(again.el, 1, 1)).toEqual(run.epochs.slice(0, loss.length).map((e) => e.valAcc));
		expect(shown(again.el, 0, 0).length).toBeGreaterThan(loss.length);
		expect(again.el.querySelector(".cnn-lab-progress")).not.toBeNull();
		expect(barValue(again.el)).toBeGreaterThan(0);
		expect(barValue(again.el)).toBeLessThanOrEqual(Math.round((run.lastProgress?.fraction ?? 0) * 1000) / 10 + 1e-9);
		expect(button(again.el, "cnn-lab-train").disabled).toBe(true);
		expect(again.el.querySelector(".cnn-lab-training-status")?.textContent).toMatch(/digits/);

		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null);
		expect(again.el.querySelector(".cnn-lab-metrics-status")?.textContent).toContain(`${EPOCHS} of ${EPOCHS}`);
		expect(shown(again.el, 0, 1)).toHaveLength(EPOCHS);
		expect(shown(again.el, 1, 1)).toHaveLength(EPOCHS);
		await until(async () => (await noteRun())?.status === "completed");
		const note = await noteRun();
		expect(note?.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
		note?.epochs.forEach((e, i) => expect(e.valAcc).toBeCloseTo(shown(again.el, 1, 1)[i], 4));
		expect(host.training.running).toBe(0);
	});

	it("closed and reopened twice: each time the block shows the run so far; a run that ended away shows its results", async () => {
		const first = await render(BLOCK);
		button(first.el, "cnn-lab-train").click();
		await until(() => shown(first.el, 0, 1).length >= 1);
		first.child.unload();
		const run = runOf(BLOCK);
		if (!run) throw new Error("the run is gone with its block");

		const second = await render(BLOCK);
		expect(shown(second.el, 0, 1).length).toBe(run.epochs.length);
		expect(second.el.querySelector(".cnn-lab-progress")).not.toBeNull();
		second.child.unload();

		// The run ends while no block shows it.
		await until(() => !run.active);
		const third = await render(BLOCK);
		expect(third.el.querySelector(".cnn-lab-progress")).toBeNull();
		expect(third.el.querySelector(".cnn-lab-metrics-status")?.textContent).toContain(`${EPOCHS} of ${EPOCHS}`);
		expect(shown(third.el, 0, 1)).toHaveLength(EPOCHS);
		// Its results, drawn in steps: the confusion matrix, the validation samples and the learned filters.
		await until(() => third.el.querySelector(".cnn-lab-confusion-table") !== null && /Learned/.test(third.el.querySelector(".cnn-lab-filters")?.textContent ?? ""));
		expect(third.el.querySelectorAll(".cnn-lab-sample").length).toBeGreaterThan(0);
		expect(button(third.el, "cnn-lab-train").textContent).toBe("Train again");
		third.child.unload();
		await until(async () => (await noteRun())?.status === "completed");
		expect((await noteRun())?.epochs).toHaveLength(EPOCHS);

		// Shown once, the run is the vault's: the block reads its latest run from the note from now on.
		expect(runOf(BLOCK)).toBeNull();
		const fourth = await render(BLOCK);
		await until(() => /Latest run/.test(fourth.el.querySelector(".cnn-lab-training-status")?.textContent ?? ""));
		expect(shown(fourth.el, 0, 1)).toHaveLength(EPOCHS);
	});

	it("Stop in a reattached block stops the run; the note keeps its finished epochs", async () => {
		const source = net("train digits epochs 200 batch 16 sgd lr 0.05 seed 3");
		const first = await render(source);
		button(first.el, "cnn-lab-train").click();
		await until(() => shown(first.el, 0, 1).length >= 1);
		first.child.unload();
		const again = await render(source);
		button(again.el, "cnn-lab-stop").click();
		await until(() => again.el.querySelector(".cnn-lab-metrics") !== null);
		expect(again.el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Stopped after \d+ of 200/);
		await until(async () => (await noteRun())?.status === "stopped");
		expect((await noteRun())?.epochs.length).toBe(shown(again.el, 0, 1).length);
	});

	it("two views of one block (the note in two panes) show the same run, and Train in one is the run of both", async () => {
		const a = await render(BLOCK);
		const b = await render(BLOCK);
		button(a.el, "cnn-lab-train").click();
		expect(b.el.querySelector(".cnn-lab-progress")).not.toBeNull();
		expect(button(b.el, "cnn-lab-train").disabled).toBe(true);
		await until(() => b.el.querySelector(".cnn-lab-metrics") !== null && a.el.querySelector(".cnn-lab-metrics") !== null);
		expect(shown(b.el, 0, 1)).toEqual(shown(a.el, 0, 1));
		expect(runNotes()).toHaveLength(1);
	});

	it("while the run goes on, its 'Saved to' link opens the note in a new tab; after the end, in this one", async () => {
		const source = net("train digits epochs 200 batch 16 sgd lr 0.05 seed 3");
		const { el } = await render(source);
		button(el, "cnn-lab-train").click();
		await until(() => el.querySelector(".cnn-lab-log-save a") !== null);
		(el.querySelector(".cnn-lab-log-save a") as HTMLElement).click();
		expect(app.workspace.opened[0]).toMatchObject({ sourcePath: "Notes/CNN.md", newLeaf: "tab" });
		expect(app.workspace.opened[0].linktext).toMatch(/^CNN runs\//);
		button(el, "cnn-lab-stop").click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		(el.querySelector(".cnn-lab-log-save a") as HTMLElement).click();
		expect(app.workspace.opened[1].newLeaf).toBe(false);
	});
});
