// @vitest-environment jsdom
/**
 * The strip's colour scale: every channel of a layer is drawn on ONE range (its legend's ends are the layer's
 * extremes over all its channels, and each channel's pixels are the colour map's colour of its value on that range),
 * and a constant map (an all-zero ReLU output) says so in its legend and is drawn in the colour of its value, not in
 * the middle of the scale. The network's weights are set by hand so the layers' values are known.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { canvasLog, installFakeCanvas } from "../training/fake-canvas";
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { colorOf, type ColormapName } from "../../../src/render/colormap";
import { formatValue } from "../../../src/render/heatmap";

const conv = (filters: number) => ({ type: "conv" as const, filters, kernel: [3, 3] as [number, number], stride: [1, 1] as [number, number], pad: [1, 1] as [number, number], dilation: [1, 1] as [number, number], bias: true });
const SPEC: ModelSpec = {
	input: [1, 5, 5],
	layers: [conv(3), { type: "relu" }, conv(2), { type: "relu" }, { type: "flatten" }, { type: "dense", units: 3, bias: true }, { type: "softmax" }],
};
const LINES = ["conv 3 3x3 pad 1", "relu", "conv 2 3x3 pad 1", "relu", "flatten", "dense 3", "softmax"];

/**
 * conv 1: filter 1 passes the pixel through minus 0.5 (values of both signs), filter 2 is twice that, filter 3 is −1
 * everywhere; conv 2 is −0.25 everywhere whatever its input, so the ReLU after it is 0 everywhere.
 */
function handWeights(): Float32Array {
	const net = Sequential.build(SPEC, 1);
	const [c1, , c2, , , d] = net.layers;
	const w1 = c1.params.find((p) => p.name === "weight")?.value;
	const b1 = c1.params.find((p) => p.name === "bias")?.value;
	const w2 = c2.params.find((p) => p.name === "weight")?.value;
	const b2 = c2.params.find((p) => p.name === "bias")?.value;
	if (!w1 || !b1 || !w2 || !b2) throw new Error("no conv params");
	w1.fill(0);
	w1[0 * 9 + 4] = 1;
	w1[1 * 9 + 4] = 2;
	b1.set([-0.5, -1, -1]);
	w2.fill(0);
	b2.fill(-0.25);
	for (const p of d.params) p.value.fill(0.1);
	return net.exportWeights();
}

let weights: Float32Array;
beforeAll(() => {
	installFakeCanvas();
	weights = handWeights();
});

let view: ExplorerView | null = null;
afterEach(() => {
	view?.destroy();
	view = null;
	document.body.empty();
});

/** A 5×5 image of distinct values in 0..1. */
function image(seed: number): Float32Array {
	return Float32Array.from({ length: 25 }, (_, i) => ((i * 7 + seed * 3) % 25) / 24);
}

function mount(x: Float32Array): { view: ExplorerView; host: HTMLElement } {
	const host = document.body.createDiv();
	view = new ExplorerView(host, {
		probe: new Probe(SPEC, 1, weights),
		classNames: ["a", "b", "c"],
		samples: { x, y: [0], n: 1 },
		weightsFrom: "by hand",
		lineText: (i) => LINES[i] ?? null,
		colormap: "viridis",
		decimals: 2,
	});
	return { view, host };
}

const num = (s: string | null | undefined): number => Number((s ?? "").replace("−", "-"));

/** The RGB of cell (row, col) in the last image put on a heatmap canvas of a w-wide grid. */
function pixel(canvas: HTMLCanvasElement, w: number, row: number, col: number): [number, number, number] {
	const put = canvasLog(canvas).filter((c) => c.op === "putImageData").pop();
	if (!put) throw new Error("nothing drawn");
	const img = put.args[0] as ImageData;
	const k = canvas.width / w;
	const o = (row * k * canvas.width + col * k) * 4;
	return [img.data[o], img.data[o + 1], img.data[o + 2]];
}

/** Every channel's every cell is the colour map's colour of its value on `range`. */
function expectDrawnOn(row: Element, data: Float32Array, cmap: ColormapName, range: { min: number; max: number }): void {
	const canvases = [...row.querySelectorAll("canvas")];
	expect(canvases).toHaveLength(data.length / 25);
	canvases.forEach((cv, ch) => {
		for (let i = 0; i < 25; i++) expect(pixel(cv, 5, Math.floor(i / 5), i % 5), `channel ${ch + 1}, cell ${i}`).toEqual(colorOf(cmap, data[ch * 25 + i], range));
	});
}

