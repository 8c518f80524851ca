/**
 * One grid of the stepper: a table of numbers when small, a heatmap beyond. Both take the same marks
 * (the receptive field, the output cell) so the view does not care which one it holds.
 */
import { chooseColormap, cssColorOf, lightnessOf, valueRange, type ColormapName, type ValueRange } from "../colormap";
import { createHeatmap, formatValue, setTextIfChanged, type Heatmap } from "../heatmap";

/** Grids up to this many cells (and columns) are drawn as numbers. */
export const MAX_NUMBER_CELLS = 256;
export const MAX_NUMBER_COLS = 24;

export interface WindowMark {
	top: number;
	left: number;
	rows: number;
	cols: number;
	dilation: [number, number];
	/** Shown in each covered cell as "×w" (number grids only). */
	weights?: number[][];
}

export interface GridOptions {
	label: string;
	decimals: number;
	/** "pixels" → gray; "values" → diverging when signed, else the preferred map. */
	kind: "pixels" | "values";
	preferred: ColormapName;
	/** Colour the cells by value (outputs, stages); inputs and kernels stay plain for reading. */
	colour: boolean;
	/** Cells to draw as padding: [top, bottom, left, right] rows/columns at the edges. */
	padding?: [number, number, number, number];
	/** Rows / columns (padded coordinates) that no window reaches. */
	unusedRows?: number[];
	unusedCols?: number[];
	/** Rows / columns of zeros put between the input's values (a transposed convolution's stretched input). */
	insertedRows?: number[];
	insertedCols?: number[];
	/**
	 * The longest "×w" label a window will write in a cell (characters), for grids that show weights: every cell
	 * keeps a line and the width for it, so the label never covers the value (issue 17: phone widths) and the
	 * table does not shift as the window moves.
	 */
	weightChars?: number;
	/** Called when a cell is tapped or clicked. */
	onPick?: (row: number, col: number) => void;
	size?: "s" | "m" | "l";
	/** A heatmap's hidden numbers written when the caller says (HeatmapOptions.numbersLater); number grids ignore it. */
	numbersLater?: (write: () => void) => void;
}

export interface GridView {
	el: HTMLElement;
	markWindow(m: WindowMark | null): void;
	markCell(row: number, col: number): void;
	/** Cells with row-major index ≥ n are shown as not yet computed. */
	revealUpTo(n: number): void;
	/**
	 * New numbers of the same size written into the cells in place (another filter, another input): false when the
	 * size differs and the grid must be made again. `label` renames it.
	 */
	update(grid: number[][], label?: string): boolean;
	redraw(): void;
	destroy(): void;
}

export function isNumberGrid(h: number, w: number): boolean {
	return h * w <= MAX_NUMBER_CELLS && w <= MAX_NUMBER_COLS;
}

export function createGridView(parent: HTMLElement, grid: number[][], o: GridOptions): GridView {
	const h = grid.length;
	const w = grid[0].length;
	const flat = grid.flat();
	const range: ValueRange = valueRange(flat);
	const cmap = chooseColormap(range, o.kind, o.preferred);
	return isNumberGrid(h, w) ? numberGrid(parent, grid, range, cmap, o) : heatmapGrid(parent, grid, flat, range, cmap, o);
}

