// @vitest-environment jsdom
/**
 * The explorer's inputs as a user drives them: picking a dataset sample (by label, ‹ and ›, the next misclassified
 * one) and drawing on the pad (mouse, pen, touch; Clear; the stroke width; the preview of what the network sees).
 * Every expected sample index and prediction is computed here from the dataset's labels and the engine's own
 * forward pass, not read from the view.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { canvasLog, installFakeCanvas } from "../training/fake-canvas";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { trainSync } from "../../../src/engine/trainer";
import { optimizerSpec } from "../../../src/engine/optim";
import { smallDigitsNet } from "./small-net";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView, type ExplorerSamples } from "../../../src/render/explorer/explorer-view";
import { until } from "../../support/until";

const { spec: SPEC, lines: LINES } = smallDigitsNet(4);
const SIZE = 64;

const digits = loadDigits();
let weights: Float32Array;
/** The class the trained network predicts for every sample, from a Sequential of its own (not the view's Probe). */
let predicted: number[];

beforeAll(() => {
	installFakeCanvas();
	const net = Sequential.build(SPEC, 3);
	// A short run: right on most samples, wrong on some scattered through the set.
	trainSync(net, { x: digits.x, y: digits.y, n: digits.n, shape: digits.shape, classes: 10 }, { epochs: 2, batchSize: 32, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 3, val: 0.2 });
	weights = net.exportWeights();
	const check = Sequential.build(SPEC, 99);
	check.importWeights(weights);
	const p = check.predict({ shape: [digits.n, ...SPEC.input], data: digits.x }).data;
	predicted = Array.from({ length: digits.n }, (_, i) => {
		let best = 0;
		for (let k = 1; k < 10; k++) if (p[i * 10 + k] > p[i * 10 + best]) best = k;
		return best;
	});
});

let view: ExplorerView | null = null;
afterEach(() => {
	view?.destroy();
	view = null;
	document.body.empty();
});

function mount(samples: ExplorerSamples | null = { x: digits.x, y: digits.y, n: digits.n }): { view: ExplorerView; host: HTMLElement } {
	const host = document.body.createDiv();
	view = new ExplorerView(host, {
		probe: new Probe(SPEC, 3, weights),
		classNames: digits.classNames,
		samples,
		weightsFrom: "test run",
		lineText: (i) => LINES[i] ?? null,
		colormap: "viridis",
		decimals: 2,
	});
	return { view, host };
}

/** The sample the view shows: the number in its index box (1-based) and the input it asked the network about. */
function shownSample(host: HTMLElement, v: ExplorerView): number {
	const box = host.querySelector<HTMLInputElement>(".cnn-lab-explorer-source input[type=number]");
	const i = Number(box?.value) - 1;
	// the input the network was asked about is that sample's pixels
	expect(Array.from(v.current?.input ?? [])).toEqual(Array.from(digits.x.subarray(i * SIZE, (i + 1) * SIZE)));
	return i;
}

function button(host: HTMLElement, text: string): HTMLButtonElement {
	const b = [...host.querySelectorAll<HTMLButtonElement>(".cnn-lab-explorer-source button")].find((e) => e.textContent === text);
	if (!b) throw new Error(`no button ${text}`);
	return b;
}

function chooseLabel(host: HTMLElement, value: number): void {
	const select = host.querySelector<HTMLSelectElement>(".cnn-lab-explorer-source select");
	if (!select) throw new Error("no label select");
	select.value = String(value);
	select.dispatchEvent(new Event("change"));
}

/** Indices of the samples with label `k`, in order. */
const withLabel = (k: number): number[] => Array.from({ length: digits.n }, (_, i) => i).filter((i) => digits.y[i] === k);

