/**
 * A crisp canvas heatmap for a 2-D grid of numbers (filters, feature maps, images), with a legend, the value and
 * position under the pointer, and a hidden table of the numbers for screen readers and PDF export.
 *
 * Sizing is done by CSS classes (cnn-lab-heatmap--s/m/l); the canvas keeps the grid's aspect ratio and is drawn
 * at a whole multiple of the grid so cells stay sharp at any device pixel ratio (and pixelated when scaled).
 * Uses the DOM only (no `obsidian`): the caller registers `destroy()` with its component.
 */
import { cssGradient, mappedRange, toRgba, valueRange, type ColormapName, type ValueRange } from "./colormap";
import { t } from "../i18n";
import "../i18n/strings-conv";

export interface Grid {
	width: number;
	height: number;
	/** Row-major, width·height values. */
	data: ArrayLike<number>;
}

export interface HeatmapOptions {
	/** Accessible name, e.g. "Feature map sobel-x, 62×62". */
	label: string;
	colormap: ColormapName;
	/** Defaults to the data's own range. */
	range?: ValueRange;
	decimals?: number;
	size?: "s" | "m" | "l";
	legend?: boolean;
	/**
	 * Write the hidden numbers of an update once the updates pause (NUMBERS_PAUSE_MS) rather than with each one: for
	 * maps redrawn every frame while the user draws (the explorer), whose hidden cells were most of a stroke's layout.
	 */
	deferNumbers?: boolean;
	/**
	 * The first hidden numbers are not written when the heatmap is made: `write` is handed to the caller, who calls it
	 * in a later task of its choosing (after destroy it does nothing; an update before it waits for it too). A hidden
	 * table of 32×32 cells cost tens of ms of layout, so a view that makes several large maps at once (the explorer's
	 * computation) writes their tables one task at a time.
	 */
	numbersLater?: (write: () => void) => void;
	/** Called with the cell under the pointer, or (-1, -1) when the pointer leaves. */
	onHover?: (row: number, col: number) => void;
	/** Called with the cell clicked or tapped. */
	onPick?: (row: number, col: number) => void;
}

export interface CellRect {
	row: number;
	col: number;
	height: number;
	width: number;
}

export interface Heatmap {
	el: HTMLElement;
	canvas: HTMLCanvasElement;
	/** New numbers (same or other size); the range follows the data unless given. */
	update(grid: Grid, range?: ValueRange): void;
	setColormap(name: ColormapName): void;
	/** A new accessible name (the canvas's label and the hidden table's caption), e.g. another class explained. */
	setLabel(label: string): void;
	/** Draw again, e.g. after a theme change. */
	redraw(): void;
	/** Outline a block of cells (kind is a CSS modifier, e.g. "window" or "output"); null removes it. */
	highlight(kind: string, rect: CellRect | null): void;
	destroy(): void;
}

/** Largest side of the backing store in device pixels. */
const MAX_BACKING = 1024;
/** Roughly the displayed size in CSS pixels the backing store aims at. */
const TARGET_CSS_PX = 320;
/**
 * The same per size class (src/styles: s is shown at 64–96 px, m at 192, l up to 360). A 64 px thumbnail drawn
 * into a 320 px store cost 25× the pixels; the results views draw dozens at the end of a run on the UI thread.
 */
const TARGET_BY_SIZE: Record<NonNullable<HeatmapOptions["size"]>, number> = { s: 128, m: 256, l: 360 };
/** Grids with more cells than this get a summary instead of a full hidden table. */
const MAX_TABLE_CELLS = 1024;
/**
 * The same for thumbnails (size s), which come by the dozen (24 validation samples, 8 channels a layer): 24 tables
 * of 28×28 were 19 000 cells made in one task at the end of a run, and at 256 cells the feature maps of the
 * acceptance run (8 channels of 14×14 a layer) still made ~5 000 hidden cells, whose style, layout and garbage
 * collection were most of the end of a run on the page's thread. An 8×8 grid (a filter, a small map) keeps its numbers.
 */
