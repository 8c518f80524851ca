import { describe, expect, it } from "vitest";
import { TrainingHub } from "../../../src/plugin/training/hub";
import type { EpochMetrics } from "../../../src/engine/run-metrics";
import type { LogFinish, RunEvent, RunLog, RunPlan, RunServices } from "../../../src/plugin/training/run-controller";
import type { RunChannel } from "../../../src/plugin/training/channel";
import type { DatasetDescriptor, FromWorker, ProgressMessage, RunInfo, Snapshot, ToWorker } from "../../../src/worker/messages";

// No DOM here (Node environment): the controller and the hub must not need one.

class FakeLog implements RunLog {
	calls: string[] = [];
	epochs: EpochMetrics[] = [];
	finished: { status: string; info?: LogFinish } | null = null;
	batches(points: readonly { x: number; y: number }[]): void {
		this.calls.push(`batches ${points.length}`);
	}
	epoch(row: EpochMetrics): Promise<boolean> {
		this.epochs.push(row);
		return Promise.resolve(true);
	}
	finish(status: "completed" | "stopped" | "failed", info?: LogFinish): Promise<boolean> {
		this.finished = { status, info };
		return Promise.resolve(true);
	}
	saveWeights(): Promise<boolean> {
		this.calls.push("weights");
		return Promise.resolve(true);
	}
	dispose(): void {
		this.calls.push("dispose");
	}
}

class FakeChannel implements RunChannel {
	readonly mode = "worker" as const;
	sent: ToWorker[] = [];
	closed = false;
	constructor(readonly answer: (m: FromWorker) => void) {}
	send(msg: ToWorker): void {
		this.sent.push(msg);
	}
	close(): void {
		this.closed = true;
	}
}

/** A run's platform with every step in the test's hands: the data arrive when `resolve` is called, timers on `fire`. */
function fakes(opts: { refuse?: string } = {}) {
	let resolve: ((d: DatasetDescriptor) => void) | null = null;
	let reject: ((e: Error) => void) | null = null;
	const f = {
		reads: 0,
		channel: null as FakeChannel | null,
		log: null as FakeLog | null,
		timers: [] as { fn: () => void; ms: number; cleared: boolean }[],
		resolve: () => resolve?.({ kind: "digits" }),
		reject: (m: string) => reject?.(new Error(m)),
		services: null as unknown as RunServices<FakeLog>,
	};
	f.services = {
		resolveDataset: () => {
			f.reads++;
			return new Promise<DatasetDescriptor>((res, rej) => {
				resolve = res;
				reject = rej;
			});
		},
		openChannel: (onMessage) => (f.channel = new FakeChannel(onMessage)),
		refusal: () => opts.refuse ?? null,
		openLog: () => (f.log = new FakeLog()),
		setTimer: (fn, ms) => {
			const t = { fn, ms, cleared: false };
			f.timers.push(t);
			return t;
		},
		clearTimer: (t) => {
			(t as { cleared: boolean }).cleared = true;
		},
	};
	return f;
}

const plan = (source: string): RunPlan => ({
	key: { sourcePath: "Notes/CNN.md", source },
	start: { model: { input: [1, 8, 8], layers: [] } as unknown as RunPlan["start"]["model"], train: { epochs: 3, batch: 4, optimizer: { name: "sgd", lr: 0.1, weightDecay: 0, momentum: 0 } as unknown as RunPlan["start"]["train"]["optimizer"], seed: 1, val: 0.2, limit: null }, maxSeconds: 60, sample: null },
	previous: null,
	saveWeights: false,
});

