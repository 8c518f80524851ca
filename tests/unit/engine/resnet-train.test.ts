import { describe, expect, it } from "vitest";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { optimizerSpec } from "../../../src/engine/optim";
import { trainSync, type BatchEvent, type EpochEvent, type TrainConfig, type TrainEvent } from "../../../src/engine/trainer";
import { ctx } from "../../support/engine";
import { MINI_RESNET } from "../../support/mini-resnet";

const cfg: TrainConfig = { epochs: 4, batchSize: 32, optimizer: optimizerSpec("adam", { lr: 0.01 }), seed: 7, val: 0.2 };

function run(seed: number): TrainEvent[] {
	const events: TrainEvent[] = [];
	trainSync(Sequential.build(MINI_RESNET, seed, ctx), loadDigits(), cfg, (e) => events.push(e));
	return events;
}

describe("the mini-ResNet of issue 19 on the digits, with the real trainer", () => {
	const a = run(3);

	it("reaches at least 95 % validation accuracy in a few epochs", () => {
		const epochs = a.filter((e): e is EpochEvent => e.kind === "epoch");
		expect(epochs).toHaveLength(cfg.epochs);
		console.log(`mini-ResNet validation accuracy by epoch: ${epochs.map((e) => (e.valAcc ?? NaN).toFixed(3)).join(" ")}`);
		expect(epochs[epochs.length - 1].valAcc).toBeGreaterThanOrEqual(0.95);
	});

	it("repeats exactly with the same seed", () => {
		const losses = (ev: TrainEvent[]): number[] => ev.filter((e): e is BatchEvent => e.kind === "batch").map((e) => e.loss);
		const b = run(3);
		expect(losses(b)).toEqual(losses(a));
		expect(losses(b).length).toBeGreaterThan(100);
	});
});
