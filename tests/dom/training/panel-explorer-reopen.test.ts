// @vitest-environment jsdom
/**
 * A note reopened after a run: the block's explorer uses that run's trained weights (read back from the weights
 * file the run saved beside its note), says so, and predicts as a network loaded from that file with the project's
 * own safetensors reader does, and as the explorer did at the end of the run.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { renderCodeBlock, Vault, type Component } from "../../support/obsidian-stub";
import { installFakeCanvas } from "./fake-canvas";
import { makeHost, type Host } from "../robustness/harness";
import { parseRunNote } from "../../../src/runs/run-note";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { Sequential } from "../../../src/engine/model";
import { loadSafetensors } from "../../../src/interop/safetensors-weights";
import { loadDigits } from "../../../src/data/digits";
import { padToInput } from "../../../src/data/pad-input";
import { chartMade, drawnBars } from "../../support/drawn-bars";
import { fakeImageDecoding, pngHeader } from "../../support/fake-images";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

const BLOCK = ["input 8x8x1", "conv 4 3x3 pad 1", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 2 batch 32 adam lr 0.01 seed 5 limit 300"].join("\n");

let host: Host | null = null;
let vault: Vault;
afterEach(() => {
	host?.unload();
	host = null;
	document.body.empty();
});

async function render(h: Host): Promise<{ el: HTMLElement; child: Component }> {
	const { el, children } = await renderCodeBlock(h, "cnn", BLOCK, { sourcePath: "Notes/CNN.md" });
	return { el, child: children[0] };
}

const weightsNote = (el: HTMLElement): string => el.querySelector(".cnn-lab-explorer-weights")?.textContent ?? "";

/** The probabilities the explorer's prediction chart draws, in class order, once sample 1 is shown. */
async function shownProbs(el: HTMLElement): Promise<number[]> {
	await until(() => /^Predicted /.test(el.querySelector(".cnn-lab-explorer-pred-summary")?.textContent ?? ""), 20_000);
	const canvas = el.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-pred-chart canvas");
	if (!canvas) throw new Error("no prediction chart");
	await chartMade(canvas);
	return drawnBars(canvas).map((b) => Number(b.value));
}

/** The input row's hidden numbers (the explorer's sample as the network gets it), 2 decimals. */
function shownInput(el: HTMLElement): number[] {
	const row = el.querySelector(".cnn-lab-explorer-layer");
	return [...(row?.querySelectorAll("td") ?? [])].map((td) => Number((td.textContent ?? "").replace("−", "-")));
}

/** The path of the run note the vault holds (one run per test). */
const notePath = (): string | undefined => vault.getFiles().find((f) => f.path.startsWith("CNN runs/") && f.extension === "md")?.path;

/** Waits until that run note says completed. */
async function runCompleted(): Promise<void> {
	await until(async () => {
		const p = notePath();
		const f = p ? vault.getFileByPath(p) : null;
		return f !== null && parseRunNote(await vault.read(f))?.status === "completed";
	}, 60_000);
}

describe("a reopened note's explorer", () => {
	it("uses the run's saved weights: says so, and predicts sample 1 as the saved weights file and the ended run do", async () => {
		vault = new Vault({ "Notes/CNN.md": "# CNN" });
		host = makeHost(vault);
		host.settings.useWorker = false;
		const h = host;
		const first = await render(h);
		first.el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		first.el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
		await until(() => weightsNote(first.el).includes("this run, 2 epochs"), 60_000);
		await runCompleted();
		// the prediction the explorer showed with the weights the run ended with
		const atEnd = await shownProbs(first.el);
		first.child.unload();
		first.el.remove();

		const path = notePath() ?? "";
		const name = (path.split("/").pop() ?? "").replace(/\.md$/, "");
		const file = vault.getFileByPath(path.replace(/\.md$/, ".safetensors"));
		if (!file) throw new Error(`no weights file beside ${path}: ${vault.getFiles().map((f) => f.path).join(", ")}`);
		// the network loaded from the saved file by the project's safetensors reader, asked about digit sample 1
		const model = parseCnn(BLOCK).model;
		if (!model) throw new Error("the block does not parse");
		const net = Sequential.build(model, 12345);
		const loaded = loadSafetensors(net, new Uint8Array(await vault.readBinary(file)));
		expect(loaded.ok).toBe(true);
		const digits = loadDigits();
		const x0 = digits.x.slice(0, 64);
		const fromFile = Array.from(net.predict({ shape: [1, 1, 8, 8], data: x0 }).data);

		const again = await render(h);
		await until(() => /Latest run/.test(again.el.querySelector(".cnn-lab-training-status")?.textContent ?? ""), 20_000);
		const open = again.el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open");
		if (!open) throw new Error("no explorer button");
		open.click();
		expect(weightsNote(again.el)).toBe(`Trained weights: ${name}`);
		expect(weightsNote(again.el)).not.toMatch(/untrained/i);
		expect(again.el.querySelector(".cnn-lab-explorer-weights")?.classList.contains("is-untrained")).toBe(false);
		const reopened = await shownProbs(again.el);
		// it is sample 1 of the digits that is shown
		expect(again.el.querySelector(".cnn-lab-explorer-source .cnn-lab-note")?.textContent).toBe(`Sample 1, label ${digits.y[0]}`);
		const input = shownInput(again.el);
		expect(input).toHaveLength(64);
		input.forEach((v, i) => expect(Math.abs(v - x0[i])).toBeLessThanOrEqual(0.005 + 1e-9));
		expect(reopened).toHaveLength(10);
		reopened.forEach((p, k) => expect(p).toBeCloseTo(fromFile[k], 5));
		reopened.forEach((p, k) => expect(p).toBeCloseTo(atEnd[k], 5));
		// and the trained network is not the untrained one: a fresh network of the block's seed predicts otherwise
		const fresh = Array.from(Sequential.build(model, 5).predict({ shape: [1, 1, 8, 8], data: x0 }).data);
		expect(Math.max(...reopened.map((p, k) => Math.abs(p - fresh[k])))).toBeGreaterThan(0.05);
	});
});