const info: RunInfo = { datasetName: "digits", classNames: ["a", "b"], trainCount: 8, valCount: 2, batchesPerEpoch: 2, epochs: 3, inputShape: [1, 8, 8], paramCount: 10 };
const snapshot: Snapshot = { filters: null, activations: [], sampleIndex: 0, sampleLabel: 0 };
const epoch = (n: number): EpochMetrics => ({ epoch: n, loss: 1 / n, acc: 0.5, valLoss: 1 / n, valAcc: 0.5, seconds: 1 });
function progress(runId: number, e: number, withEpoch: boolean): ProgressMessage {
	return {
		type: "progress",
		runId,
		epoch: e,
		batch: 2,
		batchesPerEpoch: 2,
		epochs: 3,
		fraction: e / 3,
		samplesPerSec: 100,
		elapsedSeconds: e,
		secondsLeft: 3 - e,
		batches: [
			{ epoch: e, batch: 1, loss: 2, acc: 0.4 },
			{ epoch: e, batch: 2, loss: 1, acc: 0.5 },
		],
		epochsDone: withEpoch ? [epoch(e)] : [],
	};
}
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Starts a run and takes it to `running` with `epochs` epochs finished. */
async function running(hub: TrainingHub<FakeLog>, source: string, epochs: number) {
	const f = fakes();
	const run = hub.start(plan(source), f.services);
	f.resolve();
	await flush();
	const ch = f.channel as FakeChannel;
	ch.answer({ type: "ready", runId: run.id, info, before: snapshot });
	for (let e = 1; e <= epochs; e++) ch.answer(progress(run.id, e, true));
	return { run, f, ch };
}

