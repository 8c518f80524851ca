import { checkDataset, type Dataset } from "../data/dataset";
import { makeShapes } from "../data/shapes";
import { explainMismatch, fitToInput } from "../data/fit";
import { translate, type Lang } from "../i18n";
import "../i18n/strings-train-practice";
import type { LayerSpec, ModelSpec } from "../engine/model-spec";
import type { DatasetDescriptor } from "./messages";

/**
 * The built-in digits, where a thread holds them (src/data/digits.ts's loadDigits), passed in as a value. The
 * worker bundle must not carry the packed digits a second time (the page already has them), so nothing here
 * imports them: the page, the CLI and the tests pass loadDigits, and the page sends them to the worker as arrays.
 */
export type DigitsSource = () => Dataset;

/** A start message's dataset as the worker can make it: the built-in digits become arrays. */
export function portableDataset(desc: DatasetDescriptor, digits: DigitsSource): DatasetDescriptor {
	if (desc.kind !== "digits") return desc;
	const ds = digits();
	return { kind: "arrays", name: ds.name, x: ds.x, y: ds.y, n: ds.n, shape: ds.shape, classes: ds.classes, classNames: ds.classNames, credit: ds.credit };
}

/**
 * The dataset a start message names, as arrays; `digits` where this thread holds the built-in digits. A set too big
 * to hold is refused in `lang`.
 */
export function materialize(desc: DatasetDescriptor, input: ModelSpec["input"], seed: number, digits: DigitsSource | null, lang: Lang): Dataset {
	switch (desc.kind) {
		case "digits":
			// A programming error, not a user's: the sender should have sent portableDataset(desc).
			if (!digits) throw new Error("digits: not loaded in this thread (send them as arrays)");
			return digits();
		case "shapes":
			return makeShapes({ size: desc.size, count: desc.count, seed: desc.seed ?? seed, classes: desc.classes, channels: input[0] === 3 ? 3 : 1, lang });
		case "arrays": {
			const ds: Dataset = {
				x: desc.x,
				y: desc.y,
				n: desc.n,
				shape: [desc.shape[0], desc.shape[1], desc.shape[2]],
				classes: desc.classes,
				classNames: desc.classNames,
				name: desc.name,
				credit: desc.credit,
			};
			checkDataset(ds);
			return ds;
		}
	}
}

/** The number of class scores the network ends with: the last dense layer's units. */
export function outputUnits(layers: readonly LayerSpec[]): number | undefined {
	for (let i = layers.length - 1; i >= 0; i--) {
		const l = layers[i];
		if (l.type === "dense") return l.units;
		if (l.type === "conv") return undefined;
	}
	return undefined;
}

/**
 * Brings the data to the network's input (copying gray into colour channels, resizing), saying what was done; a
 * network with fewer outputs than the data has classes cannot be trained on it, and the error says why and how.
 * With the run's `limit` and seed, only the images the run keeps are converted (src/data/fit.ts's limitImages).
 * The error and the note are worded in `lang`.
 */
export function fitDataset(ds: Dataset, model: ModelSpec, lang: Lang, limit?: { count: number | null; seed: number }): { dataset: Dataset; note: string | undefined } {
	const outputs = outputUnits(model.layers);
	if (outputs !== undefined && outputs < ds.classes) {
		throw new Error(explainMismatch(ds, model.input, lang, outputs) ?? `${ds.name}: ${ds.classes} classes, ${outputs} outputs`);
	}
	const same = ds.shape[0] === model.input[0] && ds.shape[1] === model.input[1] && ds.shape[2] === model.input[2];
	if (same) return { dataset: ds, note: undefined };
	const [from, to] = [ds.shape[0], model.input[0]];
	// Channels that cannot be converted are explained with their fix; anything else the fit throws (a set too big
	// to hold once resized) says so itself.
	if (from !== to && from !== 1 && !(from === 3 && to === 1)) throw new Error(explainMismatch(ds, model.input, lang, outputs) ?? "the data do not fit the input line");
	const fitted = fitToInput(ds, model.input, lang, limit);
	return { dataset: fitted.dataset, note: `${ds.name}: ${fitted.changes.join("; ")}` };
}

/**
 * A `test …` set brought to the network's input as the training data are (fitDataset); it must not name more
 * classes than the training data, and it takes their class names (label k is the same class in both).
 */
export function fitTestSet(raw: Dataset, model: ModelSpec, train: Dataset, lang: Lang): Dataset {
	if (raw.classes > train.classes) throw new Error(translate(lang, "practice.testClasses", { name: raw.name, n: raw.classes, train: train.classes }));
	const ds = fitDataset(raw, model, lang).dataset;
	return { ...ds, classes: train.classes, classNames: train.classNames };
}
