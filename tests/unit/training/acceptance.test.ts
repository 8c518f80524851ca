import { describe, expect, it } from "vitest";
import { TrainingSession } from "../../../src/worker/session";
import { createEngineJob } from "../../../src/worker/engine-job";
import { loadDigits } from "../../../src/data/digits";
import { createEngineContext } from "../../../src/engine/context";
import type { EpochMetrics } from "../../../src/engine/run-metrics";
import type { EndMessage, FromWorker, ProgressMessage, ReadyMessage, StartMessage } from "../../../src/worker/messages";

// The acceptance network, as the ```cnn block describes it:
// input 8x8x1 / conv 8 3x3 pad 1 / relu / maxpool 2 / flatten / dense 10 / softmax
// train digits epochs 15 batch 32 adam lr 0.01 seed 7 (20 % validation)
const start: StartMessage = {
	type: "start",
	runId: 1,
	model: {
		input: [1, 8, 8],
		layers: [
			{ type: "conv", filters: 8, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
			{ type: "relu" },
			{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
			{ type: "flatten" },
			{ type: "dense", units: 10, bias: true },
			{ type: "softmax" },
		],
	},
	train: {
		epochs: 15,
		batch: 32,
		optimizer: { name: "adam", lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
		seed: 7,
		val: 0.2,
		limit: null,
	},
	dataset: { kind: "digits" },
	maxSeconds: 1800,
	sample: { index: null, label: "3" },
};

/** Runs a session to its end in Node, yielding with setImmediate between chunks like the worker does. */
function run(msg: StartMessage): Promise<FromWorker[]> {
	return new Promise((resolve) => {
		const out: FromWorker[] = [];
		const session = new TrainingSession({
			post: (m) => {
				out.push(m);
				if (m.type === "done" || m.type === "stopped" || m.type === "failed") resolve(out);
			},
			now: () => performance.now(),
			defer: (fn) => {
				const id = setImmediate(fn);
				return () => clearImmediate(id);
			},
			chunkMs: 40,
			progressEveryMs: 100,
			createJob: (m) => createEngineJob(m, createEngineContext({ lang: m.lang }), loadDigits),
		});
		session.handle(msg);
	});
}

const epochsOf = (out: FromWorker[]): EpochMetrics[] =>
	out.filter((m): m is ProgressMessage => m.type === "progress").flatMap((m) => m.epochsDone);

describe("acceptance digits run through the worker protocol", () => {
	it("reaches ≥ 95 % validation accuracy, and the same seed gives the same curve", async () => {
		const a = await run(start);
		const end = a[a.length - 1] as EndMessage;
		expect(end.type).toBe("done");
		const ready = a[0] as ReadyMessage;
		expect(ready.type).toBe("ready");
		// 1797 digits, 20 % held out per class.
		expect(ready.info.trainCount + ready.info.valCount).toBe(1797);
		expect(ready.info.valCount).toBeGreaterThan(340);
		expect(ready.info.valCount).toBeLessThan(380);
		expect(ready.info.batchesPerEpoch).toBe(Math.ceil(ready.info.trainCount / 32));
		// Parameters: conv 8·(9+1) = 80, dense 10·(8·4·4) + 10 = 1290.
		expect(ready.info.paramCount).toBe(80 + 1290);
		// The sample asked for is a "3"; the view before training has the input and every layer.
		expect(ready.before.sampleLabel).toBe(3);
		expect(ready.before.activations.map((m) => m.shape)).toEqual([[1, 8, 8], [8, 8, 8], [8, 8, 8], [8, 4, 4], [128], [10], [10]]);
		expect(ready.before.filters?.count).toBe(8);

		const epochs = epochsOf(a);
		expect(epochs.map((e) => e.epoch)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
		const last = epochs[14];
		expect(last.valAcc).toBeGreaterThanOrEqual(0.95);
		expect(end.result?.final?.valAcc).toBe(last.valAcc);

		// The confusion matrix counts every validation image once, and its diagonal is the accuracy.
		const cm = end.result?.confusion ?? [];
		const total = cm.flat().reduce((s, v) => s + v, 0);
		const hits = cm.reduce((s, row, i) => s + row[i], 0);
		expect(total).toBe(ready.info.valCount);
		expect(hits / total).toBeCloseTo(last.valAcc ?? 0, 6);
		// The sample grid marks what the matrix counts: the shown mistakes are real mistakes.
		const samples = end.result?.samples ?? [];
		expect(samples.length).toBe(24);
		for (const s of samples) expect(s.confidence).toBeGreaterThan(0);
		// Trained filters differ from the random ones.
		const before = ready.before.filters?.data ?? new Float32Array();
		const after = end.result?.after.filters?.data ?? new Float32Array();
		expect(after.length).toBe(before.length);
		expect(after.some((v, i) => Math.abs(v - before[i]) > 1e-3)).toBe(true);

		const b = await run({ ...start, runId: 2 });
		expect(epochsOf(b).map((e) => e.loss)).toEqual(epochs.map((e) => e.loss));
		expect(epochsOf(b).map((e) => e.valAcc)).toEqual(epochs.map((e) => e.valAcc));
	});

	it("a dataset that does not fit the network fails with an explanation instead of training", async () => {
		const out = await run({ ...start, model: { ...start.model, layers: [{ type: "flatten" }, { type: "dense", units: 4, bias: true }] } });
		const end = out[out.length - 1] as EndMessage;
		expect(end.type).toBe("failed");
		expect(end.message).toMatch(/4/);
		expect(end.message).toMatch(/10/);
	});
});
