import { describe, expect, it } from "vitest";
import { TrainingHub, type HubRun } from "../../../src/plugin/training/hub";

function run(log: string[], name: string): HubRun & { ahead: number[] } {
	const r = {
		ahead: [] as number[],
		begin: () => log.push(`begin ${name}`),
		stop: () => log.push(`stop ${name}`),
		queued: (n: number) => r.ahead.push(n),
	};
	return r;
}

describe("training hub", () => {
	it("starts one run at a time by default and the next when the first releases its slot", () => {
		const hub = new TrainingHub();
		const log: string[] = [];
		const a = run(log, "a");
		const b = run(log, "b");
		const ta = hub.enqueue(a);
		const tb = hub.enqueue(b);
		expect(log).toEqual(["begin a"]);
		expect(b.ahead).toEqual([1]);
		expect(hub.running).toBe(1);
		ta.release();
		ta.release();
		expect(log).toEqual(["begin a", "begin b"]);
		tb.release();
		expect(hub.running).toBe(0);
	});

	it("allows two at once when configured, and a queued run can leave the queue", () => {
		const hub = new TrainingHub();
		hub.maxConcurrent = 2;
		const log: string[] = [];
		const ta = hub.enqueue(run(log, "a"));
		hub.enqueue(run(log, "b"));
		const tc = hub.enqueue(run(log, "c"));
		tc.release();
		ta.release();
		expect(log).toEqual(["begin a", "begin b"]);
		expect(hub.queuedCount).toBe(0);
	});

	it("raising the limit starts waiting runs at once; lowering it lets running ones finish and holds the next", () => {
		const hub = new TrainingHub();
		const log: string[] = [];
		const ta = hub.enqueue(run(log, "a"));
		const tb = hub.enqueue(run(log, "b"));
		hub.enqueue(run(log, "c"));
		expect(log).toEqual(["begin a"]);
		hub.maxConcurrent = 3;
		expect(log).toEqual(["begin a", "begin b", "begin c"]);
		hub.maxConcurrent = 1;
		const d = run(log, "d");
		hub.enqueue(d);
		ta.release();
		tb.release();
		// Still one running (c): d waits for it.
		expect(log).toEqual(["begin a", "begin b", "begin c"]);
		expect(d.ahead[d.ahead.length - 1]).toBe(1);
		expect(hub.running).toBe(1);
	});

	it("a limit that is not a whole positive number counts as one", () => {
		for (const bad of [0, -2, NaN]) {
			const hub = new TrainingHub();
			hub.maxConcurrent = bad;
			const log: string[] = [];
			hub.enqueue(run(log, "a"));
			hub.enqueue(run(log, "b"));
			expect(log).toEqual(["begin a"]);
		}
	});

	it("stopAll stops the running runs, drops the queue and calls plain stoppers", () => {
		const hub = new TrainingHub();
		const log: string[] = [];
		hub.enqueue(run(log, "a"));
		const b = run(log, "b");
		hub.enqueue(b);
		hub.add(() => log.push("cli"));
		hub.stopAll();
		expect(log).toEqual(["begin a", "stop a", "cli"]);
		expect(b.ahead[b.ahead.length - 1]).toBe(-1);
		expect(hub.queuedCount).toBe(0);
	});
});