const MAX_THUMB_TABLE_CELLS = 64;

/**
 * Cells of a hidden table that one later task writes (`numbersLater`): the explorer's 32×32 padded input was one
 * task of 40–57 ms of CPU, almost all of it the layout of its ~4 000 new boxes. A larger table is written a few rows
 * per task, each part handed to `numbersLater` again.
 */
export const TABLE_CELLS_PER_TASK = 256;

/** How long the updates of a `deferNumbers` heatmap must pause before its hidden numbers follow them. */
export const NUMBERS_PAUSE_MS = 250;

/** Numbers as shown to people: at most `decimals` decimals, no trailing zeros, a true minus sign. */
export function formatValue(v: number, decimals = 2): string {
	if (Number.isNaN(v)) return "NaN";
	if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
	const f = 10 ** decimals;
	let r = Math.round(v * f) / f;
	if (Object.is(r, -0) || r === 0) r = 0;
	let s = Math.abs(r) >= 1e6 || (r !== 0 && Math.abs(r) < 10 ** -decimals) ? r.toExponential(2) : String(r);
	if (s.startsWith("-")) s = "−" + s.slice(1);
	return s;
}

/** How many backing pixels per cell: enough for TARGET_CSS_PX at this device pixel ratio, within MAX_BACKING. */
export function backingScale(width: number, height: number, dpr: number, target = TARGET_CSS_PX): number {
	const side = Math.max(width, height, 1);
	const want = Math.floor((target * Math.max(1, dpr)) / side);
	const cap = Math.floor(MAX_BACKING / side);
	return Math.max(1, Math.min(want, cap));
}

/** Expands a w×h RGBA buffer by an integer factor (nearest neighbour). */
export function scaleRgba(src: Uint8ClampedArray, w: number, h: number, k: number): Uint8ClampedArray {
	if (k === 1) return src;
	return scaleRgbaInto(src, w, h, k, new Uint8ClampedArray(w * k * h * k * 4));
}

/** The same into `out` (w·k × h·k pixels, e.g. a kept ImageData's buffer), so that a redraw allocates nothing. */
export function scaleRgbaInto(src: Uint8ClampedArray, w: number, h: number, k: number, out: Uint8ClampedArray): Uint8ClampedArray {
	if (k === 1) {
		out.set(src.subarray(0, w * h * 4));
		return out;
	}
	const W = w * k;
	const src32 = new Uint32Array(src.buffer, src.byteOffset, w * h);
	const out32 = new Uint32Array(out.buffer, out.byteOffset, W * h * k);
	for (let y = 0; y < h; y++) {
		const row = y * k * W;
		for (let x = 0; x < w; x++) {
			const px = src32[y * w + x];
			const o = row + x * k;
			for (let dx = 0; dx < k; dx++) out32[o + dx] = px;
		}
		for (let dy = 1; dy < k; dy++) out32.copyWithin(row + dy * W, row, row + W);
	}
	return out;
}

export function createLegend(parent: HTMLElement, name: ColormapName, r: ValueRange, decimals = 2): HTMLElement {
	const el = parent.createDiv({ cls: "cnn-lab-legend" });
	el.createSpan({ cls: "cnn-lab-legend-min" });
	el.createDiv({ cls: "cnn-lab-legend-bar", attr: { "aria-hidden": "true" } });
	el.createSpan({ cls: "cnn-lab-legend-max" });
	updateLegend(el, name, r, decimals);
	return el;
}

/**
 * New ends (and map) for a legend made by createLegend, written in place: a stroke or an epoch changes a layer's
 * range, and a legend built again each time was a dozen elements for style and layout to meet anew.
 */
export function updateLegend(el: HTMLElement, name: ColormapName, r: ValueRange, decimals = 2): void {
	const m = mappedRange(name, r);
	const [min, bar, max] = Array.from(el.children) as HTMLElement[];
	setTextIfChanged(min, formatValue(m.min, decimals));
	setTextIfChanged(max, formatValue(m.max, decimals));
	if (bar.dataset.map !== name) {
		bar.dataset.map = name;
		bar.setCssProps({ "--cnn-lab-gradient": cssGradient(name) });
	}
}

