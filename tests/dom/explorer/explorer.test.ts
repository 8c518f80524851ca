// @vitest-environment jsdom
import { beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { chartMade, chartOf, clickBar, drawnBars } from "../../support/drawn-bars";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { trainSync } from "../../../src/engine/trainer";
import { optimizerSpec } from "../../../src/engine/optim";
import { smallDigitsNet } from "./small-net";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { NUMBERS_PAUSE_MS } from "../../../src/render/heatmap";

const { spec: SPEC, lines: LINES } = smallDigitsNet(8);

let weights: Float32Array;
const digits = loadDigits();

beforeAll(() => {
	installFakeCanvas();
	const net = Sequential.build(SPEC, 7);
	trainSync(net, { x: digits.x, y: digits.y, n: digits.n, shape: digits.shape, classes: 10 }, { epochs: 8, batchSize: 32, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 7, val: 0.2 });
	weights = net.exportWeights();
});

function mount(w: Float32Array | null, loadImage?: (link: string) => Promise<Float32Array>): { view: ExplorerView; host: HTMLElement } {
	const host = document.body.createDiv();
	const view = new ExplorerView(host, {
		probe: new Probe(SPEC, 7, w),
		classNames: digits.classNames,
		samples: { x: digits.x, y: digits.y, n: digits.n },
		weightsFrom: w ? "test run, epoch 8" : null,
		lineText: (i) => LINES[i] ?? null,
		colormap: "viridis",
		decimals: 2,
		loadImage,
	});
	return { view, host };
}

/** Clicks the cell (row, col) of a heatmap canvas laid out at 10 px a cell. */
function clickCell(canvas: HTMLCanvasElement, rows: number, cols: number, row: number, col: number): void {
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: cols * 10, height: rows * 10, right: cols * 10, bottom: rows * 10, x: 0, y: 0, toJSON: () => ({}) });
	canvas.dispatchEvent(new MouseEvent("click", { clientX: col * 10 + 5, clientY: row * 10 + 5, bubbles: true }));
}

/** An independent reading of the stepper's written sum: "a·b + c·d + … + bias = total" → the products re-added. */
function reAdd(text: string): { sum: number; total: number } {
	const num = (s: string): number => Number(s.replace(/[()]/g, "").replace("−", "-"));
	const [lhs, rhs] = text.split(" = ");
	let sum = 0;
	for (const term of lhs.split(" + ")) {
		const parts = term.split("·");
		sum += parts.length === 2 ? num(parts[0]) * num(parts[1]) : num(parts[0]);
	}
	return { sum, total: num(rhs) };
}

