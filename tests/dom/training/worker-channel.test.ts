// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import "../../support/obsidian-stub";
import { TrainingSession } from "../../../src/worker/session";
import type { FromWorker, StartMessage, ToWorker } from "../../../src/worker/messages";
import type { JobFactory } from "../../../src/worker/job";
import { FakeJob } from "../../unit/training/fake-job";
import { until } from "../../support/until";

// The build replaces worker-source with the bundled worker; here any code string will do, the Worker is faked.
vi.mock("../../../src/worker/worker-source", () => ({ workerSource: "/* worker */" }));
const { openChannel, liveWorkerCount } = await import("../../../src/plugin/training/worker-client");

/** A stand-in Worker that runs the protocol in this thread, asynchronously, like a real worker would answer. */
class FakeWorker {
	static made: FakeWorker[] = [];
	static failToLoad = false;
	onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
	onerror: ((e: ErrorEvent) => void) | null = null;
	terminated = false;
	private readonly clock = { t: 0 };
	private readonly session = new TrainingSession({
		post: (m) => setTimeout(() => !this.terminated && this.onmessage?.({ data: m } as MessageEvent<FromWorker>), 0),
		now: () => this.clock.t,
		defer: (fn) => {
			const id = setTimeout(fn, 0);
			return () => clearTimeout(id);
		},
		chunkMs: 20,
		progressEveryMs: 50,
		createJob: ((msg: StartMessage) => Promise.resolve(new FakeJob(msg, this.clock, { batches: 5, msPerBatch: 5 }))) as JobFactory,
	});
	constructor(readonly url: string) {
		FakeWorker.made.push(this);
	}
	postMessage(msg: ToWorker): void {
		if (FakeWorker.failToLoad) {
			setTimeout(() => this.onerror?.({ message: "blocked by CSP", preventDefault: () => undefined } as unknown as ErrorEvent), 0);
			return;
		}
		this.session.handle(msg);
	}
	terminate(): void {
		this.terminated = true;
		this.session.dispose();
	}
}

const start = (runId: number, epochs: number): StartMessage => ({
	type: "start",
	runId,
	model: { input: [1, 2, 2], layers: [] },
	train: { epochs, batch: 4, optimizer: { name: "sgd", lr: 0.1, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1, val: 0.2, limit: null },
	dataset: { kind: "digits" },
	maxSeconds: 100,
	sample: null,
});

beforeEach(() => {
	FakeWorker.made = [];
	FakeWorker.failToLoad = false;
	vi.stubGlobal("Worker", FakeWorker);
});
afterEach(() => vi.unstubAllGlobals());

describe("worker channel", () => {
	it("runs in a worker made from the inlined code and terminates it on close", async () => {
		const got: FromWorker[] = [];
		const inlineJob = vi.fn();
		const ch = openChannel({ useWorker: true, onMessage: (m) => got.push(m), createJob: inlineJob as unknown as JobFactory });
		expect(ch.mode).toBe("worker");
		expect(FakeWorker.made).toHaveLength(1);
		expect(FakeWorker.made[0].url).toMatch(/^blob:/);
		expect(liveWorkerCount()).toBe(1);
		ch.send(start(1, 2));
		await until(() => got.some((m) => m.type === "done"));
		expect(got[0].type).toBe("ready");
		expect(inlineJob).not.toHaveBeenCalled();
		ch.close();
		expect(FakeWorker.made[0].terminated).toBe(true);
		expect(liveWorkerCount()).toBe(0);
	});

	it("moves the run to the UI thread when the worker fails before answering", async () => {
		FakeWorker.failToLoad = true;
		const got: FromWorker[] = [];
		const reasons: string[] = [];
		const clock = { t: 0 };
		const ch = openChannel({
			useWorker: true,
			onMessage: (m) => got.push(m),
			createJob: (msg) => Promise.resolve(new FakeJob(msg, clock, { batches: 3, msPerBatch: 1 })),
			onFallback: (r) => reasons.push(r),
		});
		ch.send(start(5, 2));
		await until(() => got.some((m) => m.type === "done"));
		expect(reasons).toEqual(["blocked by CSP"]);
		expect(ch.mode).toBe("inline");
		expect(got.filter((m) => m.type === "ready")).toHaveLength(1);
		expect(liveWorkerCount()).toBe(0);
		ch.close();
	});

	it("uses the UI thread at once when the worker is turned off in the settings", () => {
		const ch = openChannel({ useWorker: false, onMessage: () => undefined, createJob: (() => Promise.reject(new Error("x"))) as JobFactory });
		expect(ch.mode).toBe("inline");
		expect(FakeWorker.made).toHaveLength(0);
		ch.close();
	});
});
