import { describe, expect, it } from "vitest";
import { loadDigits } from "../../../src/data/digits";
import { makeShapes } from "../../../src/data/shapes";
import { Sequential } from "../../../src/engine/model";
import { optimizerSpec } from "../../../src/engine/optim";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { Rng } from "../../../src/engine/rng";
import { splitIndices, Trainer, trainSync, type BatchEvent, type EpochEvent, type FailedEvent, type TrainConfig, type TrainEvent } from "../../../src/engine/trainer";
import { ctx } from "../../support/engine";

const conv = (filters: number, k: number, pad: number): LayerSpec => ({ type: "conv", filters, kernel: [k, k], stride: [1, 1], pad: [pad, pad], dilation: [1, 1], bias: true });
const maxpool2: LayerSpec = { type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true };
// The acceptance network: input 8x8x1, conv 8 3x3 pad 1, relu, maxpool 2, flatten, dense 10, softmax.
const acceptance: ModelSpec = {
	input: [1, 8, 8],
	layers: [conv(8, 3, 1), { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};
const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({ epochs: 15, batchSize: 32, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 7, val: 0.2, ...over });

function run(spec: ModelSpec, c: TrainConfig, data = loadDigits()): { events: TrainEvent[]; trainer: Trainer } {
	const events: TrainEvent[] = [];
	const trainer = trainSync(Sequential.build(spec, c.seed, ctx), data, c, (e) => events.push(e));
	return { events, trainer };
}

describe("training the acceptance network on the digits", () => {
	const a = run(acceptance, cfg());
	const b = run(acceptance, cfg());

	it("reaches at least 95 % validation accuracy in 15 epochs with seed 7", () => {
		const epochs = a.events.filter((e): e is EpochEvent => e.kind === "epoch");
		expect(epochs).toHaveLength(15);
		expect(epochs[14].valAcc).toBeGreaterThanOrEqual(0.95);
		expect(epochs[14].loss).toBeLessThan(epochs[0].loss);
		expect(a.trainer.outcome).toEqual({ kind: "done", epochs: 15 });
	});

	it("gives bit-identical loss sequences in two runs with the same seed", () => {
		const la = a.events.filter((e): e is BatchEvent => e.kind === "batch").map((e) => e.loss);
		const lb = b.events.filter((e): e is BatchEvent => e.kind === "batch").map((e) => e.loss);
		expect(la.length).toBe(15 * Math.ceil(a.trainer.trainIndices.length / 32));
		expect(lb).toEqual(la);
		const c = run(acceptance, cfg({ seed: 8 }));
		expect(c.events.filter((e): e is BatchEvent => e.kind === "batch").map((e) => e.loss)).not.toEqual(la);
	});

	it("holds out a stratified 20 % that never meets the training part", () => {
		const { trainIndices, valIndices } = a.trainer;
		expect(trainIndices.length + valIndices.length).toBe(1797);
		expect(valIndices.length).toBeGreaterThanOrEqual(355);
		expect(valIndices.length).toBeLessThanOrEqual(364);
		const all = new Set([...trainIndices, ...valIndices]);
		expect(all.size).toBe(1797);
		const digits = loadDigits();
		const perClass = new Array(10).fill(0);
		for (const i of valIndices) perClass[digits.y[i]]++;
		for (const c of perClass) expect(c).toBeGreaterThanOrEqual(34);
	});

	it("reports batches in order with running counts, then the epoch, per epoch", () => {
		const batches = Math.ceil(a.trainer.trainIndices.length / 32);
		const first = a.events.slice(0, batches + 1);
		expect(first.slice(0, batches).map((e) => (e as BatchEvent).batch)).toEqual(Array.from({ length: batches }, (_, i) => i + 1));
		expect((first[batches - 1] as BatchEvent).seen).toBe(a.trainer.trainIndices.length);
		expect(first[batches].kind).toBe("epoch");
		expect((first[0] as BatchEvent).samplesPerSec).toBeGreaterThan(0);
	});

	it("evaluates with a confusion matrix that agrees with the accuracy", () => {
		const ev = a.trainer.evaluateValidation();
		const epochs = a.events.filter((e): e is EpochEvent => e.kind === "epoch");
		expect(ev.acc).toBe(epochs[14].valAcc);
		const total = ev.confusion.flat().reduce((s, v) => s + v, 0);
		const diag = ev.confusion.reduce((s, row, i) => s + row[i], 0);
		expect(total).toBe(a.trainer.valIndices.length);
		expect(diag / total).toBeCloseTo(ev.acc, 10);
		const whole = a.trainer.evaluate(loadDigits());
		expect(whole.predictions).toHaveLength(1797);
		expect(whole.acc).toBeGreaterThan(0.95);
	});
});

describe("stopping and failures", () => {
	it("stops between batches and keeps the finished epochs", () => {
		const tr = new Trainer(Sequential.build(acceptance, 1, ctx), loadDigits(), cfg({ epochs: 5 }));
		const seen: TrainEvent[] = [];
		while (!seen.some((e) => e.kind === "epoch")) seen.push(...tr.step());
		seen.push(...tr.step());
		tr.stop();
		expect(tr.step()).toEqual([{ kind: "stopped", epochs: 1 }]);
		expect(tr.history).toHaveLength(1);
		expect(tr.finished).toBe(true);
		expect(tr.step()).toEqual([]);
	});

	it("stops with a message naming the epoch and batch when the loss blows up (lr 1e6)", () => {
		const { events, trainer } = run(acceptance, cfg({ epochs: 5, optimizer: optimizerSpec("sgd", { lr: 1e6 }) }));
		const fail = events[events.length - 1] as FailedEvent;
		expect(fail.kind).toBe("failed");
		const batchesBefore = events.filter((e) => e.kind === "batch").length;
		const perEpoch = Math.ceil(trainer.trainIndices.length / 32);
		expect(fail.epoch).toBe(Math.floor(batchesBefore / perEpoch) + 1);
		expect(fail.batch).toBe((batchesBefore % perEpoch) + 1);
		expect(fail.message).toContain(`at epoch ${fail.epoch}, batch ${fail.batch}`);
		expect(fail.what).toBe("loss");
		expect(fail.message).toMatch(/(NaN|Infinity|exploded).*lower the learning rate \(now 1000000\)/);
	});

	it("stops at the first batch holding a NaN pixel", () => {
		const data = loadDigits();
		data.x[100 * 64 + 5] = NaN;
		const { events } = run(acceptance, cfg({ epochs: 2, val: 0 }), data);
		const fail = events[events.length - 1] as FailedEvent;
		expect(fail.kind).toBe("failed");
		expect(fail.epoch).toBe(1);
		expect(fail.what).toBe("data");
		expect(fail.sample).toBe(100);
		expect(fail.batch).toBe(events.length);
		expect(fail.message).toMatch(/^the data holds NaN \(image 100\) at epoch 1, batch \d+ —/);
	});

	it("refuses data that does not fit the model, saying both shapes", () => {
		expect(() => new Trainer(Sequential.build(acceptance, 1, ctx), makeShapes({ size: 16, count: 10, seed: 1, lang: "en" }), cfg())).toThrow(/1×16×16.*1×8×8/);
	});
});

describe("splitting", () => {
	it("keeps exactly `limit` samples, every class in proportion, and holds out about val of them", () => {
		const digits = loadDigits();
		for (const limit of [100, 333, 1000]) {
			const s = splitIndices(digits.y, digits.n, 10, 0.25, limit, new Rng(limit));
			expect(s.train.length + s.val.length).toBe(limit);
			expect(Math.abs(s.val.length - 0.25 * limit)).toBeLessThanOrEqual(5);
			const perClass = new Array(10).fill(0);
			for (const i of [...s.train, ...s.val]) perClass[digits.y[i]]++;
			for (const c of perClass) expect(Math.abs(c - limit / 10)).toBeLessThanOrEqual(1 + limit * 0.01);
		}
	});
});

describe("other settings", () => {
	it("learns the synthetic shapes with SGD momentum, with limit and no validation", () => {
		const spec: ModelSpec = { input: [1, 12, 12], layers: [conv(6, 3, 1), { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 4, bias: true }] };
		const data = makeShapes({ size: 12, count: 600, seed: 3, classes: 4, lang: "en" });
		const { trainer } = run(spec, { epochs: 8, batchSize: 16, optimizer: optimizerSpec("momentum", { lr: 0.02 }), seed: 2, val: 0, limit: 400 }, data);
		expect(trainer.trainIndices.length).toBe(400);
		expect(trainer.valIndices.length).toBe(0);
		const last = trainer.history[trainer.history.length - 1];
		expect(last.valAcc).toBeNull();
		expect(trainer.evaluate(data).acc).toBeGreaterThan(0.8);
	});
});
