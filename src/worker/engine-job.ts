import { translate, type Key, type Lang } from "../i18n";
import "../i18n/strings-engine";
import type { Dataset } from "../data/dataset";
import { TS_CONTEXT, type EngineContext } from "../engine/context";
import { Sequential } from "../engine/model";
import { Trainer, type FailedEvent } from "../engine/trainer";
import { Augmenter, augmentsAnything, type AugmentSpec } from "../engine/augment";
import { Rng } from "../engine/rng";
import "../i18n/strings-train-practice";
import type { ModelSpec } from "../engine/model-spec";
import { WASM_MAX_BYTES, WasmMemoryError } from "../engine/wasm/memory";
import { largestWasmBatch, trainingWasmPrice } from "../engine/wasm/training-memory";
import { fitDataset, fitTestSet, materialize, type DigitsSource } from "./datasets";
import type { JobStep, TrainingJob } from "./job";
import type { EpochMetrics } from "../engine/run-metrics";
import type { AugmentedPreview, DatasetDescriptor, FilterSet, RunInfo, RunResult, Snapshot, StartMessage, ValSample } from "./messages";

/**
 * The trainer's failure in the app's language. The engine cannot import the string table (it runs in Node and
 * tests unchanged), so it reports structured fields and its English message; the worker words them here.
 */
export function failureText(e: FailedEvent, lang: Lang): string {
	const t = (key: Key, vars?: Record<string, string | number>): string => translate(lang, key, vars);
	const where = { epoch: e.epoch, batch: e.batch };
	if (e.what === "data") return t("engine.fail.data", { ...where, value: e.value, sample: e.sample ?? 0 });
	const fix = t("engine.fail.fixLr", { lr: e.lr });
	if (e.value === "exploded") return `${t("engine.fail.exploded", { ...where, loss: (e.loss ?? Infinity).toExponential(1) })} — ${fix}`;
	return `${t(e.what === "loss" ? "engine.fail.loss" : "engine.fail.gradients", { ...where, value: e.value })} — ${fix}`;
}

