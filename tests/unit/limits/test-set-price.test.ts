/** A test set (`train mnist test mnist`) is priced too: its one evaluation pass counts in the run's time. */
import { describe, expect, it } from "vitest";
import { ENGINE_MACS_PER_SECOND, priceModel } from "../../../src/notation/cnn/limits";
import { refusal } from "../../../src/plugin/training/limit-check";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { lenet5 } from "../export/models";

// LeNet-5's forward pass by hand: conv1 28·28·6·25 = 117 600, conv2 10·10·16·150 = 240 000, dense 58 920.
const LENET_MACS = 117600 + 240000 + 58920;

describe("pricing a test set", () => {
	it("adds one forward pass per test image to the estimated time, and nothing to the per-epoch numbers", () => {
		const without = priceModel(lenet5, 32, 60000, 2);
		const withTest = priceModel(lenet5, 32, 60000, 2, 10000);
		expect(withTest.estimatedSeconds - without.estimatedSeconds).toBeCloseTo((LENET_MACS * 10000) / ENGINE_MACS_PER_SECOND, 6);
		expect(withTest.multiplyAddsPerEpoch).toBe(without.multiplyAddsPerEpoch);
		expect(withTest.activationBytesPerBatch).toBe(without.activationBytesPerBatch);
		// a nonsense count prices as none, as the training count does
		expect(priceModel(lenet5, 32, 60000, 2, Number.NaN).estimatedSeconds).toBe(without.estimatedSeconds);
	});

	it("refuses a run whose test set alone would take longer than the time limit, with the time in the message", () => {
		const p = parseCnn("input 28x28x1\nconv 6 5x5 pad 2\nrelu\nmaxpool 2\nflatten\ndense 10\ntrain mnist test mnist epochs 1");
		expect(p.model && p.train?.test).toBeTruthy();
		const settings = { ...DEFAULT_SETTINGS, maxRunSeconds: 60 };
		// 28·28·6·25 + 1176·10 = 129 360 multiply-adds a forward pass; 1000 training images fit the minute...
		expect(refusal(p.model!, p.train!, settings, 1000, 0)).toBeNull();
		// ...and so would a 10 000-image test set (2.6 s), but not one of 300 000 (78 s)
		expect(refusal(p.model!, p.train!, settings, 1000, 10000)).toBeNull();
		const refused = refusal(p.model!, p.train!, settings, 1000, 300000);
		expect(refused).toContain("78 s");
		// without `test` on the train line no test count is priced, whatever the caller passes
		const noTest = parseCnn("input 28x28x1\nconv 6 5x5 pad 2\nrelu\nmaxpool 2\nflatten\ndense 10\ntrain mnist epochs 1");
		expect(refusal(noTest.model!, noTest.train!, settings, 1000, 300000)).toBeNull();
	});
});
