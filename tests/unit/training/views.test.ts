import { describe, expect, it } from "vitest";
import { viewsToShow } from "../../../src/plugin/training/panel-data";
import { knownTrainSamples } from "../../../src/plugin/training/limit-check";
import type { TrainSpec } from "../../../src/notation/cnn/types";

describe("show line", () => {
	it("no show line, or nothing recognised, shows every view", () => {
		const all = { charts: true, confusion: true, samples: true, filters: true, featureMaps: true, explorer: true };
		expect(viewsToShow(null)).toEqual(all);
		expect(viewsToShow(["everything?"])).toEqual(all);
		expect(viewsToShow(["all"])).toEqual(all);
	});

	it("picks the named views, with commas and aliases", () => {
		expect(viewsToShow(["filters,", "feature-maps"])).toEqual({ charts: false, confusion: false, samples: false, filters: true, featureMaps: true, explorer: false });
		expect(viewsToShow(["loss", "predictions"])).toEqual({ charts: true, confusion: false, samples: true, filters: false, featureMaps: false, explorer: false });
		expect(viewsToShow(["explorer"]).explorer).toBe(true);
	});
});

describe("samples per epoch known before reading data", () => {
	const spec = (dataset: string, limit: number | null, val = 0.2): TrainSpec => ({
		line: 1,
		dataset,
		epochs: 1,
		batch: 32,
		optimizer: { name: "adam", lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
		seed: 1,
		val,
		limit,
		saveWeights: false,
	});
	it("digits: 1797 less the held-out part; a limit caps it; vault data are unknown (0) until read", () => {
		expect(knownTrainSamples(spec("digits", null))).toBe(Math.round(1797 * 0.8));
		expect(knownTrainSamples(spec("digits", 500))).toBe(400);
		expect(knownTrainSamples(spec("CNN data/mnist", null))).toBe(0);
		expect(knownTrainSamples(spec("CNN data/mnist", 1000, 0))).toBe(1000);
	});
});
