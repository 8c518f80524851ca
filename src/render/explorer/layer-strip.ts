import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import { chooseColormap, type ColormapName } from "../colormap";
import { createHeatmap, createLegend, formatValue, NUMBERS_PAUSE_MS, setTextIfChanged, updateLegend, type Heatmap } from "../heatmap";
import type { Activation } from "../../engine/layer";
import type { ProbeResult, ProbeStage } from "../../engine/probe";
import { isAdd, stepName } from "./block-paths";
import { layerRange } from "./layer-range";
import { BarChartView } from "../charts/bar-chart";

/** Channels drawn per layer and units per dense layer; the rest are counted. */
const MAX_CHANNELS = 8;
const MAX_UNITS = 32;
/**
 * Values whose rows one task builds when the strip is made (the explorer opens, a new shape): each map makes its
 * canvas and hidden table, and all of a 28×28 network's rows at once were one task of well over 50 ms. A task builds
 * the rows that fit in this many values (at least one stage), the rest follow in later tasks. A row that does not fit
 * waits even when the task has room left: the first chunk shares its task with the forward pass, the prediction and,
 * on the explorer's opening, their first compilation, and with the 28×28 input and the first conv layer's eight
 * 28×28 maps in it that task was 55–67 ms of CPU. A small network (8×8 digits: ~1 300 values) is built at once.
 */
export const BUILD_CHUNK_VALUES = 2000;

export interface StripOptions {
	colormap: ColormapName;
	decimals: number;
	/** The line as the user wrote it, per layer index ("conv 8 3x3 pad 1"), for the captions. */
	lineText: (layer: number) => string | null;
	/** Class names, for the output layer's units. */
	classNames: readonly string[];
	/**
	 * A value was clicked: stage index in the result (0 is the input), flat index in its output, and inside a
	 * residual block the output's path as the engine names it ("body.0", "shortcut", "add", "body.1.add").
	 */
	onPick: (stage: number, index: number, path?: string) => void;
}

/** One row's values: a layer's output for the sample, or an output inside a residual block. */
interface RowData {
	/** Pixels (the input) or a layer's values: they get different colour maps. */
	pixels: boolean;
	shape: number[];
	data: Float32Array;
}

interface RowView {
	el: HTMLElement;
	heatmaps: Heatmap[];
	/** A flat output's units: hidden buttons (names and values for a screen reader, a keyboard's picks) beside its bars. */
	units: HTMLElement[];
	/** The units' bars (chart.js), with the picked unit and the one the keyboard's focus is on (−1: none). */
	bars: BarChartView | null;
	barPick: number;
	barFocus: number;
	/** What a new result with the same shapes updates in place (a stroke, an epoch): no row is built again. */
	legendRow: HTMLElement;
	colormap: ColormapName;
	values: HTMLElement[];
	names: string[];
	shape: number[];
}

/** A stage's rows by path: "" for a layer's output; inside a residual block each inner output's path ("add" is the sum). */
type StageView = Map<string, RowView>;

/** The outputs inside a residual block, depth first; a nested block's own entry is drawn as its inner outputs. */
function innerRows(inner: readonly Activation[]): Activation[] {
	return inner.flatMap((a) => (a.inner ? innerRows(a.inner) : [a]));
}

/** A stage's rows, by path, with the values each shows. */
function stageRows(s: ProbeStage): { path: string; data: RowData }[] {
	if (!s.inner) return [{ path: "", data: { pixels: s.layer < 0, shape: s.shape, data: s.data } }];
	return innerRows(s.inner).map((a) => ({ path: a.path ?? "", data: { pixels: false, shape: a.shape, data: a.data } }));
}

/**
 * Every layer's output for one sample in one strip, as CNN Explainer's overview shows it: a row per layer with the
 * layer's line and output shape, its maps on ONE colour scale with its legend, and dense layers as labelled bars. A
 * residual block is a group: its body's rows, its shortcut's (the identity: the block's input), then the sum, each
 * labelled by where it is, a nested block as a group inside.
 */
export class LayerStrip {
	readonly el: HTMLElement;
	private views: StageView[] = [];
	private picked: { stage: number; index: number; path: string } | null = null;
	/** Per stage, its rows' paths and shapes: a result with the same ones is drawn in place. */
	private signatures: string[] = [];

	constructor(parent: HTMLElement, private readonly opts: StripOptions) {
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-strip" });
	}

