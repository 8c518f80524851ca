import type { Dataset } from "../data/dataset";
import type { ModelSpec } from "../engine/model-spec";
import { fitDataset, materialize, type DigitsSource } from "./datasets";
import type { DatasetDescriptor } from "./messages";

/** What the explorer picks samples from: the dataset fitted to the network's input, as the run trained on it. */
export interface ExplorerData {
	x: Float32Array;
	y: Uint8Array;
	n: number;
	classNames: string[];
}

/** The samples a block's dataset gives the explorer (the same fitting as training), or null when it cannot be made. */
export function explorerData(desc: DatasetDescriptor, model: ModelSpec, seed: number, digits: DigitsSource | null): ExplorerData | null {
	try {
		// Any refusal is dropped (the explorer then has no samples), so its wording does not matter here.
		const ds: Dataset = fitDataset(materialize(desc, model.input, seed, digits, "en"), model, "en").dataset;
		return { x: ds.x, y: ds.y, n: ds.n, classNames: ds.classNames };
	} catch {
		return null;
	}
}
