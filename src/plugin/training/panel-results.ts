import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { ColormapName } from "../../render/colormap";
import type { ConfusionRecord } from "../../runs/run-record";
import type { Snapshot } from "../../worker/messages";
import { renderMetrics, type FinalMetrics } from "../../render/training/metrics-view";
import { renderConfusion } from "../../render/training/confusion-view";
import { renderSamples } from "../../render/training/samples-view";
import { renderFilters, type WeightsShown } from "../../render/training/filters-view";
import { renderFeatureMaps } from "../../render/training/feature-maps-view";
import { HeatmapSet } from "../../render/training/image-grid";
import { Stager } from "../../render/training/stager";
import { ChartSet } from "../../render/charts/chart-set";
import type { ViewSet } from "./panel-data";
import type { RunController, RunLog } from "./run-controller";
import { appendWithCode } from "../../render/code-spans";

/**
 * What a block shows of a run's outcome: the final numbers, the confusion matrix, validation samples, and the
 * network's filters and feature maps (untrained before a run, learned after). Everything past the first line is drawn
 * in pieces (Stager), so the end of a run never blocks the page for long, even on a busy machine. (Built off the
 * page and put in place at once, the same views were one frame of 80–120 ms of layout and compositing.)
 */
export class ResultsView {
	/** Heatmaps of the results (validation samples) and of the filters / feature maps. */
	private readonly maps = new HeatmapSet();
	private readonly snapshotMaps = new HeatmapSet();
	/** The per-class accuracy bars under the confusion matrix. */
	private readonly charts = new ChartSet();
	private readonly stager: Stager;

	constructor(
		private readonly resultsHost: HTMLElement,
		private readonly viewsHost: HTMLElement,
		private readonly views: ViewSet,
		private readonly colormap: () => ColormapName,
	) {
		this.stager = new Stager(resultsHost.ownerDocument.defaultView ?? window);
	}

	clear(): void {
		this.stager.clear();
		this.maps.destroy();
		this.charts.destroy();
		this.resultsHost.empty();
	}

	error(text: string): void {
		this.clear();
		appendWithCode(this.resultsHost.createDiv({ cls: "cnn-lab-error" }), text);
	}

	/** A run from the vault: its numbers and, when its note kept one, its confusion matrix. */
	showStored(metrics: FinalMetrics, confusion: ConfusionRecord | null, stillShown: () => boolean): void {
		this.clear();
		renderMetrics(this.resultsHost, metrics);
		if (confusion && this.views.confusion) {
			const host = this.resultsHost;
			// Drawn a task later: not if Train was pressed in between (the new run owns the results then).
			this.stager.stage(() => {
				if (stillShown()) renderConfusion(host, confusion.matrix, confusion.classes, { charts: this.charts, later: (fn) => this.stager.stage(fn) });
			});
		}
	}

	/** The end of a run, as soon as it ended or when a view attaches to a run that ended while no block showed it. */
	showEnd<L extends RunLog>(run: RunController<L>): void {
		const end = run.end;
		if (!end) return;
		if (end.early === "cancelled") {
			this.clear();
			return;
		}
		if (end.early === "error") {
			this.error(t("training.failed", { message: end.message ?? "" }));
			return;
		}
		if (end.early === "refused") {
			this.error(t("training.refused", { reasons: end.message ?? "" }));
			return;
		}
		const message =
			end.status === "failed" ? t("training.failed", { message: end.message ?? "" }) : end.reason === "time" ? t("training.stoppedTime", { s: run.plan.start.maxSeconds }) : undefined;
		this.clear();
		const epochs = run.epochs;
		renderMetrics(this.resultsHost, {
			status: end.status,
			final: end.result?.final ?? epochs[epochs.length - 1] ?? null,
			epochsDone: epochs.length,
			epochs: run.plan.start.train.epochs,
			seconds: end.elapsedSeconds,
			samplesPerSec: end.samplesPerSec,
			backend: run.info?.backend,
			message,
		});
		const info = run.info;
		const result = end.result;
		if (!result || !info) return;
		const host = this.resultsHost;
		const later = (fn: () => void): void => this.stager.stage(fn);
		if (this.views.confusion && result.confusion.length > 0) this.stager.stage(() => renderConfusion(host, result.confusion, info.classNames, { charts: this.charts, later }));
		if (this.views.samples && result.samples.length > 0) {
			this.stager.stage(() => renderSamples(host, result.samples, info.inputShape, info.classNames, this.colormap(), this.maps, later));
		}
		this.showSnapshot(result.after, info.classNames, "trained");
	}

	/** Filters and feature maps, drawn in steps (one task each) so that no single task blocks the page long. */
	showSnapshot(s: Snapshot, classNames: string[], weights: WeightsShown): void {
		this.snapshotMaps.destroy();
		this.viewsHost.empty();
		const host = this.viewsHost;
		const maps = this.snapshotMaps;
		const cm = this.colormap();
		const later = (fn: () => void): void => this.stager.stage(fn);
		if (this.views.filters && s.filters) {
			const f = s.filters;
			this.stager.stage(() => renderFilters(host, f, weights, maps, later));
		}
		if (this.views.featureMaps && s.activations.length > 0) {
			const caption = t("training.featuremaps.sample", { i: s.sampleIndex, label: classNames[s.sampleLabel] ?? s.sampleLabel });
			this.stager.stage(() => renderFeatureMaps(host, s.activations, weights, cm, maps, caption, later));
		}
	}

	/** The theme changed: heatmaps take its colours. */
	redraw(): void {
		this.maps.redraw();
		this.snapshotMaps.redraw();
	}

	destroy(): void {
		this.stager.destroy();
		this.maps.destroy();
		this.charts.destroy();
		this.snapshotMaps.destroy();
	}
}