describe("run controller: the states of a run", () => {
	it("goes queued → preparing → running → done, writing every epoch and the end into the log", async () => {
		const hub = new TrainingHub<FakeLog>();
		const f = fakes();
		const states: string[] = [];
		const run = hub.start(plan("a"), f.services);
		run.attach(() => states.push(run.state));
		expect(run.state).toBe("preparing");
		f.resolve();
		await flush();
		const ch = f.channel as FakeChannel;
		expect(ch.sent.map((m) => m.type)).toEqual(["start"]);
		expect(ch.sent[0].runId).toBe(run.id);
		ch.answer({ type: "ready", runId: run.id, info, before: snapshot });
		expect(run.state).toBe("running");
		for (let e = 1; e <= 3; e++) ch.answer(progress(run.id, e, true));
		ch.answer({ type: "done", runId: run.id, message: "", elapsedSeconds: 3, samplesPerSec: 100, result: null });
		expect(run.state).toBe("done");
		expect(run.end?.status).toBe("completed");
		expect(f.log?.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
		expect(f.log?.finished?.status).toBe("completed");
		expect(ch.closed).toBe(true);
		expect(hub.running).toBe(0);
		expect(states).toContain("running");
		expect(states[states.length - 1]).toBe("done");
	});

	it("stop while queued: leaves the queue, reads no data, trains nothing, keeps no note", async () => {
		const hub = new TrainingHub<FakeLog>();
		await running(hub, "a", 0);
		const f = fakes();
		const b = hub.start(plan("b"), f.services);
		expect(b.state).toBe("queued");
		expect(b.ahead).toBe(1);
		b.stop();
		expect(b.state).toBe("stopped");
		expect(b.end?.early).toBe("cancelled");
		expect(hub.queuedCount).toBe(0);
		expect(f.reads).toBe(0);
		expect(f.channel).toBeNull();
		// Cancelled runs are forgotten: the block shows what it showed before.
		expect(hub.find(b.key)).toBeNull();
	});

	it("stop while preparing: the slot frees at once for the next run and the data, when they arrive, start nothing", async () => {
		const hub = new TrainingHub<FakeLog>();
		const fa = fakes();
		const a = hub.start(plan("a"), fa.services);
		const fb = fakes();
		const b = hub.start(plan("b"), fb.services);
		expect([a.state, b.state]).toEqual(["preparing", "queued"]);
		a.stop();
		expect(a.state).toBe("stopped");
		expect(a.end?.early).toBe("cancelled");
		expect(b.state).toBe("preparing");
		fa.resolve();
		await flush();
		expect(fa.channel).toBeNull();
		expect(fa.log).toBeNull();
	});

	it("stop after the start was sent but before ready: asks the run to stop (it may be reading vault images)", async () => {
		const hub = new TrainingHub<FakeLog>();
		const f = fakes();
		const run = hub.start(plan("a"), f.services);
		f.resolve();
		await flush();
		run.stop();
		expect(run.state).toBe("stopping");
		expect(f.channel?.sent.map((m) => m.type)).toEqual(["start", "stop"]);
	});

	it("stop twice sends one stop; the run's answer ends it stopped with its finished epochs in the note", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, f, ch } = await running(hub, "a", 2);
		run.stop();
		run.stop();
		expect(run.state).toBe("stopping");
		expect(ch.sent.filter((m) => m.type === "stop")).toHaveLength(1);
		expect(f.timers).toHaveLength(1);
		ch.answer({ type: "stopped", runId: run.id, reason: "user", message: "", elapsedSeconds: 2, samplesPerSec: 100, result: null });
		expect(run.state).toBe("stopped");
		expect(run.end?.reason).toBe("user");
		expect(f.log?.finished?.status).toBe("stopped");
		expect(f.log?.epochs).toHaveLength(2);
		// The grace timer is cleared, so it cannot end the run a second time.
		expect(f.timers[0].cleared).toBe(true);
	});

	it("a run that does not answer Stop is ended when the grace time is up", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, f, ch } = await running(hub, "a", 1);
		run.stop();
		f.timers[0].fn();
		expect(run.state).toBe("stopped");
		expect(ch.closed).toBe(true);
		expect(f.log?.finished?.status).toBe("stopped");
		expect(hub.running).toBe(0);
	});

	it("stop after done changes nothing and sends nothing", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, f, ch } = await running(hub, "a", 3);
		ch.answer({ type: "done", runId: run.id, message: "", elapsedSeconds: 3, samplesPerSec: 100, result: null });
		const sent = ch.sent.length;
		run.stop();
		run.abort();
		expect(run.state).toBe("done");
		expect(ch.sent).toHaveLength(sent);
		expect(f.timers).toHaveLength(0);
		expect(f.log?.finished?.status).toBe("completed");
	});

	it("stopped before the first epoch finished: the log is dropped, no note", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, f, ch } = await running(hub, "a", 0);
		run.stop();
		ch.answer({ type: "stopped", runId: run.id, reason: "user", message: "", elapsedSeconds: 0.1, samplesPerSec: 100, result: null });
		expect(f.log?.calls).toContain("dispose");
		expect(f.log?.finished).toBeNull();
		expect(run.log).toBeNull();
	});

	it("the longest-run limit ends it stopped and the note says why", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, f, ch } = await running(hub, "a", 1);
		ch.answer({ type: "stopped", runId: run.id, reason: "time", message: "", elapsedSeconds: 60, samplesPerSec: 100, result: null });
		expect(run.end?.reason).toBe("time");
		expect(f.log?.finished?.info?.message).toMatch(/60/);
	});

	it("data that cannot be read end it failed with the message; over the limits once read ends it refused, with no note", async () => {
		const hub = new TrainingHub<FakeLog>();
		const f = fakes();
		const run = hub.start(plan("a"), f.services);
		f.reject("no such file: x.csv");
		await flush();
		expect(run.state).toBe("failed");
		expect(run.end).toMatchObject({ early: "error", message: "no such file: x.csv" });
		expect(hub.running).toBe(0);

		const g = fakes({ refuse: "too many multiply-adds" });
		const r2 = hub.start(plan("b"), g.services);
		g.resolve();
		await flush();
		g.channel?.answer({ type: "ready", runId: r2.id, info, before: snapshot });
		expect(r2.end).toMatchObject({ status: "failed", early: "refused", message: "too many multiply-adds" });
		expect(g.log).toBeNull();
		expect(g.channel?.closed).toBe(true);
	});

	it("messages of another run id are ignored", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, ch } = await running(hub, "a", 1);
		ch.answer(progress(run.id + 7, 2, true));
		ch.answer({ type: "done", runId: run.id + 7, message: "", elapsedSeconds: 3, samplesPerSec: 100, result: null });
		expect(run.epochs).toHaveLength(1);
		expect(run.state).toBe("running");
	});
});

