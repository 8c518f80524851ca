/**
 * The weights a ```cnn block's `weights [[model.safetensors]]` line names: a PyTorch state_dict saved with
 * safetensors.torch.save_file for the exported model, found as the dataset of a train line is (a vault path from the
 * root, beside the note, then as a link), read through the vault and checked name by name, shape by shape and dtype
 * by dtype (src/interop/safetensors-weights.ts). Every refusal is one message naming the line.
 */
import { normalizePath, TFile, type App } from "obsidian";
import type { ModelSpec } from "../../engine/model-spec";
import type { WeightsProblem } from "../../interop/safetensors-weights";
import { t } from "../../i18n";
import "../../i18n/strings-interop";
import type { ParsedCnn } from "../../notation/cnn/types";
import { flatFromSafetensors, MAX_FILE_BYTES } from "../../worker/shared-engine";

export type BlockWeights = { ok: true; weights: Float32Array; path: string; name: string } | { ok: false; message: string };

/** Problems listed in one message before the rest are counted. */
const LISTED = 4;

const dims = (s: readonly number[]): string => (s.length ? s.join("×") : t("weights.scalar"));

function problemMessage(p: WeightsProblem): string {
	switch (p.kind) {
		case "missing":
			return t("weights.missing", { name: p.name, layer: p.layer + 1, need: dims(p.need) });
		case "unexpected":
			return t("weights.unexpected", { name: p.name, has: dims(p.has) });
		case "shape":
			return t("weights.shape", { name: p.name, has: dims(p.has), need: dims(p.need) });
		case "dtype":
			return t("weights.dtype", { name: p.name, dtype: p.dtype });
	}
}

/** The file a block's weights line names, or null. */
export function findWeightsFile(app: App, sourcePath: string, ref: string): TFile | null {
	const direct = app.vault.getAbstractFileByPath(normalizePath(ref));
	if (direct instanceof TFile) return direct;
	const dir = sourcePath.includes("/") ? sourcePath.slice(0, sourcePath.lastIndexOf("/")) : "";
	const beside = dir ? app.vault.getAbstractFileByPath(normalizePath(`${dir}/${ref}`)) : null;
	if (beside instanceof TFile) return beside;
	return app.metadataCache.getFirstLinkpathDest(ref, sourcePath);
}

/** The block's weights file as the network's flat weights (Sequential's order), or why not. */
export async function loadBlockWeights(app: App, sourcePath: string, line: NonNullable<ParsedCnn["weights"]>, model: ModelSpec): Promise<BlockWeights> {
	const say = (message: string): BlockWeights => ({ ok: false, message: t("weights.atLine", { line: line.line, path: line.ref, message }) });
	const file = findWeightsFile(app, sourcePath, line.ref);
	if (!file) return say(t("weights.fileMissing"));
	if (file.stat?.size !== undefined && file.stat.size > MAX_FILE_BYTES) return say(t("weights.tooBig", { mb: Math.round(file.stat.size / 1048576), max: Math.round(MAX_FILE_BYTES / 1048576) }));
	let bytes: ArrayBuffer;
	try {
		bytes = await app.vault.readBinary(file);
	} catch (e) {
		return say(e instanceof Error ? e.message : String(e));
	}
	const r = flatFromSafetensors(model, new Uint8Array(bytes));
	if (r.ok) return { ok: true, weights: r.weights, path: file.path, name: file.name };
	if (r.notSafetensors) return say(t("weights.notSafetensors", { why: r.errors.join("; ").replace(/^not a valid safetensors file: /, "") }));
	if (r.problems.length === 0) return say(r.errors.join("; "));
	const listed = r.problems.slice(0, LISTED).map(problemMessage);
	if (r.problems.length > LISTED) listed.push(t("weights.more", { n: r.problems.length - LISTED }));
	return say(listed.join("; "));
}
