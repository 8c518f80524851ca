// @vitest-environment jsdom
/**
 * The strip builds its rows a few per task (the rows that fit in BUILD_CHUNK_VALUES values), so that opening the
 * explorer on a 28×28 network is not one long task; a newer result with the same shapes fills the later rows, and clearing cancels them.
 */
import { beforeAll, describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import type { ProbeResult } from "../../../src/engine/probe";
import { BUILD_CHUNK_VALUES, LayerStrip } from "../../../src/render/explorer/layer-strip";

beforeAll(() => installFakeCanvas());

/** Five 1-channel maps of `side`² values, then ten units; every value `v`. */
function result(side: number, v: number): ProbeResult {
	const map = (layer: number) => ({ layer, label: `map ${layer}`, spec: null, shape: [1, side, side], data: new Float32Array(side * side).fill(v) });
	const stages = [0, 1, 2, 3, 4].map((k) => map(k - 1));
	stages.push({ layer: 4, label: "dense 10", spec: null, shape: [10], data: new Float32Array(10).fill(v) });
	return { input: stages[0].data, stages, probs: new Float32Array(10).fill(0.1) };
}

const nextTask = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

function mountStrip(): { strip: LayerStrip; rows: () => number; labels: () => string[] } {
	const host = document.body.createDiv();
	const strip = new LayerStrip(host, { colormap: "viridis", decimals: 2, lineText: () => null, classNames: [], onPick: () => {} });
	return {
		strip,
		rows: () => host.querySelectorAll(".cnn-lab-explorer-layer").length,
		labels: () => [...host.querySelectorAll(".cnn-lab-explorer-legend .cnn-lab-note")].map((e) => e.textContent ?? ""),
	};
}

describe("the strip's build in chunks", () => {
	// Each map just under half a chunk: two maps a task; a map just over half: one.
	const side = Math.floor(Math.sqrt(BUILD_CHUNK_VALUES / 2));
	const over = Math.ceil(Math.sqrt(BUILD_CHUNK_VALUES / 2 + 1));

	it("builds two large maps per task, then the rest in later tasks, from the newest result", async () => {
		const { strip, rows, labels } = mountStrip();
		strip.show(result(side, 1));
		expect(rows()).toBe(2);
		expect(strip.isBuilding).toBe(true);
		strip.show(result(side, 5));
		while (strip.isBuilding) await nextTask();
		expect(rows()).toBe(6);
		// the rows built first were updated in place, the later ones built from the second result
		expect(labels().every((l) => l.includes("5"))).toBe(true);
		strip.destroy();
	});

	it("a row that would take a task past the chunk waits for the next task (one map over half a chunk a task)", async () => {
		const { strip, rows } = mountStrip();
		strip.show(result(over, 1));
		const perTask = [rows()];
		while (strip.isBuilding) {
			await nextTask();
			perTask.push(rows());
		}
		// The five maps one a task, the ten units with the last map (10 values fit beside it).
		expect(perTask).toEqual([1, 2, 3, 4, 6]);
		strip.destroy();
	});

	it("clearing the strip cancels the rows still to build", async () => {
		const { strip, rows } = mountStrip();
		strip.show(result(side, 1));
		strip.clear();
		await nextTask();
		await nextTask();
		expect(rows()).toBe(0);
		expect(strip.isBuilding).toBe(false);
	});

	it("small networks are built in one go", () => {
		const { strip, rows } = mountStrip();
		strip.show(result(8, 1));
		expect(rows()).toBe(6);
		expect(strip.isBuilding).toBe(false);
		strip.destroy();
	});
});