describe("run controller: views come and go, the run goes on", () => {
	it("detaching never stops the run; a view attaching later reads the whole history and hears what follows", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, ch } = await running(hub, "a", 0);
		const first: RunEvent["type"][] = [];
		const detach = run.attach((e) => first.push(e.type));
		ch.answer(progress(run.id, 1, true));
		detach();
		ch.answer(progress(run.id, 2, true));
		expect(run.state).toBe("running");
		expect(ch.sent.some((m) => m.type === "stop")).toBe(false);
		expect(first).toEqual(["progress"]);

		const found = hub.find({ sourcePath: "Notes/CNN.md", source: "a" });
		expect(found).toBe(run);
		expect(run.info).toEqual(info);
		expect(run.before).toBe(snapshot);
		expect(run.epochs.map((e) => e.epoch)).toEqual([1, 2]);
		expect(run.batches.map((b) => `${b.epoch}.${b.batch}`)).toEqual(["1.1", "1.2", "2.1", "2.2"]);
		expect(run.lastProgress?.epoch).toBe(2);
		const later: RunEvent["type"][] = [];
		run.attach((e) => later.push(e.type));
		ch.answer(progress(run.id, 3, true));
		ch.answer({ type: "done", runId: run.id, message: "", elapsedSeconds: 3, samplesPerSec: 100, result: null });
		expect(later).toEqual(["progress", "end"]);
		expect(run.epochs).toHaveLength(3);
	});

	it("a run that ended with no view is kept until a view has shown it; then the vault has it", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run, ch } = await running(hub, "a", 3);
		ch.answer({ type: "done", runId: run.id, message: "", elapsedSeconds: 3, samplesPerSec: 100, result: null });
		expect(hub.find(run.key)).toBe(run);
		const detach = run.attach(() => {});
		expect(hub.find(run.key)).toBe(run);
		detach();
		expect(hub.find(run.key)).toBeNull();
		expect(hub.get(run.id)).toBeNull();
	});

	it("Train on a block that is training returns its run: one block trains once at a time", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run } = await running(hub, "a", 1);
		const again = hub.start(plan("a"), fakes().services);
		expect(again).toBe(run);
		expect(hub.running).toBe(1);
	});

	it("a run follows its note's rename", async () => {
		const hub = new TrainingHub<FakeLog>();
		const { run } = await running(hub, "a", 1);
		hub.renamed("Notes/CNN.md", "Notes/Renamed.md");
		expect(hub.find({ sourcePath: "Notes/Renamed.md", source: "a" })).toBe(run);
		expect(hub.find({ sourcePath: "Notes/CNN.md", source: "a" })).toBeNull();
	});

	it("plugin unload with three runs (training, preparing, queued) ends all three now; none begins after", async () => {
		const hub = new TrainingHub<FakeLog>();
		hub.maxConcurrent = 2;
		const a = await running(hub, "a", 2);
		const fb = fakes();
		const b = hub.start(plan("b"), fb.services);
		const fc = fakes();
		const c = hub.start(plan("c"), fc.services);
		expect([a.run.state, b.state, c.state]).toEqual(["running", "preparing", "queued"]);
		hub.dispose();
		expect([a.run.state, b.state, c.state]).toEqual(["stopped", "stopped", "stopped"]);
		expect(a.run.end?.reason).toBe("unload");
		expect(a.ch.closed).toBe(true);
		expect(a.f.log?.finished?.status).toBe("stopped");
		expect(a.f.log?.epochs).toHaveLength(2);
		// No grace timer: unload does not wait.
		expect(a.f.timers).toHaveLength(0);
		expect(fc.reads).toBe(0);
		fb.resolve();
		await flush();
		expect(fb.channel).toBeNull();
		expect(hub.running).toBe(0);
		expect(hub.queuedCount).toBe(0);
		expect(hub.activeRuns()).toEqual([]);
	});

	it("Stop all stops every run: the training one asks its run, the queued one leaves the queue", async () => {
		const hub = new TrainingHub<FakeLog>();
		const a = await running(hub, "a", 1);
		const fb = fakes();
		const b = hub.start(plan("b"), fb.services);
		hub.stopAll();
		expect(a.run.state).toBe("stopping");
		expect(b.state).toBe("stopped");
		expect(fb.reads).toBe(0);
	});
});
