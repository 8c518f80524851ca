// @vitest-environment jsdom
/**
 * A training block unloaded (note closed, Live Preview re-rendering) while its explorer is busy — a stroke waiting
 * for its frame, the computation stepper playing, a search for a misclassified sample under way, an epoch's view
 * being drawn in pieces — leaves nothing running: every timer, frame, observer, window/document listener and chart.js
 * instance it started is counted here at its source and must be gone.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installFakeCanvas } from "../training/fake-canvas";
import { makeHost, renderBlock, unloadBlock, type Host } from "../robustness/harness";
import { until } from "../../support/until";
import { liveChartCount } from "../../../src/render/charts/chart-frame";
import { countLiveResources, type LiveCounter, type LiveResources } from "../../support/live-resources";

let counter: LiveCounter;
let live: LiveResources;

beforeAll(() => {
	installFakeCanvas();
	counter = countLiveResources({ intersecting: false });
	live = counter.live;
});

afterAll(() => counter.restore());

/** What is live, chart.js instances (the prediction's and each dense layer's bars, the run's charts) among it. */
const counts = () => ({ charts: liveChartCount(), timeouts: live.timeouts.size, intervals: live.intervals.size, frames: live.frames.size, observers: live.observers, listeners: [...live.listeners.values()].reduce((x, y) => x + y, 0) });
const settle = (ms = 40): Promise<void> => new Promise((r) => setTimeout(r, ms));

const BLOCK = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 3 batch 32 adam lr 0.01 seed 7"].join("\n");

function clickCell(canvas: HTMLCanvasElement, rows: number, cols: number, row: number, col: number): void {
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: cols * 10, height: rows * 10, right: cols * 10, bottom: rows * 10, x: 0, y: 0, toJSON: () => ({}) });
	canvas.dispatchEvent(new MouseEvent("click", { clientX: col * 10 + 5, clientY: row * 10 + 5, bubbles: true }));
}

function pointer(canvas: HTMLCanvasElement, type: string, x: number, y: number): void {
	canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 100, height: 100, right: 100, bottom: 100, x: 0, y: 0, toJSON: () => ({}) });
	canvas.dispatchEvent(new MouseEvent(type, { clientX: x, clientY: y, bubbles: true, cancelable: true }));
}

/** Opens the explorer (unless open), waits for its first sample (asked a task after the click), and sets every part of it going. */
async function busyExplorer(el: HTMLElement): Promise<void> {
	if (!el.querySelector(".cnn-lab-explorer")) el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
	await until(() => el.querySelectorAll(".cnn-lab-explorer-strip .cnn-lab-explorer-layer").length > 1);
	// A conv cell's computation, its stepper playing.
	const conv = el.querySelectorAll<HTMLCanvasElement>(".cnn-lab-explorer-strip .cnn-lab-explorer-layer")[1]?.querySelector<HTMLCanvasElement>("canvas");
	if (!conv) throw new Error("no conv map in the strip");
	clickCell(conv, 8, 8, 3, 4);
	const play = el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-calc .cnn-conv-play");
	if (!play) throw new Error("no stepper in the computation view");
	play.click();
	// The search for a misclassified sample, then the pad with a stroke waiting for its frame.
	[...el.querySelectorAll<HTMLButtonElement>(".cnn-lab-explorer-source button")].find((b) => /misclassified/i.test(b.textContent ?? ""))?.click();
	[...el.querySelectorAll<HTMLButtonElement>(".cnn-lab-explorer-tab")].find((b) => /draw/i.test(b.textContent ?? ""))?.click();
	const pad = el.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-pad-canvas");
	if (!pad) throw new Error("no drawing pad");
	pointer(pad, "pointerdown", 50, 10);
	pointer(pad, "pointermove", 50, 60);
}

describe("unloading a block with its explorer open", () => {
	let host: Host;
	beforeAll(() => {
		host = makeHost();
		host.settings.useWorker = false;
	});
	afterAll(() => host.unload());

	it("stops the stroke's frame, the stepper, the searches and the staged drawing: nothing it started keeps running", async () => {
		await settle();
		const before = counts();
		const r = await renderBlock(host, "cnn", BLOCK);
		await busyExplorer(r.el);
		expect(live.frames.size + live.intervals.size + live.timeouts.size).toBeGreaterThan(before.frames + before.intervals + before.timeouts);
		unloadBlock(host, r);
		// At once, not once pending work has had time to finish by itself.
		expect(counts()).toEqual(before);
		await settle(100);
		expect(counts()).toEqual(before);
	});

	it("unloaded in the task it was opened in, before its first sample is asked: that ask never comes, nothing is left", async () => {
		await settle();
		const before = counts();
		const r = await renderBlock(host, "cnn", BLOCK);
		r.el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		// The explorer is on the page, its first sample queued for the next task.
		expect(r.el.querySelector(".cnn-lab-explorer")).not.toBeNull();
		expect(r.el.querySelectorAll(".cnn-lab-explorer-strip .cnn-lab-explorer-layer").length).toBe(0);
		expect(live.timeouts.size).toBeGreaterThan(before.timeouts);
		unloadBlock(host, r);
		expect(counts()).toEqual(before);
		await settle(100);
		expect(counts()).toEqual(before);
		expect(r.el.querySelectorAll(".cnn-lab-explorer-strip .cnn-lab-explorer-layer").length).toBe(0);
	});

	it("mid-run, with an epoch's view being drawn: the view goes with the block; the run's own timers go when it is stopped", async () => {
		await settle();
		const before = counts();
		const r = await renderBlock(host, "cnn", BLOCK);
		r.el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		r.el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
		await until(() => (r.el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "").includes("after epoch 1"));
		// The epoch's attribution and filters are still queued as pieces: the block goes now.
		await busyExplorer(r.el);
		unloadBlock(host, r);
		// At once: only the run goes on (it belongs to the plugin), with its one chunk timer.
		const after = counts();
		expect({ ...after, timeouts: 0 }).toEqual({ ...before, timeouts: 0 });
		expect(after.timeouts - before.timeouts).toBeLessThanOrEqual(1);
		host.training.stopAll();
		await until(() => host.training.activeRuns().length === 0);
		await settle(100);
		expect(counts()).toEqual(before);
	});
});
