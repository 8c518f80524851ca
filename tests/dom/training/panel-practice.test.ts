// @vitest-environment jsdom
/** The panel with a test set (`test mnist`) and with augmentation (`augment …`): what the user sees and what the note keeps. */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { App, Plugin, Vault, renderCodeBlock, type Component } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { installFakeCanvas } from "./fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { parseRunNote as readRun } from "../../../src/runs/run-note";
import { formatPercent } from "../../../src/render/training/format";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

function idx(dims: number[], data: ArrayLike<number>): Uint8Array {
	const out = new Uint8Array(4 + 4 * dims.length + data.length);
	out[2] = 0x08;
	out[3] = dims.length;
	const view = new DataView(out.buffer);
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
	out.set(Array.from(data), 4 + 4 * dims.length);
	return out;
}

/** The vault: an mnist folder of IDX files made of the 8×8 digits, the first 1200 to train on, the rest as t10k. */
function files(): Record<string, string | Uint8Array> {
	const d = loadDigits();
	const cut = 1200;
	const bytes = (from: number, to: number): Uint8Array => Uint8Array.from(d.x.subarray(from * 64, to * 64), (v) => Math.round(v * 255));
	return {
		"Notes/CNN.md": "# CNN",
		"mnist/train-images-idx3-ubyte": idx([cut, 8, 8], bytes(0, cut)),
		"mnist/train-labels-idx1-ubyte": idx([cut], d.y.subarray(0, cut)),
		"mnist/t10k-images-idx3-ubyte": idx([d.n - cut, 8, 8], bytes(cut, d.n)),
		"mnist/t10k-labels-idx1-ubyte": idx([d.n - cut], d.y.subarray(cut)),
	};
}

const net = (train: string): string =>
	["input 8x8x1", "conv 8 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", train].join("\n");

let host: CnnLabHost & Plugin;
let app: App;
let vault: Vault;

beforeEach(() => {
	vault = new Vault(files());
	app = new App(vault);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	// As main.ts does: runs belong to the plugin, and its unload ends them.
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

async function render(source: string): Promise<{ el: HTMLElement; child: Component }> {
	const { el, children } = await renderCodeBlock(host, "cnn", source, { sourcePath: "Notes/CNN.md" });
	return { el, child: children[0] };
}

const button = (el: HTMLElement, cls: string): HTMLButtonElement => el.querySelector(`button.${cls}`) as HTMLButtonElement;

async function theRun(): Promise<NonNullable<ReturnType<typeof readRun>>> {
	for (let i = 0; i < 2000; i++) {
		const f = vault.getFiles().find((x) => x.path.startsWith("CNN runs/") && x.extension === "md");
		const r = f ? readRun(await vault.read(f)) : null;
		if (r && r.status === "completed") return r;
		await new Promise((res) => setTimeout(res, 10));
	}
	throw new Error("no completed run note");
}

describe("the training panel with a test set and augmentation", () => {
	it("before training, `augment` shows a row of augmented training images, named by the line's words", async () => {
		const { el } = await render(net("train digits epochs 1 seed 3 augment shift 1 rotate 10"));
		await until(() => el.querySelectorAll(".cnn-lab-augmented .cnn-lab-sample").length === 8);
		expect(el.querySelector(".cnn-lab-augmented .cnn-lab-section-title")?.textContent).toContain("shift 1 rotate 10");
		// drawn like the sample images: one heatmap per cell
		await until(() => el.querySelectorAll(".cnn-lab-augmented .cnn-lab-sample-image canvas").length === 8);
		// without augment there is no such row
		const plain = await render(net("train digits epochs 1 seed 3"));
		await until(() => plain.el.querySelectorAll(".cnn-lab-filter").length === 8);
		expect(plain.el.querySelector(".cnn-lab-augmented")).toBeNull();
	});

	it("train mnist test mnist: the final numbers, confusion matrix and samples are the test set's, named so; the note keeps test_acc apart", async () => {
		const { el } = await render(net("train mnist test mnist epochs 2 batch 32 adam lr 0.01 seed 7 augment shift 1"));
		button(el, "cnn-lab-train").click();
		await until(() => el.querySelector(".cnn-lab-metrics") !== null);
		const list = el.querySelector(".cnn-lab-metrics-list")?.textContent ?? "";
		expect(list).toMatch(/test accuracy/i);
		expect(list).toMatch(/validation accuracy/i);
		// (the augmented row is drawn like the samples, with their class: the results' samples are the other one)
		await until(() => el.querySelector(".cnn-lab-confusion") !== null && el.querySelector(".cnn-lab-samples:not(.cnn-lab-augmented)") !== null);
		expect(el.querySelector(".cnn-lab-confusion .cnn-lab-section-title")?.textContent).toContain("test set, 597 images");
		expect(el.querySelector(".cnn-lab-samples:not(.cnn-lab-augmented) .cnn-lab-section-title")?.textContent).toMatch(/^Test images/);
		const run = await theRun();
		expect(run.test?.n).toBe(597);
		expect(run.test?.acc).toBeGreaterThan(0.5);
		// the first number shown is the test accuracy the note keeps
		const first = el.querySelector(".cnn-lab-metric");
		expect(first?.querySelector("dt")?.textContent).toBe("Test accuracy");
		expect(first?.querySelector("dd")?.textContent).toBe(formatPercent(run.test?.acc));
		expect((run.confusion?.matrix ?? []).flat().reduce((a, b) => a + b, 0)).toBe(597);
	});
});