describe("network explorer", () => {
	it("shows a sample's class probabilities as ten labelled bars, top three marked, and says what the weights are", async () => {
		const { view, host } = mount(weights);
		const bars = host.querySelectorAll(".cnn-lab-explorer-bar");
		expect(bars).toHaveLength(10);
		expect(host.querySelectorAll(".cnn-lab-explorer-bar.is-top")).toHaveLength(3);
		const truth = digits.y[0];
		expect(host.querySelector(".cnn-lab-explorer-bar.is-truth .cnn-lab-explorer-bar-name")?.textContent).toBe(String(truth));
		expect(host.querySelector(".cnn-lab-explorer-weights")?.textContent).toContain("test run, epoch 8");
		// the trained network gets sample 0 right
		expect(host.querySelector(".cnn-lab-explorer-bar.is-best .cnn-lab-explorer-bar-name")?.textContent).toBe(String(truth));
		// the chart drawn: one lying bar per class at its probability, the prediction alone in one colour, two more
		// strong, seven faint, and the true class's name ticked
		const canvas = host.querySelector(".cnn-lab-explorer-pred-chart canvas") as HTMLCanvasElement;
		await chartMade(canvas);
		const drawn = drawnBars(canvas);
		const probs = [...(view.current?.probs ?? [])];
		expect(drawn.map((b) => b.value)).toEqual(probs);
		const best = probs.indexOf(Math.max(...probs));
		const count = (f: unknown): number => drawn.filter((b) => b.fill === f).length;
		expect(count(drawn[best].fill)).toBe(1);
		expect(new Set(drawn.map((b) => b.fill)).size).toBe(3);
		expect(drawn.filter((b, i) => i !== best && count(b.fill) === 2)).toHaveLength(2);
		const ticks = chartOf(canvas).scales.y.ticks.map((k) => k.label);
		expect(ticks[truth]).toBe(`${truth} ✓`);
		expect(ticks.filter((l) => String(l).includes("✓"))).toHaveLength(1);
		view.destroy();
	});

	it("without weights it says the weights are untrained (random)", () => {
		const { view, host } = mount(null);
		expect(host.querySelector(".cnn-lab-explorer-weights")?.textContent).toMatch(/untrained \(random\)/i);
		view.destroy();
	});

	it("every layer in one strip: a row per layer with its written line and shape, one legend per layer", () => {
		const { view, host } = mount(weights);
		const labels = [...host.querySelectorAll(".cnn-lab-explorer-layer .cnn-lab-featuremap-label")].map((e) => e.textContent);
		expect(labels).toEqual(["input · 8×8×1", "conv 8 3x3 pad 1 · 8×8×8", "relu · 8×8×8", "maxpool 2 · 4×4×8", "flatten · 128", "dense 10 · 10", "softmax · 10"]);
		expect(host.querySelectorAll(".cnn-lab-explorer-layer .cnn-lab-explorer-legend")).toHaveLength(7);
		// the output layer's units are named by class
		const last = [...host.querySelectorAll(".cnn-lab-explorer-layer")].pop();
		expect([...(last?.querySelectorAll(".cnn-lab-explorer-unit-name") ?? [])].map((e) => e.textContent)).toEqual(digits.classNames);
		view.destroy();
	});

	it("clicking a conv cell shows the stepper on the learned kernel; the written sum re-added is the cell's value", () => {
		const { view, host } = mount(weights);
		const convRow = host.querySelectorAll(".cnn-lab-explorer-layer")[1];
		const canvases = convRow.querySelectorAll("canvas");
		for (const [channel, row, col] of [[0, 0, 0], [3, 4, 5], [7, 7, 7]]) {
			clickCell(canvases[channel] as HTMLCanvasElement, 8, 8, row, col);
			const value = view.current?.stages[1].data[(channel * 8 + row) * 8 + col] ?? NaN;
			const title = host.querySelector(".cnn-lab-explorer-calc-title")?.textContent ?? "";
			expect(title).toContain(`channel ${channel + 1}, row ${row + 1}, column ${col + 1}`);
			const sum = host.querySelector(".cnn-lab-explorer-calc .cnn-conv-sum-total")?.textContent ?? "";
			const r = reAdd(sum);
			expect(Math.abs(r.sum - value), sum).toBeLessThan(1e-5);
			expect(Math.abs(r.total - value)).toBeLessThan(1e-6);
		}
		view.destroy();
	});

	it("another cell of the same conv layer moves the open stepper in place: the same tables, the new filter's kernel and sum", () => {
		const { view, host } = mount(weights);
		const convRow = host.querySelectorAll(".cnn-lab-explorer-layer")[1];
		const canvases = convRow.querySelectorAll("canvas");
		const probe = new Probe(SPEC, 7, weights);
		const num = (e: Element): number => Number((e.textContent ?? "").replace("−", "-"));
		let stepper: Element | null = null;
		let tables: Element[] = [];
		for (const [channel, row, col] of [[1, 2, 3], [5, 0, 7], [5, 6, 1], [2, 3, 3]]) {
			clickCell(canvases[channel] as HTMLCanvasElement, 8, 8, row, col);
			const now = host.querySelector(".cnn-lab-explorer-calc .cnn-conv");
			const nowTables = [...host.querySelectorAll(".cnn-lab-explorer-calc table")];
			if (stepper) {
				expect(now).toBe(stepper);
				expect(nowTables.every((t, k) => t === tables[k])).toBe(true);
			}
			stepper = now;
			tables = nowTables;
			const r = view.current;
			if (!r) throw new Error("no result");
			const cell = probe.convCell(r, 0, channel);
			const kernel = [...host.querySelectorAll(".cnn-lab-explorer-calc .cnn-conv-kernel-box .cnn-conv-value")].map(num);
			const want = cell?.kernel.flat(2) ?? [];
			expect(kernel).toHaveLength(want.length);
			kernel.forEach((k, i) => expect(Math.abs(k - want[i])).toBeLessThanOrEqual(5e-7 + 1e-12));
			expect(host.querySelector(".cnn-lab-explorer-calc-title")?.textContent).toContain(`channel ${channel + 1}, row ${row + 1}, column ${col + 1}`);
			expect(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-note")?.textContent).toContain(`Filter ${channel + 1} of`);
			const value = r.stages[1].data[(channel * 8 + row) * 8 + col];
			const sum = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-conv-sum-total")?.textContent ?? "");
			expect(Math.abs(sum.sum - value)).toBeLessThan(1e-5);
			expect(Math.abs(sum.total - value)).toBeLessThan(1e-6);
		}
		view.destroy();
	});

	it("clicking a dense unit lists its largest contributions, the rest and the bias, adding up to the value", () => {
		const { view, host } = mount(weights);
		const denseRow = host.querySelectorAll(".cnn-lab-explorer-layer")[5];
		(denseRow.querySelectorAll("button.cnn-lab-explorer-unit")[3] as HTMLButtonElement).click();
		const text = host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "";
		const r = reAdd(text);
		const value = view.current?.stages[5].data[3] ?? NaN;
		expect(Math.abs(r.sum - value)).toBeLessThan(1e-5);
		expect(Math.abs(r.total - value)).toBeLessThan(1e-6);
		view.destroy();
	});

	it("a click on a dense layer's bar chart picks the unit under the pointer: its sum adds up to that unit's value", async () => {
		const { view, host } = mount(weights);
		const denseRow = host.querySelectorAll(".cnn-lab-explorer-layer")[5];
		const chart = denseRow.querySelector(".cnn-lab-explorer-unit-chart canvas") as HTMLCanvasElement;
		await chartMade(chart);
		// the bars drawn are the layer's ten values
		const drawn = drawnBars(chart);
		expect(drawn.map((b) => b.value)).toEqual([...(view.current?.stages[5].data ?? [])]);
		// a click in the 7th bar's column, where chart.js drew it
		clickBar(chart, 6);
		expect(host.querySelector(".cnn-lab-explorer-calc-title")?.textContent).toContain("unit 7");
		const r = reAdd(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-explorer-calc-sum")?.textContent ?? "");
		const value = view.current?.stages[5].data[6] ?? NaN;
		expect(Math.abs(r.total - value)).toBeLessThan(1e-6);
		expect(denseRow.querySelectorAll("button.cnn-lab-explorer-unit")[6].classList.contains("is-picked")).toBe(true);
		// and its bar is drawn in the accent colour, the others not
		const fills = drawnBars(chart).map((b) => b.fill);
		expect(fills.filter((f) => f === fills[6])).toHaveLength(1);
		view.destroy();
	});

	it("a max-pool cell shows its window and picks the largest value", () => {
		const { view, host } = mount(weights);
		const poolRow = host.querySelectorAll(".cnn-lab-explorer-layer")[3];
		clickCell(poolRow.querySelectorAll("canvas")[2] as HTMLCanvasElement, 4, 4, 1, 2);
		const cells = [...host.querySelectorAll(".cnn-lab-explorer-window td")].map((e) => Number((e.textContent ?? "").replace("−", "-")));
		expect(cells).toHaveLength(4);
		const chosen = Number((host.querySelector(".cnn-lab-explorer-window td.is-chosen")?.textContent ?? "").replace("−", "-"));
		expect(chosen).toBe(Math.max(...cells));
		view.destroy();
	});

	it("drawing: the pad's strokes become the input and the prediction follows them", () => {
		const { view, host } = mount(weights);
		view.setMode("draw");
		expect(host.querySelector(".cnn-lab-explorer-pred-summary")?.textContent).toBe("");
		view.drawPad?.setStrokes([[{ x: 0.5, y: 0.1 }, { x: 0.5, y: 0.9 }]]);
		view.drawPad?.flush();
		const input = view.current?.input;
		expect(input && input.some((v) => v > 0.5)).toBe(true);
		expect(host.querySelector(".cnn-lab-explorer-pred-summary")?.textContent).toMatch(/^Predicted \d/);
		view.destroy();
	});

	it("a further stroke redraws the strip's maps and bars in place: new values, the same elements", async () => {
		const { view, host } = mount(weights);
		view.setMode("draw");
		const values = (): string[] => [...host.querySelectorAll(".cnn-lab-explorer-strip .cnn-lab-explorer-unit-value, .cnn-lab-explorer-strip td")].map((e) => e.textContent ?? "");
		view.drawPad?.setStrokes([[{ x: 0.5, y: 0.1 }, { x: 0.5, y: 0.9 }]]);
		view.drawPad?.flush();
		const canvases = [...host.querySelectorAll(".cnn-lab-explorer-strip canvas")];
		const first = values();
		view.drawPad?.setStrokes([[{ x: 0.2, y: 0.2 }, { x: 0.8, y: 0.2 }, { x: 0.3, y: 0.9 }]]);
		view.drawPad?.flush();
		// The printed numbers (visible and hidden) follow once the drawing pauses; the bars and maps at once.
		await new Promise((r) => setTimeout(r, NUMBERS_PAUSE_MS + 50));
		expect(values()).not.toEqual(first);
		expect(values()).toHaveLength(first.length);
		const again = [...host.querySelectorAll(".cnn-lab-explorer-strip canvas")];
		expect(again).toHaveLength(canvases.length);
		expect(again.every((c, k) => c === canvases[k])).toBe(true);
		view.destroy();
	});

	it("a vault image: read through the plugin's loader, inverted on request, and a read error shown in the block", async () => {
		const asked: string[] = [];
		const digit = digits.x.slice(64 * 5, 64 * 6);
		const { view, host } = mount(weights, async (link) => {
			asked.push(link);
			if (link.includes("missing")) throw new Error("missing.png was not found in the vault");
			return digit;
		});
		view.setMode("image");
		const input = host.querySelector<HTMLInputElement>(".cnn-lab-explorer-source input[type=text]");
		const load = [...host.querySelectorAll<HTMLButtonElement>(".cnn-lab-explorer-source button")].find((b) => b.textContent === "Load");
		if (!input || !load) throw new Error("no image controls");
		input.value = "![[five.png]]";
		load.click();
		await new Promise((r) => setTimeout(r, 0));
		expect(asked).toEqual(["![[five.png]]"]);
		expect(Array.from(view.current?.input ?? [])).toEqual(Array.from(digit));
		const invert = host.querySelector<HTMLInputElement>(".cnn-lab-explorer-source input[type=checkbox]");
		if (!invert) throw new Error("no invert box");
		invert.checked = true;
		invert.dispatchEvent(new Event("change"));
		expect(view.current?.input[0]).toBeCloseTo(1 - digit[0], 6);
		input.value = "missing.png";
		load.click();
		await new Promise((r) => setTimeout(r, 0));
		expect(host.querySelector(".cnn-lab-explorer-source .cnn-lab-error")?.textContent).toBe("missing.png was not found in the vault");
		view.destroy();
	});

	it("why this prediction: saliency (signed and |·|) of the predicted class and Grad-CAM on the last conv, as the engine computes them", async () => {
		const { view, host } = mount(weights);
		// The hidden numbers follow the maps once their updates pause.
		await new Promise((r) => setTimeout(r, NUMBERS_PAUSE_MS + 50));
		const why = host.querySelector(".cnn-lab-explorer-why");
		if (!why) throw new Error("no attribution view");
		const layerSelect = why.querySelectorAll("select")[1];
		expect(layerSelect.selectedOptions[0].textContent).toBe("conv 8 3x3 pad 1");
		const tables = [...why.querySelectorAll("table.cnn-lab-number-table")];
		// saliency, |saliency|, input, Grad-CAM
		expect(tables).toHaveLength(4);
		const x = view.current?.input;
		if (!x) throw new Error("no input");
		const cls = view.attribution.explainedClass;
		const probe = new Probe(SPEC, 7, weights);
		const want = probe.saliency(x, cls);
		const shown = [...tables[0].querySelectorAll("td")].map((td) => Number((td.textContent ?? "").replace("−", "-")));
		expect(shown).toHaveLength(64);
		shown.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(0.005 + 1e-9 + Math.abs(want[i]) * 1e-2));
		const cam = probe.gradCam(x, cls, 0);
		const camShown = [...tables[3].querySelectorAll("td")].map((td) => Number((td.textContent ?? "").replace("−", "-")));
		expect(camShown).toHaveLength(cam.h * cam.w);
		camShown.forEach((v, i) => expect(Math.abs(v - cam.data[i])).toBeLessThanOrEqual(0.005 + Math.abs(cam.data[i]) * 1e-2));
		// picking another class explains that class instead
		const classSelect = why.querySelectorAll("select")[0];
		classSelect.value = String((cls + 1) % 10);
		classSelect.dispatchEvent(new Event("change"));
		expect(view.attribution.explainedClass).toBe((cls + 1) % 10);
		view.destroy();
	});
});