/** Bytes as the messages say them (1024-based, as the shape table's totals). */
function bytesText(n: number): string {
	return n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(2)} GB` : `${Math.ceil(n / (1 << 20))} MB`;
}

/**
 * Refuses, before any batch runs, a run whose products would not fit the SIMD module's memory (its declared
 * 2 GiB): with the memory needed, the layer that needs it, and the largest batch that fits. Nothing when the
 * kernels are not WebAssembly's (the TypeScript kernels use no module memory).
 */
export function checkWasmMemory(model: Sequential, batch: number, lang: Lang): void {
	if (model.ctx.backend.name !== "wasm-simd") return;
	const layers = model.logitLayers;
	const price = trainingWasmPrice(layers, batch);
	if (price.bytes <= WASM_MAX_BYTES) return;
	const fit = largestWasmBatch(layers, batch);
	const vars = { need: bytesText(price.bytes), batch, layer: price.layer + 1, type: layers[price.layer].spec.type, max: bytesText(WASM_MAX_BYTES), fit };
	throw new Error(translate(lang, fit >= 1 ? "engine.wasm.memory" : "engine.wasm.memoryOne", vars));
}

/** A product the module's memory could not grow for (checkWasmMemory prices runs so this stays rare), in words. */
export function wasmGrowText(e: WasmMemoryError, batch: number, lang: Lang): string {
	return translate(lang, "engine.wasm.grow", { need: bytesText(e.needBytes), have: bytesText(e.haveBytes), max: bytesText(WASM_MAX_BYTES), batch });
}

/** Validation images shown after a run; mistakes are picked first (up to a third of the grid). */
const SAMPLE_GRID = 24;

/** The first convolution's weights ([F, C, kh, kw]), copied; null when the network has no convolution. */
export function firstFilters(model: Sequential): FilterSet | null {
	const w = model.params().find((p) => p.shape.length === 4);
	if (!w) return null;
	const [count, channels, kh, kw] = w.shape;
	return { count, channels, kh, kw, data: w.value.slice() };
}

/**
 * Which image to draw feature maps for: `sample 12` (an index), `sample label 7` / `sample circle` (the first image
 * of that class), else the first image. It depends on the data alone (not on the split), so the view before
 * training (made without a trainer) and the one after show the same image.
 */
export function chooseSample(ds: Dataset, sample: StartMessage["sample"]): number {
	if (sample?.index !== null && sample?.index !== undefined) return Math.max(0, Math.min(ds.n - 1, Math.floor(sample.index)));
	if (sample?.label) {
		const want = sample.label.trim().toLowerCase();
		let cls = ds.classNames.findIndex((c) => c.toLowerCase() === want);
		if (cls < 0 && /^\d+$/.test(want)) cls = Number(want);
		if (cls >= 0) for (let i = 0; i < ds.n; i++) if (ds.y[i] === cls) return i;
	}
	return 0;
}

function image(ds: Dataset, i: number): Float32Array {
	const sz = ds.shape[0] * ds.shape[1] * ds.shape[2];
	return ds.x.slice(i * sz, (i + 1) * sz);
}

/** Filters and the chosen image through every layer, for the views before and after training. */
export function snapshotOf(model: Sequential, ds: Dataset, index: number): Snapshot {
	const x = image(ds, index);
	const input = model.spec.input;
	const acts = model.activations({ shape: [1, ...input], data: x });
	return {
		filters: firstFilters(model),
		activations: [{ label: "input", shape: input.slice(), data: x }, ...acts],
		sampleIndex: index,
		sampleLabel: ds.y[index],
	};
}

/** Images in the augmentation preview row. */
const AUGMENT_PREVIEW = 8;

/**
 * A few images of `ds`, spread over the set, augmented as a training batch would be: the preview row shown before
 * training. Its own generator from the seed, so showing it changes nothing about the run.
 */
export function augmentedPreview(ds: Dataset, augment: AugmentSpec | null | undefined, seed: number, count = AUGMENT_PREVIEW): AugmentedPreview | undefined {
	if (!augmentsAnything(augment) || ds.n === 0) return undefined;
	const sz = ds.shape[0] * ds.shape[1] * ds.shape[2];
	const k = Math.min(count, ds.n);
	const x = new Float32Array(k * sz);
	const labels: number[] = [];
	for (let j = 0; j < k; j++) {
		const i = Math.floor((j * ds.n) / k);
		x.set(ds.x.subarray(i * sz, (i + 1) * sz), j * sz);
		labels.push(ds.y[i]);
	}
	new Augmenter(augment, ds.shape, new Rng(seed ^ 0x5a17).fork()).apply(x, k);
	return { spec: { ...augment }, images: labels.map((label, j) => ({ data: x.slice(j * sz, (j + 1) * sz), label })) };
}

/**
 * The images the drawn sample is taken from. Synthetic shapes come from a small set made with the same seed, so
 * that the preview (which does not make the whole set) and the run draw the same image. Refusals in `lang`.
 */
function sampleSet(desc: DatasetDescriptor, model: ModelSpec, seed: number, full: Dataset | null, digits: DigitsSource | null, lang: Lang): Dataset {
	if (desc.kind === "shapes") return fitDataset(materialize({ ...desc, count: Math.min(desc.count, 64) }, model.input, seed, null, lang), model, lang).dataset;
	return full ?? fitDataset(materialize(desc, model.input, seed, digits, lang), model, lang).dataset;
}

/**
 * The untrained network on the chosen image, without training (for the view shown before Train). One image
 * through the net: the stateless TypeScript kernels by default, so the view needs no WebAssembly compiled.
 */
export function previewSnapshot(
	model: ModelSpec,
	desc: DatasetDescriptor,
	seed: number,
	sample: StartMessage["sample"],
	digits: DigitsSource | null,
	weights?: Float32Array,
	ctx: EngineContext = TS_CONTEXT,
	augment?: AugmentSpec | null,
): { snapshot: Snapshot; classNames: string[] } {
	const dataset = sampleSet(desc, model, seed, null, digits, ctx.lang);
	const net = Sequential.build(model, seed, ctx);
	if (weights) net.importWeights(weights);
	const idx = chooseSample(dataset, sample);
	const snapshot = snapshotOf(net, dataset, idx);
	const augmented = weights ? undefined : augmentedPreview(dataset, augment, seed);
	if (augmented) snapshot.augmented = augmented;
	return { snapshot, classNames: dataset.classNames };
}

class EngineJob implements TrainingJob {
	private seenBefore = 0;
	/** What the trainer's "done" event said (patience: the best epoch, an early stop); empty until then. */
	private ending: Pick<RunResult, "bestEpoch" | "earlyStop"> = {};
	private started = false;

	constructor(
		readonly info: RunInfo,
		private readonly model: Sequential,
		private readonly trainer: Trainer,
		private readonly data: Dataset,
		private readonly sampleData: Dataset,
		private readonly sampleIndex: number,
		private readonly batch: number,
		private readonly test: Dataset | null = null,
		private readonly augment: AugmentSpec | null = null,
		private readonly seed = 0,
	) {}

	/** Runs `f`, turning a grow of the module's memory that failed into the message (never the platform's RangeError). */
	private worded<T>(f: () => T): T {
		try {
			return f();
		} catch (e) {
			if (e instanceof WasmMemoryError) throw new Error(wasmGrowText(e, this.batch, this.model.ctx.lang));
			throw e;
		}
	}

	step(): JobStep {
		this.started = true;
		return this.worded(() => this.stepEvents());
	}

	private stepEvents(): JobStep {
		const out: JobStep = { batch: null, epoch: null, samples: 0, done: false, failed: null };
		for (const e of this.trainer.step()) {
			if (e.kind === "batch") {
				out.batch = { epoch: e.epoch, batch: e.batch, loss: e.loss, acc: e.acc };
				out.samples = e.seen - this.seenBefore;
				this.seenBefore = e.seen;
			} else if (e.kind === "epoch") {
				out.epoch = { epoch: e.epoch, loss: e.loss, acc: e.acc, valLoss: e.valLoss, valAcc: e.valAcc, lr: e.lr, seconds: e.seconds };
			} else if (e.kind === "done" || e.kind === "stopped") {
				if (e.kind === "done" && e.bestEpoch !== undefined) this.ending = { bestEpoch: e.bestEpoch, earlyStop: e.earlyStop === true };
				out.done = true;
			} else if (e.kind === "failed") {
				out.failed = failureText(e, this.model.ctx.lang);
			}
		}
		if (!out.batch && !out.failed && this.trainer.finished) out.done = true;
		return out;
	}

	snapshot(): Snapshot {
		return this.worded(() => {
			const s = snapshotOf(this.model, this.sampleData, this.sampleIndex);
			// Before the first batch (the ready message): the augmentation preview row.
			const augmented = this.started ? undefined : augmentedPreview(this.data, this.augment, this.seed);
			if (augmented) s.augmented = augmented;
			return s;
		});
	}

	weights(): Float32Array {
		return this.model.exportWeights();
	}

	finish(lastEpoch: EpochMetrics | null): RunResult {
		return this.worded(() => this.result(lastEpoch));
	}

	private result(lastEpoch: EpochMetrics | null): RunResult {
		const test = this.test ? this.trainer.testEvaluation() : null;
		if (this.test && test) {
			const all = Int32Array.from({ length: this.test.n }, (_, i) => i);
			return {
				final: lastEpoch,
				confusion: test.confusion,
				test: { loss: test.loss, acc: test.acc, n: this.test.n },
				samples: this.pickSamples(all, test.predictions, this.test),
				after: snapshotOf(this.model, this.sampleData, this.sampleIndex),
				weights: this.model.exportWeights(),
				...this.ending,
			};
		}
		const held = this.trainer.valIndices.length > 0;
		const indices = held ? this.trainer.valIndices : this.trainer.trainIndices;
		const ev = held ? this.trainer.evaluateValidation() : this.trainer.evaluate();
		const preds = held ? ev.predictions : Uint8Array.from(indices, (i) => ev.predictions[i]);
		return {
			final: lastEpoch,
			confusion: ev.confusion,
			samples: this.pickSamples(indices, preds),
			after: this.snapshot(),
			weights: this.model.exportWeights(),
			...this.ending,
		};
	}

	/** Up to a third mistakes, the rest taken in turn from each class, each with the model's confidence in its answer. */
	private pickSamples(indices: Int32Array, preds: Uint8Array, data: Dataset = this.data): ValSample[] {
		const wrong: number[] = [];
		const byClass: number[][] = [];
		for (let k = 0; k < indices.length; k++) {
			const label = data.y[indices[k]];
			if (preds[k] !== label) {
				if (wrong.length < SAMPLE_GRID / 3) wrong.push(k);
			} else (byClass[label] ??= []).push(k);
		}
		const ks = [...wrong];
		for (let round = 0; ks.length < SAMPLE_GRID; round++) {
			let added = false;
			for (const list of byClass) {
				if (list && round < list.length && ks.length < SAMPLE_GRID) {
					ks.push(list[round]);
					added = true;
				}
			}
			if (!added) break;
		}
		if (ks.length === 0) return [];
		const sz = data.shape[0] * data.shape[1] * data.shape[2];
		const x = new Float32Array(ks.length * sz);
		ks.forEach((k, j) => x.set(data.x.subarray(indices[k] * sz, (indices[k] + 1) * sz), j * sz));
		// In batches no larger than the run's, so the module's memory holds what checkWasmMemory priced.
		const classes = this.model.outputs;
		const probs = new Float32Array(ks.length * classes);
		for (let s = 0; s < ks.length; s += this.batch) {
			const b = Math.min(this.batch, ks.length - s);
			const p = this.model.predict({ shape: [b, ...this.model.spec.input], data: x.subarray(s * sz, (s + b) * sz) });
			probs.set(p.data.subarray(0, b * classes), s * classes);
		}
		return ks.map((k, j) => {
			let best = 0;
			for (let c = 1; c < classes; c++) if (probs[j * classes + c] > probs[j * classes + best]) best = c;
			return { data: x.slice(j * sz, (j + 1) * sz), label: data.y[indices[k]], pred: best, confidence: probs[j * classes + best] };
		});
	}
}

/**
 * Builds the data, the model (on `ctx`'s kernels, wording its messages in `ctx.lang`) and the trainer a start
 * message describes; `digits` where this thread holds the built-in digits. Errors explain themselves to the user.
 */
export function createEngineJob(msg: StartMessage, ctx: EngineContext, digits: DigitsSource | null): Promise<TrainingJob> {
	try {
		const raw = materialize(msg.dataset, msg.model.input, msg.train.seed, digits, ctx.lang);
		const { dataset, note } = fitDataset(raw, msg.model, ctx.lang, { count: msg.train.limit, seed: msg.train.seed });
		const test = msg.test ? fitTestSet(materialize(msg.test, msg.model.input, msg.train.seed, null, ctx.lang), msg.model, dataset, ctx.lang) : null;
		const model = Sequential.build(msg.model, msg.train.seed, ctx);
		// The trainer's batch (never more than the images), priced before the trainer allocates one.
		const batch = Math.max(1, Math.min(Math.floor(msg.train.batch), dataset.n));
		checkWasmMemory(model, batch, ctx.lang);
		const trainer = new Trainer(model, dataset, {
			epochs: msg.train.epochs,
			batchSize: msg.train.batch,
			optimizer: msg.train.optimizer,
			seed: msg.train.seed,
			val: msg.train.val,
			limit: msg.train.limit,
			schedule: msg.train.schedule,
			patience: msg.train.patience,
			augment: msg.train.augment,
			test,
		});
		const info: RunInfo = {
			datasetName: dataset.name,
			credit: dataset.credit,
			classNames: dataset.classNames,
			trainCount: trainer.trainIndices.length,
			valCount: trainer.valIndices.length,
			batchesPerEpoch: trainer.batches,
			epochs: msg.train.epochs,
			inputShape: msg.model.input,
			paramCount: model.paramCount(),
			backend: ctx.backend.name,
		};
		if (note) info.fitNote = note;
		if (test) info.testCount = test.n;
		const samples = sampleSet(msg.dataset, msg.model, msg.train.seed, dataset, digits, ctx.lang);
		const idx = chooseSample(samples, msg.sample);
		return Promise.resolve(new EngineJob(info, model, trainer, dataset, samples, idx, batch, test, msg.train.augment ?? null, msg.train.seed));
	} catch (e) {
		return Promise.reject(e instanceof Error ? e : new Error(String(e)));
	}
}
