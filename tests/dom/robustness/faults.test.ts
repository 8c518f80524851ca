// @vitest-environment jsdom
/**
 * Numerical and worker faults, seen from the block: a learning rate of 1e6 or NaN in the data stops the run with
 * the epoch and batch, the run note says failed and Train works again; a worker that throws, dies or never
 * answers shows what happened, offers a new run and leaves no worker behind.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { TrainingSession } from "../../../src/worker/session";
import type { FromWorker, StartMessage, ToWorker } from "../../../src/worker/messages";
import type { JobFactory } from "../../../src/worker/job";
import { parseRunNote } from "../../../src/runs/run-note";
import { FakeJob } from "../../unit/training/fake-job";
import { installFakeCanvas } from "../training/fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { until } from "../../support/until";

// The build inlines the worker bundle here; in the tests any code will do, since the Worker class is a fake.
vi.mock("../../../src/worker/worker-source", () => ({ workerSource: "/* worker */" }));
const { registerCnnBlock } = await import("../../../src/plugin/cnn-block");
const { liveWorkerCount, openChannel, WORKER_ANSWER_MS } = await import("../../../src/plugin/training/worker-client");

type Behaviour = "ok" | "throw-at-once" | "throw-after-epoch" | "silent";

/** A Worker stand-in running the real protocol (TrainingSession over a FakeJob) and failing as told. */
class FakeWorker {
	static made: FakeWorker[] = [];
	static behaviour: Behaviour = "ok";
	onmessage: ((e: MessageEvent<FromWorker>) => void) | null = null;
	onerror: ((e: ErrorEvent) => void) | null = null;
	terminated = false;
	private readonly behaviour = FakeWorker.behaviour;
	private readonly clock = { t: 0 };
	private epochs = 0;
	private readonly session = new TrainingSession({
		post: (m) =>
			setTimeout(() => {
				if (this.terminated) return;
				this.onmessage?.({ data: m } as MessageEvent<FromWorker>);
				if (m.type === "progress") this.epochs += m.epochsDone.length;
				if (this.behaviour === "throw-after-epoch" && this.epochs >= 1) this.die("RangeError: Array buffer allocation failed");
			}, 0),
		now: () => this.clock.t,
		defer: (fn) => {
			const id = setTimeout(fn, 0);
			return () => clearTimeout(id);
		},
		chunkMs: 20,
		progressEveryMs: 10,
		createJob: ((msg: StartMessage) => Promise.resolve(new FakeJob(msg, this.clock, { batches: 4, msPerBatch: 5 }))) as JobFactory,
	});
	constructor(readonly url: string) {
		FakeWorker.made.push(this);
	}
	postMessage(msg: ToWorker): void {
		if (this.behaviour === "silent") return;
		if (this.behaviour === "throw-at-once") {
			setTimeout(() => this.die("SyntaxError: blocked by the Content-Security-Policy"), 0);
			return;
		}
		this.session.handle(msg);
	}
	private die(message: string): void {
		if (this.terminated) return;
		this.session.dispose();
		this.onerror?.({ message, preventDefault: () => undefined } as unknown as ErrorEvent);
	}
	terminate(): void {
		this.terminated = true;
		this.session.dispose();
	}
}

beforeAll(() => installFakeCanvas());

const net = (train: string): string => ["input 8x8x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", train].join("\n");

let host: CnnLabHost & Plugin;
let vault: Vault;