function extremes(data: Float32Array): { min: number; max: number } {
	return { min: Math.min(...data), max: Math.max(...data) };
}

function legend(row: Element): { min: number; max: number; note: string } {
	return {
		min: num(row.querySelector(".cnn-lab-explorer-legend .cnn-lab-legend-min")?.textContent),
		max: num(row.querySelector(".cnn-lab-explorer-legend .cnn-lab-legend-max")?.textContent),
		note: row.querySelector(".cnn-lab-explorer-legend > .cnn-lab-note")?.textContent ?? "",
	};
}

describe("the strip's colour scale", () => {
	for (const [what, second] of [["as built", false], ["redrawn in place for a new input", true]] as const) {
		it(`a layer's channels share one range, its extremes over all channels (${what})`, () => {
			const { view, host } = mount(image(1));
			if (second) view.ask(image(4), -1);
			const r = view.current;
			if (!r) throw new Error("no result");
			const rows = [...host.querySelectorAll(".cnn-lab-explorer-layer")];
			// ReLU 1: channels 0..0.5, 0..1 and 0: one scale from 0 to the largest of all, the first channel drawn on it
			const relu = r.stages[2].data;
			const e = extremes(relu);
			expect(e.min).toBe(0);
			expect(e.max).toBeGreaterThan(0.9);
			expect(legend(rows[2])).toEqual({ min: 0, max: num(formatValue(e.max, 2)), note: `one colour scale for the layer: 0 to ${formatValue(e.max, 2)}` });
			expectDrawnOn(rows[2], relu, "viridis", e);
			// the first channel's brightest cell is half-way up the shared scale, not at its top
			const c1 = relu.subarray(0, 25);
			const top = c1.indexOf(Math.max(...c1));
			expect(pixel(rows[2].querySelectorAll("canvas")[0], 5, Math.floor(top / 5), top % 5)).not.toEqual(colorOf("viridis", 1, { min: 0, max: 1 }));
			// conv 1 has both signs: one diverging scale, symmetric around 0, out to the largest |value| of any channel
			const conv1 = r.stages[1].data;
			const c = extremes(conv1);
			expect(c.min).toBeLessThan(-0.9);
			expect(c.max).toBeGreaterThan(0.9);
			const m = Math.max(-c.min, c.max);
			const l = legend(rows[1]);
			expect(l.min).toBe(num(formatValue(-m, 2)));
			expect(l.max).toBe(num(formatValue(m, 2)));
			expect(l.note).toBe(`one colour scale for the layer: ${formatValue(c.min, 2)} to ${formatValue(c.max, 2)}`);
			expectDrawnOn(rows[1], conv1, "coolwarm", c);
		});
	}

	for (const [what, second] of [["as built", false], ["redrawn in place for a new input", true]] as const) {
		it(`an all-zero ReLU output says it is constant and is drawn in the colour of 0, the bottom of its scale (${what})`, () => {
			const { view, host } = mount(image(2));
			if (second) view.ask(image(5), -1);
			const r = view.current;
			if (!r) throw new Error("no result");
			const rows = [...host.querySelectorAll(".cnn-lab-explorer-layer")];
			const zero = r.stages[4].data;
			expect(zero.every((v) => v === 0)).toBe(true);
			expect(legend(rows[4])).toEqual({ min: 0, max: 1, note: "every value is 0" });
			const bottom = colorOf("viridis", 0, { min: 0, max: 1 });
			// the colour map's first colour, not its middle one
			expect(bottom).toEqual([68, 1, 84]);
			for (const cv of rows[4].querySelectorAll("canvas")) for (let i = 0; i < 25; i++) expect(pixel(cv, 5, Math.floor(i / 5), i % 5)).toEqual(bottom);
			// the conv before it, −0.25 everywhere, is constant too: drawn at its scale's bottom, said in its note
			expect(r.stages[3].data.every((v) => v === -0.25)).toBe(true);
			expect(legend(rows[3])).toEqual({ min: -0.25, max: 0, note: "every value is −0.25" });
			for (const cv of rows[3].querySelectorAll("canvas")) for (let i = 0; i < 25; i++) expect(pixel(cv, 5, Math.floor(i / 5), i % 5)).toEqual(bottom);
			// and a channel constant in a layer that is not (conv 1's third filter, −1) is drawn as −1 on the shared scale
			const c3 = rows[1].querySelectorAll("canvas")[2];
			const c = extremes(r.stages[1].data);
			expect(pixel(c3, 5, 0, 0)).toEqual(colorOf("coolwarm", -1, c));
			expect(legend(rows[1]).note).not.toMatch(/every value/);
		});
	}
});
