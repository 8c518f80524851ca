// @vitest-environment jsdom
// The end of a run is drawn in pieces (src/render/training/stager.ts): in order, a few to a task, each piece's layout
// paid in the task that added it. A fake window with its own clock and timer queue makes the tasks visible: which
// pieces ran in which task, and where the layout reads fell.
import { describe, expect, it } from "vitest";
import { Stager } from "../../../src/render/training/stager";

/** A window whose setTimeout queues tasks that `runTask` runs one at a time, and whose clock the pieces advance. */
function fakeWindow() {
	let now = 0;
	let id = 0;
	const timers = new Map<number, () => void>();
	const win = {
		performance: { now: () => now },
		setTimeout: (fn: () => void) => {
			timers.set(++id, fn);
			return id;
		},
		clearTimeout: (k: number) => void timers.delete(k),
	};
	return {
		win: win as unknown as Window,
		advance: (ms: number) => void (now += ms),
		pendingTimers: () => timers.size,
		/** Runs the oldest queued task; false when none is queued. */
		runTask(): boolean {
			const first = timers.entries().next();
			if (first.done) return false;
			timers.delete(first.value[0]);
			first.value[1]();
			return true;
		},
	};
}

/** An element whose height reads are logged (a read is a forced layout). */
function layoutProbe(log: string[]): HTMLElement {
	const el = document.createElement("div");
	document.body.append(el);
	Object.defineProperty(el, "offsetHeight", { get: () => (log.push("layout"), 0) });
	return el;
}

describe("Stager", () => {
	it("runs pieces in order, as many to a task as fit in 4 ms, and lays out after each piece in its own task", () => {
		const w = fakeWindow();
		const log: string[] = [];
		const stager = new Stager(w.win, layoutProbe(log));
		for (let k = 1; k <= 5; k++)
			stager.stage(() => {
				log.push(`piece ${k}`);
				w.advance(3);
			});
		// Nothing is drawn in the task that queued the pieces.
		expect(log).toEqual([]);
		const tasks: string[][] = [];
		while (w.runTask()) tasks.push(log.splice(0));
		// 3 ms a piece: the second piece crosses the budget and ends its task.
		expect(tasks).toEqual([
			["piece 1", "layout", "piece 2", "layout"],
			["piece 3", "layout", "piece 4", "layout"],
			["piece 5", "layout"],
		]);
	});

	it("a piece that takes longer than the budget has a task of its own; a piece's own pieces follow it", () => {
		const w = fakeWindow();
		const log: string[] = [];
		const stager = new Stager(w.win, layoutProbe(log));
		stager.stage(() => {
			log.push("big");
			w.advance(10);
			stager.stage(() => log.push("row 1"));
			stager.stage(() => log.push("row 2"));
		});
		stager.stage(() => log.push("after"));
		const tasks: string[][] = [];
		while (w.runTask()) tasks.push(log.splice(0));
		expect(tasks).toEqual([["big", "layout"], ["after", "layout", "row 1", "layout", "row 2", "layout"]]);
		expect(stager.pending).toBe(0);
	});

	it("no layout is read for a host that left the page, and clear() / destroy() leave no timer and draw nothing more", () => {
		const w = fakeWindow();
		const log: string[] = [];
		const host = layoutProbe(log);
		host.remove();
		const stager = new Stager(w.win, host);
		stager.stage(() => log.push("a"));
		w.runTask();
		expect(log).toEqual(["a"]);
		stager.stage(() => log.push("b"));
		stager.clear();
		expect(w.pendingTimers()).toBe(0);
		stager.stage(() => log.push("c"));
		stager.destroy();
		expect(w.pendingTimers()).toBe(0);
		stager.stage(() => log.push("d"));
		while (w.runTask());
		expect(log).toEqual(["a"]);
	});
});
