import { Augmenter, augmentsAnything, type AugmentSpec } from "./augment";
import { allFinite, confusionMatrix } from "./metrics";
import type { Sequential } from "./model";
import { createOptimizer, type Optimizer } from "./optim";
import { scheduledLr, type LrSchedule } from "./optim/schedule";
import { Rng } from "./rng";
import type { OptimizerSpec } from "./model-spec";
import type { BatchMetrics, EpochMetrics } from "./run-metrics";
import type { Tensor } from "./tensor";

/**
 * The labelled images a trainer needs; src/data's Dataset has this shape (the engine does not import src/data).
 */
export interface TrainData {
	x: Float32Array;
	y: Uint8Array;
	n: number;
	shape: readonly number[];
	classes: number;
}

export interface TrainConfig {
	epochs: number;
	batchSize: number;
	optimizer: OptimizerSpec;
	/** Seeds the validation split and the shuffles (the model has its own seed). */
	seed: number;
	/** Fraction held out for validation, 0 ≤ val < 1; the split is stratified by class. */
	val: number;
	/** Use at most this many samples (a random, class-stratified choice). */
	limit?: number | null;
	/** How the learning rate moves over the run (none: the optimizer's rate throughout). */
	schedule?: LrSchedule | null;
	/**
	 * Early stopping: end the run once the validation loss has not improved for this many epochs, and end every
	 * such run on the weights of its best epoch (Keras's EarlyStopping with restore_best_weights). Needs validation.
	 */
	patience?: number | null;
	/** `augment …`: training batches (only) are augmented, seeded by `seed`. */
	augment?: AugmentSpec | null;
	/**
	 * A test set of its own (not split from `data`): evaluated once, when the run ends, on the weights it ends on;
	 * never during training, so nothing about the run is chosen by it.
	 */
	test?: TrainData | null;
}

export interface BatchEvent extends BatchMetrics {
	kind: "batch";
	/** Batches per epoch. */
	batches: number;
	/** Samples trained since the run began. */
	seen: number;
	samplesPerSec: number;
}

/** The trainer always measures both of these (only a log read back may lack them). */
export interface EpochEvent extends EpochMetrics {
	kind: "epoch";
	acc: number;
	seconds: number;
}

export interface DoneEvent {
	kind: "done";
	epochs: number;
	/** With patience: the epoch whose weights the model ends on (lowest validation loss). */
	bestEpoch?: number;
	/** With patience: the run ended before its last epoch because validation loss stopped improving. */
	earlyStop?: boolean;
	/** With a test set: its loss and accuracy on the final weights. */
	test?: { loss: number; acc: number; n: number };
}

export interface StoppedEvent {
	kind: "stopped";
	/** Epochs finished before the stop; their EpochEvents stand. */
	epochs: number;
}

export interface FailedEvent {
	kind: "failed";
	message: string;
	epoch: number;
	batch: number;
	/** What went wrong first: a non-finite input value, loss or gradient, or a loss that exploded. */
	what: "data" | "loss" | "gradients";
	value: "NaN" | "Infinity" | "exploded";
	/** For "data": the index of the offending image in the dataset. */
	sample?: number;
	/** For "exploded": the loss it reached. */
	loss?: number;
	/** The learning rate of the run (the usual cause of a loss that blows up). */
	lr: number;
}

export type TrainEvent = BatchEvent | EpochEvent | DoneEvent | StoppedEvent | FailedEvent;

export interface Evaluation {
	loss: number;
	acc: number;
	/** K×K, rows the true class, columns the predicted one. */
	confusion: number[][];
	predictions: Uint8Array;
}

/**
 * A mean cross-entropy this large means the true class's logit sits thousands below the best one: training has
 * diverged (a learning rate far too high) even though float32 has not overflowed yet.
 */
export const EXPLODED_LOSS = 1e4;

const now = (): number => (typeof performance !== "undefined" ? performance.now() : Date.now());

/**
 * Indices split into a training and a validation part, stratified: each class gives round(val·count) images to
 * validation, so small sets keep every class on both sides. `limit` first keeps a stratified random subset.
 */
