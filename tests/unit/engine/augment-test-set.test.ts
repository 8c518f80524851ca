import { describe, expect, it } from "vitest";
import { loadDigits } from "../../../src/data/digits";
import { subset } from "../../../src/data/dataset";
import { Augmenter, warpImage, type AugmentSpec } from "../../../src/engine/augment";
import { Sequential } from "../../../src/engine/model";
import { optimizerSpec } from "../../../src/engine/optim";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { Rng } from "../../../src/engine/rng";
import { Trainer, type DoneEvent, type TrainConfig, type TrainData } from "../../../src/engine/trainer";
import { ctx } from "../../support/engine";

const net: ModelSpec = { input: [1, 8, 8], layers: [{ type: "flatten" }, { type: "dense", units: 16, bias: true }, { type: "relu" }, { type: "dense", units: 10, bias: true }] };

// A 3×3 image with every pixel different (values v = (row·3 + col + 1)/10), one channel.
const img = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9], (v) => v / 10);
const warp = (dx: number, dy: number, flip: boolean, deg: number, c = 1, src: Float32Array = img, h = 3, w = 3): number[] => {
	const out = new Float32Array(c * h * w);
	warpImage(src, 0, out, 0, c, h, w, dx, dy, flip, deg);
	return Array.from(out, (v) => Math.round(v * 10));
};

describe("augmentation of one known image", () => {
	it("shift 1 right moves every column right and fills the left with zeros", () => {
		expect(warp(1, 0, false, 0)).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
	});
	it("shift 1 down and 1 left", () => {
		expect(warp(-1, 1, false, 0)).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
	});
	it("flip mirrors left and right", () => {
		expect(warp(0, 0, true, 0)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
	});
	it("rotate 90 turns the image a quarter clockwise (the left column becomes the top row)", () => {
		expect(warp(0, 0, false, 90)).toEqual([7, 4, 1, 8, 5, 2, 9, 6, 3]);
	});
	it("every channel moves the same way", () => {
		const two = new Float32Array(18);
		two.set(img, 0);
		two.set(img, 9);
		const out = warp(1, 0, false, 0, 2, two);
		expect(out.slice(0, 9)).toEqual(out.slice(9));
		expect(out.slice(0, 9)).toEqual([0, 1, 2, 0, 4, 5, 0, 7, 8]);
	});
	it("noise 0.05 changes values by about 0.05 and keeps them in 0..1", () => {
		const n = 4000;
		const x = new Float32Array(n).fill(0.5);
		new Augmenter({ shift: 0, flip: false, rotate: 0, noise: 0.05 }, [1, 1, n], new Rng(1)).apply(x, 1);
		const sd = Math.sqrt(x.reduce((a, v) => a + (v - 0.5) ** 2, 0) / n);
		expect(sd).toBeGreaterThan(0.045);
		expect(sd).toBeLessThan(0.055);
		const edge = new Float32Array(n).fill(1);
		new Augmenter({ shift: 0, flip: false, rotate: 0, noise: 0.05 }, [1, 1, n], new Rng(1)).apply(edge, 1);
		expect(Math.max(...edge)).toBeLessThanOrEqual(1);
	});
});

const AUG: AugmentSpec = { shift: 2, flip: true, rotate: 10, noise: 0.05 };

/** The batches the model is given, copied, over a short run. */
function batchesOf(cfg: TrainConfig, data: TrainData = loadDigits()): { batches: Float32Array[]; trainer: Trainer } {
	const model = Sequential.build(net, 1, ctx);
	const batches: Float32Array[] = [];
	const lag = model.lossAndGrad.bind(model);
	model.lossAndGrad = (x, y) => {
		batches.push(x.data.slice());
		return lag(x, y);
	};
	const trainer = new Trainer(model, data, cfg);
	while (!trainer.finished) trainer.step();
	return { batches, trainer };
}
const cfg = (seed: number, augment: AugmentSpec | null): TrainConfig => ({ epochs: 2, batchSize: 32, optimizer: optimizerSpec("adam"), seed, val: 0.2, limit: 200, augment });

describe("augmentation in training", () => {
	it("the same seed gives identical batches; another seed different ones", () => {
		const a = batchesOf(cfg(5, AUG)).batches;
		const b = batchesOf(cfg(5, AUG)).batches;
		const c = batchesOf(cfg(6, AUG)).batches;
		expect(a.length).toBeGreaterThan(4);
		expect(b).toEqual(a);
		expect(c).not.toEqual(a);
	});

	it("the batches are the data augmented: same images and order as without, but changed pixels", () => {
		const plain = batchesOf(cfg(5, null)).batches;
		const aug = batchesOf(cfg(5, AUG)).batches;
		expect(aug.length).toBe(plain.length);
		expect(aug[0]).not.toEqual(plain[0]);
		// shift only, no noise: every augmented image is some shift of the image at the same place
		const shifted = batchesOf(cfg(5, { shift: 1, flip: false, rotate: 0, noise: 0 })).batches;
		const one = (b: Float32Array, k: number): Float32Array => b.slice(k * 64, (k + 1) * 64);
		for (let k = 0; k < 8; k++) {
			const src = one(plain[0], k);
			const candidates: number[][] = [];
			for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) candidates.push(warp(dx, dy, false, 0, 1, src, 8, 8));
			const got = Array.from(one(shifted[0], k), (v) => Math.round(v * 10));
			expect(candidates).toContainEqual(got);
		}
	});

	it("validation is not augmented: its loss on the trained weights equals an evaluation of the untouched images", () => {
		const { trainer } = batchesOf(cfg(5, AUG));
		const digits = loadDigits();
		const last = trainer.history[trainer.history.length - 1];
		const again = trainer.evaluate(subset(digits, trainer.valIndices));
		expect(last.valLoss).toBeCloseTo(again.loss, 6);
		expect(last.valAcc).toBe(again.acc);
	});
});