describe("picking a sample", () => {
	it("the label select shows the first sample with that label; › and ‹ walk that label's samples, wrapping", () => {
		const { view, host } = mount();
		expect(shownSample(host, view)).toBe(0);
		const label = digits.y[0] === 7 ? 3 : 7;
		const of = withLabel(label);
		chooseLabel(host, label);
		expect(shownSample(host, view)).toBe(of[0]);
		expect(host.querySelector(".cnn-lab-explorer-source .cnn-lab-note")?.textContent).toBe(`Sample ${of[0] + 1}, label ${label}`);
		// the truth the prediction marks is that label
		expect(host.querySelector(".cnn-lab-explorer-bar.is-truth .cnn-lab-explorer-bar-name")?.textContent).toBe(String(label));
		button(host, "›").click();
		expect(shownSample(host, view)).toBe(of[1]);
		button(host, "›").click();
		expect(shownSample(host, view)).toBe(of[2]);
		button(host, "‹").click();
		expect(shownSample(host, view)).toBe(of[1]);
		button(host, "‹").click();
		expect(shownSample(host, view)).toBe(of[0]);
		// before the first comes the last of that label
		button(host, "‹").click();
		expect(shownSample(host, view)).toBe(of[of.length - 1]);
		button(host, "›").click();
		expect(shownSample(host, view)).toBe(of[0]);
	});

	it("picking a label from a later sample shows the next sample with that label from there", () => {
		const { view, host } = mount();
		const box = host.querySelector<HTMLInputElement>(".cnn-lab-explorer-source input[type=number]");
		if (!box) throw new Error("no index box");
		box.value = "500";
		box.dispatchEvent(new Event("change"));
		expect(shownSample(host, view)).toBe(499);
		const label = (digits.y[499] + 1) % 10;
		chooseLabel(host, label);
		expect(shownSample(host, view)).toBe(withLabel(label).find((i) => i >= 499));
	});

	it("with the label “any”, › and ‹ go to the next and previous sample whatever its label", () => {
		const { view, host } = mount();
		chooseLabel(host, 4);
		const first4 = withLabel(4)[0];
		expect(shownSample(host, view)).toBe(first4);
		chooseLabel(host, -1);
		// choosing “any” keeps the sample shown
		expect(shownSample(host, view)).toBe(first4);
		button(host, "›").click();
		expect(shownSample(host, view)).toBe(first4 + 1);
		button(host, "‹").click();
		button(host, "‹").click();
		expect(shownSample(host, view)).toBe(first4 - 1);
	});

	it("“Next misclassified” shows the first sample after the current one that the network gets wrong, then the next", async () => {
		const { view, host } = mount();
		const wrong = predicted.map((p, i) => (p !== digits.y[i] ? i : -1)).filter((i) => i >= 0);
		// the set has misclassified samples, and not at the very start (the test means something)
		expect(wrong.length).toBeGreaterThan(2);
		expect(wrong.length).toBeLessThan(digits.n / 2);
		const from = wrong[0] + 1;
		const box = host.querySelector<HTMLInputElement>(".cnn-lab-explorer-source input[type=number]");
		if (!box) throw new Error("no index box");
		box.value = String(from + 1);
		box.dispatchEvent(new Event("change"));
		expect(shownSample(host, view)).toBe(from);
		const expected = wrong.find((i) => i > from) ?? wrong[0];
		button(host, "Next misclassified").click();
		await until(() => shownSample(host, view) !== from);
		expect(shownSample(host, view)).toBe(expected);
		// what the view shows: a prediction that is not the label
		const best = host.querySelector(".cnn-lab-explorer-bar.is-best .cnn-lab-explorer-bar-name")?.textContent;
		expect(best).toBe(String(predicted[expected]));
		expect(best).not.toBe(String(digits.y[expected]));
		const after = wrong.find((i) => i > expected) ?? wrong[0];
		button(host, "Next misclassified").click();
		await until(() => shownSample(host, view) !== expected);
		expect(shownSample(host, view)).toBe(after);
	});

	it("“Next misclassified” on samples the network gets all right says so and stays where it is", async () => {
		const right = predicted.map((p, i) => (p === digits.y[i] ? i : -1)).filter((i) => i >= 0).slice(0, 6);
		const x = new Float32Array(right.length * SIZE);
		right.forEach((i, k) => x.set(digits.x.subarray(i * SIZE, (i + 1) * SIZE), k * SIZE));
		const { host } = mount({ x, y: right.map((i) => digits.y[i]), n: right.length });
		button(host, "›").click();
		button(host, "Next misclassified").click();
		await until(() => /No misclassified sample/.test(host.querySelector(".cnn-lab-explorer-source")?.textContent ?? ""), 10_000);
		expect(host.querySelector<HTMLInputElement>(".cnn-lab-explorer-source input[type=number]")?.value).toBe("2");
	});
});

