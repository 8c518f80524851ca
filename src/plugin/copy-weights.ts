/**
 * "Copy as PyTorch" (the block's button and the command) with weights: the copied script loads the block's
 * `weights [[…]]` file or, without that line, the weights its latest run kept beside its note (`<run>.safetensors`),
 * named by its vault path. Without either, the plain export.
 */
import { TFile } from "obsidian";
import type { ExportOptions } from "../interop/export/python";
import type { ModelSpec } from "../engine/model-spec";
import type { ParsedCnn } from "../notation/cnn/types";
import { toPyTorch, toPyTorchWithWeights, WEIGHTS_EXT } from "../worker/shared-engine";
import { runNotesOf, type CnnLabHost } from "./host";
import { findRuns } from "./runs/find-runs";
import { liveIn } from "./runs/live-runs";
import { findWeightsFile } from "./runs/block-weights";

/** The vault path of the safetensors file the block's network has: its weights line's, else its latest run's; or null. */
export async function weightsToCopy(host: CnnLabHost, sourcePath: string, source: string, parsed: ParsedCnn): Promise<string | null> {
	if (parsed.weights) return findWeightsFile(host.app, sourcePath, parsed.weights.ref)?.path ?? null;
	let runs;
	try {
		runs = await findRuns(runNotesOf(host), sourcePath, source, host.settings.runsFolder, liveIn(host.training), 1);
	} catch {
		return null;
	}
	const found = runs[0];
	if (!found?.run.weights) return null;
	// As src/plugin/runs/weights-file.ts finds a run's weights; the older `.weights.bin` is no file PyTorch reads.
	const folder = found.path.includes("/") ? found.path.slice(0, found.path.lastIndexOf("/") + 1) : "";
	const named = found.run.weights;
	for (const path of [named, named.includes("/") ? null : folder + named, found.path.replace(/\.md$/i, "") + WEIGHTS_EXT]) {
		if (!path || !path.toLowerCase().endsWith(WEIGHTS_EXT)) continue;
		if (host.app.vault.getAbstractFileByPath(path) instanceof TFile) return path;
	}
	return null;
}

/** The PyTorch script to copy: loading the block's weights when it has some. */
export async function pyTorchToCopy(host: CnnLabHost, sourcePath: string, source: string, parsed: ParsedCnn, model: ModelSpec, opts: ExportOptions = {}): Promise<{ code: string; weights: string | null }> {
	const weights = await weightsToCopy(host, sourcePath, source, parsed);
	return { code: weights ? toPyTorchWithWeights(model, weights, opts, null, "vault") : toPyTorch(model, opts), weights };
}
