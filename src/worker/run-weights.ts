/**
 * A run's trained weights as the file kept beside its run note: PyTorch state_dict() names (see
 * src/interop/safetensors-weights.ts), so safetensors.torch.load_file and Netron open it. The engine and the worker
 * pass weights around flat (Sequential.exportWeights: parameters, then batch-norm running statistics); this module
 * converts between that and the file. The plugin takes it through shared-engine.ts, `cnn-lab train` directly.
 */
import { createEngineContext } from "../engine/context";
import { Sequential } from "../engine/model";
import type { ModelSpec } from "../engine/model-spec";
import { readSafetensors } from "../interop/safetensors";
import { loadStateDict, saveSafetensors, type SaveResult, type WeightsProblem } from "../interop/safetensors-weights";

/** The network `model` holding `weights` (as exportWeights wrote them); the seed does not matter, every value is set. */
function networkWith(model: ModelSpec, weights: Float32Array | null): Sequential {
	const net = Sequential.build(model, 0, createEngineContext());
	if (weights) net.importWeights(weights);
	return net;
}

/** The safetensors bytes of a run's weights, the run id in the metadata (so a rerun never overwrites a stranger's file). */
export function runWeightsFile(model: ModelSpec, weights: Float32Array, runId: string): SaveResult {
	let net: Sequential;
	try {
		net = networkWith(model, weights);
	} catch (e) {
		return { ok: false, error: e instanceof Error ? e.message : String(e) };
	}
	return saveSafetensors(net, { run_id: runId, written_by: "CNN Lab" });
}

/**
 * `errors` in English (the CLI's); `problems` the same tensor by tensor for a message in the app's language, empty
 * when the bytes are not a safetensors file at all (`notSafetensors`) or the network has no state_dict names.
 */
export type FlatResult = { ok: true; weights: Float32Array } | { ok: false; errors: string[]; problems: WeightsProblem[]; notSafetensors?: boolean };

/**
 * A safetensors file (CNN Lab's or PyTorch's state_dict) as the flat weights of the network `model`, checked name
 * by name and shape by shape as load_state_dict(strict=True) checks them.
 */
export function flatFromSafetensors(model: ModelSpec, bytes: Uint8Array): FlatResult {
	const r = readSafetensors(bytes);
	if (!r.ok) return { ok: false, errors: [r.error], problems: [], notSafetensors: true };
	const net = networkWith(model, null);
	const loaded = loadStateDict(net, r.file);
	if (!loaded.ok) return loaded;
	return { ok: true, weights: net.exportWeights() };
}

/** The logits (a trailing softmax not applied) of the network `model` with `weights` for `n` inputs, in evaluation mode. */
export function logitsFor(model: ModelSpec, weights: Float32Array, inputs: Float32Array, n: number): Float32Array {
	const net = networkWith(model, weights);
	return net.forward({ shape: [n, ...model.input], data: inputs }, false).data.slice();
}