export function splitIndices(y: Uint8Array, n: number, classes: number, val: number, limit: number | null | undefined, rng: Rng): { train: Int32Array; val: Int32Array } {
	const byClass: number[][] = Array.from({ length: classes }, () => []);
	for (let i = 0; i < n; i++) byClass[y[i]].push(i);
	for (const c of byClass) rng.shuffle(c);
	const quota = byClass.map((c) => c.length);
	if (limit != null && limit > 0 && limit < n) {
		// Largest remainders: class shares proportional to their sizes that add up to exactly `limit`.
		const exact = byClass.map((c) => (c.length * limit) / n);
		for (let k = 0; k < classes; k++) quota[k] = Math.floor(exact[k]);
		let left = limit - quota.reduce((a, b) => a + b, 0);
		const order = exact.map((e, k) => k).sort((a, b) => exact[b] - Math.floor(exact[b]) - (exact[a] - Math.floor(exact[a])) || a - b);
		for (let j = 0; left > 0; j++, left--) quota[order[j]]++;
	}
	const train: number[] = [];
	const held: number[] = [];
	byClass.forEach((c, k) => {
		const m = quota[k];
		// Every class keeps a training sample: with one or two a class (a small limit), rounding sent them all to
		// validation and `limit 2 val 0.5` ended with "no samples left to train on".
		const v = Math.max(0, Math.min(Math.round(m * val), m - 1));
		for (let j = 0; j < m; j++) (j < v ? held : train).push(c[j]);
	});
	return { train: rng.shuffle(Int32Array.from(train)), val: Int32Array.from(held) };
}

/**
 * Mini-batch training one step at a time, so that the same loop serves a worker (a tight loop), the UI thread
 * (a few steps, then yield) and Node. Each step() trains one batch and returns its events, in order: a "batch"
 * event; at an epoch's end also an "epoch" event; after the last epoch also "done". A stop() request, a NaN or an
 * Inf end the run with one "stopped" or "failed" event instead. After the end, step() returns [].
 */
export class Trainer {
	readonly model: Sequential;
	readonly config: TrainConfig;
	readonly optimizer: Optimizer;
	readonly trainIndices: Int32Array;
	readonly valIndices: Int32Array;
	readonly batches: number;
	/** Epoch summaries so far. */
	readonly history: EpochEvent[] = [];

	private readonly data: TrainData;
	private readonly sampleSize: number;
	private readonly shuffleRng: Rng;
	private readonly order: Int32Array;
	private readonly xb: Float32Array;
	private readonly yb: Uint8Array;
	private readonly xShape: number[];
	private readonly tailShape: number[];
	private epoch = 1;
	private batch = 0;
	private seen = 0;
	private epochLoss = 0;
	private epochCorrect = 0;
	private epochSeen = 0;
	private startedAt = -1;
	private epochStartedAt = 0;
	private stopRequested = false;
	/** The rate of the current epoch's first batch (what the run note's lr column shows). */
	private epochLr = 0;
	private bestLoss = Infinity;
	private bestEpoch = 0;
	private bestWeights: Float32Array | null = null;
	private readonly augmenter: Augmenter | null;
	private testResult: Evaluation | null = null;
	private ended: TrainEvent | null = null;

	constructor(model: Sequential, data: TrainData, cfg: TrainConfig) {
		const inShape = model.spec.input;
		if (data.shape.length !== inShape.length || data.shape.some((d, i) => d !== inShape[i])) {
			throw new Error(`the data's images are ${data.shape.join("×")} (C×H×W) but the model's input is ${inShape.join("×")}`);
		}
		if (model.outputs < data.classes) {
			throw new Error(`the model has ${model.outputs} outputs but the data has ${data.classes} classes`);
		}
		if (!(cfg.epochs >= 1) || !(cfg.batchSize >= 1)) throw new Error("epochs and batch size must be at least 1");
		if (!(cfg.val >= 0 && cfg.val < 1)) throw new Error(`the validation fraction must be in [0, 1), not ${cfg.val}`);
		this.model = model;
		this.config = cfg;
		this.data = data;
		this.sampleSize = inShape.reduce((a, b) => a * b, 1);
		const rng = new Rng(cfg.seed);
		const split = splitIndices(data.y, data.n, data.classes, cfg.val, cfg.limit, rng.fork());
		this.trainIndices = split.train;
		this.valIndices = split.val;
		if (this.trainIndices.length === 0) throw new Error("no samples left to train on");
		this.shuffleRng = rng.fork();
		// Forked after the split and the shuffles, so adding augmentation leaves both as they were.
		const augmentRng = rng.fork();
		this.augmenter = augmentsAnything(cfg.augment) ? new Augmenter(cfg.augment, inShape, augmentRng) : null;
		const test = cfg.test;
		if (test && (test.shape.length !== inShape.length || test.shape.some((d, i) => d !== inShape[i]))) {
			throw new Error(`the test images are ${test.shape.join("×")} (C×H×W) but the model's input is ${inShape.join("×")}`);
		}
		this.order = this.trainIndices.slice();
		this.batches = Math.ceil(this.order.length / cfg.batchSize);
		const bs = Math.min(cfg.batchSize, this.order.length);
		this.xb = new Float32Array(bs * this.sampleSize);
		this.yb = new Uint8Array(bs);
		this.xShape = [bs, ...inShape];
		const tail = this.order.length - (this.batches - 1) * bs;
		this.tailShape = [tail, ...inShape];
		this.optimizer = createOptimizer(cfg.optimizer, model.params());
	}

