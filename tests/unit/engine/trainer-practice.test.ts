import { describe, expect, it } from "vitest";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { optimizerSpec } from "../../../src/engine/optim";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { oneCycleLr } from "../../../src/engine/optim/schedule";
import { Trainer, type DoneEvent, type EpochEvent, type TrainConfig, type TrainEvent } from "../../../src/engine/trainer";
import { ctx } from "../../support/engine";

// A small dense net on the 8×8 digits: quick, and it overfits a small subset, so its validation loss turns.
const net: ModelSpec = { input: [1, 8, 8], layers: [{ type: "flatten" }, { type: "dense", units: 32, bias: true }, { type: "relu" }, { type: "dense", units: 10, bias: true }] };

/** Trains to the end, noting the rate the optimizer held at each of its steps. */
function run(c: TrainConfig): { trainer: Trainer; events: TrainEvent[]; rates: number[] } {
	const trainer = new Trainer(Sequential.build(net, c.seed, ctx), loadDigits(), c);
	const rates: number[] = [];
	const opt = trainer.optimizer;
	const step = opt.step.bind(opt);
	opt.step = () => {
		rates.push(opt.lr);
		step();
	};
	const events: TrainEvent[] = [];
	while (!trainer.finished) events.push(...trainer.step());
	return { trainer, events, rates };
}
const epochsOf = (events: TrainEvent[]): EpochEvent[] => events.filter((e): e is EpochEvent => e.kind === "epoch");

describe("the trainer's learning-rate schedule", () => {
	it("step 2 0.5: every batch of an epoch runs at the epoch's rate, halved every 2 epochs, and the epoch records it", () => {
		const r = run({ epochs: 5, batchSize: 64, optimizer: optimizerSpec("sgd", { lr: 0.1 }), seed: 3, val: 0.2, limit: 300, schedule: { kind: "step", stepSize: 2, gamma: 0.5, warmup: 0 } });
		const per = r.trainer.batches;
		expect(r.rates).toHaveLength(5 * per);
		const want = [0.1, 0.1, 0.05, 0.05, 0.025];
		r.rates.forEach((lr, i) => expect(lr).toBeCloseTo(want[Math.floor(i / per)], 12));
		expect(epochsOf(r.events).map((e) => e.lr)).toEqual(want);
	});

	it("onecycle max 0.05 moves the rate every batch, from max/25 through the peak", () => {
		const r = run({ epochs: 4, batchSize: 64, optimizer: optimizerSpec("adam"), seed: 3, val: 0.2, limit: 300, schedule: { kind: "onecycle", maxLr: 0.05, warmup: 0 } });
		const total = 4 * r.trainer.batches;
		expect(r.rates).toHaveLength(total);
		r.rates.forEach((lr, t) => expect(lr).toBeCloseTo(oneCycleLr(0.05, t, total), 12));
		expect(r.rates[0]).toBeCloseTo(0.002, 12);
		expect(Math.max(...r.rates)).toBeLessThanOrEqual(0.05);
	});

	it("without a schedule the epochs record the optimizer's own rate", () => {
		const r = run({ epochs: 2, batchSize: 64, optimizer: optimizerSpec("adam", { lr: 0.003 }), seed: 3, val: 0.2, limit: 200 });
		expect(epochsOf(r.events).map((e) => e.lr)).toEqual([0.003, 0.003]);
		expect(new Set(r.rates)).toEqual(new Set([0.003]));
	});
});

describe("early stopping (patience)", () => {
	// 150 samples, a high rate: the validation loss bottoms out within a few epochs, then rises.
	const c: TrainConfig = { epochs: 60, batchSize: 16, optimizer: optimizerSpec("adam", { lr: 0.02 }), seed: 5, val: 0.3, limit: 150, patience: 3 };
	const r = run(c);
	const epochs = epochsOf(r.events);
	const done = r.trainer.outcome as DoneEvent;

	it("stops 3 epochs after the lowest validation loss, saying which epoch was best", () => {
		expect(done.kind).toBe("done");
		expect(done.earlyStop).toBe(true);
		expect(epochs.length).toBeLessThan(60);
		const losses = epochs.map((e) => e.valLoss as number);
		const best = losses.indexOf(Math.min(...losses)) + 1;
		expect(done.bestEpoch).toBe(best);
		expect(epochs.length).toBe(best + 3);
		expect(done.epochs).toBe(epochs.length);
	});

	it("ends on the best epoch's weights: validating the model again gives that epoch's loss and accuracy", () => {
		const best = epochs[(done.bestEpoch as number) - 1];
		const again = r.trainer.evaluateValidation();
		expect(again.loss).toBeCloseTo(best.valLoss as number, 5);
		expect(again.acc).toBe(best.valAcc);
		expect(again.loss).toBeLessThan(epochs[epochs.length - 1].valLoss as number);
	});

	it("the same seed stops at the same epoch", () => {
		const again = run(c);
		expect(epochsOf(again.events).map((e) => e.valLoss)).toEqual(epochs.map((e) => e.valLoss));
	});
});