function numberGrid(parent: HTMLElement, grid: number[][], range: ValueRange, cmap: ColormapName, o: GridOptions): GridView {
	const h = grid.length;
	const w = grid[0].length;
	const el = parent.createDiv({ cls: "cnn-conv-grid-wrap" });
	const table = el.createEl("table", { cls: "cnn-conv-grid", attr: { "aria-label": o.label } });
	if (o.weightChars) {
		table.addClass("has-weights");
		table.setCssProps({ "--cnn-conv-weight-ch": String(o.weightChars) });
	}
	const body = table.createEl("tbody");
	const cells: HTMLTableCellElement[] = [];
	const values: HTMLElement[] = [];
	const [pt, pb, pl, pr] = o.padding ?? [0, 0, 0, 0];
	const unusedR = new Set(o.unusedRows ?? []);
	const unusedC = new Set(o.unusedCols ?? []);
	const insertedR = new Set(o.insertedRows ?? []);
	const insertedC = new Set(o.insertedCols ?? []);
	for (let y = 0; y < h; y++) {
		const tr = body.createEl("tr");
		for (let x = 0; x < w; x++) {
			const td = tr.createEl("td", { cls: "cnn-conv-cell" });
			values.push(td.createSpan({ cls: "cnn-conv-value" }));
			const isPad = y < pt || y >= h - pb || x < pl || x >= w - pr;
			if (isPad) td.addClass("is-pad");
			else if (insertedR.has(y) || insertedC.has(x)) td.addClass("is-inserted");
			if (unusedR.has(y) || unusedC.has(x)) td.addClass("is-unused");
			if (o.colour) td.addClass("is-coloured");
			cells.push(td);
		}
	}
	/** Each cell's number (and colour) from `g`, written only where it changed. */
	const fill = (g: number[][], r: ValueRange, map: ColormapName): void => {
		for (let y = 0; y < h; y++)
			for (let x = 0; x < w; x++) {
				const i = y * w + x;
				setTextIfChanged(values[i], formatValue(g[y][x], o.decimals));
				if (!o.colour) continue;
				const light = lightnessOf(map, g[y][x], r) > 0.55;
				cells[i].toggleClass("on-light", light);
				cells[i].toggleClass("on-dark", !light);
				cells[i].setCssProps({ "--cnn-conv-cell-bg": cssColorOf(map, g[y][x], r) });
			}
	};
	fill(grid, range, cmap);
	let shown = grid;
	let windowCells: HTMLTableCellElement[] = [];
	let current: HTMLTableCellElement | null = null;
	const onClick = (e: Event): void => {
		const td = (e.target as HTMLElement).closest("td");
		if (!td || !o.onPick) return;
		const i = cells.indexOf(td);
		if (i >= 0) o.onPick(Math.floor(i / w), i % w);
	};
	if (o.onPick) {
		table.addClass("is-pickable");
		table.addEventListener("click", onClick);
	}
	return {
		el,
		markWindow(m): void {
			for (const c of windowCells) {
				c.removeClass("is-window");
				c.querySelector(".cnn-conv-weight")?.remove();
			}
			windowCells = [];
			if (!m) return;
			for (let i = 0; i < m.rows; i++)
				for (let j = 0; j < m.cols; j++) {
					const y = m.top + i * m.dilation[0];
					const x = m.left + j * m.dilation[1];
					const c = cells[y * w + x];
					if (!c) continue;
					c.addClass("is-window");
					if (m.weights) c.createSpan({ cls: "cnn-conv-weight", text: `×${formatValue(m.weights[i][j], o.decimals)}` });
					windowCells.push(c);
				}
		},
		markCell(row, col): void {
			current?.removeClass("is-current");
			current = cells[row * w + col] ?? null;
			current?.addClass("is-current");
		},
		revealUpTo(n): void {
			for (let i = 0; i < cells.length; i++) cells[i].toggleClass("is-pending", i >= n);
		},
		update(g, label): boolean {
			if (g.length !== h || g[0]?.length !== w) return false;
			if (label !== undefined) table.setAttr("aria-label", label);
			if (sameValues(g, shown)) return true;
			shown = g;
			const r = valueRange(g.flat());
			fill(g, r, chooseColormap(r, o.kind, o.preferred));
			return true;
		},
		redraw(): void {},
		destroy(): void {
			table.removeEventListener("click", onClick);
		},
	};
}

/** A heatmap grid: its hidden numbers are written at once when made, and a moment after an update (see update()). */
function heatmapGrid(parent: HTMLElement, grid: number[][], flat: number[], range: ValueRange, cmap: ColormapName, o: GridOptions): GridView {
	const h = grid.length;
	const w = grid[0].length;
	const hm: Heatmap = createHeatmap(parent, { width: w, height: h, data: flat }, { label: o.label, colormap: cmap, range, decimals: o.decimals, size: o.size ?? "m", deferNumbers: true, numbersLater: o.numbersLater });
	let shownMap = cmap;
	let shown = grid;
	const [pt, pb, pl, pr] = o.padding ?? [0, 0, 0, 0];
	if (pt + pb + pl + pr > 0) hm.highlight("inner", { row: pt, col: pl, height: h - pt - pb, width: w - pl - pr });
	const onDown = (e: PointerEvent): void => {
		const box = hm.canvas.getBoundingClientRect();
		if (!o.onPick || box.width <= 0) return;
		const col = Math.floor(((e.clientX - box.left) / box.width) * w);
		const row = Math.floor(((e.clientY - box.top) / box.height) * h);
		if (row >= 0 && row < h && col >= 0 && col < w) o.onPick(row, col);
	};
	hm.canvas.addEventListener("click", onDown);
	return {
		el: hm.el,
		markWindow(m): void {
			hm.highlight("window", m ? { row: m.top, col: m.left, height: (m.rows - 1) * m.dilation[0] + 1, width: (m.cols - 1) * m.dilation[1] + 1 } : null);
		},
		markCell(row, col): void {
			hm.highlight("output", { row, col, height: 1, width: 1 });
		},
		revealUpTo(): void {},
		update(g, label): boolean {
			if (g.length !== h || g[0]?.length !== w) return false;
			if (label !== undefined) hm.setLabel(label);
			if (sameValues(g, shown)) return true;
			shown = g;
			const f = g.flat();
			const r = valueRange(f);
			const map = chooseColormap(r, o.kind, o.preferred);
			if (map !== shownMap) hm.setColormap((shownMap = map));
			hm.update({ width: w, height: h, data: f }, r);
			return true;
		},
		redraw: () => hm.redraw(),
		destroy(): void {
			hm.canvas.removeEventListener("click", onDown);
			hm.destroy();
		},
	};
}

/** Whether two grids of the same size hold the same numbers (the same input shown for another filter). */
function sameValues(a: number[][], b: number[][]): boolean {
	if (a === b) return true;
	for (let y = 0; y < a.length; y++) for (let x = 0; x < a[y].length; x++) if (!Object.is(a[y][x], b[y][x])) return false;
	return true;
}