	show(r: ProbeResult): void {
		if (this.sameShapes(r)) {
			r.stages.forEach((st, i) => {
				const stage = this.views[i];
				if (!stage) return;
				for (const row of stageRows(st)) {
					const view = stage.get(row.path);
					if (view) this.refresh(row.data, view);
				}
			});
			// Rows not built yet are built from the newest result.
			if (this.building) this.building.r = r;
			if (this.picked) this.mark(this.picked.stage, this.picked.index, this.picked.path);
			return;
		}
		this.destroyMaps();
		this.el.empty();
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.strip.title") });
		this.el.createDiv({ cls: "cnn-lab-note", text: t("explorer.strip.hint") });
		this.signatures = r.stages.map(signature);
		this.building = { r, next: 0, outputStage: lastScoreStage(r) };
		this.buildChunk();
	}

	/** The rows still to build (the strip is being made), from the newest result with the same shapes. */
	private building: { r: ProbeResult; next: number; outputStage: number } | null = null;
	private buildTimer = 0;

	/** Builds the rows that fit in BUILD_CHUNK_VALUES values (at least one), then leaves the rest to the next task. */
	private buildChunk(): void {
		const later = this.buildTimer !== 0;
		this.buildTimer = 0;
		const b = this.building;
		if (!b) return;
		let values = 0;
		while (b.next < b.r.stages.length) {
			const st = b.r.stages[b.next];
			const size = Math.max(1, st.data.length);
			if (values > 0 && values + size > BUILD_CHUNK_VALUES) break;
			const i = b.next++;
			this.views[i] = this.stage(st, i, i === b.outputStage);
			values += size;
		}
		if (this.picked) this.mark(this.picked.stage, this.picked.index, this.picked.path);
		// A later chunk's rows laid out in its own task: left to the next frame, several chunks' layouts came together.
		if (later && this.el.isConnected) void this.el.offsetHeight;
		if (b.next < b.r.stages.length) this.buildTimer = this.win.setTimeout(() => this.buildChunk(), 0);
		else this.building = null;
	}

	/** True while rows are still being built in later tasks (tests wait for it). */
	get isBuilding(): boolean {
		return this.building !== null;
	}

	/** Outlines the picked value (and forgets the last one); `path` picks a row inside a residual block. */
	mark(stage: number, index: number, path = ""): void {
		for (const v of this.views) {
			for (const row of v.values()) {
				for (const h of row.heatmaps) h.highlight("output", null);
				for (const u of row.units) u.removeClass("is-picked");
				if (row.barPick !== -1) markBars(row, -1, row.barFocus);
			}
		}
		this.picked = { stage, index, path };
		const v = this.views[stage]?.get(path);
		if (!v) return;
		if (v.units.length) {
			v.units[index]?.addClass("is-picked");
			markBars(v, index, v.barFocus);
			return;
		}
		// Heatmaps are one per channel, in order: find the channel and the cell.
		if (v.shape.length !== 3) return;
		const [, h, w] = v.shape;
		const c = Math.floor(index / (h * w));
		const rest = index % (h * w);
		v.heatmaps[c]?.highlight("output", { row: Math.floor(rest / w), col: rest % w, height: 1, width: 1 });
	}

	private sameShapes(r: ProbeResult): boolean {
		return this.signatures.length === r.stages.length && r.stages.every((st, i) => this.signatures[i] === signature(st));
	}

	/** The layer's legend and its note for the layer's values: made once, then written in place. */
	private legend(row: HTMLElement, s: RowData, range: { min: number; max: number }, cmap: ColormapName): void {
		const d = this.opts.decimals;
		let bar = row.firstElementChild as HTMLElement | null;
		let note = bar?.nextElementSibling as HTMLElement | null;
		if (!bar || !note) {
			row.empty();
			bar = createLegend(row, cmap, range, d);
			note = row.createSpan({ cls: "cnn-lab-note" });
		} else updateLegend(bar, cmap, range, d);
		const constant = s.data.length > 0 && s.data.every((v) => v === s.data[0]);
		setTextIfChanged(note, constant ? t("explorer.strip.constant", { v: formatValue(s.data[0], d) }) : t("explorer.strip.scale", { min: formatValue(range.min, d), max: formatValue(range.max, d) }));
	}

	/** New values of the same shape: the maps redrawn and the bars moved where they are. */
	private refresh(s: RowData, view: RowView): void {
		const range = layerRange(s.data);
		const cmap = chooseColormap(range, s.pixels ? "pixels" : "values", this.opts.colormap);
		this.legend(view.legendRow, s, range, cmap);
		if (s.shape.length === 3) {
			const [, h, w] = s.shape;
			view.heatmaps.forEach((hm, k) => {
				if (cmap !== view.colormap) hm.setColormap(cmap);
				hm.update({ width: w, height: h, data: s.data.subarray(k * h * w, (k + 1) * h * w) }, range);
			});
			view.colormap = cmap;
			return;
		}
		if (view.bars) {
			view.bars.setValues(s.data);
			view.bars.drawNow();
		}
		this.unitTexts.set(view, s.data);
		this.win.clearTimeout(this.textTimer);
		this.textTimer = this.win.setTimeout(() => this.writeUnitTexts(), NUMBERS_PAUSE_MS);
	}

