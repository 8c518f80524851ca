/** `cnn-lab train`: a block's `train` line run with the CNN Lab engine in Node, its run note written into the vault. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { Sequential } from "../engine/model";
import { Trainer, type EpochEvent } from "../engine/trainer";
import { createJsBackend } from "../engine/backend";
import { createEngineContext } from "../engine/context";
import { simdBackendSync } from "../engine/wasm";
import { checkLimits, priceModel, readable, type Limits } from "../notation/cnn/limits";
import { scheduleWords } from "../notation/cnn/train-practice";
import type { LossPoint } from "../engine/run-metrics";
import { lossPoint, MAX_BATCH_POINTS, thinPoints } from "../runs/loss-curve";
import { RunRecorder } from "../runs/recorder";
import { isOwnSafetensors, weightsPathFor } from "../interop/run-weights";
import { runWeightsFile } from "../worker/run-weights";
import type { ConfusionRecord, RunStatus } from "../runs/run-record";
import { fitDataset, fitTestSet } from "../worker/datasets";
import type { Dataset } from "../data/dataset";
import { checkWasmMemory, wasmGrowText } from "../worker/engine-job";
import { WasmMemoryError } from "../engine/wasm/memory";
import { knownSamples, loadDataset, loadTestDataset } from "./datasets";
import { pickBlock } from "./pick-block";
import { readNoteFile } from "./read-note";
import type { CliIO } from "./run";
import { FsNoteStore } from "./fs-note-store";
import { runsFolder, vaultPath, vaultRoot, vaultSettings } from "./vault";

function pct(v: number | null): string {
	return v === null ? "–" : `${(v * 100).toFixed(1)}%`;
}

function num(v: number | null): string {
	return v === null ? "–" : v.toFixed(4);
}

/** Lets a pending Ctrl-C be handled between batches. */
function yieldToEvents(): Promise<void> {
	return new Promise((r) => setImmediate(r));
}

