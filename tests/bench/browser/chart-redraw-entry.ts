// The page side of the chart-redraw benchmark: the run's two live charts (loss with every batch of the acceptance
// run, accuracy per epoch) in a plain page; times full redraws (sync + chart.update) as the throttle makes them.
import { installDomHelpers } from "../../support/obsidian-stub";
import { TrainingCharts } from "../../../src/render/training/training-charts";
import type { BatchMetrics, EpochMetrics } from "../../../src/engine/run-metrics";

installDomHelpers(globalThis);

declare global {
	interface Window {
		chartBench: (rounds: number) => { loss: number[]; acc: number[] };
	}
}

window.chartBench = (rounds) => {
	const host = document.body.createDiv({ cls: "cnn-lab-training" });
	const charts = new TrainingCharts(host);
	const perEpoch = 45;
	const epochs = 15;
	const batches: BatchMetrics[] = [];
	for (let b = 0; b < perEpoch * epochs; b++) batches.push({ epoch: Math.floor(b / perEpoch) + 1, batch: (b % perEpoch) + 1, loss: 2.3 * Math.exp(-b / 120) + 0.05 * Math.sin(b), acc: 1 - 0.9 * Math.exp(-b / 90) });
	charts.addBatches(batches, perEpoch);
	charts.addEpochs(
		Array.from({ length: epochs }, (_, e): EpochMetrics => ({ epoch: e + 1, loss: 2 * Math.exp(-e / 3), acc: 1 - 0.9 * Math.exp(-e / 2), valLoss: 2.1 * Math.exp(-e / 3), valAcc: 1 - 0.92 * Math.exp(-e / 2) })),
	);
	const time = (redraw: () => void): number[] => {
		const out: number[] = [];
		for (let k = 0; k < rounds; k++) {
			const t0 = performance.now();
			redraw();
			out.push(performance.now() - t0);
		}
		return out;
	};
	// A new point each round, as during a run (the series is dirty, its data rebuilt).
	let x = perEpoch * epochs;
	const loss = time(() => {
		charts.loss.append(0, [{ x: x++ / perEpoch, y: 0.05 }]);
		charts.loss.flush();
	});
	const acc = time(() => {
		charts.acc.push(1, epochs + 1, 0.99);
		charts.acc.flush();
	});
	return { loss, acc };
};
