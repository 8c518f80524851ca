// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from "vitest";
import "../../support/obsidian-stub";
import { createHeatmap, NUMBERS_PAUSE_MS, TABLE_CELLS_PER_TASK } from "../../../src/render/heatmap";

const puts: { w: number; h: number; first: number[] }[] = [];
beforeEach(() => {
	document.body.empty();
	puts.length = 0;
	HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
		return {
			createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
			putImageData: (img: ImageData) => puts.push({ w: img.width, h: img.height, first: Array.from(img.data.slice(0, 4)) }),
		} as unknown as CanvasRenderingContext2D;
	} as unknown as HTMLCanvasElement["getContext"];
});

describe("heatmap", () => {
	const grid = { width: 3, height: 2, data: [-1, 0.5, 1, 0, 2, 3] };

	it("draws a whole multiple of the grid, names itself, and carries the numbers in a hidden table", () => {
		const hm = createHeatmap(document.body, grid, { label: "Feature map", colormap: "viridis" });
		expect(hm.canvas.getAttribute("role")).toBe("img");
		expect(hm.canvas.getAttribute("aria-label")).toBe("Feature map, 2×3 heatmap");
		expect(hm.canvas.width % 3).toBe(0);
		expect(hm.canvas.height % 2).toBe(0);
		expect(hm.canvas.width / 3).toBe(hm.canvas.height / 2);
		expect(puts).toHaveLength(1);
		// The first cell is the minimum of the range: viridis' dark purple.
		expect(puts[0].first).toEqual([68, 1, 84, 255]);
		const cells = [...hm.el.querySelectorAll(".cnn-lab-sr-only table td")].map((c) => c.textContent);
		expect(cells).toEqual(["−1", "0.5", "1", "0", "2", "3"]);
		expect(hm.el.querySelector(".cnn-lab-legend-min")?.textContent).toBe("−1");
		expect(hm.el.querySelector(".cnn-lab-legend-max")?.textContent).toBe("3");
		expect(hm.el.querySelector(".cnn-lab-heatmap")?.className ?? hm.el.className).toContain("cnn-lab-heatmap--m");
	});

	it("reports the value and position under the pointer, and stops listening on destroy", () => {
		const onHover = vi.fn();
		const hm = createHeatmap(document.body, grid, { label: "x", colormap: "gray", onHover });
		hm.canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 300, height: 200, right: 300, bottom: 200, x: 0, y: 0, toJSON: () => ({}) });
		const move = (x: number, y: number): void => void hm.canvas.dispatchEvent(Object.assign(new Event("pointermove"), { clientX: x, clientY: y }));
		move(250, 150);
		expect(hm.el.querySelector(".cnn-lab-heatmap-readout")?.textContent).toBe("row 2, column 3: 3");
		expect(onHover).toHaveBeenLastCalledWith(1, 2);
		hm.canvas.dispatchEvent(new Event("pointerleave"));
		expect(onHover).toHaveBeenLastCalledWith(-1, -1);
		hm.destroy();
		move(10, 10);
		expect(onHover).toHaveBeenCalledTimes(2);
	});

	it("outlines a block of cells in grid percentages and follows new data", () => {
		const hm = createHeatmap(document.body, grid, { label: "x", colormap: "coolwarm", legend: false });
		hm.highlight("window", { row: 1, col: 1, height: 1, width: 2 });
		const mark = hm.el.querySelector(".cnn-lab-heatmap-mark--window") as HTMLElement;
		const pct = (name: string): number => parseFloat(mark.style.getPropertyValue(name));
		expect(pct("--cnn-lab-mark-left")).toBeCloseTo(33.33, 2);
		expect(pct("--cnn-lab-mark-top")).toBe(50);
		expect(pct("--cnn-lab-mark-width")).toBeCloseTo(66.67, 2);
		hm.highlight("window", null);
		expect(hm.el.querySelector(".cnn-lab-heatmap-mark--window")).toBeNull();
		expect(hm.el.querySelector(".cnn-lab-legend")).toBeNull();
		const big = { width: 40, height: 40, data: new Array(1600).fill(0).map((_, i) => i) };
		hm.update(big);
		expect(hm.canvas.getAttribute("aria-label")).toBe("x, 40×40 heatmap");
		expect(hm.el.querySelector(".cnn-lab-sr-only")?.textContent).toBe("x: 40×40 values from 0 to 1599");
	});
});

