// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { installFakeCanvas } from "./fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import type { JobStep } from "../../../src/worker/job";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

const BLOCK = ["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 2 batch 32 adam lr 0.01 seed 7"].join("\n");

let host: CnnLabHost & Plugin;

beforeEach(() => {
	const vault = new Vault({ "Notes/CNN.md": "# CNN" });
	const app = new App(vault);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS, useWorker: false }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

/**
 * The block's runs on the page's engine, each held after every epoch (steps that train nothing) until release():
 * `held` is the epoch it waits after.
 */
function holdAfterEpochs(h: CnnLabHost): { readonly held: number; release(): void } {
	const real = h.engine.createJob;
	const state = { held: 0, open: true };
	const engine: Pick<PageEngine, "createJob"> = {
		createJob: async (msg) => {
			const job = await real(msg);
			const idle: JobStep = { batch: null, epoch: null, samples: 0, done: false, failed: null };
			return {
				info: job.info,
				snapshot: () => job.snapshot(),
				weights: () => (job.weights ? job.weights() : new Float32Array(0)),
				finish: (last) => job.finish(last),
				step: () => {
					if (state.held > 0 && !state.open) return idle;
					const s = job.step();
					if (s.epoch && !s.done) {
						state.held = s.epoch.epoch;
						state.open = false;
					}
					return s;
				},
			};
		},
	};
	Object.assign(h, { engine });
	return {
		get held() {
			return state.open ? 0 : state.held;
		},
		release() {
			state.open = true;
		},
	};
}

describe("the explorer in a training block", () => {
	it("opens on demand (not on render), on the untrained network first, then on the run's trained weights", async () => {
		const { el } = await renderCodeBlock(host, "cnn", BLOCK, { sourcePath: "Notes/CNN.md" });
		// rendering the block draws no explorer: it is built when asked for
		expect(el.querySelector(".cnn-lab-explorer")).toBeNull();
		const open = el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open");
		if (!open) throw new Error("no explorer button");
		open.click();
		expect(el.querySelector(".cnn-lab-explorer-weights")?.textContent).toMatch(/untrained \(random\)/i);
		expect(el.querySelectorAll(".cnn-lab-explorer-bar")).toHaveLength(10);
		expect(el.querySelector(".cnn-lab-explorer-source input[type=number]")?.getAttribute("max")).toBe("1797");
		el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
		await until(() => (el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "").includes("this run, 2 epochs"));
		expect(el.querySelector(".cnn-lab-explorer-weights")?.textContent).toContain("this run, 2 epochs");
		expect(el.querySelector(".cnn-lab-explorer-weights")?.classList.contains("is-untrained")).toBe(false);
		// closing takes it away again
		open.click();
		expect(el.querySelector(".cnn-lab-explorer")).toBeNull();
	});

	it("follows the training: after each epoch the prediction, the strip, the attribution and the first-layer filters are that epoch's", async () => {
		// The real run, held after each epoch until the test lets it go on, so each epoch's view can be looked at.
		const gate = holdAfterEpochs(host);
		const { el } = await renderCodeBlock(host, "cnn", BLOCK.replace("epochs 2", "epochs 3"), { sourcePath: "Notes/CNN.md" });
		el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		// The opening asks about its first sample a task after the click, its attribution a task later.
		await until(() => el.querySelectorAll(".cnn-lab-explorer-why-map").length > 0);
		const weightsNote = (): string => el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "";
		const filtersTitle = (): string => el.querySelector(".cnn-lab-filters .cnn-lab-section-title")?.textContent ?? "";
		// What a user reads off the explorer: the class probabilities, and the numbers of every map and unit in the strip.
		const shown = (): string =>
			[...el.querySelectorAll(".cnn-lab-explorer-bar-value, .cnn-lab-explorer-strip td, .cnn-lab-explorer-unit-value")].map((n) => n.textContent).join(" ");
		const saliency = (): string => [...el.querySelectorAll(".cnn-lab-explorer-why td")].map((n) => n.textContent).join(" ");
		const untrained = shown();
		const untrainedWhy = saliency();
		expect(untrained).toMatch(/\d/);
		el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
		const epochView = async (n: number): Promise<{ maps: string; why: string }> => {
			await until(() => gate.held === n);
			await until(() => weightsNote().includes(`after epoch ${n}`));
			// The attribution and the filters come a few tasks later, so that no single task draws them all; drawn
			// hidden and put in place whole, one set of filters is on show, none half-drawn.
			await until(() => filtersTitle().includes(`after epoch ${n}`) && el.querySelector(".cnn-lab-training-views-next") === null);
			expect(el.querySelectorAll(".cnn-lab-filters")).toHaveLength(1);
			await until(() => el.querySelectorAll(".cnn-lab-explorer-why-map").length > 0);
			// the printed numbers (tables read by screen readers, unit values) follow once the updates pause (250 ms)
			await until(() => shown() !== before.maps && saliency() !== before.why);
			return { maps: shown(), why: saliency() };
		};
		let before = { maps: "", why: "" };
		before = { maps: untrained, why: untrainedWhy };
		const first = await epochView(1);
		expect(first.maps).not.toBe(untrained);
		expect(first.why).not.toBe(untrainedWhy);
		// The worker shows the network at most once a second: the next epoch ends more than a second later.
		await new Promise((r) => setTimeout(r, 1100));
		gate.release();
		before = first;
		const second = await epochView(2);
		expect(second.maps).not.toBe(first.maps);
		expect(second.why).not.toBe(first.why);
		gate.release();
		await until(() => weightsNote().includes("this run, 3 epochs"));
		await until(() => shown() !== second.maps);
		await until(() => filtersTitle().startsWith("Learned"));
	});

	it("`show charts` leaves the explorer out", async () => {
		const { el } = await renderCodeBlock(host, "cnn", BLOCK + "\nshow charts", { sourcePath: "Notes/CNN.md" });
		expect(el.querySelector(".cnn-lab-explorer-open")).toBeNull();
	});
});
