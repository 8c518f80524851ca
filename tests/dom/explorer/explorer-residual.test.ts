// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { loadDigits } from "../../../src/data/digits";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { Probe } from "../../../src/engine/probe";
import { Sequential } from "../../../src/engine/model";
import { ResidualLayer } from "../../../src/engine/layers/residual";
import { gradCam } from "../../../src/engine/attribution";
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
	return mountWith(SPEC, LINES);
}

/** The explorer on `spec` (seed 3's weights), with the engine's own copy of the same network to check against. */
function mountWith(spec: ModelSpec, lines: string[]): { view: ExplorerView; host: HTMLElement; probe: Probe; net: Sequential } {
	const host = document.body.createDiv();
	const probe = new Probe(spec, 3, null);
	const view = new ExplorerView(host, {
		probe,
		classNames: digits.classNames,
		samples: { x: digits.x, y: digits.y, n: digits.n },
		weightsFrom: null,
		lineText: (i) => lines[i] ?? null,
		colormap: "viridis",
		decimals: 2,
	});
	return { view, host, probe, net: Sequential.build(spec, 3) };
}

/** The written products and terms of a sum re-added, and the value it says it equals. */
function reAdd(text: string): { sum: number; total: number } {
	const [lhs, rhs] = text.split(" = ");
	let sum = 0;
	// a filter over several channels writes "total: ch1 + ch2 + …" (each channel's sum), one channel its products
	for (const term of lhs.replace(/^total: /, "").split(" + ")) {
		const parts = term.split("·");
		sum += parts.length === 2 ? num(parts[0]) * num(parts[1]) : num(parts[0]);
	}
	return { sum, total: num(rhs) };
}

