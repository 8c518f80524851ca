import { TrainingCharts, type RunEnding } from "../../render/training/training-charts";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import type { ProgressMessage } from "../../worker/messages";
import type { RunController, RunLog } from "./run-controller";

/**
 * Feeds the block's two charts: a stored run (the latest in the vault), a run's whole history when a view attaches
 * to it (every batch and epoch so far), then each progress message. The charts are made on first use and only when
 * the block shows them (`show` line).
 */
export class ChartFeed {
	private charts: TrainingCharts | null = null;

	constructor(
		private readonly host: HTMLElement,
		private readonly enabled: boolean,
	) {}

	private ensure(): TrainingCharts | null {
		if (!this.enabled) return null;
		if (!this.charts) this.charts = new TrainingCharts(this.host);
		return this.charts;
	}

	/** A run from the vault: its curves, and the one before it dashed. */
	showStored(epochs: EpochMetrics[], batches: LossPoint[], previous: EpochMetrics[] | null, ending: RunEnding | null = null): void {
		const charts = this.ensure();
		if (!charts) return;
		charts.showRun(epochs, batches);
		if (ending) charts.markEnding(ending, epochs[epochs.length - 1]?.epoch ?? null);
		if (previous) charts.showPrevious(previous);
		charts.flush();
	}

	/** A run, from its start to where it is now; `flush` draws at once (a view attaching), else at the next redraw. */
	replay<L extends RunLog>(run: RunController<L>, flush: boolean): void {
		const charts = this.ensure();
		const info = run.info;
		if (!charts || !info) return;
		charts.reset();
		if (run.plan.previous) charts.showPrevious(run.plan.previous);
		charts.addBatches(run.batches, info.batchesPerEpoch);
		charts.addEpochs(run.epochs);
		if (flush) charts.flush();
	}

	progress(m: ProgressMessage): void {
		// No flush: the charts redraw throttled, in tasks of their own.
		if (!this.charts) return;
		this.charts.addBatches(m.batches, m.batchesPerEpoch);
		this.charts.addEpochs(m.epochsDone);
	}

	/** The run ended: its best epoch (and an early stop) marked on the charts. */
	ended(ending: RunEnding, lastEpoch: number | null): void {
		this.charts?.markEnding(ending, lastEpoch);
	}

	destroy(): void {
		this.charts?.destroy();
		this.charts = null;
	}
}
