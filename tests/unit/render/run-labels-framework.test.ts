/** Runs drawn together are labelled by what differs; a PyTorch run of the same block differs in what trained it. */
import { describe, expect, it } from "vitest";
import { frameworkName, labelsByDifference } from "../../../src/render/log/run-labels";

const settings = { dataset: "digits", optimizer: "adam", lr: 0.01, batch: 32, epochs: 3, weightDecay: 0, seed: 7, val: 0.2, model: "input 8x8x1\ndense 10" };

describe("run labels and the framework key", () => {
	it("names CNN Lab's run and the PyTorch run of the same settings by their frameworks", () => {
		const labels = labelsByDifference([
			{ label: "Digits 2026-12-02 1700", settings },
			{ label: "Digits PyTorch 2026-12-02 1701", settings, framework: "pytorch" },
		]);
		expect(labels).toEqual(["CNN Lab", "PyTorch"]);
	});

	it("puts the framework before another difference, and leaves it out when all runs share one", () => {
		const labels = labelsByDifference([
			{ label: "a", settings },
			{ label: "b", settings: { ...settings, lr: 0.1 }, framework: "keras" },
		]);
		expect(labels[1]).toMatch(/^Keras.*lr 0\.1/);
		expect(labelsByDifference([{ label: "a", settings }, { label: "b", settings: { ...settings, lr: 0.1 } }])).not.toContain("CNN Lab");
		expect(frameworkName(null)).toBe("CNN Lab");
		expect(frameworkName("jax")).toBe("jax");
	});
});
