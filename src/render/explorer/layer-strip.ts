import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import { chooseColormap, type ColormapName } from "../colormap";
import { createHeatmap, createLegend, formatValue, NUMBERS_PAUSE_MS, setTextIfChanged, updateLegend, type Heatmap } from "../heatmap";
import type { ProbeResult, ProbeStage } from "../../engine/probe";
import { layerRange } from "./layer-range";

/** Channels drawn per layer and units per dense layer; the rest are counted. */
const MAX_CHANNELS = 8;
const MAX_UNITS = 32;

export interface StripOptions {
	colormap: ColormapName;
	decimals: number;
	/** The line as the user wrote it, per layer index ("conv 8 3x3 pad 1"), for the captions. */
	lineText: (layer: number) => string | null;
	/** Class names, for the output layer's units. */
	classNames: readonly string[];
	/** A value was clicked: stage index in the result (0 is the input), flat index in its output. */
	onPick: (stage: number, index: number) => void;
}

interface StageView {
	heatmaps: Heatmap[];
	units: HTMLElement[];
	/** What a new result with the same shapes updates in place (a stroke, an epoch): no row is built again. */
	legendRow: HTMLElement;
	colormap: ColormapName;
	fills: HTMLElement[];
	values: HTMLElement[];
	names: string[];
}

/**
 * Every layer's output for one sample in one strip, as CNN Explainer's overview shows it: a row per layer with the
 * layer's line and output shape, its maps on ONE colour scale with its legend, and dense layers as labelled bars.
 */
export class LayerStrip {
	readonly el: HTMLElement;
	private views: StageView[] = [];
	private picked: { stage: number; index: number } | null = null;

	constructor(parent: HTMLElement, private readonly opts: StripOptions) {
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-strip" });
	}

	show(r: ProbeResult): void {
		if (this.sameShapes(r)) {
			r.stages.forEach((st, i) => this.refresh(st, this.views[i]));
			if (this.picked) this.mark(this.picked.stage, this.picked.index);
			return;
		}
		this.destroyMaps();
		this.el.empty();
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.strip.title") });
		this.el.createDiv({ cls: "cnn-lab-note", text: t("explorer.strip.hint") });
		const outputStage = lastScoreStage(r);
		this.views = r.stages.map((s, i) => this.stage(s, i, i === outputStage));
		if (this.picked) this.mark(this.picked.stage, this.picked.index);
	}

	/** Outlines the picked value (and forgets the last one). */
	mark(stage: number, index: number): void {
		for (const v of this.views) {
			for (const h of v.heatmaps) h.highlight("output", null);
			for (const u of v.units) u.removeClass("is-picked");
		}
		this.picked = { stage, index };
		const v = this.views[stage];
		if (!v) return;
		if (v.units.length) {
			v.units[index]?.addClass("is-picked");
			return;
		}
		// Heatmaps are one per channel, in order: find the channel and the cell.
		const stageShape = this.shapes[stage];
		if (!stageShape || stageShape.length !== 3) return;
		const [, h, w] = stageShape;
		const c = Math.floor(index / (h * w));
		const rest = index % (h * w);
		v.heatmaps[c]?.highlight("output", { row: Math.floor(rest / w), col: rest % w, height: 1, width: 1 });
	}

	private shapes: number[][] = [];

	private sameShapes(r: ProbeResult): boolean {
		return this.views.length === r.stages.length && r.stages.every((st, i) => this.shapes[i]?.length === st.shape.length && st.shape.every((d, k) => this.shapes[i][k] === d));
	}

