// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { loadDigits } from "../../../src/data/digits";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";

const p = (a: number): [number, number] => [a, a];
const conv = (filters: number, k: number, extra: Partial<Extract<LayerSpec, { type: "conv" }>> = {}): LayerSpec => ({ type: "conv", filters, kernel: p(k), stride: p(1), pad: p(0), dilation: p(1), bias: true, ...extra });
const relu: LayerSpec = { type: "relu" };
const bn: LayerSpec = { type: "batchnorm" };

/** A mini-ResNet on the 8×8 digits: an identity block, a projection block, and a block with a block inside. */
const SPEC: ModelSpec = {
	input: [1, 8, 8],
	layers: [
		conv(4, 3, { pad: p(1) }),
		relu,
		{ type: "residual", body: [conv(4, 3, { pad: p(1) }), relu, conv(4, 3, { pad: p(1) })], shortcut: [] },
		relu,
		{ type: "residual", body: [conv(8, 3, { stride: p(2), pad: p(1) }), bn, relu], shortcut: [conv(8, 1, { stride: p(2), bias: false }), bn] },
		{ type: "residual", body: [relu, { type: "residual", body: [conv(8, 3, { pad: p(1) })], shortcut: [] }, { type: "maxpool", kernel: p(1), stride: p(1), pad: p(0), ceil: false, countIncludePad: true }], shortcut: [] },
		{ type: "gap" },
		{ type: "dense", units: 10, bias: true },
	],
};
const LINES = ["conv 4 3x3 pad 1", "relu", "residual", "relu", "residual project", "residual", "gap", "dense 10"];
const digits = loadDigits();

beforeAll(() => installFakeCanvas());

function mount(): { view: ExplorerView; host: HTMLElement } {
	const host = document.body.createDiv();
	const view = new ExplorerView(host, {
		probe: new Probe(SPEC, 3, null),
		classNames: digits.classNames,
		samples: { x: digits.x, y: digits.y, n: digits.n },
		weightsFrom: null,
		lineText: (i) => LINES[i] ?? null,
		colormap: "viridis",
		decimals: 2,
	});
	return { view, host };
}

function clickCell(canvas: HTMLCanvasElement, rows: number, cols: number, row: number, col: number): void {
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: cols * 10, height: rows * 10, right: cols * 10, bottom: rows * 10, x: 0, y: 0, toJSON: () => ({}) });
	canvas.dispatchEvent(new MouseEvent("click", { clientX: col * 10 + 5, clientY: row * 10 + 5, bubbles: true }));
}

const num = (s: string): number => Number(s.replace(/[()]/g, "").replace("−", "-"));
const rowLabels = (el: Element): string[] => [...el.querySelectorAll(":scope > .cnn-lab-explorer-layer > .cnn-lab-featuremap-label, :scope > .cnn-lab-explorer-block > .cnn-lab-featuremap-label")].map((e) => e.textContent ?? "");

/** The strip's row whose label is `label` inside the `k`-th top-level block. */
function rowIn(host: HTMLElement, k: number, label: string): Element {
	const block = host.querySelectorAll(".cnn-lab-explorer-strip > .cnn-lab-explorer-block")[k];
	const row = [...block.querySelectorAll(".cnn-lab-explorer-layer")].find((r) => r.querySelector(".cnn-lab-featuremap-label")?.textContent === label);
	if (!row) throw new Error(`no row ${label} in block ${k}`);
	return row;
}

