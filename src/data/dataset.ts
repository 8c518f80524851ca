import "../i18n/strings-data";
import { translate, type Lang } from "../i18n";
import { MAX_DATA_BYTES } from "./data-limits";

/**
 * A labelled image set as the engine trains on it: N images, channels first, values in 0..1, one class per image.
 */
export interface Dataset {
	/** N×C×H×W values in 0..1. */
	x: Float32Array;
	/** N labels in 0..classes−1. */
	y: Uint8Array;
	n: number;
	/** Per-image shape [C, H, W]. */
	shape: [number, number, number];
	classes: number;
	classNames: string[];
	name: string;
	/** Where the data comes from and its licence, to show wherever the dataset is named. */
	credit?: string;
}

export function imageSize(ds: Pick<Dataset, "shape">): number {
	return ds.shape[0] * ds.shape[1] * ds.shape[2];
}

/** The images at the given indices, copied, in that order. */
export function subset(ds: Dataset, indices: ArrayLike<number>, name = ds.name): Dataset {
	const sz = imageSize(ds);
	const x = new Float32Array(indices.length * sz);
	const y = new Uint8Array(indices.length);
	for (let k = 0; k < indices.length; k++) {
		const i = indices[k];
		x.set(ds.x.subarray(i * sz, (i + 1) * sz), k * sz);
		y[k] = ds.y[i];
	}
	return { ...ds, x, y, n: indices.length, name };
}

/** How many images of each class. */
export function classCounts(ds: Pick<Dataset, "y" | "n" | "classes">): number[] {
	const c = new Array<number>(ds.classes).fill(0);
	for (let i = 0; i < ds.n; i++) c[ds.y[i]]++;
	return c;
}

/** Throws when the arrays and the declared sizes disagree: a broken dataset must not reach the trainer. */
export function checkDataset(ds: Dataset): void {
	const sz = imageSize(ds);
	if (ds.x.length !== ds.n * sz) throw new Error(`dataset ${ds.name}: ${ds.x.length} values for ${ds.n} images of ${sz}`);
	if (ds.y.length !== ds.n) throw new Error(`dataset ${ds.name}: ${ds.y.length} labels for ${ds.n} images`);
	for (let i = 0; i < ds.n; i++) {
		if (ds.y[i] >= ds.classes) throw new Error(`dataset ${ds.name}: label ${ds.y[i]} at image ${i} but only ${ds.classes} classes`);
	}
}

/**
 * Refuses, before the array exists, a set of `n` images of `shape` whose values would take more than
 * MAX_DATA_BYTES as 32-bit floats: every place that allocates a dataset (readers, the synthetic sets, resizing)
 * asks here first, so a huge input line or count is a message (in `lang`), never an allocation failure or a swapping
 * machine.
 */
export function assertDataFits(name: string, n: number, shape: readonly number[], lang: Lang): void {
	const bytes = 4 * n * shape.reduce((a, b) => a * b, 1);
	if (!(bytes <= MAX_DATA_BYTES)) throw new Error(translate(lang, "data.tooBig", { name, mb: Math.round(bytes / 1048576), max: Math.round(MAX_DATA_BYTES / 1048576) }));
}