	/**
	 * The bars' printed values and names follow a new result once the results pause (a stroke redraws every frame:
	 * the bars move with it, and a hundred numbers rewritten each frame were most of its layout, unreadable anyway).
	 */
	private readonly unitTexts = new Map<RowView, ArrayLike<number>>();
	private textTimer = 0;
	private get win(): Window {
		return this.el.ownerDocument.defaultView ?? window;
	}

	private writeUnitTexts(): void {
		this.textTimer = 0;
		for (const [view, data] of this.unitTexts)
			view.units.forEach((b, u) => {
				const text = formatValue(data[u], this.opts.decimals);
				b.setAttr("aria-label", `${view.names[u]}: ${text}`);
				setTextIfChanged(view.values[u], text);
			});
		this.unitTexts.clear();
	}

	private stopTexts(): void {
		this.win.clearTimeout(this.textTimer);
		this.textTimer = 0;
		this.unitTexts.clear();
	}

	private stage(s: ProbeStage, i: number, isOutput: boolean): StageView {
		const written = s.layer >= 0 ? this.opts.lineText(s.layer) : null;
		const label = s.layer < 0 ? t("explorer.strip.input") : (written ?? s.label);
		const view: StageView = new Map();
		if (!s.inner) {
			view.set("", this.row(this.el, { pixels: s.layer < 0, shape: s.shape, data: s.data }, label, isOutput, (index) => this.opts.onPick(i, index)));
			return view;
		}
		const group = this.el.createDiv({ cls: "cnn-lab-explorer-block" });
		group.createDiv({ cls: "cnn-lab-featuremap-label cnn-lab-explorer-block-label", text: t("explorer.strip.layer", { label, shape: shapeText(s.shape) }) });
		this.blockRows(group.createDiv({ cls: "cnn-lab-explorer-block-inner" }), s.inner, i, view);
		return view;
	}

	/** A block's inner outputs as rows under `parent`, a nested block as a group of its own. */
	private blockRows(parent: HTMLElement, inner: readonly Activation[], stage: number, view: StageView): void {
		for (const a of inner) {
			const path = a.path ?? "";
			if (a.inner) {
				const group = parent.createDiv({ cls: "cnn-lab-explorer-block" });
				group.createDiv({ cls: "cnn-lab-featuremap-label cnn-lab-explorer-block-label", text: t("explorer.strip.inner", { where: stepName(path), label: a.label, shape: shapeText(a.shape) }) });
				this.blockRows(group.createDiv({ cls: "cnn-lab-explorer-block-inner" }), a.inner, stage, view);
				continue;
			}
			const sum = isAdd(path);
			const label = sum || a.label === "identity" ? stepName(path) : t("explorer.strip.innerLayer", { where: stepName(path), label: a.label });
			const row = this.row(parent, { pixels: false, shape: a.shape, data: a.data }, label, false, (index) => this.opts.onPick(stage, index, path));
			if (sum) row.el.addClass("is-add");
			view.set(path, row);
		}
	}