/** The pad's canvas laid out at 256×256 CSS px from the top left of the page. */
function padCanvas(host: HTMLElement): HTMLCanvasElement {
	const c = host.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-pad-canvas");
	if (!c) throw new Error("no pad");
	c.getBoundingClientRect = () => ({ left: 0, top: 0, width: 256, height: 256, right: 256, bottom: 256, x: 0, y: 0, toJSON: () => ({}) });
	return c;
}

function pointer(type: string, pointerType: string, x: number, y: number): PointerEvent {
	return new PointerEvent(type, { pointerType, pointerId: 1, clientX: x, clientY: y, bubbles: true, cancelable: true });
}

/** A stroke with the pointer from (x0, y0) to (x1, y1) in pad pixels, in `steps` moves; the move events. */
function stroke(canvas: HTMLCanvasElement, pointerType: string, x0: number, y0: number, x1: number, y1: number, steps = 8): PointerEvent[] {
	canvas.dispatchEvent(pointer("pointerdown", pointerType, x0, y0));
	const moves: PointerEvent[] = [];
	for (let s = 1; s <= steps; s++) {
		const e = pointer("pointermove", pointerType, x0 + ((x1 - x0) * s) / steps, y0 + ((y1 - y0) * s) / steps);
		canvas.dispatchEvent(e);
		moves.push(e);
	}
	canvas.dispatchEvent(pointer("pointerup", pointerType, x1, y1));
	return moves;
}

const mass = (x: ArrayLike<number> | undefined): number => Array.from(x ?? []).reduce((a, b) => a + b, 0);

/** Rows and columns of the 8×8 input holding ink. */
function extent(x: ArrayLike<number>): { rows: number; cols: number } {
	const rows = new Set<number>();
	const cols = new Set<number>();
	for (let i = 0; i < SIZE; i++)
		if (x[i] > 0.05) {
			rows.add(Math.floor(i / 8));
			cols.add(i % 8);
		}
	return { rows: rows.size, cols: cols.size };
}

