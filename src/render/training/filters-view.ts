import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { FilterSet } from "../../worker/messages";
import { HeatmapSet } from "./image-grid";

/** Filters drawn per piece of staged work. */
const FILTERS_PER_PIECE = 16;

/**
 * Whose weights the filters and feature maps show: the trained network's, a fresh network's before a run, a fresh
 * network's beside a stored run whose weights were not saved (so 99 % accuracy is not captioned "before training"),
 * a run's after an epoch while it trains, or a file's the block's `weights` line names (trained in PyTorch).
 */
export type WeightsShown = "trained" | "random" | "unsaved" | { epoch: number } | { file: string };

/**
 * The first convolution's filters, all on one symmetric colour scale centred on 0 (coolwarm) so their strengths
 * compare; a filter over several input channels is shown as its mean over the channels.
 */
export function renderFilters(parent: HTMLElement, f: FilterSet, weights: WeightsShown, maps: HeatmapSet, later: (fn: () => void) => void = (fn) => fn()): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-filters" });
	const vars = { n: f.count, k: `${f.kh}×${f.kw}×${f.channels}` };
	const key = weights === "trained" ? "training.filters.trained" : weights === "unsaved" ? "training.filters.unsaved" : "training.filters.random";
	const title =
		typeof weights !== "object" ? t(key, vars) : "file" in weights ? t("training.filters.file", { ...vars, name: weights.file }) : t("training.filters.epoch", { ...vars, e: weights.epoch });
	wrap.createDiv({ cls: "cnn-lab-section-title", text: title });
	if (f.channels > 1) wrap.createDiv({ cls: "cnn-lab-note", text: t("training.filters.mean", { c: f.channels }) });
	let m = 0;
	for (let i = 0; i < f.data.length; i++) m = Math.max(m, Math.abs(f.data[i]));
	const range = { min: -m || -1, max: m || 1 };
	const grid = wrap.createDiv({ cls: "cnn-lab-filter-grid" });
	const size = f.kh * f.kw;
	// Laid out at once, in order; the images are drawn a piece at a time (a wide first layer has 64 filters).
	for (let first = 0; first < f.count; first += FILTERS_PER_PIECE) {
		const cells: { k: number; slot: HTMLElement }[] = [];
		for (let k = first; k < Math.min(f.count, first + FILTERS_PER_PIECE); k++) {
			const cell = grid.createDiv({ cls: "cnn-lab-filter" });
			cells.push({ k, slot: cell.createDiv({ cls: "cnn-lab-filter-image" }) });
			cell.createDiv({ cls: "cnn-lab-filter-caption", text: String(k + 1) });
		}
		later(() => {
			for (const { k, slot } of cells) {
				const plane = new Float32Array(size);
				for (let c = 0; c < f.channels; c++) {
					const o = (k * f.channels + c) * size;
					for (let i = 0; i < size; i++) plane[i] += f.data[o + i] / f.channels;
				}
				maps.add(slot, { width: f.kw, height: f.kh, data: plane }, t("training.filter", { n: k + 1 }), "coolwarm", range);
			}
		});
	}
	return wrap;
}
