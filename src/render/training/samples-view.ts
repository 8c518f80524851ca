import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { ColormapName } from "../colormap";
import type { ValSample } from "../../worker/messages";
import { HeatmapSet, toPlane } from "./image-grid";

/** A grid of validation images, each captioned "predicted / true"; mistakes are marked so they are easy to find. */
export function renderSamples(
	parent: HTMLElement,
	samples: ValSample[],
	shape: number[],
	classNames: string[],
	colormap: ColormapName,
	maps: HeatmapSet,
): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-samples" });
	const wrong = samples.filter((s) => s.pred !== s.label).length;
	wrap.createDiv({ cls: "cnn-lab-section-title", text: t("training.samples", { n: samples.length, wrong }) });
	const grid = wrap.createDiv({ cls: "cnn-lab-sample-grid" });
	const name = (i: number): string => classNames[i] ?? String(i);
	for (const s of samples) {
		const ok = s.pred === s.label;
		const cell = grid.createDiv({ cls: ["cnn-lab-sample", ok ? "cnn-lab-sample--right" : "cnn-lab-sample--wrong"] });
		const label = ok
			? t("training.sample.right", { pred: name(s.pred), p: Math.round(s.confidence * 100) })
			: t("training.sample.wrong", { pred: name(s.pred), truth: name(s.label), p: Math.round(s.confidence * 100) });
		maps.add(cell, toPlane(s.data, shape), label, colormap);
		cell.createDiv({ cls: "cnn-lab-sample-caption", text: label });
	}
	return wrap;
}
