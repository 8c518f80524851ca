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

async function until(cond: () => boolean, ms = 30000): Promise<void> {
	const t0 = Date.now();
	while (!cond()) {
		if (Date.now() - t0 > ms) throw new Error("timed out");
		await new Promise((r) => setTimeout(r, 10));
	}
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
		await until(() => (el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "").includes("this run"));
		expect(el.querySelector(".cnn-lab-explorer-weights")?.textContent).toContain("this run, 2 epochs");
		expect(el.querySelector(".cnn-lab-explorer-weights")?.classList.contains("is-untrained")).toBe(false);
		// closing takes it away again
		open.click();
		expect(el.querySelector(".cnn-lab-explorer")).toBeNull();
	});

	it("`show charts` leaves the explorer out", async () => {
		const { el } = await renderCodeBlock(host, "cnn", BLOCK + "\nshow charts", { sourcePath: "Notes/CNN.md" });
		expect(el.querySelector(".cnn-lab-explorer-open")).toBeNull();
	});
});
