import { describe, expect, it } from "vitest";
import { oneCycleLr, scheduledLr, type LrSchedule } from "../../../src/engine/optim/schedule";

/*
 * The closed forms against torch.optim.lr_scheduler's own *chainable* update rules (get_lr in torch 2.x), re-stated
 * below step by step: each epoch's rate comes from the previous one, as PyTorch computes it, not from the formula
 * under test. Debian's torch itself, where installed, is compared in tests/unit/export/torch-training.test.ts.
 */
const epochRates = (s: LrSchedule, base: number, epochs: number): number[] =>
	Array.from({ length: epochs }, (_, e) => scheduledLr(s, base, { epoch: e, batch: 0, epochs, batches: 1 }));

function torchStepLR(base: number, stepSize: number, gamma: number, epochs: number): number[] {
	const out = [base];
	for (let e = 1; e < epochs; e++) {
		const lr = out[e - 1];
		out.push(e % stepSize !== 0 ? lr : lr * gamma);
	}
	return out;
}

function torchCosine(base: number, tMax: number, epochs: number, etaMin = 0): number[] {
	const out = [base];
	for (let e = 1; e < epochs; e++) {
		const lr = out[e - 1];
		if ((e - 1 - tMax) % (2 * tMax) === 0) out.push(lr + ((base - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
		else out.push(((1 + Math.cos((Math.PI * e) / tMax)) / (1 + Math.cos((Math.PI * (e - 1)) / tMax))) * (lr - etaMin) + etaMin);
	}
	return out;
}

/** LinearLR(start_factor, end_factor 1, total_iters) chained: the first `total` + 1 epochs. */
function torchLinear(base: number, start: number, total: number): number[] {
	const out = [base * start];
	for (let e = 1; e <= total; e++) out.push(out[e - 1] * (1 + (1 - start) / (total * start + (e - 1) * (1 - start))));
	return out;
}

describe("learning-rate schedules (torch.optim.lr_scheduler)", () => {
	it("step 5 0.5 is StepLR(step_size=5, gamma=0.5)", () => {
		const got = epochRates({ kind: "step", stepSize: 5, gamma: 0.5, warmup: 0 }, 0.01, 17);
		const want = torchStepLR(0.01, 5, 0.5, 17);
		got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
		expect(got[4]).toBe(0.01);
		expect(got[5]).toBe(0.005);
		expect(got[15]).toBeCloseTo(0.00125, 12);
	});

	it("cosine is CosineAnnealingLR(T_max = epochs): from lr down to 0, half-way at T_max/2", () => {
		const got = epochRates({ kind: "cosine", warmup: 0 }, 0.1, 10);
		const want = torchCosine(0.1, 10, 10);
		got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 12));
		expect(got[5]).toBeCloseTo(0.05, 12);
	});

	it("warmup 2 is LinearLR(1/3, total_iters=2), then the schedule from its own epoch 0 (SequentialLR)", () => {
		const got = epochRates({ kind: "cosine", warmup: 2 }, 0.03, 10);
		const warm = torchLinear(0.03, 1 / 3, 2);
		expect(got[0]).toBeCloseTo(warm[0], 12);
		expect(got[1]).toBeCloseTo(warm[1], 12);
		expect(warm[2]).toBeCloseTo(0.03, 12);
		const cos = torchCosine(0.03, 8, 8);
		for (let e = 2; e < 10; e++) expect(got[e]).toBeCloseTo(cos[e - 2], 12);
		const plain = epochRates({ kind: "constant", warmup: 2 }, 0.03, 4);
		[1 / 3, 2 / 3, 1, 1].forEach((f, e) => expect(plain[e]).toBeCloseTo(0.03 * f, 15));
	});

	it("onecycle max 0.01 is OneCycleLR's defaults: max/25 up to max at 30 % of the steps, down to max/25/1e4", () => {
		const total = 100;
		expect(oneCycleLr(0.01, 0, total)).toBeCloseTo(0.0004, 15);
		// phase 1 ends at step pct_start·total − 1 = 29: the peak
		expect(oneCycleLr(0.01, 29, total)).toBeCloseTo(0.01, 15);
		expect(oneCycleLr(0.01, 99, total)).toBeCloseTo(0.0004 / 1e4, 15);
		// half-way through phase 1 (step 14.5 is not a step; check the cosine at step 10 from PyTorch's anneal_func)
		const pct = 10 / 29;
		expect(oneCycleLr(0.01, 10, total)).toBeCloseTo(0.01 + ((0.0004 - 0.01) / 2) * (Math.cos(Math.PI * pct) + 1), 15);
		// stepped once per batch: epoch 2, batch 3 of 10 is step 23
		const s: LrSchedule = { kind: "onecycle", maxLr: 0.01, warmup: 0 };
		expect(scheduledLr(s, 0.001, { epoch: 2, batch: 3, epochs: 10, batches: 10 })).toBe(oneCycleLr(0.01, 23, 100));
		for (let t = 1; t < 29; t++) expect(oneCycleLr(0.01, t, total)).toBeGreaterThan(oneCycleLr(0.01, t - 1, total));
		for (let t = 30; t < 100; t++) expect(oneCycleLr(0.01, t, total)).toBeLessThan(oneCycleLr(0.01, t - 1, total));
	});

	it("no schedule keeps the optimizer's rate", () => {
		expect(scheduledLr(null, 0.002, { epoch: 7, batch: 3, epochs: 10, batches: 5 })).toBe(0.002);
	});
});