	/** Whether the run has ended (done, stopped or failed). */
	get finished(): boolean {
		return this.ended !== null;
	}

	/** The event that ended the run, if it has. */
	get outcome(): TrainEvent | null {
		return this.ended;
	}

	/** Asks the run to end before its next batch; finished epochs are kept. */
	stop(): void {
		this.stopRequested = true;
	}

	step(): TrainEvent[] {
		if (this.ended) return [];
		if (this.stopRequested) return [this.end({ kind: "stopped", epochs: this.history.length })];
		const t0 = now();
		if (this.startedAt < 0) this.startedAt = t0;
		if (this.batch === 0) {
			this.shuffleRng.shuffle(this.order);
			this.epochLoss = 0;
			this.epochCorrect = 0;
			this.epochSeen = 0;
			this.epochStartedAt = t0;
		}
		const bs = this.xShape[0];
		const start = this.batch * bs;
		const b = Math.min(bs, this.order.length - start);
		const sz = this.sampleSize;
		const src = this.data.x;
		const xb = this.xb;
		// Gather the batch and, in the same pass, see whether it holds a NaN or an Inf (v·0 is 0 for finite v).
		let poison = 0;
		for (let k = 0; k < b; k++) {
			const i = this.order[start + k];
			const from = i * sz;
			const to = k * sz;
			for (let j = 0; j < sz; j++) {
				const v = src[from + j];
				xb[to + j] = v;
				poison += v * 0;
			}
			this.yb[k] = this.data.y[i];
		}
		const x: Tensor = b === bs ? { shape: this.xShape, data: xb } : { shape: this.tailShape, data: xb.subarray(0, b * sz) };
		if (poison !== 0) {
			this.batch++;
			return [this.failData(x.data, b, start)];
		}
		this.augmenter?.apply(xb, b);
		this.optimizer.lr = scheduledLr(this.config.schedule, this.config.optimizer.lr, {
			epoch: this.epoch - 1,
			batch: this.batch,
			epochs: this.config.epochs,
			batches: this.batches,
		});
		if (this.batch === 0) this.epochLr = this.optimizer.lr;
		const { loss, correct } = this.model.lossAndGrad(x, this.yb);
		this.batch++;
		if (!Number.isFinite(loss) || loss > EXPLODED_LOSS) return [this.fail("loss", loss)];
		for (const p of this.model.params()) {
			if (!allFinite(p.grad)) return [this.fail("gradients", p.grad.some((v) => Number.isNaN(v)) ? NaN : Infinity)];
		}
		this.optimizer.step();
		this.seen += b;
		this.epochLoss += loss * b;
		this.epochCorrect += correct;
		this.epochSeen += b;
		const t1 = now();
		const events: TrainEvent[] = [
			{
				kind: "batch",
				epoch: this.epoch,
				batch: this.batch,
				batches: this.batches,
				loss,
				acc: correct / b,
				seen: this.seen,
				samplesPerSec: t1 > this.startedAt ? (this.seen * 1000) / (t1 - this.startedAt) : 0,
			},
		];
		if (this.batch === this.batches) {
			let valLoss: number | null = null;
			let valAcc: number | null = null;
			if (this.valIndices.length > 0) {
				const ev = this.evaluateIndices(this.valIndices, false);
				valLoss = ev.loss;
				valAcc = ev.acc;
			}
			const ep: EpochEvent = {
				kind: "epoch",
				epoch: this.epoch,
				loss: this.epochLoss / this.epochSeen,
				acc: this.epochCorrect / this.epochSeen,
				valLoss,
				valAcc,
				lr: this.epochLr,
				seconds: (now() - this.epochStartedAt) / 1000,
			};
			this.history.push(ep);
			events.push(ep);
			this.batch = 0;
			this.epoch++;
			const early = this.watchPatience(valLoss);
			if (early || this.epoch > this.config.epochs) events.push(this.finish(early));
		}
		return events;
	}

	/** Loss, accuracy, confusion matrix and predictions of the model as it is now, on any data of the same shape. */
	evaluate(data: TrainData = this.data): Evaluation {
		const idx = new Int32Array(data.n);
		for (let i = 0; i < data.n; i++) idx[i] = i;
		return this.evaluateIndices(idx, true, data);
	}

	/**
	 * The test set on the weights the run ends on, evaluated the first time it is asked for (the end of the run)
	 * and kept: a test set is looked at once. Null without one.
	 */
	testEvaluation(): Evaluation | null {
		const test = this.config.test;
		if (!test || test.n === 0) return null;
		this.testResult ??= this.evaluate(test);
		return this.testResult;
	}