	/** The layer's legend and its note for the layer's values: made once, then written in place. */
	private legend(row: HTMLElement, s: ProbeStage, range: { min: number; max: number }, cmap: ColormapName): void {
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
	private refresh(s: ProbeStage, view: StageView): void {
		const range = layerRange(s.data);
		const cmap = chooseColormap(range, s.layer < 0 ? "pixels" : "values", this.opts.colormap);
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
		const span = Math.max(Math.abs(range.min), Math.abs(range.max)) || 1;
		view.units.forEach((b, u) => {
			const v = s.data[u];
			view.fills[u].toggleClass("is-negative", v < 0);
			view.fills[u].toggleClass("is-positive", v >= 0);
			view.fills[u].setCssProps({ "--cnn-lab-bar": String(Math.abs(v) / span) });
		});
		this.unitTexts.set(view, s.data);
		this.win.clearTimeout(this.textTimer);
		this.textTimer = this.win.setTimeout(() => this.writeUnitTexts(), NUMBERS_PAUSE_MS);
	}

	/**
	 * The bars' printed values and names follow a new result once the results pause (a stroke redraws every frame:
	 * the bars move with it, and a hundred numbers rewritten each frame were most of its layout, unreadable anyway).
	 */
	private readonly unitTexts = new Map<StageView, ArrayLike<number>>();
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
		this.shapes[i] = s.shape;
		const row = this.el.createDiv({ cls: "cnn-lab-explorer-layer" });
		const written = s.layer >= 0 ? this.opts.lineText(s.layer) : null;
		const label = s.layer < 0 ? t("explorer.strip.input") : (written ?? s.label);
		row.createDiv({ cls: "cnn-lab-featuremap-label", text: t("explorer.strip.layer", { label, shape: shapeText(s.shape) }) });
		const range = layerRange(s.data);
		const cmap = chooseColormap(range, s.layer < 0 ? "pixels" : "values", this.opts.colormap);
		const legendRow = row.createDiv({ cls: "cnn-lab-explorer-legend" });
		this.legend(legendRow, s, range, cmap);
		const cells = row.createDiv({ cls: "cnn-lab-featuremap-cells" });
		const view: StageView = { heatmaps: [], units: [], legendRow, colormap: cmap, fills: [], values: [], names: [] };
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
					onPick: (y, x) => this.opts.onPick(i, (k * h + y) * w + x),
				});
				view.heatmaps.push(hm);
			}
			if (c > shown) cells.createDiv({ cls: "cnn-lab-note", text: t("explorer.strip.more", { n: c - shown }) });
		} else {
			const n = s.data.length;
			const shown = Math.min(n, MAX_UNITS);
			const bars = cells.createDiv({ cls: "cnn-lab-explorer-units" });
			const span = Math.max(Math.abs(range.min), Math.abs(range.max)) || 1;
			for (let u = 0; u < shown; u++) {
				const v = s.data[u];
				const name = isOutput ? (this.opts.classNames[u] ?? String(u)) : t("explorer.strip.unit", { n: u + 1 });
				const b = bars.createEl("button", { cls: "cnn-lab-explorer-unit", attr: { "aria-label": `${name}: ${formatValue(v, this.opts.decimals)}` } });
				b.createSpan({ cls: "cnn-lab-explorer-unit-name", text: name });
				const track = b.createSpan({ cls: "cnn-lab-explorer-unit-track" });
				const fill = track.createSpan({ cls: ["cnn-lab-explorer-unit-fill", v < 0 ? "is-negative" : "is-positive"] });
				fill.setCssProps({ "--cnn-lab-bar": String(Math.abs(v) / span) });
				const value = b.createSpan({ cls: "cnn-lab-explorer-unit-value", text: formatValue(v, this.opts.decimals) });
				b.addEventListener("click", () => this.opts.onPick(i, u));
				view.units.push(b);
				view.fills.push(fill);
				view.values.push(value);
				view.names.push(name);
			}
			if (n > shown) bars.createDiv({ cls: "cnn-lab-note", text: t("explorer.strip.moreUnits", { n: n - shown }) });
		}
		return view;
	}

	redraw(): void {
		for (const v of this.views) for (const h of v.heatmaps) h.redraw();
	}

	private destroyMaps(): void {
		this.stopTexts();
		for (const v of this.views) for (const h of v.heatmaps) h.destroy();
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

/** The stage whose units are the classes: the last one with as many values as the probabilities. */
function lastScoreStage(r: ProbeResult): number {
	for (let i = r.stages.length - 1; i > 0; i--) if (r.stages[i].shape.length === 1 && r.stages[i].data.length === r.probs.length) return i;
	return -1;
}

function shapeText(shape: readonly number[]): string {
	return shape.length === 3 ? `${shape[1]}×${shape[2]}×${shape[0]}` : String(shape[0]);
}
