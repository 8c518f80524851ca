import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { ColormapName } from "../colormap";
import type { ValSample } from "../../worker/messages";
import { HeatmapSet, toPlane } from "./image-grid";

/** Images drawn per piece of staged work: 24 thumbnails at once were a 50 ms task at the end of a run. */
const PER_PIECE = 4;

/**
 * A grid of validation images, each captioned "predicted / true"; mistakes are marked so they are easy to find.
 * The cells are laid out at once, in order; `later` (the panel's staging) draws their images a few per task.
 */
export function renderSamples(
	parent: HTMLElement,
	samples: ValSample[],
	shape: number[],
	classNames: string[],
	colormap: ColormapName,
	maps: HeatmapSet,
	later: (fn: () => void) => void = (fn) => fn(),
): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-samples" });
	const wrong = samples.filter((s) => s.pred !== s.label).length;
	wrap.createDiv({ cls: "cnn-lab-section-title", text: t("training.samples", { n: samples.length, wrong }) });
	const grid = wrap.createDiv({ cls: "cnn-lab-sample-grid" });
	const name = (i: number): string => classNames[i] ?? String(i);
	for (let first = 0; first < samples.length; first += PER_PIECE) {
		const cells = samples.slice(first, first + PER_PIECE).map((s) => {
			const ok = s.pred === s.label;
			const cell = grid.createDiv({ cls: ["cnn-lab-sample", ok ? "cnn-lab-sample--right" : "cnn-lab-sample--wrong"] });
			const label = ok
				? t("training.sample.right", { pred: name(s.pred), p: Math.round(s.confidence * 100) })
				: t("training.sample.wrong", { pred: name(s.pred), truth: name(s.label), p: Math.round(s.confidence * 100) });
			// The image goes before its caption, whenever it is drawn.
			const slot = cell.createDiv({ cls: "cnn-lab-sample-image" });
			cell.createDiv({ cls: "cnn-lab-sample-caption", text: label });
			return { s, slot, label };
		});
		later(() => {
			for (const c of cells) maps.add(c.slot, toPlane(c.s.data, shape), c.label, colormap);
		});
	}
	return wrap;
}