/** Sets an element's text only when it differs (an unchanged text node costs style and layout nothing). */
export function setTextIfChanged(el: HTMLElement, text: string): void {
	const node = el.firstChild;
	if (node && node === el.lastChild && node.nodeType === 3) {
		if (node.nodeValue !== text) node.nodeValue = text;
	} else if (el.textContent !== text) el.setText(text);
}

/** A visually hidden table of the numbers (or a summary for large grids). */
export function createNumberTable(parent: HTMLElement, grid: Grid, caption: string, decimals = 2, maxCells = MAX_TABLE_CELLS): HTMLElement {
	if (grid.width * grid.height > maxCells) {
		const r = valueRange(grid.data);
		return parent.createDiv({
			cls: "cnn-lab-sr-only",
			text: t("heatmap.summary", { label: caption, h: grid.height, w: grid.width, min: formatValue(r.min, decimals), max: formatValue(r.max, decimals) }),
		});
	}
	// A table box ignores width: 1px and overflow: hidden, so the hidden wrapper is a block that clips it;
	// otherwise a wide grid's numbers widen the page even though they are invisible.
	const wrap = parent.createDiv({ cls: "cnn-lab-sr-only" });
	const table = wrap.createEl("table", { cls: "cnn-lab-number-table" });
	table.createEl("caption", { text: caption });
	const body = table.createEl("tbody");
	appendNumberRows(body, grid, grid.height, decimals);
	return wrap;
}

/** Appends up to `rows` of `grid`'s rows to a number table's body (after those it has); the rows it now has. */
function appendNumberRows(body: HTMLTableSectionElement, grid: Grid, rows: number, decimals: number): number {
	const end = Math.min(grid.height, body.rows.length + rows);
	for (let y = body.rows.length; y < end; y++) {
		const tr = body.createEl("tr");
		for (let x = 0; x < grid.width; x++) tr.createEl("td", { text: formatValue(grid.data[y * grid.width + x], decimals) });
	}
	return end;
}

/**
 * The next part of a number table written in parts: `el` is null or the part so far (a table made with no rows, of
 * this grid's width). Returns the element and whether the table is complete; a summary is complete at once.
 */
function writeNumberPart(parent: HTMLElement, el: HTMLElement | null, grid: Grid, caption: string, decimals: number, maxCells: number): { el: HTMLElement; done: boolean } {
	const cells = grid.width * grid.height;
	if (cells > maxCells || cells <= TABLE_CELLS_PER_TASK) return { el: el ?? createNumberTable(parent, grid, caption, decimals, maxCells), done: true };
	const wrap = el ?? createNumberTable(parent, { ...grid, height: 0 }, caption, decimals, maxCells);
	const body = wrap.querySelector("tbody");
	if (!body) return { el: wrap, done: true };
	const rows = appendNumberRows(body, grid, Math.max(1, Math.floor(TABLE_CELLS_PER_TASK / Math.max(1, grid.width))), decimals);
	return { el: wrap, done: rows === grid.height };
}

/**
 * Writes `grid`'s numbers into a table made by createNumberTable (or its summary) in place; false when its kind or
 * size differs and a new one must be made. A stroke redraws dozens of maps: their hidden numbers change, not their
 * rows and cells, and a table built anew each time was most of the stroke's style, layout and garbage.
 */