	/** The held-out part, evaluated. */
	evaluateValidation(): Evaluation {
		return this.evaluateIndices(this.valIndices, true);
	}

	private evaluateIndices(indices: Int32Array, full: boolean, data: TrainData = this.data): Evaluation {
		const n = indices.length;
		const predictions = new Uint8Array(n);
		const labels = new Uint8Array(n);
		if (n === 0) return { loss: NaN, acc: NaN, confusion: confusionMatrix([], [], data.classes), predictions };
		const bs = this.xShape[0];
		const sz = this.sampleSize;
		let total = 0;
		let correct = 0;
		for (let start = 0; start < n; start += bs) {
			const b = Math.min(bs, n - start);
			for (let k = 0; k < b; k++) {
				const i = indices[start + k];
				this.xb.set(data.x.subarray(i * sz, i * sz + sz), k * sz);
				this.yb[k] = data.y[i];
				labels[start + k] = data.y[i];
			}
			const x: Tensor = b === bs ? { shape: this.xShape, data: this.xb } : { shape: [b, ...this.model.spec.input], data: this.xb.subarray(0, b * sz) };
			const r = this.model.evaluateBatch(x, this.yb, predictions.subarray(start, start + b));
			total += r.loss * b;
			correct += r.correct;
		}
		return {
			loss: total / n,
			acc: correct / n,
			confusion: full ? confusionMatrix(labels, predictions, Math.max(data.classes, this.model.outputs)) : [],
			predictions,
		};
	}

	/** Keeps the best epoch's weights; true when the validation loss has not improved for `patience` epochs. */
	private watchPatience(valLoss: number | null): boolean {
		const patience = this.config.patience;
		if (patience == null || valLoss === null || !Number.isFinite(valLoss)) return false;
		const epoch = this.history.length;
		if (valLoss < this.bestLoss) {
			this.bestLoss = valLoss;
			this.bestEpoch = epoch;
			this.bestWeights = this.model.exportWeights();
			return false;
		}
		return epoch - this.bestEpoch >= patience && epoch < this.config.epochs;
	}

	/** The "done" event; with patience the model goes back to its best epoch's weights first. */
	private finish(early: boolean): TrainEvent {
		const done: DoneEvent = { kind: "done", epochs: this.history.length };
		if (this.bestWeights) {
			this.model.importWeights(this.bestWeights);
			done.bestEpoch = this.bestEpoch;
			done.earlyStop = early;
		}
		const test = this.testEvaluation();
		if (test) done.test = { loss: test.loss, acc: test.acc, n: test.predictions.length };
		return this.end(done);
	}

	private fail(what: "loss" | "gradients", v: number): FailedEvent {
		const value = Number.isNaN(v) ? "NaN" : Number.isFinite(v) ? "exploded" : "Infinity";
		const lr = this.optimizer.lr;
		const where = `at epoch ${this.epoch}, batch ${this.batch}`;
		const message =
			(value === "exploded" ? `loss exploded to ${v.toExponential(1)} ${where}` : `${what === "loss" ? "loss" : "the gradients"} became ${value} ${where}`) +
			` — lower the learning rate (now ${lr}) or check the data for huge values`;
		return this.end({ kind: "failed", message, epoch: this.epoch, batch: this.batch, what, value, lr, ...(value === "exploded" ? { loss: v } : {}) }) as FailedEvent;
	}

	/** Names the first image of the batch that holds a NaN or an Inf. */
	private failData(x: Float32Array, b: number, start: number): FailedEvent {
		const sz = this.sampleSize;
		let k = 0;
		let bad = NaN;
		for (let i = 0; i < b * sz; i++) {
			if (!Number.isFinite(x[i])) {
				k = Math.floor(i / sz);
				bad = x[i];
				break;
			}
		}
		const sample = this.order[start + k];
		const value = Number.isNaN(bad) ? "NaN" : "Infinity";
		const message = `the data holds ${value} (image ${sample}) at epoch ${this.epoch}, batch ${this.batch} — check the data for missing or broken values`;
		return this.end({ kind: "failed", message, epoch: this.epoch, batch: this.batch, what: "data", value, sample, lr: this.optimizer.lr }) as FailedEvent;
	}

	private end(e: TrainEvent): TrainEvent {
		this.ended = e;
		return e;
	}
}

/** Trains to the end in one call, passing every event to onEvent; returns the trainer (history, outcome). */
export function trainSync(model: Sequential, data: TrainData, cfg: TrainConfig, onEvent?: (e: TrainEvent) => void): Trainer {
	const tr = new Trainer(model, data, cfg);
	while (!tr.finished) for (const e of tr.step()) onEvent?.(e);
	return tr;
}
