// @vitest-environment jsdom
/**
 * Arrow keys in the explorer's computation view: the neighbouring cell of the same map (Left / Right a column,
 * Up / Down a row, clamped at the edges; a flat output's unit before or after), shown in place as a click on it
 * would show it, the strip's highlight with it. The ```cnn-conv block's own stepper keeps its arrow keys.
 */
import { beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { loadDigits } from "../../../src/data/digits";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { smallDigitsNet } from "./small-net";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { formatValue } from "../../../src/render/heatmap";

const { spec: SPEC, lines: LINES } = smallDigitsNet(4);
const digits = loadDigits();

beforeAll(() => installFakeCanvas());

const p = (a: number): [number, number] => [a, a];
/** Batch norm, and a residual block: its conv inside, its sum. */
const BLOCK: ModelSpec = {
	input: [1, 8, 8],
	layers: [
		{ type: "conv", filters: 4, kernel: p(3), stride: p(1), pad: p(1), dilation: p(1), bias: true },
		{ type: "batchnorm" },
		{ type: "residual", body: [{ type: "conv", filters: 4, kernel: p(3), stride: p(1), pad: p(1), dilation: p(1), bias: true }, { type: "relu" }], shortcut: [] },
		{ type: "gap" },
		{ type: "dense", units: 10, bias: true },
	],
};

function mount(spec = SPEC, lines = LINES): { view: ExplorerView; host: HTMLElement } {
	const host = document.body.createDiv();
	const view = new ExplorerView(host, {
		probe: new Probe(spec, 5, null),
		classNames: digits.classNames,
		samples: { x: digits.x, y: digits.y, n: digits.n },
		weightsFrom: null,
		lineText: (i) => lines[i] ?? null,
		colormap: "viridis",
		decimals: 2,
	});
	return { view, host };
}

function clickCell(canvas: HTMLCanvasElement, rows: number, cols: number, row: number, col: number): void {
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: cols * 10, height: rows * 10, right: cols * 10, bottom: rows * 10, x: 0, y: 0, toJSON: () => ({}) });
	canvas.dispatchEvent(new MouseEvent("click", { clientX: col * 10 + 5, clientY: row * 10 + 5, bubbles: true }));
}

/** A key pressed where the focus is (or on `on`); whether the view took it (the page does not scroll). */
function press(key: string, on?: Element | null): boolean {
	const target = on ?? document.activeElement ?? document.body;
	const e = new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true });
	target.dispatchEvent(e);
	return e.defaultPrevented;
}

const num = (s: string): number => Number(s.replace(/[()]/g, "").replace("−", "-"));
const title = (host: HTMLElement): string => host.querySelector(".cnn-lab-explorer-calc-title")?.textContent ?? "";
/** The value a title names, "…, row 3, column 4 = 0.51". */
const titleValue = (host: HTMLElement): number => num(title(host).split(" = ").pop() ?? "");

/** The title names the cell (channel c, row, col; 0-based here) and its value is the map's at that index. */
function expectCell(host: HTMLElement, view: ExplorerView, stage: number, shape: readonly number[], c: number, row: number, col: number): void {
	const [, h, w] = shape;
	const v = view.current?.stages[stage].data[(c * h + row) * w + col] ?? NaN;
	expect(title(host)).toContain(`channel ${c + 1}, row ${row + 1}, column ${col + 1} = ${formatValue(v, 6)}`);
	expect(Math.abs(titleValue(host) - v)).toBeLessThanOrEqual(5e-7 + 1e-9);
}

/** "max(a, b, …) = v" or the stepper's "a·b + … = v": the value the computation's written line ends with. */
const writtenResult = (host: HTMLElement, sel: string): number => num((host.querySelector(`.cnn-lab-explorer-calc ${sel}`)?.textContent ?? "").split(" = ").pop() ?? "");