describe("heatmap thumbnails", () => {
	it("give an 8×8 grid its numbers but a 14×14 or 28×28 one a one-line summary (they come by the dozen)", () => {
		const grid = (n: number) => ({ width: n, height: n, data: Array.from({ length: n * n }, (_, i) => i / 4) });
		const small = createHeatmap(document.body, grid(8), { label: "s8", colormap: "gray", size: "s" });
		expect(small.el.querySelectorAll(".cnn-lab-sr-only table td")).toHaveLength(64);
		const map = createHeatmap(document.body, grid(14), { label: "s14", colormap: "gray", size: "s" });
		expect(map.el.querySelectorAll("td")).toHaveLength(0);
		expect(map.el.querySelector(".cnn-lab-sr-only")?.textContent).toBe("s14: 14×14 values from 0 to 48.75");
		const big = createHeatmap(document.body, grid(28), { label: "s28", colormap: "gray", size: "s" });
		expect(big.el.querySelectorAll("td")).toHaveLength(0);
		expect(big.el.querySelector(".cnn-lab-sr-only")?.textContent).toBe("s28: 28×28 values from 0 to 195.75");
		// The same grid at the default size keeps its full table.
		const m = createHeatmap(document.body, grid(28), { label: "m28", colormap: "gray" });
		expect(m.el.querySelectorAll(".cnn-lab-sr-only table td")).toHaveLength(784);
	});
});

describe("heatmap updates", () => {
	const cells = (el: HTMLElement): string[] => [...el.querySelectorAll(".cnn-lab-sr-only td")].map((c) => c.textContent ?? "");
	it("write new numbers into the same table, canvas and pixels; with deferNumbers the hidden numbers follow once updates pause", async () => {
		const hm = createHeatmap(document.body, { width: 2, height: 2, data: [0, 1, 2, 3] }, { label: "d", colormap: "gray", deferNumbers: true });
		const table = hm.el.querySelector(".cnn-lab-sr-only table");
		expect(cells(hm.el)).toEqual(["0", "1", "2", "3"]);
		hm.update({ width: 2, height: 2, data: [3, 2, 1, 0] });
		// drawn at once (the first pixel is now the maximum: white)
		expect(puts[puts.length - 1].first).toEqual([255, 255, 255, 255]);
		hm.update({ width: 2, height: 2, data: [5, 6, 7, 8] });
		expect(cells(hm.el)).toEqual(["0", "1", "2", "3"]);
		await new Promise((r) => setTimeout(r, NUMBERS_PAUSE_MS + 50));
		expect(cells(hm.el)).toEqual(["5", "6", "7", "8"]);
		expect(hm.el.querySelector(".cnn-lab-sr-only table")).toBe(table);
		// another size: a new table
		hm.update({ width: 3, height: 1, data: [1, 2, 3] });
		await new Promise((r) => setTimeout(r, NUMBERS_PAUSE_MS + 50));
		expect(cells(hm.el)).toEqual(["1", "2", "3"]);
		expect(hm.el.querySelectorAll(".cnn-lab-sr-only")).toHaveLength(1);
		hm.destroy();
	});
});

describe("hidden numbers written later (numbersLater)", () => {
	const side = 32;
	const gridOf = (v: number) => ({ width: side, height: side, data: Array.from({ length: side * side }, (_, i) => v + i / 1000) });
	/** The table's numbers as a screen reader reads them, row by row. */
	const cells = (el: HTMLElement): string[] => [...el.querySelectorAll("td")].map((td) => td.textContent ?? "");

	it("a 32×32 table comes a few rows a task, each part at most TABLE_CELLS_PER_TASK cells, ending as the table built at once", () => {
		const queued: (() => void)[] = [];
		const hm = createHeatmap(document.body.createDiv(), gridOf(0), { label: "input", colormap: "gray", numbersLater: (w) => queued.push(w) });
		const whole = createHeatmap(document.body.createDiv(), gridOf(0), { label: "input", colormap: "gray" });
		expect(cells(hm.el)).toEqual([]);
		const perPart: number[] = [];
		while (queued.length > 0) {
			const before = cells(hm.el).length;
			queued.shift()?.();
			perPart.push(cells(hm.el).length - before);
		}
		expect(perPart.every((n) => n > 0 && n <= TABLE_CELLS_PER_TASK)).toBe(true);
		expect(perPart.reduce((a, b) => a + b, 0)).toBe(side * side);
		expect(cells(hm.el)).toEqual(cells(whole.el));
		expect(hm.el.querySelector("caption")?.textContent).toBe("input");
	});

	it("an update while the table is half written starts it again from the new numbers: no row of the old grid is left", () => {
		const queued: (() => void)[] = [];
		const hm = createHeatmap(document.body.createDiv(), gridOf(0), { label: "input", colormap: "gray", numbersLater: (w) => queued.push(w) });
		queued.shift()?.();
		expect(cells(hm.el).length).toBeGreaterThan(0);
		hm.update(gridOf(5));
		while (queued.length > 0) queued.shift()?.();
		const fresh = createHeatmap(document.body.createDiv(), gridOf(5), { label: "input", colormap: "gray" });
		expect(cells(hm.el)).toEqual(cells(fresh.el));
		expect(hm.el.querySelectorAll("table").length).toBe(1);
	});

	it("destroyed half way, it writes nothing more", () => {
		const queued: (() => void)[] = [];
		const hm = createHeatmap(document.body.createDiv(), gridOf(0), { label: "input", colormap: "gray", numbersLater: (w) => queued.push(w) });
		queued.shift()?.();
		const written = cells(hm.el).length;
		hm.destroy();
		while (queued.length > 0) queued.shift()?.();
		expect(cells(hm.el).length).toBe(written);
	});
});