function makeHost(files: Record<string, string> = {}): void {
	vault = new Vault({ "Notes/CNN.md": "# CNN", ...files });
	const plugin = new Plugin(new App(vault), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	// As main.ts does: runs belong to the plugin, and its unload ends them.
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
}

beforeEach(() => {
	FakeWorker.made = [];
	FakeWorker.behaviour = "ok";
});

afterEach(() => {
	host.unload();
	document.body.empty();
	vi.unstubAllGlobals();
	// Every worker made was ended, whatever happened to it.
	expect(FakeWorker.made.filter((w) => !w.terminated)).toEqual([]);
	expect(liveWorkerCount()).toBe(0);
});

async function render(source: string): Promise<HTMLElement> {
	const { el } = await renderCodeBlock(host, "cnn", source, { sourcePath: "Notes/CNN.md" });
	return el;
}

const trainButton = (el: HTMLElement): HTMLButtonElement => el.querySelector("button.cnn-lab-train") as HTMLButtonElement;
const stopButton = (el: HTMLElement): HTMLButtonElement | null => el.querySelector("button.cnn-lab-stop");
const results = (el: HTMLElement): string => el.querySelector(".cnn-lab-results")?.textContent ?? "";

async function runNote(status: string): Promise<NonNullable<ReturnType<typeof parseRunNote>>> {
	let found: ReturnType<typeof parseRunNote> = null;
	await until(() => {
		const f = vault.getFiles().find((x) => x.path.startsWith("CNN runs/") && x.extension === "md");
		if (!f) return false;
		void vault.read(f).then((text) => (found = parseRunNote(text)));
		return found !== null && found.status === status;
	});
	return found!;
}

describe("numerical faults stop the run with the epoch and batch; the block stays usable", () => {
	it("lr 1e6 is refused on its line before anything runs; the largest allowed, adam lr 100, blows up and fails with the epoch and batch", async () => {
		makeHost();
		host.settings.useWorker = false;
		const refused = await render(net("train digits epochs 3 batch 32 sgd lr 1e6 seed 1"));
		expect(refused.querySelector(".cnn-spec-problems")?.textContent).toMatch(/line 8.*lr must be between 1e-9 and 100, not 1e6/);
		expect(trainButton(refused)).toBeNull();
		const el = await render(net("train digits epochs 3 batch 32 adam lr 100 seed 1"));
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Failed/);
		expect(results(el)).toMatch(/epoch \d+, batch \d+/);
		expect(trainButton(el).disabled).toBe(false);
		expect(host.training.running).toBe(0);
		expect((await runNote("failed")).message).toMatch(/epoch \d+, batch \d+/);
	});

	it("a CSV whose pixels hold NaN: refused with the row, or stopped with the epoch and batch, never trained on", async () => {
		const row = (label: number, v: string): string => [label, ...Array.from({ length: 64 }, () => v)].join(",");
		const rows = Array.from({ length: 40 }, (_, i) => row(i % 2, i === 17 ? "NaN" : "0.5"));
		makeHost({ "Data/nan.csv": rows.join("\n") });
		host.settings.useWorker = false;
		const el = await render(net("train Data/nan.csv epochs 2 batch 8 sgd lr 0.01 seed 1"));
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-error") !== null);
		const text = results(el);
		// The loader refuses it with the row and column (before a batch could carry it into the weights).
		expect(text).toMatch(/line 18, column 2/);
		expect(text).toMatch(/NaN/);
		expect(trainButton(el).disabled).toBe(false);
		expect(host.training.running).toBe(0);
		// Pressing Train again is answered the same way (the block is not stuck).
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-error") !== null && !trainButton(el).disabled);
	});
});

describe("vault faults seen from the block (tests/dom/runs covers the run store itself)", () => {
	it("a runs folder that cannot be written: the block says so with the epochs kept, Save log writes them once the vault works", async () => {
		makeHost();
		host.settings.useWorker = false;
		const notices = (await import("../../support/obsidian-stub")).shownNotices;
		notices.length = 0;
		vault.failWrites = new Error("EACCES: permission denied");
		const el = await render(net("train digits epochs 2 batch 64 sgd lr 0.05 seed 1"));
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		await until(() => (el.querySelector(".cnn-lab-log-save")?.textContent ?? "").includes("permission denied"));
		const line = el.querySelector(".cnn-lab-log-save")!;
		expect(line.textContent).toMatch(/2 epochs are kept in memory/);
		expect(notices.some((n) => n.includes("permission denied"))).toBe(true);
		expect(vault.getFiles().some((f) => f.path.startsWith("CNN runs/"))).toBe(false);
		vault.failWrites = null;
		(line.querySelector("button") as HTMLButtonElement).click();
		const note = await runNote("completed");
		expect(note.epochs).toHaveLength(2);
		await until(() => (el.querySelector(".cnn-lab-log-save")?.textContent ?? "").includes("CNN runs/"));
		expect(el.querySelector(".cnn-lab-log-save button")).toBeNull();
	});
});