	/** One row: its label and shape, the legend of its one colour scale, its maps or bars. */
	private row(parent: HTMLElement, s: RowData, label: string, isOutput: boolean, onPick: (index: number) => void): RowView {
		const row = parent.createDiv({ cls: "cnn-lab-explorer-layer" });
		row.createDiv({ cls: "cnn-lab-featuremap-label", text: t("explorer.strip.layer", { label, shape: shapeText(s.shape) }) });
		const range = layerRange(s.data);
		const cmap = chooseColormap(range, s.pixels ? "pixels" : "values", this.opts.colormap);
		const legendRow = row.createDiv({ cls: "cnn-lab-explorer-legend" });
		this.legend(legendRow, s, range, cmap);
		const cells = row.createDiv({ cls: "cnn-lab-featuremap-cells" });
		const view: RowView = { el: row, heatmaps: [], units: [], bars: null, barPick: -1, barFocus: -1, legendRow, colormap: cmap, values: [], names: [], shape: s.shape };
		if (s.shape.length === 3) {
			const [c, h, w] = s.shape;
			const shown = Math.min(c, MAX_CHANNELS);
			for (let k = 0; k < shown; k++) {
				const cell = cells.createDiv({ cls: "cnn-lab-featuremap" });
				const hm = createHeatmap(cell, { width: w, height: h, data: s.data.subarray(k * h * w, (k + 1) * h * w) }, {
					label: t("explorer.strip.channel", { label, n: k + 1 }),
					colormap: cmap,
					range,
					size: "s",
					legend: false,
					decimals: this.opts.decimals,
					deferNumbers: true,
					onPick: (y, x) => onPick((k * h + y) * w + x),
				});
				view.heatmaps.push(hm);
			}
			if (c > shown) cells.createDiv({ cls: "cnn-lab-note", text: t("explorer.strip.more", { n: c - shown }) });
		} else {
			const n = s.data.length;
			const shown = Math.min(n, MAX_UNITS);
			const box = cells.createDiv({ cls: "cnn-lab-explorer-units" });
			const list = box.createDiv({ cls: "cnn-lab-sr-only", attr: { role: "list" } });
			for (let u = 0; u < shown; u++) {
				const v = s.data[u];
				const name = isOutput ? (this.opts.classNames[u] ?? String(u)) : t("explorer.strip.unit", { n: u + 1 });
				const b = list.createEl("button", { cls: "cnn-lab-explorer-unit", attr: { role: "listitem", "aria-label": `${name}: ${formatValue(v, this.opts.decimals)}` } });
				b.createSpan({ cls: "cnn-lab-explorer-unit-name", text: name });
				const value = b.createSpan({ cls: "cnn-lab-explorer-unit-value", text: formatValue(v, this.opts.decimals) });
				b.addEventListener("click", () => onPick(u));
				// The focused button is drawn on the bars (the buttons themselves are hidden).
				b.addEventListener("focus", () => markBars(view, view.barPick, u));
				b.addEventListener("blur", () => markBars(view, view.barPick, -1));
				view.units.push(b);
				view.values.push(value);
				view.names.push(name);
			}
			// The canvas is a picture: the hidden list above is what assistive technology reads and a keyboard uses.
			view.bars = new BarChartView(box, {
				title: t("explorer.strip.unitsTitle", { label }),
				xLabel: t("explorer.strip.unitAxis"),
				yLabel: t("explorer.strip.valueAxis"),
				color: 1,
				signed: true,
				compact: true,
				cls: "cnn-lab-explorer-unit-chart",
				// A stroke redraws every layer each frame: the charts scrolled out of sight catch up when seen.
				deferOffscreen: true,
				// Class names under the output layer's bars; a hidden layer's units by number (the axis skips some).
				tickLabel: isOutput ? undefined : (_name, i) => String(i + 1),
				onPick,
			});
			view.bars.el.setCssProps({ "--cnn-lab-units": String(shown) });
			view.bars.setData(view.names, s.data);
			view.bars.drawNow();
			if (n > shown) box.createDiv({ cls: "cnn-lab-note", text: t("explorer.strip.moreUnits", { n: n - shown }) });
		}
		return view;
	}

	redraw(): void {
		for (const v of this.views)
			// (The bars' chart re-reads the theme itself.)
			for (const row of v.values()) for (const h of row.heatmaps) h.redraw();
	}

	private destroyMaps(): void {
		this.stopTexts();
		this.win.clearTimeout(this.buildTimer);
		this.buildTimer = 0;
		this.building = null;
		this.signatures = [];
		for (const v of this.views)
			for (const row of v.values()) {
				for (const h of row.heatmaps) h.destroy();
				row.bars?.destroy();
			}
		this.views = [];
	}

	/** Nothing to show (an empty pad): the next result builds the rows again. */
	clear(): void {
		this.destroyMaps();
		this.el.empty();
	}

	destroy(): void {
		this.destroyMaps();
	}
}

/** The bars' picked unit (accent) and the focused one (ringed). */
function markBars(view: RowView, pick: number, focus: number): void {
	view.barPick = pick;
	view.barFocus = focus;
	if (!view.bars) return;
	view.bars.setMarks({ accent: pick >= 0 ? [pick] : [], focus });
	view.bars.drawNow();
}

/** A stage's rows' paths and shapes, as one string. */
function signature(s: ProbeStage): string {
	return stageRows(s)
		.map((r) => `${r.path}:${r.data.shape.join("x")}`)
		.join(" ");
}

/** The stage whose units are the classes: the last one with as many values as the probabilities. */
function lastScoreStage(r: ProbeResult): number {
	for (let i = r.stages.length - 1; i > 0; i--) if (r.stages[i].shape.length === 1 && r.stages[i].data.length === r.probs.length) return i;
	return -1;
}

function shapeText(shape: readonly number[]): string {
	return shape.length === 3 ? `${shape[1]}×${shape[2]}×${shape[0]}` : String(shape[0]);
}
