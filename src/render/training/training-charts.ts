import { t } from "../../i18n";
import "../../i18n/strings-training";
import { LineChartView, type ChartMarker } from "../charts/line-chart";
import type { BatchMetrics, EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { lossPoint } from "../../runs/loss-curve";
import { formatLoss, formatPercent } from "./format";

/** How a run with patience ended: the epoch its weights come from, and whether it stopped before its last epoch. */
export interface RunEnding {
	bestEpoch: number | null;
	earlyStop: boolean;
}

/** Series indices of the two charts. */
export const LOSS = { batch: 0, train: 1, val: 2, previous: 3, lr: 4 } as const;
export const ACC = { train: 0, val: 1, previous: 2 } as const;

/**
 * Shortest time between two redraws of a live chart. A chart.js update of the loss chart (every batch of a run) costs
 * 5–12 ms of the page's thread, and while a run trains that thread shares the machine with the worker: four
 * redraws a second keep the curve live and leave the page most of its time (tests/bench/browser/chart-redraw.mjs).
 */
const LIVE_REDRAW_MS = 250;

/**
 * The two live charts of a run: loss (per batch, with the smoothing slider; per epoch for training and validation;
 * a log-scale toggle) and accuracy per epoch (axis fitted to the data, a 0–100 % toggle), with the previous run's
 * validation curves dashed for comparison. x is in epochs (batch points fall between the epoch points they lead to),
 * or in steps once the number of batches per epoch is known.
 */
export class TrainingCharts {
	readonly el: HTMLElement;
	readonly loss: LineChartView;
	readonly acc: LineChartView;
	private readonly summary: HTMLElement;
	/** Every epoch's learning rate so far; drawn once it has changed (a schedule), a flat line says nothing. */
	private readonly lrs: { x: number; y: number }[] = [];

	constructor(parent: HTMLElement) {
		this.el = parent.createDiv({ cls: "cnn-lab-charts" });
		this.loss = new LineChartView(this.el, {
			title: t("training.chart.loss"),
			xLabel: t("training.axis.epoch"),
			yLabel: t("training.chart.loss"),
			series: [
				{ label: t("training.series.batchLoss"), color: 5, thin: true, smooth: true },
				{ label: t("training.series.trainLoss"), color: 0, dots: true },
				{ label: t("training.series.valLoss"), color: 1, dots: true },
				{ label: t("training.series.previous"), color: 3, dashed: true },
				{ label: t("training.series.lr"), color: 2, right: true, dots: true },
			],
			rightLabel: t("training.axis.lr"),
			yMin: 0,
			logToggle: true,
			integerX: true,
			minIntervalMs: LIVE_REDRAW_MS,
		});
		this.acc = new LineChartView(this.el, {
			title: t("training.chart.acc"),
			xLabel: t("training.axis.epoch"),
			yLabel: t("training.chart.acc"),
			series: [
				{ label: t("training.series.trainAcc"), color: 0, dots: true },
				{ label: t("training.series.valAcc"), color: 1, dots: true },
				{ label: t("training.series.previous"), color: 3, dashed: true },
			],
			yFit: { min: 0, max: 1 },
			percent: true,
			integerX: true,
			minIntervalMs: LIVE_REDRAW_MS,
		});
		this.summary = this.el.createDiv({ cls: "cnn-lab-sr-only", attr: { "aria-live": "polite" } });
	}

	/** Empties the current run's curves (the previous run's stay). */
	reset(): void {
		for (const i of [LOSS.batch, LOSS.train, LOSS.val]) this.loss.setPoints(i, []);
		for (const i of [ACC.train, ACC.val]) this.acc.setPoints(i, []);
		this.lrs.length = 0;
		this.loss.setPoints(LOSS.lr, []);
		this.loss.setMarkers([]);
		this.acc.setMarkers([]);
		this.summary.setText("");
	}

	addBatches(points: readonly BatchMetrics[], batchesPerEpoch: number): void {
		if (points.length === 0) return;
		this.setStepsPerEpoch(batchesPerEpoch);
		// Every batch is kept: chart.js's min/max decimation draws a long run at a few points per pixel column.
		this.loss.append(LOSS.batch, points.map((b) => lossPoint(b, batchesPerEpoch)));
	}

	/** Batches per epoch, once known: x can show steps (a stored run does not record it). */
	setStepsPerEpoch(n: number | null): void {
		this.loss.setStepsPerEpoch(n);
		this.acc.setStepsPerEpoch(n);
	}

	addEpochs(epochs: readonly EpochMetrics[]): void {
		for (const e of epochs) {
			this.loss.push(LOSS.train, e.epoch, e.loss);
			if (e.valLoss !== null) this.loss.push(LOSS.val, e.epoch, e.valLoss);
			if (e.acc !== null) this.acc.push(ACC.train, e.epoch, e.acc);
			if (e.valAcc !== null) this.acc.push(ACC.val, e.epoch, e.valAcc);
			if (e.lr != null && Number.isFinite(e.lr)) this.lrs.push({ x: e.epoch, y: e.lr });
		}
		if (this.lrs.some((p) => p.y !== this.lrs[0].y)) this.loss.setPoints(LOSS.lr, this.lrs);
		const last = epochs[epochs.length - 1];
		if (last) {
			this.summary.setText(
				t("training.chart.summary", {
					epoch: last.epoch,
					loss: formatLoss(last.loss),
					acc: formatPercent(last.acc),
					valLoss: formatLoss(last.valLoss),
					valAcc: formatPercent(last.valAcc),
				}),
			);
		}
	}

	/** A stored run: its epochs and its thinned batch curve (x already in epochs). */
	showRun(epochs: readonly EpochMetrics[], batches: readonly LossPoint[]): void {
		this.reset();
		this.loss.setPoints(LOSS.batch, batches);
		this.addEpochs(epochs);
		this.flush();
	}

	/**
	 * With patience: a rule at the best epoch (the weights the run kept) on both charts, and one at the last epoch
	 * when early stopping ended the run there; nothing for a run without patience.
	 */
	markEnding(ending: RunEnding, lastEpoch: number | null): void {
		const marks: ChartMarker[] = [];
		if (ending.bestEpoch !== null) marks.push({ x: ending.bestEpoch, label: t("training.marker.best", { epoch: ending.bestEpoch }) });
		if (ending.earlyStop && lastEpoch !== null && lastEpoch !== ending.bestEpoch) marks.push({ x: lastEpoch, label: t("training.marker.earlyStop") });
		this.loss.setMarkers(marks);
		this.acc.setMarkers(marks);
	}

	/** The previous run's validation curves (or training curves when it had no validation), dashed. */
	showPrevious(epochs: readonly EpochMetrics[]): void {
		const hasVal = epochs.some((e) => e.valLoss !== null);
		this.loss.setPoints(LOSS.previous, epochs.map((e) => ({ x: e.epoch, y: (hasVal ? e.valLoss : e.loss) ?? NaN })).filter((p) => Number.isFinite(p.y)));
		this.acc.setPoints(ACC.previous, epochs.map((e) => ({ x: e.epoch, y: (hasVal ? e.valAcc : e.acc) ?? NaN })).filter((p) => Number.isFinite(p.y)));
	}

	flush(): void {
		this.loss.flush();
		this.acc.flush();
	}

	destroy(): void {
		this.loss.destroy();
		this.acc.destroy();
		this.el.remove();
	}
}