export async function trainCommand(path: string, blockNo: number | null, json: boolean, io: CliIO): Promise<number> {
	const full = resolve(io.cwd, path);
	let text: string;
	try {
		text = readNoteFile(full);
	} catch (e) {
		io.err(`cnn-lab train: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 2;
	}
	const picked = pickBlock(path, text, blockNo);
	if (!picked.ok) {
		io.err(`cnn-lab train: ${picked.message}\n`);
		return 2;
	}
	const { block, analysis } = picked;
	const parsed = analysis.parsed;
	const where = `${path}:${block.fenceLine}`;
	if (!parsed.model) {
		io.err(`cnn-lab train: ${where}: the block has errors:\n`);
		for (const d of parsed.diagnostics.filter((x) => x.severity === "error")) io.err(`  ${path}:${block.fenceLine + d.line}:${d.column}: ${d.message}${d.suggestion ? ` (try: ${d.suggestion})` : ""}\n`);
		return 1;
	}
	const train = parsed.train;
	if (!train) {
		io.err(`cnn-lab train: ${where}: the block has no train line (for example: train digits epochs 15 batch 32 adam lr 0.01 seed 7)\n`);
		return 1;
	}
	const model = parsed.model;
	const root = vaultRoot(full);
	const settings = vaultSettings(root);
	const limits: Limits = settings;
	const seed = train.seed ?? settings.defaultSeed;
	const progress = (s: string): void => (json ? io.err(s) : io.out(s));

	// Priced before anything is read or allocated, with the sample count known from the name, then with the real one.
	const refuse = (samples: number, testSamples = 0): string | null => {
		const problems = checkLimits(priceModel(model, train.batch, samples, train.epochs, testSamples), limits);
		return problems.length ? problems.map((p) => `${p.message} (setting: ${p.setting})`).join("\n  ") : null;
	};
	const early = refuse(knownSamples(train.dataset, train.limit, train.val));
	if (early) {
		io.err(`cnn-lab train: ${where}: refused:\n  ${early}\n`);
		return 1;
	}
	// SIMD kernels where Node has them, as in the plugin; the run note records which computed the run. Its language
	// (English, the CLI's) also words the data's refusals.
	const ctx = createEngineContext({ backend: simdBackendSync() ?? createJsBackend() });
	let data;
	let test: Dataset | null = null;
	try {
		const raw = await loadDataset(train.dataset, model, seed, train.limit, root, full, ctx.lang);
		data = fitDataset(raw, model, ctx.lang, { count: train.limit, seed });
		if (train.test) test = fitTestSet(await loadTestDataset(train.test, train.dataset, model, root, full, ctx.lang), model, data.dataset, ctx.lang);
	} catch (e) {
		io.err(`cnn-lab train: ${where}: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
	const ds = data.dataset;
	const samples = Math.round(Math.min(ds.n, train.limit ?? ds.n) * (1 - train.val));
	const late = refuse(samples, test?.n ?? 0);
	if (late) {
		io.err(`cnn-lab train: ${where}: refused:\n  ${late}\n`);
		return 1;
	}

	const folder = runsFolder(settings.runsFolder);
	if (folder === null) {
		io.err(`cnn-lab train: the runs folder setting "${settings.runsFolder}" would leave the vault\n`);
		return 2;
	}
	const backend = ctx.backend.name;
	const net = Sequential.build(model, seed, ctx);
	// The trainer's batch, priced against the WebAssembly memory before the trainer allocates one.
	const batch = Math.max(1, Math.min(Math.floor(train.batch), ds.n));
	try {
		checkWasmMemory(net, batch, ctx.lang);
	} catch (e) {
		io.err(`cnn-lab train: ${where}: refused:\n  ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
	const trainer = new Trainer(net, ds, {
		epochs: train.epochs,
		batchSize: train.batch,
		optimizer: train.optimizer,
		seed,
		val: train.val,
		limit: train.limit,
		schedule: train.schedule,
		patience: train.patience,
		augment: train.augment,
		test,
	});
	const startedAt = new Date();
	// The plugin's recorder writes the note, so both write the same run note for the same block and seed.
	const recorder = new RunRecorder(new FsNoteStore(root), {
		runId: `${startedAt.getTime().toString(36)}-cli${process.pid.toString(36)}`,
		sourcePath: vaultPath(root, full),
		settings: {
			model: block.source,
			dataset: train.dataset,
			epochs: train.epochs,
			batch: train.batch,
			optimizer: train.optimizer.name,
			lr: train.optimizer.lr,
			weightDecay: train.optimizer.weightDecay,
			seed,
			val: train.val,
			limit: train.limit,
			...(train.schedule ? { schedule: scheduleWords(train.schedule) } : {}),
			...(train.patience != null ? { patience: train.patience } : {}),
		},
		folder,
		title: basename(full).replace(/\.md$/i, ""),
		backend,
		startedAt,
	});
	const record = recorder.record;
	// Set inside save(), read after the loop (an object, so the compiler does not narrow them to their first value).
	// `epochs`: how many epochs the note held at its last whole write, so a failed one (a full disk) is told truthfully.
	const written: { error: string | null; epochs: number; final: boolean } = { error: null, epochs: 0, final: false };
	const save = async (final = false): Promise<void> => {
		try {
			await recorder.write();
			written.error = null;
			written.epochs = record.epochs.length;
			written.final = final;
		} catch (e) {
			written.error = e instanceof Error ? e.message : String(e);
		}
	};

	progress(`Training ${where} on ${ds.name}: ${trainer.trainIndices.length} training and ${trainer.valIndices.length} validation${test ? `, ${test.n} test` : ""} images, ${trainer.batches} batches an epoch, ${readable(net.paramCount())} parameters${data.note ? ` (${data.note})` : ""}\n`);
	let stopRequested = false;
	const onSigint = (): void => {
		stopRequested = true;
		trainer.stop();
	};
	process.once("SIGINT", onSigint);
	const t0 = performance.now();
	let seen = 0;
	const points: LossPoint[] = [];
	let status: Exclude<RunStatus, "running" | "interrupted"> = "completed";
	let message: string | undefined;
	let lastYield = performance.now();
	// With patience, what the "done" event says (an object, so the loop's assignments are not narrowed away).
	const ending: { bestEpoch: number | null; earlyStop: boolean } = { bestEpoch: null, earlyStop: false };
	try {
		while (!trainer.finished) {
			for (const e of trainer.step()) {
				if (e.kind === "batch") {
					seen = e.seen;
					points.push(lossPoint(e, e.batches));
					if (points.length > 4 * MAX_BATCH_POINTS) points.splice(0, points.length, ...thinPoints(points, 2 * MAX_BATCH_POINTS));
				} else if (e.kind === "epoch") {
					const ep: EpochEvent = e;
					const secs = (performance.now() - t0) / 1000;
					recorder.epoch(ep, { durationS: Math.round(secs * 10) / 10, samplesPerS: Math.round(seen / Math.max(secs, 1e-6)) });
					recorder.batches(thinPoints(points));
					await save();
					progress(`epoch ${ep.epoch}/${train.epochs}  loss ${num(ep.loss)}  acc ${pct(ep.acc)}  val_loss ${num(ep.valLoss)}  val_acc ${pct(ep.valAcc)}  ${ep.seconds.toFixed(1)} s\n`);
					if (secs > settings.maxRunSeconds) {
						message = `stopped after ${settings.maxRunSeconds} s (setting: Longest run (seconds))`;
						trainer.stop();
					}
				} else if (e.kind === "done") {
					ending.bestEpoch = e.bestEpoch ?? null;
					ending.earlyStop = e.earlyStop === true;
				} else if (e.kind === "stopped") {
					status = "stopped";
				} else if (e.kind === "failed") {
					status = "failed";
					message = e.message;
				}
			}
			if (performance.now() - lastYield > 100) {
				await yieldToEvents();
				lastYield = performance.now();
			}
		}
	} catch (e) {
		// A grow of the module's memory the machine refused: a failed run with the reason, as in the plugin.
		if (!(e instanceof WasmMemoryError)) throw e;
		status = "failed";
		message = wasmGrowText(e, batch, ctx.lang);
	} finally {
		process.removeListener("SIGINT", onSigint);
	}
	if (stopRequested && status === "completed") status = "stopped";
	// The final confusion matrix, as the plugin keeps it: on the held-out part, or the training set without one.
	// With a test set, both are the test set's (evaluated once, on the weights the run ends on).
	let confusion: ConfusionRecord | null = null;
	let testMetrics: { loss: number; acc: number; n: number } | null = null;
	if (status !== "failed" && record.epochs.length > 0) {
		const tev = trainer.testEvaluation();
		const ev = tev ?? (trainer.valIndices.length > 0 ? trainer.evaluateValidation() : trainer.evaluate());
		confusion = { classes: ds.classNames, matrix: ev.confusion };
		if (tev) testMetrics = { loss: tev.loss, acc: tev.acc, n: tev.predictions.length };
	}
	const secs = (performance.now() - t0) / 1000;
	recorder.batches(thinPoints(points));
	recorder.finish(status, { durationS: Math.round(secs * 10) / 10, samplesPerS: Math.round(seen / Math.max(secs, 1e-6)), message, confusion, bestEpoch: ending.bestEpoch, earlyStop: ending.earlyStop, test: testMetrics });
	await save(true);
	// The trained weights beside the note, as the plugin keeps them (PyTorch state_dict names; setting: Save weights).
	let weightsError: string | null = null;
	if ((settings.saveWeights || train.saveWeights) && recorder.path && !written.error && status !== "failed" && record.epochs.length > 0) {
		weightsError = keepWeights(root, recorder, runWeightsFile(model, net.exportWeights(), record.runId));
		if (!weightsError) await save(true);
	}
	const last = record.epochs[record.epochs.length - 1] ?? null;
	const shown = recorder.path;
	if (json) {
		io.out(
			JSON.stringify(
				{
					file: path,
					block: block.index,
					status,
					message: record.message ?? null,
					runNote: shown,
					vault: root,
					dataset: ds.name,
					trainCount: trainer.trainIndices.length,
					valCount: trainer.valIndices.length,
					epochs: record.epochs,
					final: last,
					test: testMetrics,
					durationS: record.durationS,
					samplesPerS: record.samplesPerS,
					backend,
					weights: record.weights ?? null,
					writeError: written.error,
					weightsError,
					savedEpochs: written.epochs,
					noteFinal: written.final,
				},
				null,
				2,
			) + "\n",
		);
	} else {
		io.out(`${status}: ${record.epochs.length} of ${train.epochs} epochs in ${record.durationS} s (${record.samplesPerS} samples/s, ${backend})${record.message ? ` — ${record.message}` : ""}\n`);
		if (testMetrics) io.out(`test set (${testMetrics.n} images): test_loss ${num(testMetrics.loss)}  test_acc ${pct(testMetrics.acc)}\n`);
		if (shown && written.final) io.out(`run note: ${shown} (vault ${root})\n`);
		else if (shown) io.out(`run note: ${shown} (vault ${root}) was last saved ${written.epochs ? `after epoch ${written.epochs}` : "before the first epoch"}; it still says running, not ${status}\n`);
		else io.out(`no run note was saved\n`);
		if (record.weights) io.out(`weights: ${record.weights}\n`);
	}
	if (written.error) io.err(`cnn-lab train: the run note could not be written: ${written.error}\n`);
	if (weightsError) io.err(`cnn-lab train: the weights were not kept: ${weightsError}\n`);
	return status === "failed" || written.error ? 1 : 0;
}

/** Writes `<run note>.safetensors` (never over a file another run or the user wrote); an error message or null. */
function keepWeights(root: string, recorder: RunRecorder, file: ReturnType<typeof runWeightsFile>): string | null {
	if (!file.ok) return file.error;
	const path = weightsPathFor(recorder.path ?? "");
	const abs = join(root, path);
	try {
		if (existsSync(abs) && !isOwnSafetensors(new Uint8Array(readFileSync(abs)), recorder.record.runId)) return `${path} exists and was not written by this run`;
		writeFileSync(abs, file.bytes);
	} catch (e) {
		return e instanceof Error ? e.message : String(e);
	}
	recorder.setWeights(path);
	return null;
}
