import type { CnnLabHost } from "../host";
import type { ParsedCnn, TrainSpec } from "../../notation/cnn/types";
import type { ModelSpec } from "../../engine/model-spec";
import type { EpochMetrics } from "../../engine/run-metrics";
import { getLanguage } from "../../i18n";
import { scheduleWords } from "../../notation/cnn/train-practice";
import { RunStore, type RunHandle } from "../runs/run-store";
import { openChannel } from "./worker-client";
import { platformDecoder, resolveDataset, resolveTestDataset } from "./dataset-source";
import { refusal } from "./limit-check";
import type { RunController, RunServices } from "./run-controller";

/**
 * A running run's note is rewritten at most once a second (and at its end): the note is the run's record should
 * Obsidian close, and a second of epochs is all a crash can lose. Every epoch of a fast run was a write, and a
 * write formats the whole note on the page's thread (~20 ms for the acceptance run, so a busy machine saw long tasks).
 */
const RUN_NOTE_WRITE_MS = 1000;

/** A ```cnn block that can train: what the panel and the "Train the block under the cursor" command both start. */
export interface TrainableBlock {
	sourcePath: string;
	source: string;
	parsed: ParsedCnn;
	model: ModelSpec;
	train: TrainSpec;
}

/**
 * Starts (or finds, when it is still going) the block's run in the plugin's hub, or says why it must not train.
 * `doc` decodes the vault's images (the block's own document, for pop-out windows). `previous` is the run the block
 * shows now, drawn dashed beside the new one.
 */
export function startBlockRun(host: CnnLabHost, block: TrainableBlock, doc: Document, previous: EpochMetrics[] | null): RunController<RunHandle> | { refused: string } {
	const { model, train } = block;
	const refused = refusal(model, train, host.settings);
	if (refused) return { refused };
	// Read at every start, so a changed setting counts from the next Train press without a reload.
	host.training.maxConcurrent = host.settings.maxConcurrentRuns;
	const seed = train.seed ?? host.settings.defaultSeed;
	const request = (): Parameters<typeof resolveDataset>[1] => ({ dataset: train.dataset, model, sourcePath: block.sourcePath, seed, limit: train.limit, lang: getLanguage(), decodeImage: platformDecoder(doc) });
	const test = train.test;
	const services: RunServices<RunHandle> = {
		resolveDataset: () => resolveDataset(host.app, request()),
		...(test ? { resolveTest: () => resolveTestDataset(host.app, request(), test) } : {}),
		openChannel: (onMessage) => openChannel({ useWorker: host.settings.useWorker, onMessage, createJob: host.engine.createJob }),
		// The main window's timers: the run may outlive the pop-out window whose block started it.
		setTimer: (fn, ms) => window.setTimeout(fn, ms),
		clearTimer: (id) => window.clearTimeout(id as number),
		refusal: (trainCount, testCount) => refusal(model, train, host.settings, trainCount, testCount),
		// The one place a run's note is opened (RunStore today; the shared recorder replaces it here).
		openLog: (info) =>
			RunStore.begin(host.app, host.settings, {
				sourcePath: block.sourcePath,
				modelText: block.source,
				dataset: train.dataset,
				epochs: train.epochs,
				batch: train.batch,
				optimizer: train.optimizer.name,
				lr: train.optimizer.lr,
				weightDecay: train.optimizer.weightDecay,
				schedule: scheduleWords(train.schedule),
				patience: train.patience ?? null,
				seed,
				val: train.val,
				limit: train.limit,
				backend: info.backend ?? null,
				writeEveryMs: RUN_NOTE_WRITE_MS,
			}),
	};
	const sample = block.parsed.sample;
	return host.training.start(
		{
			key: { sourcePath: block.sourcePath, source: block.source },
			start: {
				model,
				train: {
					epochs: train.epochs,
					batch: train.batch,
					optimizer: train.optimizer,
					seed,
					val: train.val,
					limit: train.limit,
					schedule: train.schedule ?? null,
					patience: train.patience ?? null,
					augment: train.augment ?? null,
				},
				maxSeconds: host.settings.maxRunSeconds,
				sample: sample ? { index: sample.index, label: sample.label } : null,
				lang: getLanguage(),
			},
			previous,
			saveWeights: train.saveWeights || host.settings.saveWeights,
		},
		services,
	);
}

/** The block as the panel and the command see it, or null when it has no `train` line or has errors. */
export function trainableBlock(parsed: ParsedCnn, source: string, sourcePath: string): TrainableBlock | null {
	if (!parsed.train || !parsed.model || parsed.diagnostics.some((d) => d.severity === "error")) return null;
	return { sourcePath, source, parsed, model: parsed.model, train: parsed.train };
}
