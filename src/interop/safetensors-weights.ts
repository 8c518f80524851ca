/**
 * A network's weights as the tensors of PyTorch's state_dict() of the model src/interop/export/pytorch.ts writes
 * ("<module index>.weight", "<i>.bias", and for batch norm "<i>.running_mean", "<i>.running_var",
 * "<i>.num_batches_tracked"), so safetensors.torch.load_file + load_state_dict(strict=True) takes a file CNN Lab
 * saved, and a file saved from that PyTorch model loads back here, checked name by name and shape by shape. A
 * residual block's layer names its arrays "body.<j>.<name>" / "shortcut.<j>.<name>" with j the layer's index in the
 * branch; PyTorch's are "<i>.body.<module>.<name>", the module index differing from j where the export writes an
 * extra module in the branch (a ZeroPad2d before an unevenly padded conv, a Flatten before a dense layer).
 */
import type { Sequential } from "../engine/model";
import { torchModules, type TorchModule } from "./export/pytorch";
import { readSafetensors, writeSafetensors, type SafeDtype, type SafetensorsFile, type SafeTensorOut } from "./safetensors";

/** One array of the network under its state_dict name. */
interface NamedArray {
	name: string;
	layer: number;
	dtype: SafeDtype;
	shape: number[];
	value: Float32Array;
}

export type NamesResult = { ok: true; arrays: NamedArray[] } | { ok: false; error: string };

/** A layer's array name as PyTorch names it under the layer's module: branch indices made module indices. */
function torchName(module: TorchModule, name: string): string | null {
	const m = /^(body|shortcut)\.(\d+)\.(.+)$/.exec(name);
	const branch = m ? module[m[1] as "body" | "shortcut"] : undefined;
	if (!m || !branch) return name;
	const inner = branch[Number(m[2])];
	if (!inner || inner.index < 0) return null;
	const rest = torchName(inner, m[3]);
	return rest === null ? null : `${m[1]}.${inner.index}.${rest}`;
}

/** Every parameter and state array of the network under its PyTorch state_dict name, in state_dict order. */
export function stateDictArrays(model: Sequential): NamesResult {
	const modules = torchModules(model.spec);
	if (!modules) return { ok: false, error: "the network cannot be exported to PyTorch, so it has no state_dict names" };
	const arrays: NamedArray[] = [];
	for (let i = 0; i < model.layers.length; i++) {
		const layer = model.layers[i];
		const own = [...layer.params, ...(layer.state ?? [])];
		if (own.length === 0) continue;
		const noModule = { ok: false as const, error: `layer ${i + 1} (${layer.spec.type}) has no module in the PyTorch export yet, so its weights have no state_dict name` };
		if (modules[i].index < 0) return noModule;
		for (const a of own) {
			const name = torchName(modules[i], a.name);
			if (name === null) return noModule;
			// PyTorch keeps the batch counter as an int64 scalar; everything else is float32.
			const dtype: SafeDtype = /(^|\.)num_batches_tracked$/.test(a.name) ? "I64" : "F32";
			arrays.push({ name: `${modules[i].index}.${name}`, layer: i, dtype, shape: a.shape.slice(), value: a.value });
		}
	}
	return { ok: true, arrays };
}

export type SaveResult = { ok: true; bytes: Uint8Array } | { ok: false; error: string };

/** The network's weights (and batch-norm running statistics) as a safetensors file. */
export function saveSafetensors(model: Sequential, metadata?: Record<string, string>): SaveResult {
	const names = stateDictArrays(model);
	if (!names.ok) return names;
	const tensors: SafeTensorOut[] = names.arrays.map((a) => ({ name: a.name, dtype: a.dtype, shape: a.shape, data: a.value }));
	return { ok: true, bytes: writeSafetensors(tensors, metadata) };
}

export type LoadResult = { ok: true; loaded: number } | { ok: false; errors: string[] };

/**
 * Loads a parsed file into the network when every state_dict name is there with its shape and nothing else is (as
 * load_state_dict(strict=True)); otherwise changes nothing and lists each missing, misshapen and unexpected tensor.
 */
export function loadStateDict(model: Sequential, file: SafetensorsFile): LoadResult {
	const names = stateDictArrays(model);
	if (!names.ok) return { ok: false, errors: [names.error] };
	const errors: string[] = [];
	const expected = new Set<string>();
	for (const a of names.arrays) {
		expected.add(a.name);
		const t = file.tensors.get(a.name);
		if (!t) errors.push(`${a.name} (layer ${a.layer + 1}, shape [${a.shape.join(", ")}]) is missing`);
		else if (t.shape.join(",") !== a.shape.join(",")) errors.push(`${a.name} (layer ${a.layer + 1}) has shape [${t.shape.join(", ")}], the network needs [${a.shape.join(", ")}]`);
	}
	for (const name of file.tensors.keys()) if (!expected.has(name)) errors.push(`${name} is not a tensor of this network`);
	if (errors.length) return { ok: false, errors };
	for (const a of names.arrays) a.value.set((file.tensors.get(a.name) as { data: Float32Array }).data);
	return { ok: true, loaded: names.arrays.length };
}

/** Reads a safetensors file's bytes into the network; see loadStateDict. */
export function loadSafetensors(model: Sequential, bytes: Uint8Array): LoadResult {
	const r = readSafetensors(bytes);
	if (!r.ok) return { ok: false, errors: [r.error] };
	return loadStateDict(model, r.file);
}
