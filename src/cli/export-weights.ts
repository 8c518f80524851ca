/**
 * `cnn-lab export --to pytorch NOTE --weights FILE.safetensors [--check]`: the PyTorch script that loads a run's
 * weights, the file first checked against the block's network name by name and shape by shape; with --check the
 * script carries 8 inputs of the block's dataset (seeded random ones when the block names none) and CNN Lab's
 * logits for them.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { ModelSpec } from "../engine/model-spec";
import { Rng } from "../engine/rng";
import { toKerasWithWeights, toPyTorchWithWeights, type ExportOptions, type LogitsCheck } from "../interop/export";
import type { TrainSpec } from "../notation/cnn/types";
import { fitDataset } from "../worker/datasets";
import { flatFromSafetensors, logitsFor } from "../worker/run-weights";
import { loadDataset } from "./datasets";
import type { CliIO } from "./run";
import { vaultRoot, vaultSettings } from "./vault";

/** How many inputs the check carries. */
const CHECK_INPUTS = 8;

/** CHECK_INPUTS inputs of the block's dataset spread over it, or seeded random ones without a train line. */
async function checkInputs(model: ModelSpec, train: TrainSpec | null, notePath: string): Promise<{ inputs: Float32Array; from: LogitsCheck["from"] }> {
	const size = model.input[0] * model.input[1] * model.input[2];
	const inputs = new Float32Array(CHECK_INPUTS * size);
	if (!train) {
		const rng = new Rng(1);
		for (let i = 0; i < inputs.length; i++) inputs[i] = rng.next();
		return { inputs, from: "random" };
	}
	const root = vaultRoot(notePath);
	const seed = train.seed ?? vaultSettings(root).defaultSeed;
	// The CLI speaks English (as its engine context does in train-cmd.ts).
	const ds = fitDataset(await loadDataset(train.dataset, model, seed, train.limit, root, notePath, "en"), model, "en").dataset;
	if (ds.n < CHECK_INPUTS) throw new Error(`the dataset has ${ds.n} images, fewer than the ${CHECK_INPUTS} the check needs`);
	const step = Math.floor(ds.n / CHECK_INPUTS);
	for (let k = 0; k < CHECK_INPUTS; k++) inputs.set(ds.x.subarray(k * step * size, (k * step + 1) * size), k * size);
	return { inputs, from: "dataset" };
}

/** The file's weights as the network's, or the exit code after saying why not. */
function readWeights(model: ModelSpec, weights: string, io: CliIO): Float32Array | number {
	let bytes: Uint8Array;
	try {
		bytes = new Uint8Array(readFileSync(resolve(io.cwd, weights)));
	} catch (e) {
		io.err(`cnn-lab export: cannot read ${weights}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 2;
	}
	const flat = flatFromSafetensors(model, bytes);
	if (!flat.ok) {
		io.err(`cnn-lab export: ${weights} does not fit the block's network:\n${flat.errors.map((e) => `  ${e}\n`).join("")}`);
		return 1;
	}
	return flat.weights;
}

/** `--to keras --weights F`: the Keras script that loads the file channels last (checked against the network first). */
export function exportKerasWithWeights(model: ModelSpec, weights: string, opts: ExportOptions, io: CliIO): number {
	const flat = readWeights(model, weights, io);
	if (typeof flat === "number") return flat;
	io.out(toKerasWithWeights(model, weights, opts));
	return 0;
}

export async function exportWithWeights(model: ModelSpec, train: TrainSpec | null, notePath: string, weights: string, check: boolean, opts: ExportOptions, io: CliIO): Promise<number> {
	const read = readWeights(model, weights, io);
	if (typeof read === "number") return read;
	const flat = { weights: read };
	let logits: LogitsCheck | null = null;
	if (check) {
		try {
			const { inputs, from } = await checkInputs(model, train, notePath);
			logits = { inputs, logits: logitsFor(model, flat.weights, inputs, CHECK_INPUTS), n: CHECK_INPUTS, from };
		} catch (e) {
			io.err(`cnn-lab export: --check: ${e instanceof Error ? e.message : String(e)}\n`);
			return 1;
		}
	}
	io.out(toPyTorchWithWeights(model, weights, opts, logits));
	return 0;
}
