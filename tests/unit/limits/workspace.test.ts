import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { COL_CAP } from "../../../src/engine/ops/conv2d";
import { CONV_COL_CAP, checkLimits, priceModel, type Limits } from "../../../src/notation/cnn/limits";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { conv, dense, flatten } from "../export/models";

const limits: Limits = {
	maxParameters: DEFAULT_SETTINGS.maxParameters,
	maxActivationMB: DEFAULT_SETTINGS.maxActivationMB,
	maxMultiplyAddsPerEpoch: DEFAULT_SETTINGS.maxMultiplyAddsPerEpoch,
	maxRunSeconds: DEFAULT_SETTINGS.maxRunSeconds,
};

describe("the convolutions' workspace is priced", () => {
	it("uses the engine's own column-matrix cap", () => {
		expect(CONV_COL_CAP).toBe(COL_CAP);
	});

	it("prices one 3×3 convolution's column matrices and padded layout by hand", () => {
		const m: ModelSpec = { input: [1, 8, 8], layers: [conv(2, 3, { pad: [1, 1] }), flatten, dense(10)] };
		const p = priceModel(m, 4, 100, 1);
		// K = 9, P = 64: col and its gradient 2·9·64, the product 2·64, per image, 4 images in one chunk;
		// padded: 4 images × (1 + 2) channels × 10×10.
		expect(p.workspaceBytesPerBatch).toBe(4 * ((2 * 9 * 64 + 2 * 64) * 4 + 4 * 3 * 100));
	});

	it("refuses `conv 1 3x3 dilation 1000 pad 1000` on 8×8 digits, whose outputs are tiny", () => {
		const m: ModelSpec = { input: [1, 8, 8], layers: [conv(1, 3, { pad: [1000, 1000], dilation: [1000, 1000] }), flatten, dense(10)] };
		const p = priceModel(m, 32, 1438, 1);
		// every image padded to 2008×2008 for the input and the output's gradient: 32 · 2 · 2008² floats
		expect(p.workspaceBytesPerBatch).toBeGreaterThanOrEqual(4 * 32 * 2 * 2008 * 2008);
		expect(p.activationBytesPerBatch).toBeLessThan(1e6);
		const problems = checkLimits(p, limits);
		expect(problems.map((x) => x.key)).toEqual(["maxActivationMB"]);
		expect(problems[0].message).toMatch(/padded inputs/);
	});

	it("caps the column matrix at a chunk for a big batch, as the engine does", () => {
		const m: ModelSpec = { input: [3, 64, 64], layers: [conv(8, 3, { stride: [2, 2] }), flatten, dense(10)] };
		const one = priceModel(m, 1, 1, 1).workspaceBytesPerBatch;
		const many = priceModel(m, 100000, 1, 1).workspaceBytesPerBatch;
		// stride 2: no padded layout; the column matrices stop growing at CONV_COL_CAP floats a chunk
		expect(many).toBeLessThan(4 * 3 * CONV_COL_CAP);
		expect(many).toBeGreaterThan(one);
	});
});
