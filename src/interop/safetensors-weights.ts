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

/** One way a file does not fit the network, as load_state_dict(strict=True) would refuse it. */
export type WeightsProblem =
	| { kind: "missing"; name: string; layer: number; need: number[] }
	| { kind: "unexpected"; name: string; has: number[] }
	| { kind: "shape"; name: string; layer: number; has: number[]; need: number[] }
	| { kind: "dtype"; name: string; layer: number; dtype: string };

export type LoadResult = { ok: true; loaded: number } | { ok: false; errors: string[]; problems: WeightsProblem[] };

/** Floating-point tensors take any float dtype (PyTorch's copy_ converts them); an integer one is not weights. */
const FLOAT_DTYPES = new Set(["F32", "F64", "F16", "BF16"]);

const dims = (s: readonly number[]): string => (s.length ? s.join("×") : "a scalar");

/** A problem in English (the plugin says it in the app's language: src/interop/weights-messages.ts). */
export function problemText(p: WeightsProblem): string {
	switch (p.kind) {
		case "missing":
			return `${p.name}: missing from the file (layer ${p.layer + 1} needs ${dims(p.need)})`;
		case "unexpected":
			return `${p.name}: in the file (${dims(p.has)}), but the network has no such tensor`;
		case "shape":
			return `${p.name}: the file has ${dims(p.has)}, the network needs ${dims(p.need)}`;
		case "dtype":
			return `${p.name}: the file stores ${p.dtype} (integers), the network needs floating point (F32)`;
	}
}

/**
 * Loads a parsed file into the network when every state_dict name is there with its shape and nothing else is (as
 * load_state_dict(strict=True)); otherwise changes nothing and lists each missing, misshapen, mistyped and
 * unexpected tensor.
 */
export function loadStateDict(model: Sequential, file: SafetensorsFile): LoadResult {
	const names = stateDictArrays(model);
	if (!names.ok) return { ok: false, errors: [names.error], problems: [] };
	const problems: WeightsProblem[] = [];
	const expected = new Set<string>();
	for (const a of names.arrays) {
		expected.add(a.name);
		const t = file.tensors.get(a.name);
		if (!t) problems.push({ kind: "missing", name: a.name, layer: a.layer, need: a.shape });
		else if (t.shape.join(",") !== a.shape.join(",")) problems.push({ kind: "shape", name: a.name, layer: a.layer, has: t.shape, need: a.shape });
		else if (a.dtype === "F32" && !FLOAT_DTYPES.has(t.dtype)) problems.push({ kind: "dtype", name: a.name, layer: a.layer, dtype: t.dtype });
	}
	for (const [name, t] of file.tensors) if (!expected.has(name)) problems.push({ kind: "unexpected", name, has: t.shape });
	if (problems.length) return { ok: false, errors: problems.map(problemText), problems };
	for (const a of names.arrays) a.value.set((file.tensors.get(a.name) as { data: Float32Array }).data);
	return { ok: true, loaded: names.arrays.length };
}

/** Reads a safetensors file's bytes into the network; see loadStateDict. */
export function loadSafetensors(model: Sequential, bytes: Uint8Array): LoadResult {
	const r = readSafetensors(bytes);
	if (!r.ok) return { ok: false, errors: [r.error], problems: [] };
	return loadStateDict(model, r.file);
}
