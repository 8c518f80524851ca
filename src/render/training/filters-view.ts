import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { FilterSet } from "../../worker/messages";
import { HeatmapSet } from "./image-grid";

/**
 * The first convolution's filters, all on one symmetric colour scale centred on 0 (coolwarm) so their strengths
 * compare; a filter over several input channels is shown as its mean over the channels.
 */
export function renderFilters(parent: HTMLElement, f: FilterSet, trained: boolean, maps: HeatmapSet): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-filters" });
	const title = trained ? "training.filters.trained" : "training.filters.random";
	wrap.createDiv({ cls: "cnn-lab-section-title", text: t(title, { n: f.count, k: `${f.kh}×${f.kw}×${f.channels}` }) });
	if (f.channels > 1) wrap.createDiv({ cls: "cnn-lab-note", text: t("training.filters.mean", { c: f.channels }) });
	let m = 0;
	for (let i = 0; i < f.data.length; i++) m = Math.max(m, Math.abs(f.data[i]));
	const range = { min: -m || -1, max: m || 1 };
	const grid = wrap.createDiv({ cls: "cnn-lab-filter-grid" });
	const size = f.kh * f.kw;
	for (let k = 0; k < f.count; k++) {
		const plane = new Float32Array(size);
		for (let c = 0; c < f.channels; c++) {
			const o = (k * f.channels + c) * size;
			for (let i = 0; i < size; i++) plane[i] += f.data[o + i] / f.channels;
		}
		const cell = grid.createDiv({ cls: "cnn-lab-filter" });
		maps.add(cell, { width: f.kw, height: f.kh, data: plane }, t("training.filter", { n: k + 1 }), "coolwarm", range);
		cell.createDiv({ cls: "cnn-lab-filter-caption", text: String(k + 1) });
	}
	return wrap;
}
