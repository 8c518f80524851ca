// The page side of the explorer benchmark: the explorer as a block opens it, for the LeNet-like W4 network on 28×28
// input (tests/bench/ours.ts), in a plain page with the plugin's styles. Times, on the page's thread, each action to
// the end of its style and layout (a forced reflow after it): a stroke on the pad, a click on a map, the attribution.
// Each round runs in a task of its own, marked "bench:<action>" (a User Timing mark) so that the runner can find the
// task in Chromium's trace and read the CPU time the thread itself spent in it.
import { installDomHelpers } from "../../support/obsidian-stub";
import { Probe } from "../../../src/engine/probe";
import { ExplorerView } from "../../../src/render/explorer/explorer-view";
import { oursW4 } from "../ours";

installDomHelpers(globalThis);

declare global {
	interface Window {
		explorerBench: (rounds: number) => Promise<Record<string, number[]>>;
	}
}

const LINES = ["conv 8 5x5 pad 2", "relu", "maxpool 2", "conv 16 5x5", "relu", "maxpool 2", "flatten", "dense 64", "relu", "dense 10", "softmax"];

/** The next task: what the page does between two rounds (a frame, a timer) is not counted in either. */
/** A forced layout (the opening's, before the pause that lets its later tasks run). */
const settle0 = (el: HTMLElement): number => el.offsetHeight;

const nextTask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

window.explorerBench = async (rounds) => {
	const host = document.querySelector<HTMLElement>(".markdown-preview-view") ?? document.body;
	// Opened as the panel opens it for a dataset: on its first sample (20 seeded noise images of 28×28), then the
	// drawing tab. The opening is the first run of all this code on the page, so its task holds the compilation too.
	const n = 20;
	const x = new Float32Array(n * 28 * 28);
	let seed = 7;
	for (let i = 0; i < x.length; i++) x[i] = ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 0x1000000;
	const samples = { x, y: Array.from({ length: n }, (_, i) => i % 10), n };
	performance.mark("bench:open");
	const probe = new Probe(oursW4, 7, null);
	const view = new ExplorerView(host, {
		probe,
		firstSampleLater: true,
		classNames: Array.from({ length: 10 }, (_, i) => String(i)),
		samples,
		weightsFrom: null,
		lineText: (i) => LINES[i] ?? null,
		colormap: "viridis",
		decimals: 2,
	});
	settle0(host);
	await new Promise((resolve) => setTimeout(resolve, 500));
	performance.mark("bench:draw-tab");
	view.setMode("draw");
	const pad = view.drawPad;
	const canvas = host.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-pad-canvas");
	if (!pad || !canvas) throw new Error("no drawing pad");
	const box = canvas.getBoundingClientRect();
	const at = (type: string, fx: number, fy: number): void => {
		canvas.dispatchEvent(new PointerEvent(type, { clientX: box.left + fx * box.width, clientY: box.top + fy * box.height, pointerId: 1, bubbles: true, cancelable: true }));
	};
	const settle = (): number => host.offsetHeight;
	/** Each round's time to the end of its layout, each in its own task; `script` gets the part before the forced layout. */
	const time = async (name: string, fn: (k: number) => void, script?: number[]): Promise<number[]> => {
		const out: number[] = [];
		for (let k = 0; k < rounds; k++) {
			await nextTask();
			performance.mark(`bench:${name}`);
			const t0 = performance.now();
			fn(k);
			script?.push(performance.now() - t0);
			settle();
			out.push(performance.now() - t0);
		}
		return out;
	};
	// A stroke: a pointer move, then the frame: the pad redrawn, the input downsampled, the prediction and every map
	// of the strip redrawn (the attribution is the next task's, timed below).
	at("pointerdown", 0.5, 0.15);
	const strokeScript: number[] = [];
	const stroke = await time("stroke", (k) => {
		at("pointermove", 0.5 + 0.01 * Math.sin(k), 0.15 + ((k % 20) + 1) * 0.035);
		pad.flush();
	}, strokeScript);
	at("pointerup", 0.5, 0.85);
	const r = view.current;
	if (!r) throw new Error("the drawing gave no result");
	// A click on a cell of each kind of map: the computation view for it.
	const stageOf = (type: string): number => r.stages.findIndex((s) => s.spec?.type === type);
	const clickAt = (type: string): Promise<number[]> => {
		const stage = stageOf(type);
		const n = r.stages[stage].data.length;
		return time(`click-${type}`, (k) => view.pick(stage, (k * 7919) % n));
	};
	const clickConv = await clickAt("conv");
	const clickPool = await clickAt("maxpool");
	const clickDense = await clickAt("dense");
	// Saliency and Grad-CAM of the predicted class on the last conv layer, computed and drawn.
	const attributionScript: number[] = [];
	const attribution = await time("attribution", () => view.attribution.show(r), attributionScript);
	const cam = probe.camLayers();
	const computeOnly = await time("compute", () => {
		probe.saliency(r.input, 0);
		probe.gradCam(r.input, 0, cam[cam.length - 1]);
	});
	const forward = await time("forward", () => probe.run(r.input));
	view.destroy();
	return { stroke, strokeScript, attributionScript, clickConv, clickPool, clickDense, attribution, computeOnly, forward };
};