describe("a test set", () => {
	// The digits split in two by position: the trainer gets the first 1200, the test set is the rest, untouched.
	const digits = loadDigits();
	const train = subset(digits, Int32Array.from({ length: 1200 }, (_, i) => i));
	const test = subset(digits, Int32Array.from({ length: digits.n - 1200 }, (_, i) => 1200 + i));
	// A value no digit pixel has (they are multiples of 1/16): a batch starting with it is the test set's first.
	test.x[0] = 0.123;

	it("is evaluated once, at the end, on the final weights: the done event carries its loss and accuracy", () => {
		const model = Sequential.build(net, 2, ctx);
		const evalBatch = model.evaluateBatch.bind(model);
		let testBatches = 0;
		let testSeenBeforeEnd = false;
		let done: DoneEvent | null = null;
		const trainer = new Trainer(model, train, { epochs: 3, batchSize: 64, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 2, val: 0.2, test });
		model.evaluateBatch = (x, y, p) => {
			if (x.data[0] === test.x[0]) testBatches++;
			return evalBatch(x, y, p);
		};
		while (!trainer.finished) {
			const events = trainer.step();
			for (const e of events) if (e.kind === "done") done = e;
			// every step before the one that ends the run: the test set not looked at yet
			if (!done && testBatches > 0) testSeenBeforeEnd = true;
		}
		expect(testSeenBeforeEnd).toBe(false);
		expect(testBatches).toBe(1);
		expect(done).not.toBeNull();
		const d = done as unknown as DoneEvent;
		expect(d.test?.n).toBe(test.n);
		// asked again (the worker's results), the same evaluation, not a second look
		expect(trainer.testEvaluation()).toBe(trainer.testEvaluation());
		expect(testBatches).toBe(1);
		const fresh = trainer.evaluate(test);
		expect(d.test?.loss).toBeCloseTo(fresh.loss, 6);
		expect(d.test?.acc).toBe(fresh.acc);
		expect(d.test?.acc).toBeGreaterThan(0.6);
	});

	it("a test set of another image size is refused", () => {
		const other: TrainData = { x: new Float32Array(2 * 16), y: new Uint8Array(2), n: 2, shape: [1, 4, 4], classes: 10 };
		expect(() => new Trainer(Sequential.build(net, 1, ctx), train, { epochs: 1, batchSize: 8, optimizer: optimizerSpec("adam"), seed: 1, val: 0.2, test: other })).toThrow(/test images are 1×4×4/);
	});
});