export function updateNumberTable(el: HTMLElement, grid: Grid, caption: string, decimals = 2, maxCells = MAX_TABLE_CELLS): boolean {
	const table = el.firstElementChild;
	if (grid.width * grid.height > maxCells) {
		if (table) return false;
		const r = valueRange(grid.data);
		setTextIfChanged(el, t("heatmap.summary", { label: caption, h: grid.height, w: grid.width, min: formatValue(r.min, decimals), max: formatValue(r.max, decimals) }));
		return true;
	}
	const body = table?.tagName === "TABLE" ? table.querySelector("tbody") : null;
	if (!body || body.rows.length !== grid.height || (grid.height > 0 && body.rows[0].cells.length !== grid.width)) return false;
	const cap = table?.querySelector("caption");
	if (cap) setTextIfChanged(cap, caption);
	for (let y = 0; y < grid.height; y++) {
		const cells = body.rows[y].cells;
		for (let x = 0; x < grid.width; x++) setTextIfChanged(cells[x], formatValue(grid.data[y * grid.width + x], decimals));
	}
	return true;
}

export function createHeatmap(parent: HTMLElement, grid0: Grid, opts0: HeatmapOptions): Heatmap {
	const opts = { ...opts0 };
	let grid = grid0;
	let colormap = opts.colormap;
	let range = opts.range ?? valueRange(grid.data);
	const decimals = opts.decimals ?? 2;
	const el = parent.createDiv({ cls: ["cnn-lab-heatmap", `cnn-lab-heatmap--${opts.size ?? "m"}`] });
	const frame = el.createDiv({ cls: "cnn-lab-heatmap-frame" });
	const canvas = frame.createEl("canvas", { cls: "cnn-lab-heatmap-canvas", attr: { role: "img" } });
	const marks = new Map<string, HTMLElement>();
	const readout = el.createDiv({ cls: "cnn-lab-heatmap-readout", attr: { "aria-live": "off" } });
	const legendEl: HTMLElement | null = opts.legend === false ? null : createLegend(el, colormap, range, decimals);
	if (legendEl) el.insertBefore(legendEl, readout);
	let tableEl: HTMLElement | null = null;
	const maxCells = opts.size === "s" ? MAX_THUMB_TABLE_CELLS : MAX_TABLE_CELLS;
	let shownSize = "";

	/** The name, the aspect, the hidden numbers and the legend, each written only where it changed. */
	const describe = (): void => {
		const size = `${grid.width}×${grid.height}`;
		if (size !== shownSize) {
			shownSize = size;
			canvas.setAttr("aria-label", t("heatmap.label", { label: opts.label, h: grid.height, w: grid.width }));
			frame.setCssProps({ "--cnn-lab-aspect": `${grid.width} / ${grid.height}` });
		}
		if (firstPending) {
			// The caller writes the first numbers (numbersLater), from the grid shown then; rows written before this
			// update are of an older grid, so a table written in parts starts again.
			tableEl?.remove();
			tableEl = null;
		} else if (opts.deferNumbers && tableEl) {
			win.clearTimeout(numbersTimer);
			numbersTimer = win.setTimeout(writeNumbers, NUMBERS_PAUSE_MS);
		} else writeNumbers();
		if (legendEl) updateLegend(legendEl, colormap, range, decimals);
	};
	const win = el.ownerDocument.defaultView ?? window;
	let numbersTimer = 0;
	let firstPending = opts.numbersLater !== undefined;
	let destroyed = false;
	const writeNumbers = (): void => {
		numbersTimer = 0;
		if (tableEl && updateNumberTable(tableEl, grid, opts.label, decimals, maxCells)) return;
		const fresh = createNumberTable(el, grid, opts.label, decimals, maxCells);
		tableEl?.replaceWith(fresh);
		tableEl = fresh;
	};

	// The context and the backing pixels are kept from one draw to the next: a stroke redraws dozens of maps of
	// the same size, and three fresh buffers a map (colours, scaled colours, ImageData) were megabytes of garbage.
	let ctx: CanvasRenderingContext2D | null | undefined;
	let colours: Uint8ClampedArray | undefined;
	let img: ImageData | null = null;
	const draw = (): void => {
		const dpr = el.ownerDocument.defaultView?.devicePixelRatio ?? 1;
		const k = backingScale(grid.width, grid.height, dpr, TARGET_BY_SIZE[opts.size ?? "m"]);
		// Setting a canvas's size, even to the same value, reallocates and clears it: a redraw (a stroke, an epoch)
		// keeps its size, and putImageData below replaces every pixel anyway.
		if (canvas.width !== grid.width * k) canvas.width = grid.width * k;
		if (canvas.height !== grid.height * k) canvas.height = grid.height * k;
		if (ctx === undefined) {
			try {
				ctx = canvas.getContext("2d");
			} catch {
				ctx = null;
			}
		}
		if (!ctx || grid.width === 0 || grid.height === 0) return;
		colours = toRgba(grid.data, colormap, range, colours);
		if (!img || img.width !== canvas.width || img.height !== canvas.height) img = ctx.createImageData(canvas.width, canvas.height);
		scaleRgbaInto(colours, grid.width, grid.height, k, img.data);
		ctx.putImageData(img, 0, 0);
	};

	const cellAt = (e: MouseEvent): [number, number] => {
		const box = canvas.getBoundingClientRect();
		if (box.width <= 0 || box.height <= 0) return [-1, -1];
		const col = Math.floor(((e.clientX - box.left) / box.width) * grid.width);
		const row = Math.floor(((e.clientY - box.top) / box.height) * grid.height);
		return row >= 0 && row < grid.height && col >= 0 && col < grid.width ? [row, col] : [-1, -1];
	};
	const onMove = (e: PointerEvent): void => {
		const [row, col] = cellAt(e);
		if (row < 0) return onLeave();
		readout.setText(t("heatmap.readout", { row: row + 1, col: col + 1, value: formatValue(grid.data[row * grid.width + col], Math.max(decimals, 3)) }));
		opts.onHover?.(row, col);
	};
	const onLeave = (): void => {
		readout.setText("");
		opts.onHover?.(-1, -1);
	};
	const onClick = (e: MouseEvent): void => {
		const [row, col] = cellAt(e);
		if (row >= 0) opts.onPick?.(row, col);
	};
	canvas.addEventListener("pointermove", onMove);
	canvas.addEventListener("pointerdown", onMove);
	canvas.addEventListener("pointerleave", onLeave);
	if (opts.onPick) canvas.addEventListener("click", onClick);

	describe();
	draw();
	const later = opts.numbersLater;
	const writeLater = (): void => {
		if (!firstPending || destroyed || !later) return;
		const part = writeNumberPart(el, tableEl, grid, opts.label, decimals, maxCells);
		tableEl = part.el;
		if (part.done) firstPending = false;
		else later(writeLater);
	};
	later?.(writeLater);

	return {
		el,
		canvas,
		update(g: Grid, r?: ValueRange): void {
			grid = g;
			range = r ?? valueRange(g.data);
			describe();
			draw();
		},
		setColormap(name: ColormapName): void {
			colormap = name;
			describe();
			draw();
		},
		setLabel(label: string): void {
			if (label === opts.label) return;
			opts.label = label;
			shownSize = "";
			describe();
		},
		redraw: draw,
		highlight(kind: string, rect: CellRect | null): void {
			let m = marks.get(kind);
			if (!rect) {
				m?.detach();
				marks.delete(kind);
				return;
			}
			if (!m) {
				m = frame.createDiv({ cls: ["cnn-lab-heatmap-mark", `cnn-lab-heatmap-mark--${kind}`] });
				marks.set(kind, m);
			}
			m.setCssProps({
				"--cnn-lab-mark-left": `${(rect.col / grid.width) * 100}%`,
				"--cnn-lab-mark-top": `${(rect.row / grid.height) * 100}%`,
				"--cnn-lab-mark-width": `${(rect.width / grid.width) * 100}%`,
				"--cnn-lab-mark-height": `${(rect.height / grid.height) * 100}%`,
			});
		},
		destroy(): void {
			destroyed = true;
			win.clearTimeout(numbersTimer);
			numbersTimer = 0;
			canvas.removeEventListener("pointermove", onMove);
			canvas.removeEventListener("pointerdown", onMove);
			canvas.removeEventListener("pointerleave", onLeave);
			canvas.removeEventListener("click", onClick);
		},
	};
}
