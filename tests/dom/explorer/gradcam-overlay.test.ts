// @vitest-environment jsdom
/**
 * Grad-CAM drawn over the input: the overlay is two layers of pixels, the input in grey underneath and the Grad-CAM
 * map in the colour map on top (the stylesheet lays the top one over the bottom one, half transparent), each the
 * engine's numbers; picking another Grad-CAM layer redraws the top layer with that layer's map.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { canvasLog, installFakeCanvas } from "../training/fake-canvas";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { trainSync } from "../../../src/engine/trainer";
import { optimizerSpec } from "../../../src/engine/optim";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { colorOf, valueRange, type ColormapName } from "../../../src/render/colormap";

const conv = (filters: number) => ({ type: "conv" as const, filters, kernel: [3, 3] as [number, number], stride: [1, 1] as [number, number], pad: [1, 1] as [number, number], dilation: [1, 1] as [number, number], bias: true });
const SPEC: ModelSpec = {
	input: [1, 8, 8],
	layers: [
		conv(4),
		{ type: "relu" },
		{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
		conv(6),
		{ type: "relu" },
		{ type: "flatten" },
		{ type: "dense", units: 10, bias: true },
		{ type: "softmax" },
	],
};
const LINES = ["conv 4 3x3 pad 1", "relu", "maxpool 2", "conv 6 3x3 pad 1", "relu", "flatten", "dense 10", "softmax"];

const digits = loadDigits();
let weights: Float32Array;

beforeAll(() => {
	installFakeCanvas();
	const net = Sequential.build(SPEC, 11);
	trainSync(net, { x: digits.x, y: digits.y, n: digits.n, shape: digits.shape, classes: 10 }, { epochs: 2, batchSize: 32, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 11, val: 0.2 });
	weights = net.exportWeights();
});

let view: ExplorerView | null = null;
afterEach(() => {
	view?.destroy();
	view = null;
	document.body.empty();
});

/** The grid of colours in the last image put on a heatmap canvas (one per cell of a w×h grid). */
function drawnCells(canvas: HTMLCanvasElement, w: number, h: number): [number, number, number][] {
	const put = canvasLog(canvas).filter((c) => c.op === "putImageData").pop();
	if (!put) throw new Error("nothing drawn");
	const img = put.args[0] as ImageData;
	expect(canvas.width % w).toBe(0);
	expect(canvas.height / h).toBe(canvas.width / w);
	const k = canvas.width / w;
	return Array.from({ length: w * h }, (_, i) => {
		const o = (Math.floor(i / w) * k * canvas.width + (i % w) * k) * 4;
		return [img.data[o], img.data[o + 1], img.data[o + 2]];
	});
}

const colours = (data: ArrayLike<number>, cmap: ColormapName, range: { min: number; max: number }): [number, number, number][] => Array.from(data, (v) => colorOf(cmap, v, range));

describe("Grad-CAM over the input", () => {
	it("is the input's grey pixels under the Grad-CAM map's colours, and another layer picked redraws the map on top", () => {
		const host = document.body.createDiv();
		const sample = 9;
		const x = digits.x.slice(sample * 64, (sample + 1) * 64);
		view = new ExplorerView(host, {
			probe: new Probe(SPEC, 11, weights),
			classNames: digits.classNames,
			samples: { x, y: [digits.y[sample]], n: 1 },
			weightsFrom: "test run",
			lineText: (i) => LINES[i] ?? null,
			colormap: "viridis",
			decimals: 2,
		});
		const why = host.querySelector(".cnn-lab-explorer-why");
		const overlay = why?.querySelector(".cnn-lab-explorer-overlay");
		if (!why || !overlay) throw new Error("no Grad-CAM overlay");
		// two canvases: the bottom one, and the top one in the layer the stylesheet puts over it
		const canvases = [...overlay.querySelectorAll("canvas")];
		expect(canvases).toHaveLength(2);
		const [bottom, top] = canvases;
		expect(bottom.closest(".cnn-lab-explorer-overlay-top")).toBeNull();
		expect(top.closest(".cnn-lab-explorer-overlay-top")?.parentElement).toBe(overlay);
		const css = readFileSync(join(process.cwd(), "src/styles/explorer.css"), "utf8");
		const rule = /\.cnn-lab-explorer-overlay-top\s*\{([^}]*)\}/.exec(css)?.[1] ?? "";
		expect(rule).toMatch(/position:\s*absolute/);
		expect(rule).toMatch(/inset:\s*0/);
		const opacity = Number(/opacity:\s*([\d.]+)/.exec(rule)?.[1]);
		expect(opacity).toBeGreaterThan(0);
		expect(opacity).toBeLessThan(1);

		// the class explained is the prediction; the engine's Grad-CAM of it, from a probe of its own
		const probe = new Probe(SPEC, 11, weights);
		const probs = probe.run(x).probs;
		const cls = probs.indexOf(Math.max(...probs));
		expect(view.attribution.explainedClass).toBe(cls);
		const select = why.querySelectorAll("select")[1];
		expect(select.selectedOptions[0].textContent).toBe("conv 6 3x3 pad 1");

		const inputPixels = colours(x, "gray", valueRange(x));
		const camPixels = (layer: number): { cells: [number, number, number][]; h: number; w: number } => {
			const cam = probe.gradCam(x, cls, layer);
			const max = valueRange(cam.data).max;
			expect(max).toBeGreaterThan(0);
			return { cells: colours(cam.data, "viridis", { min: 0, max }), h: cam.h, w: cam.w };
		};
		// underneath, the input: its grey levels (more than one: a digit, not a blank)
		expect(drawnCells(bottom, 8, 8)).toEqual(inputPixels);
		expect(new Set(inputPixels.map((p) => p[0])).size).toBeGreaterThan(3);
		// on top, Grad-CAM on the last conv (4×4 after the pool)
		const last = camPixels(3);
		expect([last.h, last.w]).toEqual([4, 4]);
		expect(drawnCells(top, 4, 4)).toEqual(last.cells);
		expect(why.querySelector(".cnn-lab-explorer-why-map:has(.cnn-lab-explorer-overlay) > .cnn-lab-note")?.textContent).toBe("Grad-CAM on conv 6 3x3 pad 1 (4×4) over the input");

		// the first conv instead: the map on top is its 8×8 Grad-CAM, the input below unchanged
		const option = [...select.options].find((o) => o.textContent === "conv 4 3x3 pad 1");
		if (!option) throw new Error("no first conv in the layer select");
		select.value = option.value;
		select.dispatchEvent(new Event("change"));
		const first = camPixels(0);
		expect([first.h, first.w]).toEqual([8, 8]);
		expect(drawnCells(top, 8, 8)).toEqual(first.cells);
		expect(drawnCells(bottom, 8, 8)).toEqual(inputPixels);
		expect(why.querySelector(".cnn-lab-explorer-why-map:has(.cnn-lab-explorer-overlay) > .cnn-lab-note")?.textContent).toBe("Grad-CAM on conv 4 3x3 pad 1 (8×8) over the input");
	});
});