describe("worker faults", () => {
	beforeEach(() => {
		makeHost();
		host.settings.useWorker = true;
		vi.stubGlobal("Worker", FakeWorker);
	});

	it("a worker that works: the run completes and the worker is ended", async () => {
		const el = await render(net("train digits epochs 2 batch 32 sgd lr 0.01 seed 1"));
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Completed|Done|finished/i);
		expect(FakeWorker.made).toHaveLength(1);
	});

	it("a worker that throws before answering (a strict CSP): the run moves to the UI thread and says so", async () => {
		FakeWorker.behaviour = "throw-at-once";
		const el = await render(net("train digits epochs 1 batch 64 sgd lr 0.01 seed 1"));
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null, 30000);
		expect(el.textContent).toMatch(/Training on the page \(no background worker available\)/);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).not.toMatch(/Failed/);
		expect(trainButton(el).disabled).toBe(false);
	}, 40000);

	it("a worker that dies mid-run: the block says failed with the worker's message, the note says failed, Train works again", async () => {
		FakeWorker.behaviour = "throw-after-epoch";
		const el = await render(net("train digits epochs 5 batch 32 sgd lr 0.01 seed 1"));
		trainButton(el).click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		expect(el.querySelector(".cnn-lab-metrics-status")?.textContent).toMatch(/Failed/);
		expect(results(el)).toContain("Array buffer allocation failed");
		expect(trainButton(el).disabled).toBe(false);
		expect(host.training.running).toBe(0);
		const note = await runNote("failed");
		expect(note.message).toContain("Array buffer allocation failed");
		// Again, with a worker that behaves this time: a new worker, a completed run.
		FakeWorker.behaviour = "ok";
		trainButton(el).click();
		await until(() => /Completed|Done/i.test(el.querySelector(".cnn-lab-metrics-status")?.textContent ?? ""));
		expect(FakeWorker.made).toHaveLength(2);
	});

	it("a worker that never answers: Stop ends it within the grace time and the block can train again", async () => {
		FakeWorker.behaviour = "silent";
		const el = await render(net("train digits epochs 2 batch 32 sgd lr 0.01 seed 1"));
		trainButton(el).click();
		await until(() => FakeWorker.made.length === 1);
		expect(trainButton(el).disabled).toBe(true);
		await until(() => stopButton(el) !== null);
		stopButton(el)!.click();
		await until(() => !trainButton(el).disabled, 6000);
		expect(FakeWorker.made[0].terminated).toBe(true);
		expect(host.training.running).toBe(0);
		expect(el.textContent).toMatch(/Stopped/);
	}, 10000);

	it("a worker that never answers at all: after the answer time the run moves to the UI thread and completes", async () => {
		FakeWorker.behaviour = "silent";
		expect(WORKER_ANSWER_MS).toBeGreaterThanOrEqual(10_000);
		const got: FromWorker[] = [];
		const reasons: string[] = [];
		const clock = { t: 0 };
		const channel = openChannel({
			useWorker: true,
			answerMs: 60,
			onMessage: (m) => got.push(m),
			onFallback: (r) => reasons.push(r),
			createJob: ((msg: StartMessage) => Promise.resolve(new FakeJob(msg, clock, { batches: 2, msPerBatch: 1 }))) as JobFactory,
		});
		channel.send({
			type: "start",
			runId: 7,
			model: { input: [1, 2, 2], layers: [] },
			train: { epochs: 1, batch: 4, optimizer: { name: "sgd", lr: 0.1, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1, val: 0.2, limit: null },
			dataset: { kind: "digits" },
			maxSeconds: 100,
			sample: null,
		} as StartMessage);
		expect(channel.mode).toBe("worker");
		await until(() => got.some((m) => m.type === "done"), 5000);
		expect(reasons).toHaveLength(1);
		expect(reasons[0]).toMatch(/^no answer from the background worker in \d+ s$/);
		expect(channel.mode).toBe("inline");
		expect(FakeWorker.made[0].terminated).toBe(true);
		channel.close();
	});

	it("unloading the block while its worker runs leaves the worker to the run; the plugin's unload ends it", async () => {
		FakeWorker.behaviour = "silent";
		const { el, children } = await renderCodeBlock(host, "cnn", net("train digits epochs 2 batch 32 sgd lr 0.01 seed 1"), { sourcePath: "Notes/CNN.md" });
		trainButton(el).click();
		await until(() => FakeWorker.made.length === 1);
		children[0].unload();
		expect(FakeWorker.made[0].terminated).toBe(false);
		expect(host.training.running).toBe(1);
		host.unload();
		expect(FakeWorker.made[0].terminated).toBe(true);
		expect(host.training.running).toBe(0);
	});
});
