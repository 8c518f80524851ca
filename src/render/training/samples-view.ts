import { t } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-train-practice";
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
	/** The images are the test set's (a `test …` set), not validation's. */
	fromTest = false,
): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-samples" });
	const wrong = samples.filter((s) => s.pred !== s.label).length;
	wrap.createDiv({ cls: "cnn-lab-section-title", text: t(fromTest ? "practice.testSamples" : "training.samples", { n: samples.length, wrong }) });
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

/**
 * The row shown before training with `augment …`: a few training images as a batch will see them, drawn like the
 * sample images, captioned with their class; `what` names the augmentation ("shift 2, flip, …").
 */
export function renderAugmented(
	parent: HTMLElement,
	images: readonly { data: Float32Array; label: number }[],
	shape: number[],
	classNames: string[],
	what: string,
	colormap: ColormapName,
	maps: HeatmapSet,
	later: (fn: () => void) => void = (fn) => fn(),
): HTMLElement {
	const wrap = parent.createDiv({ cls: ["cnn-lab-samples", "cnn-lab-augmented"] });
	wrap.createDiv({ cls: "cnn-lab-section-title", text: t("practice.augmentPreview", { what }) });
	const grid = wrap.createDiv({ cls: "cnn-lab-sample-grid" });
	const cells = images.map((im) => {
		const cell = grid.createDiv({ cls: "cnn-lab-sample" });
		const slot = cell.createDiv({ cls: "cnn-lab-sample-image" });
		const label = classNames[im.label] ?? String(im.label);
		cell.createDiv({ cls: "cnn-lab-sample-caption", text: label });
		return { im, slot, label };
	});
	for (let first = 0; first < cells.length; first += PER_PIECE) {
		const piece = cells.slice(first, first + PER_PIECE);
		later(() => {
			for (const c of piece) maps.add(c.slot, toPlane(c.im.data, shape), c.label, colormap);
		});
	}
	return wrap;
}