/** conv 4 3×3 → gap → a block of dense 4 with the identity → dense 10: a block on flat features. */
const FLAT: ModelSpec = { input: [1, 8, 8], layers: [conv(4, 3), { type: "gap" }, { type: "residual", body: [{ type: "dense", units: 4, bias: true }], shortcut: [] }, { type: "dense", units: 10, bias: true }] };

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

	it("a ReLU inside a block is explained from the body's output before it; a conv inside shows the stepper on its learned kernel", () => {
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
		expect(host.textContent).not.toMatch(/not shown yet/);
		view.destroy();
	});

	it("a conv inside a block (first in its branch, later in it, in the shortcut, nested) shows the stepper on the engine's kernel and the layer's real input", () => {
		const { view, host, net } = mountWith(SPEC, LINES);
		const r = view.current;
		if (!r) throw new Error("no result");
		// [top-level block k, row label, stage, path, channels, size, filter, row, col]
		const cases: [number, string, number, string, number, number, number, number, number][] = [
			[0, "body 1: conv 4 3×3 · 8×8×4", 3, "body.0", 4, 8, 2, 0, 7],
			[0, "body 3: conv 4 3×3 · 8×8×4", 3, "body.2", 4, 8, 1, 4, 4],
			[1, "shortcut 1: conv 8 1×1 · 4×4×8", 5, "shortcut.0", 8, 4, 5, 3, 1],
			[1, "body 1: conv 8 3×3 · 4×4×8", 5, "body.0", 8, 4, 7, 2, 2],
		];
		for (const [k, label, stage, path, , n, f, row, col] of cases) {
			clickCell(rowIn(host, k, label).querySelectorAll("canvas")[f] as HTMLCanvasElement, n, n, row, col);
			const value = r.stages[stage].inner?.find((a) => a.path === path)?.data[(f * n + row) * n + col] ?? NaN;
			const sum = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-conv-sum-total")?.textContent ?? "");
			expect(Math.abs(sum.sum - value), path).toBeLessThan(1e-5);
			expect(Math.abs(sum.total - value)).toBeLessThan(1e-6);
			// the kernel shown is the engine's sublayer's weights for that filter
			const block = net.layers[stage - 1];
			if (!(block instanceof ResidualLayer)) throw new Error("not a block");
			const sub = (path.startsWith("body") ? block.body : block.shortcut)[Number(path.split(".")[1])];
			const w = sub.params.find((q) => q.name === "weight");
			if (!w) throw new Error("no weight");
			const per = w.value.length / w.shape[0];
			const kernel = [...host.querySelectorAll(".cnn-lab-explorer-calc .cnn-conv-kernel-box .cnn-conv-value")].map((e) => num(e.textContent ?? ""));
			expect(kernel).toHaveLength(per);
			kernel.forEach((v, i) => expect(Math.abs(v - w.value[f * per + i])).toBeLessThanOrEqual(5e-7 + 1e-12));
		}
		// the nested block's conv reads the outer body's relu output
		const outer = host.querySelectorAll(".cnn-lab-explorer-strip > .cnn-lab-explorer-block")[2];
		const nestedConv = outer.querySelector(".cnn-lab-explorer-block .cnn-lab-explorer-block .cnn-lab-explorer-layer");
		if (!nestedConv) throw new Error("no nested conv");
		clickCell(nestedConv.querySelectorAll("canvas")[3] as HTMLCanvasElement, 4, 4, 1, 1);
		const nested = r.stages[6].inner?.find((a) => a.path === "body.1")?.inner?.find((a) => a.path === "body.1.body.0");
		const sum = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-conv-sum-total")?.textContent ?? "");
		expect(Math.abs(sum.total - (nested?.data[(3 * 4 + 1) * 4 + 1] ?? NaN))).toBeLessThan(1e-6);
		view.destroy();
	});

	it("a dense unit inside a block lists its contributions adding up to the value; a batch norm inside uses its running statistics", () => {
		const { view, host } = mountWith(FLAT, ["conv 4 3x3", "gap", "residual", "dense 10"]);
		const r = view.current;
		if (!r) throw new Error("no result");
		const dense = rowIn(host, 0, "body 1: dense 4 · 4");
		(dense.querySelectorAll("button.cnn-lab-explorer-unit")[2] as HTMLButtonElement).click();
		const sum = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "");
		const value = r.stages[3].inner?.find((a) => a.path === "body.0")?.data[2] ?? NaN;
		expect(Math.abs(sum.sum - value)).toBeLessThan(1e-5);
		expect(Math.abs(sum.total - value)).toBeLessThan(1e-6);
		view.destroy();
		const second = mountWith(SPEC, LINES);
		const bnRow = rowIn(second.host, 1, "shortcut 2: batchnorm · 4×4×8");
		clickCell(bnRow.querySelectorAll("canvas")[4] as HTMLCanvasElement, 4, 4, 0, 3);
		const text = second.host.querySelector(".cnn-lab-explorer-calc")?.textContent ?? "";
		// the seed's running statistics: mean 0, variance 1
		expect(text).toMatch(/running/i);
		second.view.destroy();
	});

	it("Grad-CAM's layer picker lists the convs inside blocks with their block and path, and Grad-CAM on one is the engine's", () => {
		const { view, host, probe, net } = mountWith(SPEC, LINES);
		const select = host.querySelectorAll(".cnn-lab-explorer-why select")[1] as HTMLSelectElement;
		const names = [...select.options].map((o) => o.textContent);
		expect(names).toEqual(expect.arrayContaining(["residual › body 1: conv 4 3×3", "residual › body 3: conv 4 3×3", "residual project › shortcut 1: conv 8 1×1", "residual › body 2 › body 1: conv 8 3×3"]));
		// the top-level conv stays the first (the default)
		expect(names[0]).toBe("conv 4 3x3 pad 1");
		const k = names.indexOf("residual project › shortcut 1: conv 8 1×1");
		const target = probe.camTargets()[k];
		expect(target).toEqual({ layer: 4, path: "shortcut.0", label: "conv 8 1×1" });
		const nestedPath = probe.camTargets().find((c) => c.layer === 5)?.path;
		expect(nestedPath).toBe("body.1.body.0");
		view.attribution.show(view.current);
		select.value = String(k);
		select.dispatchEvent(new Event("change"));
		const caption = [...host.querySelectorAll(".cnn-lab-explorer-why .cnn-lab-note")].map((e) => e.textContent).find((s) => s?.startsWith("Grad-CAM on"));
		expect(caption).toBe("Grad-CAM on residual project › shortcut 1: conv 8 1×1 (4×4) over the input");
		const r = view.current;
		if (!r) throw new Error("no result");
		const cam = probe.gradCam(r.input, view.attribution.explainedClass, 4, "shortcut.0");
		const direct = gradCam(net, { shape: [1, 8, 8], data: r.input }, view.attribution.explainedClass, 4, "shortcut.0");
		expect([...cam.data]).toEqual([...direct.data]);
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
