import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { ColormapName } from "../colormap";
import type { ActivationMap } from "../../worker/messages";
import { HeatmapSet } from "./image-grid";
import type { WeightsShown } from "./filters-view";

/** Channels drawn per layer; the rest are counted. */
const MAX_CHANNELS = 8;

/**
 * The sample input through every layer: a row of channel heatmaps per layer, with the layer's shape. `later`
 * (the panel's staging) draws each row's heatmaps in a task of its own, so a deep network does not block the page
 * for the whole set; the rows are laid out at once, in order.
 */
export function renderFeatureMaps(
	parent: HTMLElement,
	maps: ActivationMap[],
	weights: WeightsShown,
	colormap: ColormapName,
	set: HeatmapSet,
	caption: string,
	later: (fn: () => void) => void = (fn) => fn(),
): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-featuremaps" });
	const key = weights === "trained" ? "training.featuremaps.trained" : weights === "unsaved" ? "training.featuremaps.unsaved" : "training.featuremaps.random";
	const title = typeof weights !== "object" ? t(key) : "file" in weights ? t("training.featuremaps.file", { name: weights.file }) : t("training.featuremaps.epoch", { e: weights.epoch });
	wrap.createDiv({ cls: "cnn-lab-section-title", text: title });
	if (caption) wrap.createDiv({ cls: "cnn-lab-note", text: caption });
	for (const m of maps) {
		const row = wrap.createDiv({ cls: "cnn-lab-featuremap-row" });
		row.createDiv({ cls: "cnn-lab-featuremap-label", text: `${m.label} · ${m.shape.join("×")}` });
		const cells = row.createDiv({ cls: "cnn-lab-featuremap-cells" });
		later(() => drawRow(cells, m, colormap, set));
	}
	return wrap;
}

function drawRow(cells: HTMLElement, m: ActivationMap, colormap: ColormapName, set: HeatmapSet): void {
	if (m.shape.length === 3) {
		const [c, h, w] = m.shape;
		const shown = Math.min(c, MAX_CHANNELS);
		for (let k = 0; k < shown; k++) {
			const cell = cells.createDiv({ cls: "cnn-lab-featuremap" });
			set.add(cell, { width: w, height: h, data: m.data.subarray(k * h * w, (k + 1) * h * w) }, t("training.channel", { layer: m.label, n: k + 1 }), colormap);
		}
		if (c > shown) cells.createDiv({ cls: "cnn-lab-note", text: t("training.more", { n: c - shown }) });
	} else {
		const f = m.data.length;
		const cell = cells.createDiv({ cls: ["cnn-lab-featuremap", "cnn-lab-featuremap--vector"] });
		set.add(cell, { width: f, height: 1, data: m.data }, m.label, colormap);
	}
}
