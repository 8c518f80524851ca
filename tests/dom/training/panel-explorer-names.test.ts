// @vitest-environment jsdom
/**
 * The explorer of a training block names the dataset's classes: on `train shapes` the eight shape names (from the
 * synthetic set's own list, src/data/shapes.ts) are the prediction's rows, the output layer's units under its bars,
 * the label picker's options and the sample's caption, before training and after a run; on a vault folder of class
 * folders, read only when the run starts, an explorer opened before the run takes the run's images and folder names.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderCodeBlock, Vault } from "../../support/obsidian-stub";
import { installFakeCanvas } from "./fake-canvas";
import { makeHost, type Host } from "../robustness/harness";
import { SHAPE_CLASSES } from "../../../src/data/shapes";
import { makeShapes } from "../../../src/data/shapes";
import { chartMade, chartOf } from "../../support/drawn-bars";
import { fakeImageDecoding, pngHeader } from "../../support/fake-images";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

let host: Host | null = null;
const restore: (() => void)[] = [];
afterEach(() => {
	for (const f of restore.splice(0)) f();
	host?.unload();
	host = null;
	document.body.empty();
});

const SHAPES = ["input 12x12x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 8", "softmax", "train shapes epochs 1 batch 32 adam lr 0.01 seed 3 limit 160"].join("\n");

/** What the explorer calls the classes, everywhere it names them. */
function namesShown(el: HTMLElement): { rows: string[]; units: string[]; options: string[]; caption: string } {
	const last = [...el.querySelectorAll(".cnn-lab-explorer-layer")].pop();
	return {
		rows: [...el.querySelectorAll(".cnn-lab-explorer-pred .cnn-lab-explorer-bar-name")].map((e) => e.textContent ?? ""),
		units: [...(last?.querySelectorAll(".cnn-lab-explorer-unit-name") ?? [])].map((e) => e.textContent ?? ""),
		options: [...el.querySelectorAll(".cnn-lab-explorer-source select option")].map((e) => e.textContent ?? "").slice(1),
		caption: el.querySelector(".cnn-lab-explorer-source .cnn-lab-note")?.textContent ?? "",
	};
}

describe("the explorer names a dataset's classes", () => {
	it("train shapes: the shape names in the prediction, under the output layer's bars, in the label picker, before and after a run", async () => {
		host = makeHost(new Vault({ "Notes/CNN.md": "# CNN" }));
		host.settings.useWorker = false;
		const { el } = await renderCodeBlock(host, "cnn", SHAPES, { sourcePath: "Notes/CNN.md" });
		el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		// the first sample is asked about a task after the click
		await until(() => el.querySelectorAll(".cnn-lab-explorer-layer").length === 7, 20_000);
		// the set the block trains on, made here as the dataset module makes it: its labels name sample 1
		const set = makeShapes({ size: 12, count: 160, seed: 3, lang: "en" });
		expect(set.classNames).toEqual([...SHAPE_CLASSES]);
		const check = (shown: ReturnType<typeof namesShown>): void => {
			expect(shown.rows).toEqual([...SHAPE_CLASSES]);
			expect(shown.units).toEqual([...SHAPE_CLASSES]);
			expect(shown.options).toEqual([...SHAPE_CLASSES]);
			expect(shown.caption).toBe(`Sample 1, label ${SHAPE_CLASSES[set.y[0]]}`);
		};
		check(namesShown(el));
		// the output layer's bar chart is labelled by those names too (a hidden layer's by unit number)
		const chart = [...el.querySelectorAll(".cnn-lab-explorer-layer")].pop()?.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-unit-chart canvas");
		if (!chart) throw new Error("no output bars");
		await chartMade(chart);
		expect(chartOf(chart).data.labels).toEqual([...SHAPE_CLASSES]);
		// the true class is ticked by its name on the prediction chart
		const pred = el.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-pred-chart canvas");
		if (!pred) throw new Error("no prediction chart");
		await chartMade(pred);
		expect(chartOf(pred).scales.y.ticks.map((k) => k.label)).toContain(`${SHAPE_CLASSES[set.y[0]]} ✓`);

		el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
		await until(() => (el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "").includes("this run, 1 epochs"), 60_000);
		await until(() => el.querySelectorAll(".cnn-lab-explorer-layer").length === 7, 20_000);
		check(namesShown(el));
	});
});

describe("the explorer names an image folder's classes", () => {
	it("train <folder>: the class folders' names in the prediction and under the output layer's bars after a run", async () => {
		// jsdom decodes no image: a bitmap of the file's size, read back as opaque grey pixels
		restore.push(fakeImageDecoding(8, () => 128));
		const files: Record<string, string | Uint8Array> = { "Notes/CNN.md": "# CNN" };
		for (const cls of ["cat", "dog", "fish"]) for (let i = 0; i < 4; i++) files[`pets/${cls}/${i}.png`] = pngHeader(8, 8);
		host = makeHost(new Vault(files));
		host.settings.useWorker = false;
		const block = ["input 8x8x1", "conv 2 3x3 pad 1", "relu", "flatten", "dense 3", "softmax", "train pets epochs 1 batch 4 adam lr 0.01 seed 3"].join("\n");
		const { el } = await renderCodeBlock(host, "cnn", block, { sourcePath: "Notes/CNN.md" });
		// opened before the run: a folder of the vault is read when the run starts, so the explorer has no samples yet
		el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		expect(el.querySelector(".cnn-lab-explorer-source input[type=number]")).toBeNull();
		el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
		await until(() => (el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "").includes("this run, 1 epochs") || el.querySelector(".cnn-lab-error") !== null, 60_000);
		expect(el.querySelector(".cnn-lab-error")).toBeNull();
		// the run's own data: its twelve images to pick from, named by their folders
		await until(() => el.querySelectorAll(".cnn-lab-explorer-layer").length === 6, 20_000);
		const shown = namesShown(el);
		expect(shown.rows).toEqual(["cat", "dog", "fish"]);
		expect(shown.units).toEqual(["cat", "dog", "fish"]);
		expect(shown.options).toEqual(["cat", "dog", "fish"]);
		expect(el.querySelector(".cnn-lab-explorer-source input[type=number]")?.getAttribute("max")).toBe("12");
		expect(shown.caption).toMatch(/^Sample 1, label (cat|dog|fish)$/);
		expect(el.querySelector(".cnn-lab-explorer-weights")?.textContent).toContain("this run, 1 epochs");
		// the class the Grad-CAM explains is offered by name too
		expect([...el.querySelectorAll(".cnn-lab-explorer-why select")][0].textContent).toContain("fish");
	});
});
