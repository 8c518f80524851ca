// @vitest-environment jsdom
/**
 * The explorer's conv computation is built in pieces (the step's parts at once; the other input channels, the chain's
 * grids and the heatmaps' hidden numbers one per task), so that a click on a 28×28 layer is not one long task. Here:
 * the step is readable at once, the view ends up exactly as the stepper built in one go shows it (same numbers, same
 * windows, same hidden tables), a move while it builds ends up showing the new cell, and a destroy mid-build leaves
 * no timer running. The keyboard's focus on a dense layer's bars is drawn on the focused bar, not around the chart.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { chartMade, drawnBars } from "../../support/drawn-bars";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { CALC_DECIMALS, convModelFor } from "../../../src/render/explorer/computation-view";
import { ConvView } from "../../../src/render/conv/conv-view";
import { t } from "../../../src/i18n";

/** Two convs: the second sees 6 channels (5 of them built later); the first, on 20×20, has heatmaps with hidden tables. */
const SPEC: ModelSpec = {
	input: [1, 20, 20],
	layers: [
		{ type: "conv", filters: 6, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
		{ type: "relu" },
		{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
		{ type: "conv", filters: 4, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
		{ type: "relu" },
		{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
		{ type: "flatten" },
		{ type: "dense", units: 10, bias: true },
		{ type: "softmax" },
	],
};
const LINES = ["conv 6 3x3 pad 1", "relu", "maxpool 2", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax"];

/** One sample of smooth values (a blob), so that ReLU and pooling have both signs to work on. */
const x = Float32Array.from({ length: 400 }, (_, i) => Math.sin(i / 7) * Math.cos(i / 13));

/** setTimeout / clearTimeout counted: the timers still due. */
const live = new Set<number>();
beforeAll(() => {
	installFakeCanvas();
	const st = window.setTimeout.bind(window);
	const ct = window.clearTimeout.bind(window);
	const w = window as unknown as Record<string, unknown>;
	w.setTimeout = (fn: () => void, ms?: number) => {
		const id: number = st(() => {
			live.delete(id);
			fn();
		}, ms);
		live.add(id);
		return id;
	};
	w.clearTimeout = (id: number) => {
		live.delete(id);
		ct(id);
	};
});

const hosts: HTMLElement[] = [];
afterEach(() => hosts.splice(0).forEach((h) => h.remove()));

function mount(): { view: ExplorerView; host: HTMLElement; probe: Probe } {
	const host = document.body.createDiv();
	hosts.push(host);
	const probe = new Probe(SPEC, 7, null);
	const view = new ExplorerView(host, { probe, classNames: Array.from({ length: 10 }, (_, i) => String(i)), samples: { x, y: [3], n: 1 }, weightsFrom: null, lineText: (i) => LINES[i] ?? null, colormap: "viridis", decimals: 2 });
	return { view, host, probe };
}

const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

async function finish(view: ExplorerView): Promise<void> {
	for (let k = 0; k < 200 && view.computationBuilding; k++) await nextTask();
	expect(view.computationBuilding).toBe(false);
}

/**
 * An independent reading of a written sum: "a·b + c·d + … + bias = total" → the products re-added. A line of several
 * channels ("total: s1 + s2 + … = v") names its channels' sums, each checked from its own line by channelSums().
 */
function reAdd(text: string): { sum: number; total: number } {
	const num = (s: string): number => Number(s.replace(/[()]/g, "").replace("−", "-"));
	const [lhs, rhs] = text.replace(/^[^:=·]*:\s*/, "").split(" = ");
	let sum = 0;
	for (const term of lhs.split(" + ")) {
		const parts = term.split("·");
		sum += parts.length === 2 ? num(parts[0]) * num(parts[1]) : num(parts[0]);
	}
	return { sum, total: num(rhs) };
}

/** What a stepper shows, numbers only: every grid cell's text, the windows, the hidden tables, the sums. */
function shown(root: Element): Record<string, unknown> {
	const texts = (sel: string): string[] => [...root.querySelectorAll(sel)].map((e) => e.textContent ?? "");
	return {
		values: texts(".cnn-conv-value"),
		weights: texts(".cnn-conv-weight"),
		windows: root.querySelectorAll(".is-window").length,
		hidden: texts(".cnn-lab-number-table td"),
		summaries: [...root.querySelectorAll(".cnn-lab-heatmap > .cnn-lab-sr-only")].filter((e) => !e.querySelector("table")).map((e) => e.textContent ?? ""),
		canvases: root.querySelectorAll("canvas").length,
		channels: texts(".cnn-conv-sum-channel"),
		total: texts(".cnn-conv-sum-total"),
		chain: texts(".cnn-conv-chain .cnn-conv-caption"),
	};
}

/** The same cell in the stepper built in one go (the ```cnn-conv block's way), for comparison. */
function reference(probe: Probe, view: ExplorerView, layer: number, filter: number, row: number, col: number): Element {
	const label = t("explorer.strip.channel", { label: LINES[layer], n: filter + 1 });
	const r = view.current;
	if (!r) throw new Error("no result");
	const cell = probe.convCell(r, layer, filter);
	if (!cell) throw new Error("no cell");
	const after = r.stages.slice(layer + 2).map((s) => s.spec).filter((s): s is NonNullable<typeof s> => s !== null);
	const model = convModelFor(cell, label, after);
	if (!model) throw new Error("no model");
	const host = document.body.createDiv();
	hosts.push(host);
	const v = new ConvView(host, model, { decimals: CALC_DECIMALS, colormap: "viridis", speed: 2, pixels: false });
	v.dispatch({ goto: row * model.cols.output + col });
	const el = v.el;
	v.destroy();
	return el;
}

const calcOf = (host: HTMLElement): Element => {
	const el = host.querySelector(".cnn-lab-explorer-calc .cnn-conv");
	if (!el) throw new Error("no stepper");
	return el;
};

describe("the explorer's conv computation, built in pieces", () => {
	it("a conv on 6 channels: the step and its sum at once, the other channels and the chain later, ending as the stepper built in one go", async () => {
		const { view, host, probe } = mount();
		const stage = 4; // layer 3's output: the second conv, 10×10×4
		const [filter, row, col] = [2, 4, 7];
		view.pick(stage, (filter * 10 + row) * 10 + col);
		const value = view.current?.stages[stage].data[(filter * 10 + row) * 10 + col] ?? NaN;
		// At once: the written sum, re-added, is the cell's value; one channel's grid is there, the others are coming.
		const first = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-conv-sum-total")?.textContent ?? "");
		expect(Math.abs(first.sum - value)).toBeLessThan(1e-5);
		expect(Math.abs(first.total - value)).toBeLessThan(1e-6);
		// each channel's line re-adds to its sum, and those sums are the terms of the total
		const channels = [...host.querySelectorAll(".cnn-lab-explorer-calc .cnn-conv-sum-channel")].map((e) => reAdd(e.textContent ?? ""));
		expect(channels).toHaveLength(6);
		for (const c of channels) expect(Math.abs(c.sum - c.total)).toBeLessThan(1e-5);
		expect(Math.abs(channels.reduce((a, c) => a + c.total, 0) - value)).toBeLessThan(1e-5);
		expect(view.computationBuilding).toBe(true);
		const inputGrids = (): number => calcOf(host).querySelectorAll(".cnn-conv-stage > .cnn-conv-figure:first-child .cnn-conv-grid").length;
		expect(inputGrids()).toBe(1);
		await finish(view);
		expect(inputGrids()).toBe(6);
		// every channel's window, 3×3 each, with its weights
		expect(calcOf(host).querySelectorAll(".cnn-conv-stage > .cnn-conv-figure:first-child .is-window")).toHaveLength(6 * 9);
		const done = shown(calcOf(host));
		expect(done).toEqual(shown(reference(probe, view, 3, filter, row, col)));
		const again = reAdd(String((done.total as string[])[0]));
		expect(Math.abs(again.sum - value)).toBeLessThan(1e-5);
		view.destroy();
	});

	it("a 20×20 conv: its heatmaps' hidden numbers follow a task at a time, the same tables as built in one go", async () => {
		const { view, host, probe } = mount();
		const [filter, row, col] = [5, 0, 19];
		view.pick(1, (filter * 20 + row) * 20 + col);
		// the maps are drawn at once, their hidden tables come later
		expect(calcOf(host).querySelectorAll("canvas").length).toBeGreaterThanOrEqual(2);
		expect(calcOf(host).querySelectorAll(".cnn-lab-number-table")).toHaveLength(0);
		await finish(view);
		const done = shown(calcOf(host));
		// the padded 22×22 input and the 20×20 output, every number
		expect((done.hidden as string[]).length).toBe(22 * 22 + 20 * 20);
		expect(done).toEqual(shown(reference(probe, view, 0, filter, row, col)));
		view.destroy();
	});

	it("clicking on while it builds: the pieces left are built for the newest cell, and nothing piles up", async () => {
		const { view, host, probe } = mount();
		const pick = (f: number, r: number, c: number): void => view.pick(4, (f * 10 + r) * 10 + c);
		pick(0, 0, 0);
		const timers = live.size;
		// many quick clicks on the same layer move the open stepper; the pieces are the same ones, not more
		for (let k = 0; k < 20; k++) pick(k % 4, k % 10, (3 * k) % 10);
		expect(live.size).toBeLessThanOrEqual(timers);
		pick(3, 9, 1);
		await finish(view);
		expect(shown(calcOf(host))).toEqual(shown(reference(probe, view, 3, 3, 9, 1)));
		const value = view.current?.stages[4].data[(3 * 10 + 9) * 10 + 1] ?? NaN;
		const r = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-conv-sum-total")?.textContent ?? "");
		expect(Math.abs(r.sum - value)).toBeLessThan(1e-5);
		view.destroy();
	});

	it("destroyed mid-build (or closed for another layer's view), no piece and no timer is left", async () => {
		const { view, host } = mount();
		view.pick(1, 7);
		expect(view.computationBuilding).toBe(true);
		// another layer's value closes the stepper: its pieces go with it
		view.pick(3, 5);
		expect(view.computationBuilding).toBe(false);
		view.pick(4, 0);
		expect(view.computationBuilding).toBe(true);
		const stepper = calcOf(host);
		const grids = (): number => stepper.querySelectorAll(".cnn-conv-grid, .cnn-lab-number-table").length;
		const built = grids();
		view.destroy();
		expect(view.computationBuilding).toBe(false);
		expect(live.size).toBe(0);
		await nextTask();
		await nextTask();
		// nothing was built after the destroy
		expect(grids()).toBe(built);
		expect(live.size).toBe(0);
	});

	it("the keyboard's focus on the output layer's units is ringed on the focused bar, and goes when the focus leaves", async () => {
		const { view, host } = mount();
		const outRow = (): Element | undefined => [...host.querySelectorAll(".cnn-lab-explorer-layer")].find((r) => r.querySelector(".cnn-lab-featuremap-label")?.textContent?.startsWith("softmax"));
		for (let k = 0; k < 50 && !outRow(); k++) await nextTask();
		const row = [...host.querySelectorAll(".cnn-lab-explorer-layer")].find((r) => r.querySelector(".cnn-lab-featuremap-label")?.textContent?.startsWith("softmax"));
		const canvas = row?.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-unit-chart canvas");
		const buttons = row?.querySelectorAll<HTMLButtonElement>(".cnn-lab-explorer-unit");
		if (!canvas || !buttons) throw new Error("no dense row");
		await chartMade(canvas);
		/** The bars drawn with a border (the focus ring), by index. */
		const rings = (): number[] => drawnBars(canvas).flatMap((b, i) => (Number(b.borderWidth) > 0 && b.border !== "transparent" ? [i] : []));
		expect(rings()).toEqual([]);
		buttons[6].focus();
		// the 7th bar, not the whole chart
		expect(rings()).toEqual([6]);
		buttons[6].blur();
		expect(rings()).toEqual([]);
		view.destroy();
	});
});
