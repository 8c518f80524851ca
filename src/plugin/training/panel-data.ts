import { runNotesOf, type CnnLabHost } from "../host";
import type { RunEnding } from "../../render/training/training-charts";
import type { ModelSpec } from "../../engine/model-spec";
import type { ParsedCnn, TrainSpec } from "../../notation/cnn/types";
import type { Snapshot } from "../../worker/messages";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import type { ConfusionRecord } from "../../runs/run-record";
import { previewSnapshot } from "../../worker/shared-engine";
import { loadDigits } from "../../data/digits";
import type { FinalMetrics } from "../../render/training/metrics-view";
import { findRuns } from "../runs/find-runs";
import { loadRunWeights } from "../runs/weights-file";
import { loadBlockWeights } from "../runs/block-weights";
import { liveIn } from "../runs/live-runs";
import { builtinDataset } from "./dataset-source";
import { refusal } from "./limit-check";

export interface ViewSet {
	charts: boolean;
	confusion: boolean;
	samples: boolean;
	filters: boolean;
	featureMaps: boolean;
	explorer: boolean;
}

const ALIASES: Record<string, keyof ViewSet> = {
	charts: "charts",
	chart: "charts",
	curves: "charts",
	loss: "charts",
	accuracy: "charts",
	confusion: "confusion",
	samples: "samples",
	predictions: "samples",
	filters: "filters",
	weights: "filters",
	featuremaps: "featureMaps",
	"feature-maps": "featureMaps",
	features: "featureMaps",
	maps: "featureMaps",
	activations: "featureMaps",
	explorer: "explorer",
	explore: "explorer",
};

/** `show filters, featuremaps` → only those views; no `show` line (or nothing recognised) → all of them. */
export function viewsToShow(words: readonly string[] | null): ViewSet {
	const all: ViewSet = { charts: true, confusion: true, samples: true, filters: true, featureMaps: true, explorer: true };
	if (!words) return all;
	const picked: ViewSet = { charts: false, confusion: false, samples: false, filters: false, featureMaps: false, explorer: false };
	let any = false;
	for (const raw of words.flatMap((w) => w.split(/[,\s]+/))) {
		const w = raw.trim().toLowerCase();
		if (w === "all") return all;
		const k = ALIASES[w];
		if (k) {
			picked[k] = true;
			any = true;
		}
	}
	return any ? picked : all;
}

/** The untrained network on a built-in dataset's sample; null for vault data, over-limit models, or any failure. */
export function previewFor(
	model: ModelSpec,
	train: TrainSpec,
	sample: ParsedCnn["sample"],
	defaultSeed: number,
	settings?: Parameters<typeof refusal>[2],
	weights?: Float32Array,
): { snapshot: Snapshot; classNames: string[] } | null {
	const seed = train.seed ?? defaultSeed;
	const desc = builtinDataset(train.dataset, model, seed, train.limit);
	if (!desc) return null;
	if (settings && refusal(model, train, settings)) return null;
	try {
		return previewSnapshot(model, desc, seed, sample ? { index: sample.index, label: sample.label } : null, loadDigits, weights, undefined, train.augment);
	} catch {
		return null;
	}
}

export interface LatestRun {
	name: string;
	date: string;
	epochs: EpochMetrics[];
	batches: LossPoint[];
	previous: EpochMetrics[] | null;
	metrics: FinalMetrics;
	/** The trained network's filters and feature maps, when its weights were kept. */
	snapshot: { snapshot: Snapshot; classNames: string[] } | null;
	/** Those weights (Sequential's order), for the explorer. */
	weights: Float32Array | null;
	/** The run's final validation confusion matrix, when its note kept one. */
	confusion: ConfusionRecord | null;
	/** The classes' names as the run's note keeps them (its confusion matrix's), or null. */
	classNames: string[] | null;
	/** With patience: the best epoch and whether the run stopped early, marked on its charts. */
	ending: RunEnding;
}

/** The block's latest run from the vault (and the one before, to overlay), without training again. */
export async function loadLatestRun(host: CnnLabHost, sourcePath: string, source: string, model: ModelSpec, train: TrainSpec, sample: ParsedCnn["sample"]): Promise<LatestRun | null> {
	let runs;
	try {
		// The latest run and the one before it (to overlay): only those two notes are read, and only once per version.
		runs = await findRuns(runNotesOf(host), sourcePath, source, host.settings.runsFolder, liveIn(host.training), 2);
	} catch {
		return null;
	}
	const found = runs[0];
	if (!found) return null;
	const r = found.run;
	const epochs = r.epochs;
	let snapshot: LatestRun["snapshot"] = null;
	let weights: Float32Array | null = null;
	if (r.weights) {
		try {
			const w = await loadRunWeights(host.app, found.path, r.weights, model);
			if ("weights" in w) {
				// The explorer takes them even without a preview (a run on the vault's data has no built-in set to show).
				weights = w.weights;
				snapshot = previewFor(model, train, sample, host.settings.defaultSeed, host.settings, w.weights);
			}
		} catch {
			snapshot = null;
		}
	}
	const status = r.status === "running" || r.status === "interrupted" ? "stopped" : r.status;
	return {
		name: (found.path.split("/").pop() ?? found.path).replace(/\.md$/i, ""),
		date: localTime(r.date),
		epochs,
		batches: r.batches,
		previous: runs[1] ? runs[1].run.epochs : null,
		ending: { bestEpoch: r.bestEpoch ?? null, earlyStop: r.earlyStop === true },
		metrics: {
			status,
			final: epochs[epochs.length - 1] ?? null,
			epochsDone: epochs.length,
			epochs: r.settings.epochs,
			seconds: r.durationS ?? 0,
			samplesPerSec: r.samplesPerS ?? 0,
			backend: r.backend ?? null,
			message: r.message ?? undefined,
			test: r.test ?? null,
		},
		snapshot,
		weights,
		confusion: r.confusion ?? null,
		classNames: r.confusion?.classes ?? null,
	};
}

/** The network with the weights of the block's `weights` line, and its filters and maps on built-in data. */
export interface FileWeights {
	line: number;
	name: string;
	weights: Float32Array;
	snapshot: { snapshot: Snapshot; classNames: string[] } | null;
}

/** The block's `weights [[…]]` file read and checked; null without a weights line. */
export async function loadFileWeights(
	host: CnnLabHost,
	block: { sourcePath: string; model: ModelSpec; train: TrainSpec; parsed: ParsedCnn },
): Promise<FileWeights | { error: string } | null> {
	const line = block.parsed.weights;
	if (!line) return null;
	const r = await loadBlockWeights(host.app, block.sourcePath, line, block.model);
	if (!r.ok) return { error: r.message };
	const snapshot = previewFor(block.model, block.train, block.parsed.sample, host.settings.defaultSeed, host.settings, r.weights);
	return { line: line.line, name: r.name, weights: r.weights, snapshot };
}

/** An ISO time as the reader's local "YYYY-MM-DD HH:mm" (as run notes are named). */
function localTime(iso: string): string {
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const p = (n: number): string => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