describe("a reopened note's explorer, on a vault image folder", () => {
	for (const early of [false, true]) {
		it(`uses the run's saved weights and the note's class names, though the folder's images are not read again${early ? " (opened before the stored run is read)" : ""}`, async () => {
			// jsdom decodes no image: a bitmap of the file's size, read back as opaque pixels, a grey level per call
			let calls = 0;
			const restore = fakeImageDecoding(8, () => 40 + ((calls++ * 37) % 200));
			try {
				const files: Record<string, string | Uint8Array> = { "Notes/CNN.md": "# CNN" };
				for (const cls of ["cat", "dog", "fish"]) for (let i = 0; i < 4; i++) files[`pets/${cls}/${i}.png`] = pngHeader(8, 8);
				vault = new Vault(files);
				host = makeHost(vault);
				host.settings.useWorker = false;
				const h = host;
				const block = ["input 8x8x1", "conv 2 3x3 pad 1", "relu", "flatten", "dense 3", "softmax", "train pets epochs 2 batch 4 adam lr 0.05 seed 3"].join("\n");
				const first = await renderCodeBlock(h, "cnn", block, { sourcePath: "Notes/CNN.md" });
				first.el.querySelector<HTMLButtonElement>(".cnn-lab-train")?.click();
				await runCompleted();
				await until(() => vault.getFiles().some((f) => f.extension === "safetensors"), 20_000);
				first.children[0].unload();
				first.el.remove();
				const name = (notePath() ?? "").split("/").pop()?.replace(/\.md$/, "");

				const again = await renderCodeBlock(h, "cnn", block, { sourcePath: "Notes/CNN.md" });
				if (early) {
					again.el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
					expect(weightsNote(again.el)).toMatch(/^Untrained/);
				}
				await until(() => /Latest run/.test(again.el.querySelector(".cnn-lab-training-status")?.textContent ?? ""), 20_000);
				await new Promise((r) => setTimeout(r, 50));
				if (!early) again.el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
				expect(weightsNote(again.el)).toBe(`Trained weights: ${name}`);
				// the classes by the names the run's note keeps, as the block's confusion matrix shows them
				const rows = (): string[] => [...again.el.querySelectorAll(".cnn-lab-explorer-pred .cnn-lab-explorer-bar-name")].map((e) => e.textContent ?? "");
				expect(rows()).toEqual(["cat", "dog", "fish"]);
				expect([...again.el.querySelectorAll(".cnn-lab-confusion-table thead th:not(.cnn-lab-confusion-acc)")].slice(1).map((th) => th.textContent)).toEqual(["cat", "dog", "fish"]);
				// no images to pick (the folder is read by a run): a drawing, predicted as the saved weights file predicts it
				expect(again.el.querySelector(".cnn-lab-explorer-source input[type=number]")).toBeNull();
				const pad = again.el.querySelector<HTMLCanvasElement>(".cnn-lab-explorer-pad-canvas");
				if (!pad) throw new Error("no pad");
				pad.getBoundingClientRect = () => ({ left: 0, top: 0, width: 200, height: 200, right: 200, bottom: 200, x: 0, y: 0, toJSON: () => ({}) });
				const points = [[40, 40], [100, 160], [160, 60]];
				points.forEach(([x, y], k) => pad.dispatchEvent(new PointerEvent(k === 0 ? "pointerdown" : "pointermove", { pointerType: "mouse", pointerId: 1, clientX: x, clientY: y, bubbles: true, cancelable: true })));
				pad.dispatchEvent(new PointerEvent("pointerup", { pointerType: "mouse", pointerId: 1, bubbles: true }));
				const drawn = await shownProbs(again.el);
				const model = parseCnn(block).model;
				const file = vault.getFileByPath((notePath() ?? "").replace(/\.md$/, ".safetensors"));
				if (!model || !file) throw new Error("no model or weights file");
				const net = Sequential.build(model, 777);
				expect(loadSafetensors(net, new Uint8Array(await vault.readBinary(file))).ok).toBe(true);
				const x = padToInput([points.map(([px, py]) => ({ x: px / 200, y: py / 200 }))], 0.09, [1, 8, 8]);
				if (!x) throw new Error("no input from the stroke");
				const want = Array.from(net.predict({ shape: [1, 1, 8, 8], data: x }).data);
				drawn.forEach((p, k) => expect(p).toBeCloseTo(want[k], 5));
				expect(rows()).toEqual(["cat", "dog", "fish"]);
				const last = [...again.el.querySelectorAll(".cnn-lab-explorer-layer")].pop();
				expect([...(last?.querySelectorAll(".cnn-lab-explorer-unit-name") ?? [])].map((e) => e.textContent)).toEqual(["cat", "dog", "fish"]);
			} finally {
				// (the DOM files share one window: both stand-ins go with this test)
				restore();
			}
		});
	}
});