describe("network explorer on residual blocks", () => {
	it("draws each block as a group: the body's maps, the shortcut's (or the identity), then the sum, labelled; a nested block inside", () => {
		const { view, host } = mount();
		const blocks = host.querySelectorAll(".cnn-lab-explorer-strip > .cnn-lab-explorer-block");
		expect(blocks).toHaveLength(3);
		const inner = (k: number): string[] => rowLabels(blocks[k].querySelector(".cnn-lab-explorer-block-inner") as Element);
		expect(blocks[0].querySelector(".cnn-lab-featuremap-label")?.textContent).toBe("residual · 8×8×4");
		expect(inner(0)).toEqual(["body 1: conv 4 3×3 · 8×8×4", "body 2: relu · 8×8×4", "body 3: conv 4 3×3 · 8×8×4", "shortcut (identity: the block's input) · 8×8×4", "add: body + shortcut · 8×8×4"]);
		expect(inner(1)).toEqual(["body 1: conv 8 3×3 · 4×4×8", "body 2: batchnorm · 4×4×8", "body 3: relu · 4×4×8", "shortcut 1: conv 8 1×1 · 4×4×8", "shortcut 2: batchnorm · 4×4×8", "add: body + shortcut · 4×4×8"]);
		expect(inner(2)).toEqual(["body 1: relu · 4×4×8", "body 2: residual · 4×4×8", "body 3: maxpool 1 · 4×4×8", "shortcut (identity: the block's input) · 4×4×8", "add: body + shortcut · 4×4×8"]);
		const nested = blocks[2].querySelector(".cnn-lab-explorer-block-inner > .cnn-lab-explorer-block > .cnn-lab-explorer-block-inner") as Element;
		expect(rowLabels(nested)).toEqual(["body 1: conv 8 3×3 · 4×4×8", "shortcut (identity: the block's input) · 4×4×8", "add: body + shortcut · 4×4×8"]);
		// every row, inside a block or not, has its own colour scale and legend
		expect(host.querySelectorAll(".cnn-lab-explorer-layer").length).toBe(host.querySelectorAll(".cnn-lab-explorer-legend").length);
		view.destroy();
	});

	it("a click on the sum shows body + shortcut = value with the real numbers; for the identity the shortcut is the block's input", () => {
		const { view, host } = mount();
		const add = rowIn(host, 0, "add: body + shortcut · 8×8×4");
		clickCell(add.querySelectorAll("canvas")[2] as HTMLCanvasElement, 8, 8, 3, 5);
		const index = (2 * 8 + 3) * 8 + 5;
		const r = view.current;
		if (!r) throw new Error("no result");
		const text = host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "";
		const m = /^body (\S+) \+ shortcut (\S+) = (\S+)$/.exec(text);
		if (!m) throw new Error(`not a sum: ${text}`);
		const [body, shortcut, sum] = [num(m[1]), num(m[2]), num(m[3])];
		// the block's output is the stage's value, its shortcut the block's input (relu's output), re-added
		expect(Math.abs(sum - r.stages[3].data[index])).toBeLessThan(1e-6);
		expect(Math.abs(shortcut - r.stages[2].data[index])).toBeLessThan(1e-6);
		expect(Math.abs(body + shortcut - sum)).toBeLessThan(2e-6);
		expect(host.querySelector(".cnn-lab-explorer-calc-title")?.textContent).toContain("residual › add: body + shortcut, channel 3, row 4, column 6");
		view.destroy();
	});

	it("a projection block's sum adds the shortcut's batch-normalised 1×1 conv", () => {
		const { view, host } = mount();
		const add = rowIn(host, 1, "add: body + shortcut · 4×4×8");
		clickCell(add.querySelectorAll("canvas")[6] as HTMLCanvasElement, 4, 4, 1, 2);
		const index = (6 * 4 + 1) * 4 + 2;
		const block = view.current?.stages[5];
		const terms = /^body (\S+) \+ shortcut (\S+) = (\S+)$/.exec(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "");
		if (!block?.inner || !terms) throw new Error("no block or no sum");
		const byPath = new Map(block.inner.map((a) => [a.path, a.data[index]]));
		expect(num(terms[1])).toBeCloseTo(byPath.get("body.2") ?? NaN, 5);
		expect(num(terms[2])).toBeCloseTo(byPath.get("shortcut.1") ?? NaN, 5);
		expect(num(terms[3])).toBeCloseTo(block.data[index], 5);
		view.destroy();
	});

	it("a ReLU inside a block is explained from the body's output before it; a conv inside says its arithmetic is not shown yet", () => {
		const { view, host } = mount();
		const reluRow = rowIn(host, 0, "body 2: relu · 8×8×4");
		clickCell(reluRow.querySelectorAll("canvas")[1] as HTMLCanvasElement, 8, 8, 0, 7);
		const index = (1 * 8 + 0) * 8 + 7;
		const before = view.current?.stages[3].inner?.find((a) => a.path === "body.0")?.data[index] ?? NaN;
		const text = host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "";
		const m = /^ReLU: max\(0, (\S+)\) = (\S+)$/.exec(text);
		if (!m) throw new Error(`not a ReLU: ${text}`);
		expect(num(m[1])).toBeCloseTo(before, 5);
		expect(num(m[2])).toBeCloseTo(Math.max(0, before), 5);
		const convRow = rowIn(host, 0, "body 1: conv 4 3×3 · 8×8×4");
		clickCell(convRow.querySelectorAll("canvas")[0] as HTMLCanvasElement, 8, 8, 0, 0);
		expect(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-note")?.textContent).toMatch(/not shown yet/);
		view.destroy();
	});

	it("the nested block's sum and the layer after it read the right outputs", () => {
		const { view, host } = mount();
		const outer = host.querySelectorAll(".cnn-lab-explorer-strip > .cnn-lab-explorer-block")[2];
		const nestedAdd = [...outer.querySelectorAll(".cnn-lab-explorer-block .cnn-lab-explorer-block .cnn-lab-explorer-layer")].pop();
		if (!nestedAdd) throw new Error("no nested add");
		clickCell(nestedAdd.querySelectorAll("canvas")[0] as HTMLCanvasElement, 4, 4, 2, 2);
		const index = 2 * 4 + 2;
		const stage = view.current?.stages[6];
		const nested = stage?.inner?.find((a) => a.path === "body.1");
		const get = (path: string): number => nested?.inner?.find((a) => a.path === path)?.data[index] ?? NaN;
		const m = /^body (\S+) \+ shortcut (\S+) = (\S+)$/.exec(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "");
		if (!m) throw new Error("no sum");
		expect(num(m[1])).toBeCloseTo(get("body.1.body.0"), 5);
		// the nested block's identity is its input: the outer body's first output (relu)
		expect(num(m[2])).toBeCloseTo(stage?.inner?.find((a) => a.path === "body.0")?.data[index] ?? NaN, 5);
		expect(num(m[3])).toBeCloseTo(get("body.1.add"), 5);
		// the 1×1 max pool after it reads the nested block's sum
		const pool = rowIn(host, 2, "body 3: maxpool 1 · 4×4×8");
		clickCell(pool.querySelectorAll("canvas")[0] as HTMLCanvasElement, 4, 4, 2, 2);
		const cell = Number((host.querySelector(".cnn-lab-explorer-window td")?.textContent ?? "").replace("−", "-"));
		expect(cell).toBeCloseTo(get("body.1.add"), 2);
		view.destroy();
	});

	it("the next sample redraws the block's maps in place and keeps the picked sum's computation open with new numbers", () => {
		const { view, host } = mount();
		const add = rowIn(host, 0, "add: body + shortcut · 8×8×4");
		clickCell(add.querySelectorAll("canvas")[0] as HTMLCanvasElement, 8, 8, 4, 4);
		const first = host.querySelector(".cnn-lab-explorer-calc-sum")?.textContent;
		const canvases = [...host.querySelectorAll(".cnn-lab-explorer-strip canvas")];
		view.showSample(1);
		const again = [...host.querySelectorAll(".cnn-lab-explorer-strip canvas")];
		expect(again.every((c, k) => c === canvases[k])).toBe(true);
		const second = host.querySelector(".cnn-lab-explorer-calc-sum")?.textContent;
		expect(second).toMatch(/^body \S+ \+ shortcut \S+ = \S+$/);
		expect(second).not.toBe(first);
		view.destroy();
	});
});