describe("explorer: arrow keys in the computation view", () => {
	it("the computation is focusable, says what the arrow keys do, and takes the focus on a click", () => {
		const { view, host } = mount();
		const calc = host.querySelector(".cnn-lab-explorer-calc") as HTMLElement;
		expect(calc.hasAttribute("tabindex")).toBe(false);
		clickCell(host.querySelectorAll(".cnn-lab-explorer-layer")[3].querySelector("canvas") as HTMLCanvasElement, 4, 4, 1, 1);
		expect(calc.getAttribute("tabindex")).toBe("0");
		expect(calc.getAttribute("aria-label")).toMatch(/arrow keys move to the neighbouring cell/i);
		expect(calc.getAttribute("aria-keyshortcuts")).toBe("ArrowLeft ArrowRight ArrowUp ArrowDown");
		expect(calc.querySelector(".cnn-lab-explorer-calc-keys")?.textContent).toBe("Arrow keys move to the neighbouring cell");
		expect(document.activeElement).toBe(calc);
		// closed: no longer a tab stop
		(calc.querySelector(".cnn-lab-explorer-calc-head button") as HTMLButtonElement).click();
		expect(calc.hasAttribute("tabindex")).toBe(false);
		view.destroy();
	});

	it("a conv cell: each arrow opens the neighbour in the same stepper, the edges clamp", () => {
		const { view, host } = mount();
		const shape = [4, 8, 8];
		clickCell(host.querySelectorAll(".cnn-lab-explorer-layer")[1].querySelectorAll("canvas")[2] as HTMLCanvasElement, 8, 8, 3, 4);
		expectCell(host, view, 1, shape, 2, 3, 4);
		const stepper = host.querySelector(".cnn-lab-explorer-calc .cnn-conv");
		const moves: [string, number, number][] = [["ArrowRight", 3, 5], ["ArrowDown", 4, 5], ["ArrowLeft", 4, 4], ["ArrowUp", 3, 4]];
		for (const [key, row, col] of moves) {
			expect(press(key)).toBe(true);
			expectCell(host, view, 1, shape, 2, row, col);
			// the stepper sums in float64, the engine in float32: within the last written digit
			expect(Math.abs(writtenResult(host, ".cnn-conv-sum-total") - (view.current?.stages[1].data[(2 * 8 + row) * 8 + col] ?? NaN))).toBeLessThanOrEqual(1e-6);
			// moved in place: the same stepper
			expect(host.querySelector(".cnn-lab-explorer-calc .cnn-conv")).toBe(stepper);
		}
		// a key pressed with the focus on the stepper itself moves the explorer's cell too (not the stepper's step)
		const onStepper = host.querySelector(".cnn-lab-explorer-calc .cnn-conv") as HTMLElement;
		onStepper.focus();
		press("ArrowDown");
		expectCell(host, view, 1, shape, 2, 4, 4);
		// the stepper's own "next" moved it on a cell: the arrows go on from the cell it shows
		// first, back, play, next, last
		(host.querySelectorAll(".cnn-lab-explorer-calc .cnn-conv-button")[3] as HTMLButtonElement).click();
		press("ArrowDown");
		expectCell(host, view, 1, shape, 2, 5, 5);
		// corners clamp: top left, then bottom right
		clickCell(host.querySelectorAll(".cnn-lab-explorer-layer")[1].querySelectorAll("canvas")[0] as HTMLCanvasElement, 8, 8, 0, 0);
		for (const key of ["ArrowUp", "ArrowLeft"]) {
			expect(press(key)).toBe(true);
			expectCell(host, view, 1, shape, 0, 0, 0);
		}
		clickCell(host.querySelectorAll(".cnn-lab-explorer-layer")[1].querySelectorAll("canvas")[3] as HTMLCanvasElement, 8, 8, 7, 7);
		for (const key of ["ArrowDown", "ArrowRight"]) {
			press(key);
			expectCell(host, view, 1, shape, 3, 7, 7);
		}
		view.destroy();
	});

	it("a pool cell: each arrow opens the neighbouring window and its max, the edges clamp", () => {
		const { view, host } = mount();
		const shape = [4, 4, 4];
		clickCell(host.querySelectorAll(".cnn-lab-explorer-layer")[3].querySelectorAll("canvas")[1] as HTMLCanvasElement, 4, 4, 1, 2);
		expectCell(host, view, 3, shape, 1, 1, 2);
		const moves: [string, number, number][] = [["ArrowUp", 0, 2], ["ArrowUp", 0, 2], ["ArrowRight", 0, 3], ["ArrowRight", 0, 3], ["ArrowDown", 1, 3], ["ArrowLeft", 1, 2], ["ArrowDown", 2, 2], ["ArrowDown", 3, 2], ["ArrowDown", 3, 2], ["ArrowLeft", 3, 1], ["ArrowLeft", 3, 0], ["ArrowLeft", 3, 0]];
		for (const [key, row, col] of moves) {
			expect(press(key)).toBe(true);
			expectCell(host, view, 3, shape, 1, row, col);
			const v = view.current?.stages[3].data[(1 * 4 + row) * 4 + col] ?? NaN;
			expect(Math.abs(writtenResult(host, ".cnn-lab-explorer-calc-sum") - v)).toBeLessThanOrEqual(5e-7 + 1e-9);
			// the window shown is the one of that cell: rows 2·row + 1 – 2·row + 2 of the input
			expect(host.querySelector(".cnn-lab-explorer-calc .cnn-lab-note")?.textContent).toContain(`rows ${2 * row + 1}–${2 * row + 2}, columns ${2 * col + 1}–${2 * col + 2}`);
		}
		view.destroy();
	});

	it("a dense unit: Left / Right (and Up / Down) the unit before or after, clamped; the strip's pick follows", () => {
		const { view, host } = mount();
		const denseRow = host.querySelectorAll(".cnn-lab-explorer-layer")[5];
		const units = [...denseRow.querySelectorAll<HTMLButtonElement>("button.cnn-lab-explorer-unit")];
		units[0].click();
		// a pick from the keyboard (a unit's button focused) keeps the focus there; the computation is a Tab away
		const calc = host.querySelector(".cnn-lab-explorer-calc") as HTMLElement;
		calc.focus();
		const moves: [string, number][] = [["ArrowLeft", 0], ["ArrowUp", 0], ["ArrowRight", 1], ["ArrowRight", 2], ["ArrowDown", 3], ["ArrowUp", 2], ["ArrowLeft", 1]];
		for (const [key, unit] of moves) {
			expect(press(key)).toBe(true);
			const v = view.current?.stages[5].data[unit] ?? NaN;
			expect(title(host)).toContain(`unit ${unit + 1} = ${formatValue(v, 6)}`);
			expect(Math.abs(titleValue(host) - v)).toBeLessThanOrEqual(5e-7 + 1e-9);
			expect(Math.abs(writtenResult(host, ".cnn-lab-explorer-calc-sum") - v)).toBeLessThanOrEqual(5e-7 + 1e-9);
			expect(units.map((u) => u.classList.contains("is-picked"))).toEqual(units.map((_, i) => i === unit));
		}
		units[9].click();
		calc.focus();
		press("ArrowRight");
		expect(title(host)).toContain("unit 10 =");
		// the view drawn again removed the close button the focus was on: the computation keeps the focus
		(calc.querySelector(".cnn-lab-explorer-calc-head button") as HTMLButtonElement).focus();
		press("ArrowLeft");
		expect(title(host)).toContain("unit 9 =");
		expect(document.activeElement).toBe(calc);
		press("ArrowLeft");
		expect(title(host)).toContain("unit 8 =");
		view.destroy();
	});

	it("batch norm, a residual block's sum and the conv inside it: the neighbour of the same map", () => {
		const { view, host } = mount(BLOCK, ["conv 4 3x3 pad 1", "batchnorm", "residual", "gap", "dense 10"]);
		const rows = (): HTMLElement[] => [...host.querySelectorAll<HTMLElement>(".cnn-lab-explorer-layer")];
		// batch norm (stage 2), channel 2
		clickCell(rows()[2].querySelectorAll("canvas")[1] as HTMLCanvasElement, 8, 8, 6, 0);
		press("ArrowLeft");
		expectCell(host, view, 2, [4, 8, 8], 1, 6, 0);
		press("ArrowDown");
		expectCell(host, view, 2, [4, 8, 8], 1, 7, 0);
		press("ArrowRight");
		expectCell(host, view, 2, [4, 8, 8], 1, 7, 1);
		expect(host.querySelector(".cnn-lab-explorer-calc-sum")?.textContent).toContain("batch norm (channel 2");
		// the block's sum, channel 4
		const add = host.querySelector(".cnn-lab-explorer-layer.is-add") as HTMLElement;
		clickCell(add.querySelectorAll("canvas")[3] as HTMLCanvasElement, 8, 8, 2, 2);
		const inner = view.current?.stages[3].inner ?? [];
		const sum = inner.find((a) => a.path === "add");
		if (!sum) throw new Error("no sum in the block");
		for (const [key, row, col] of [["ArrowUp", 1, 2], ["ArrowRight", 1, 3]] as const) {
			press(key);
			const v = sum.data[(3 * 8 + row) * 8 + col];
			expect(title(host)).toContain(`channel 4, row ${row + 1}, column ${col + 1} = ${formatValue(v, 6)}`);
			expect(host.querySelector(".cnn-lab-explorer-calc-sum")?.textContent).toMatch(/^body .* \+ shortcut .* = /);
		}
		// the conv in the body: its stepper moves
		const bodyConv = rows().find((r) => /body 1/.test(r.querySelector(".cnn-lab-featuremap-label")?.textContent ?? "")) as HTMLElement;
		clickCell(bodyConv.querySelectorAll("canvas")[0] as HTMLCanvasElement, 8, 8, 0, 6);
		const conv = inner.find((a) => a.path === "body.0");
		if (!conv) throw new Error("no conv in the block");
		for (const [key, row, col] of [["ArrowRight", 0, 7], ["ArrowRight", 0, 7], ["ArrowDown", 1, 7]] as const) {
			press(key);
			const v = conv.data[row * 8 + col];
			expect(title(host)).toContain(`channel 1, row ${row + 1}, column ${col + 1} = ${formatValue(v, 6)}`);
			expect(Math.abs(writtenResult(host, ".cnn-conv-sum-total") - v)).toBeLessThanOrEqual(1e-6);
		}
		view.destroy();
	});

	it("other keys, and keys with a modifier, are left alone", () => {
		const { view, host } = mount();
		clickCell(host.querySelectorAll(".cnn-lab-explorer-layer")[2].querySelector("canvas") as HTMLCanvasElement, 8, 8, 2, 2);
		const before = title(host);
		expect(press("a")).toBe(false);
		const e = new KeyboardEvent("keydown", { key: "ArrowRight", altKey: true, bubbles: true, cancelable: true });
		document.activeElement?.dispatchEvent(e);
		expect(e.defaultPrevented).toBe(false);
		expect(title(host)).toBe(before);
		press("ArrowRight");
		expect(title(host)).toContain("channel 1, row 3, column 4");
		view.destroy();
	});
});