describe("the drawing pad", () => {
	for (const pointerType of ["mouse", "pen", "touch"]) {
		it(`a ${pointerType} stroke draws: the input the network sees gets ink along it, and the prediction follows`, async () => {
			const { view, host } = mount();
			view.setMode("draw");
			const canvas = padCanvas(host);
			expect(view.current).toBeNull();
			// a vertical stroke down the middle
			const moves = stroke(canvas, pointerType, 128, 30, 128, 226);
			// a stroke's events are the pad's, not the page's (a finger does not scroll the note)
			expect(moves.every((e) => e.defaultPrevented)).toBe(true);
			await until(() => view.current !== null);
			const x = view.current?.input;
			if (!x) throw new Error("no input");
			expect(mass(x)).toBeGreaterThan(1);
			const e = extent(x);
			// taller than wide: the line is drawn where it went, not a blot
			expect(e.rows).toBeGreaterThan(e.cols);
			expect(view.drawPad?.strokeCount).toBe(1);
			// the prediction shown is the engine's for that input
			const probs = new Probe(SPEC, 3, weights).run(x).probs;
			const best = probs.indexOf(Math.max(...probs));
			expect(host.querySelector(".cnn-lab-explorer-pred-summary")?.textContent).toMatch(new RegExp(`^Predicted ${best}\\b`));
		});
	}

	it("Clear empties the pad, the input, the preview and the prediction", async () => {
		const { view, host } = mount();
		view.setMode("draw");
		const canvas = padCanvas(host);
		stroke(canvas, "mouse", 60, 60, 200, 200);
		await until(() => view.current !== null);
		expect(host.querySelector(".cnn-lab-explorer-pred-summary")?.textContent).not.toBe("");
		const clear = [...host.querySelectorAll<HTMLButtonElement>(".cnn-lab-explorer-pad button")].find((b) => b.textContent === "Clear");
		clear?.click();
		await until(() => view.current === null, 10_000);
		expect(view.drawPad?.strokeCount).toBe(0);
		expect(host.querySelector(".cnn-lab-explorer-pred-summary")?.textContent).toBe("");
		expect(host.querySelectorAll(".cnn-lab-explorer-bar.is-best")).toHaveLength(0);
		expect(host.querySelector(".cnn-lab-explorer-pad-seen .cnn-lab-note")?.textContent).toBe("Draw something on the pad");
		const seen = [...host.querySelectorAll(".cnn-lab-explorer-pad-seen td")].map((td) => td.textContent);
		expect(seen).toHaveLength(SIZE);
		expect(seen.every((v) => v === "0")).toBe(true);
		// the strip has no layers to show
		expect(host.querySelectorAll(".cnn-lab-explorer-layer")).toHaveLength(0);
	});

	it("a wider stroke (the width slider) gives the same stroke more ink in the input", async () => {
		const { view, host } = mount();
		view.setMode("draw");
		const canvas = padCanvas(host);
		const slider = host.querySelector<HTMLInputElement>(".cnn-lab-explorer-pad input[type=range]");
		if (!slider) throw new Error("no width slider");
		const inkAt = async (width: string): Promise<number> => {
			slider.value = width;
			slider.dispatchEvent(new Event("input"));
			view.drawPad?.flush();
			return mass(view.current?.input);
		};
		stroke(canvas, "mouse", 128, 30, 128, 226);
		await until(() => view.current !== null);
		const thin = await inkAt(slider.min);
		const mid = await inkAt("0.1");
		const thick = await inkAt(slider.max);
		expect(thin).toBeGreaterThan(0);
		expect(mid).toBeGreaterThan(thin * 1.2);
		expect(thick).toBeGreaterThan(mid * 1.2);
		// and the pad draws the stroke at that width
		const widths = canvasLog(canvas).filter((c) => c.op === "=lineWidth").map((c) => c.args[0]);
		expect(widths[widths.length - 1]).toBeCloseTo(Number(slider.max) * 256, 6);
	});

	it("“What the network sees” shows the very values the network is asked about: its pixels and its numbers", async () => {
		const { view, host } = mount();
		view.setMode("draw");
		const canvas = padCanvas(host);
		stroke(canvas, "pen", 50, 200, 128, 40);
		stroke(canvas, "pen", 128, 40, 210, 200);
		stroke(canvas, "pen", 80, 140, 180, 140);
		await until(() => view.current !== null && view.drawPad?.strokeCount === 3, 10_000);
		view.drawPad?.flush();
		const x = view.current?.input;
		if (!x) throw new Error("no input");
		const seen = host.querySelector(".cnn-lab-explorer-pad-seen");
		expect(seen?.querySelector(".cnn-lab-note")?.textContent).toMatch(/^What the network sees \(8×8/);
		// its hidden numbers, two decimals
		const cells = [...(seen?.querySelectorAll("td") ?? [])].map((td) => Number((td.textContent ?? "").replace("−", "-")));
		expect(cells).toHaveLength(SIZE);
		cells.forEach((v, i) => expect(Math.abs(v - x[i])).toBeLessThanOrEqual(0.005 + 1e-9));
		// its pixels: grey levels of the same values on a 0..1 scale (the last image put on its canvas)
		const preview = seen?.querySelector("canvas");
		if (!preview) throw new Error("no preview canvas");
		const put = canvasLog(preview).filter((c) => c.op === "putImageData").pop();
		const img = put?.args[0] as ImageData;
		const k = preview.width / 8;
		for (let i = 0; i < SIZE; i++) {
			const o = (Math.floor(i / 8) * k * preview.width + (i % 8) * k) * 4;
			expect(Math.abs(img.data[o] - x[i] * 255)).toBeLessThanOrEqual(0.5 + 1e-9);
		}
		// and it is the input the strip's first row shows
		expect(Array.from(view.current?.stages[0].data ?? [])).toEqual(Array.from(x));
		expect(mass(x)).toBeGreaterThan(1);
	});
});
