import { describe, expect, it } from "vitest";
import { TrainingSession } from "../../../src/worker/session";
import type { EndMessage, FromWorker, ProgressMessage, StartMessage } from "../../../src/worker/messages";
import { FakeJob } from "./fake-job";

function startMsg(epochs: number, runId = 1, maxSeconds = 1800): StartMessage {
	return {
		type: "start",
		runId,
		model: { input: [1, 4, 4], layers: [] },
		train: {
			epochs,
			batch: 8,
			optimizer: { name: "sgd", lr: 0.1, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
			seed: 1,
			val: 0.2,
			limit: null,
		},
		dataset: { kind: "digits" },
		maxSeconds,
		sample: null,
	};
}

/** Drives a session on a fake clock with a manual event loop: each deferred chunk runs when the test says. */
function harness(opts: { batches: number; msPerBatch: number; nanAt?: [number, number]; chunkMs?: number }) {
	const clock = { t: 0 };
	const out: FromWorker[] = [];
	const queue: (() => void)[] = [];
	let job: FakeJob | null = null;
	const session = new TrainingSession({
		post: (m) => out.push(m),
		now: () => clock.t,
		defer: (fn) => {
			let live = true;
			queue.push(() => live && fn());
			return () => (live = false);
		},
		chunkMs: opts.chunkMs ?? 20,
		progressEveryMs: 100,
		createJob: (msg) => Promise.resolve((job = new FakeJob(msg, clock, opts))),
	});
	const tick = (): boolean => {
		const fn = queue.shift();
		if (!fn) return false;
		fn();
		return true;
	};
	const settle = async (): Promise<void> => {
		await Promise.resolve();
		await Promise.resolve();
	};
	return { session, out, tick, settle, clock, job: () => job, queue };
}

const ends = (out: FromWorker[]) => out.filter((m): m is EndMessage => m.type === "done" || m.type === "stopped" || m.type === "failed");
const progress = (out: FromWorker[]) => out.filter((m): m is ProgressMessage => m.type === "progress");

describe("training session protocol", () => {
	it("answers start with ready, then progress with every batch and epoch, then one done", async () => {
		const h = harness({ batches: 10, msPerBatch: 5 });
		h.session.handle(startMsg(3));
		await h.settle();
		expect(h.out[0].type).toBe("ready");
		while (h.tick());
		const p = progress(h.out);
		expect(p.flatMap((m) => m.batches).map((b) => [b.epoch, b.batch])).toEqual(Array.from({ length: 30 }, (_, i) => [Math.floor(i / 10) + 1, (i % 10) + 1]));
		expect(p.flatMap((m) => m.epochsDone).map((e) => e.epoch)).toEqual([1, 2, 3]);
		const e = ends(h.out);
		expect(e).toHaveLength(1);
		expect(e[0].type).toBe("done");
		expect(e[0].result?.final?.epoch).toBe(3);
		expect(p[p.length - 1].fraction).toBe(1);
		// 30 batches of 8 in 150 ms of fake time.
		expect(e[0].samplesPerSec).toBeCloseTo(240 / 0.15, 0);
	});

	it("yields after each chunk's time budget and throttles progress to one message per 100 ms between epochs", async () => {
		const h = harness({ batches: 1000, msPerBatch: 1, chunkMs: 20 });
		h.session.handle(startMsg(1));
		await h.settle();
		h.tick();
		expect(h.job()?.steps).toBe(20);
		for (let i = 0; i < 9; i++) h.tick();
		// 200 ms of work: a message at the first chunk and then at most one per 100 ms.
		expect(progress(h.out).length).toBeLessThanOrEqual(3);
		expect(progress(h.out).flatMap((m) => m.batches)).toHaveLength(progress(h.out).reduce((s, m) => s + m.batches.length, 0));
	});

	it("stop ends the run at the next chunk, keeps the finished epochs and returns results", async () => {
		const h = harness({ batches: 10, msPerBatch: 5, chunkMs: 10 });
		h.session.handle(startMsg(5));
		await h.settle();
		for (let i = 0; i < 12; i++) h.tick(); // 24 batches: two epochs and a part
		h.session.handle({ type: "stop", runId: 1 });
		const stepsAtStop = h.job()?.steps ?? 0;
		while (h.tick());
		expect(h.job()?.steps).toBe(stepsAtStop);
		const e = ends(h.out);
		expect(e.map((m) => m.type)).toEqual(["stopped"]);
		expect(e[0].reason).toBe("user");
		expect(progress(h.out).flatMap((m) => m.epochsDone).map((x) => x.epoch)).toEqual([1, 2]);
		expect(e[0].result?.final?.epoch).toBe(2);
		expect(h.job()?.finished).toBe(1);
	});

	it("a stop for another run id is ignored", async () => {
		const h = harness({ batches: 2, msPerBatch: 5 });
		h.session.handle(startMsg(2, 7));
		await h.settle();
		h.session.handle({ type: "stop", runId: 6 });
		while (h.tick());
		expect(ends(h.out)[0].type).toBe("done");
	});

	it("NaN fails the run with a message naming epoch and batch, after sending the metrics before it", async () => {
		const h = harness({ batches: 10, msPerBatch: 5, nanAt: [2, 4] });
		h.session.handle(startMsg(5));
		await h.settle();
		while (h.tick());
		const e = ends(h.out);
		expect(e).toHaveLength(1);
		expect(e[0].type).toBe("failed");
		expect(e[0].message).toContain("epoch 2, batch 4");
		expect(progress(h.out).flatMap((m) => m.epochsDone).map((x) => x.epoch)).toEqual([1]);
		expect(h.session.running).toBe(false);
	});

	it("stops by itself at the longest run time", async () => {
		const h = harness({ batches: 100, msPerBatch: 10 });
		h.session.handle(startMsg(100, 1, 2));
		await h.settle();
		while (h.tick());
		const e = ends(h.out);
		expect(e[0].type).toBe("stopped");
		expect(e[0].reason).toBe("time");
		expect(e[0].elapsedSeconds).toBeGreaterThanOrEqual(2);
		expect(e[0].elapsedSeconds).toBeLessThan(2.1);
	});

	it("a job that cannot be made fails with its message", async () => {
		const out: FromWorker[] = [];
		const s = new TrainingSession({
			post: (m) => out.push(m),
			now: () => 0,
			defer: () => () => undefined,
			chunkMs: 10,
			progressEveryMs: 100,
			createJob: () => Promise.reject(new Error("the data are 8×8×1 but the input line says 28×28×1")),
		});
		s.handle(startMsg(1));
		await Promise.resolve();
		await Promise.resolve();
		expect(out).toHaveLength(1);
		expect(out[0].type).toBe("failed");
		expect((out[0] as EndMessage).message).toContain("28×28×1");
	});

	it("sends the network after an epoch at most once a second, taken at the epoch's end, and none with the last epoch", async () => {
		// 500 ms epochs on the fake clock; chunks long enough to run into the next epoch if nothing stopped them.
		const h = harness({ batches: 10, msPerBatch: 50, chunkMs: 1000 });
		h.session.handle(startMsg(6));
		await h.settle();
		while (h.tick());
		const views = progress(h.out).flatMap((m) => (m.view ? [m.view] : []));
		expect(views.map((v) => v.epoch)).toEqual([1, 3, 5]);
		// The fake job's weights are its step count: each copy is of the moment its epoch ended (10 batches each).
		expect(views.map((v) => v.weights[0])).toEqual([10, 30, 50]);
		expect(ends(h.out)[0].type).toBe("done");
	});
});
