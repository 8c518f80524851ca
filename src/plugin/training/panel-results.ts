import { t } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-train-practice";
import type { ColormapName } from "../../render/colormap";
import type { ConfusionRecord } from "../../runs/run-record";
import type { Snapshot } from "../../worker/messages";
import { renderMetrics, type FinalMetrics } from "../../render/training/metrics-view";
import { renderConfusion } from "../../render/training/confusion-view";
import { renderAugmented, renderSamples } from "../../render/training/samples-view";
import type { AugmentSpec } from "../../engine/augment";
import { renderFilters, type WeightsShown } from "../../render/training/filters-view";
import { renderFeatureMaps } from "../../render/training/feature-maps-view";
import { HeatmapSet } from "../../render/training/image-grid";
import { Stager } from "../../render/training/stager";
import { ChartSet } from "../../render/charts/chart-set";
import type { ViewSet } from "./panel-data";
import type { RunController, RunLog } from "./run-controller";
import { appendWithCode } from "../../render/code-spans";

/** The augmentation in the train line's own words: "shift 2 flip rotate 10 noise 0.05". */
export function augmentWords(a: AugmentSpec): string {
	const w: string[] = [];
	if (a.shift > 0) w.push(`shift ${a.shift}`);
	if (a.flip) w.push("flip");
	if (a.rotate > 0) w.push(`rotate ${a.rotate}`);
	if (a.noise > 0) w.push(`noise ${a.noise}`);
	return w.join(" ");
}

/**
 * What a block shows of a run's outcome: the final numbers, the confusion matrix, validation samples, and the
 * network's filters and feature maps (untrained before a run, learned after). Everything past the first line is drawn
 * in pieces (Stager), so the end of a run never blocks the page for long, even on a busy machine. (Built off the
 * page and put in place at once, the same views were one frame of 80–120 ms of layout and compositing.)
 */
export class ResultsView {
	/** Heatmaps of the results (validation samples) and of the filters / feature maps. */
	private readonly maps = new HeatmapSet();
	private snapshotMaps = new HeatmapSet();
	/** The filters and maps on show are a mid-run view: the next ones are drawn off to the side and swapped in. */
	private showingEpoch = false;
	/** The mid-run view being drawn (hidden) and the heatmaps of the one it replaces. */
	private next: { el: HTMLElement; old: HeatmapSet } | null = null;
	/** The per-class accuracy bars under the confusion matrix. */
	private readonly charts = new ChartSet();
	private readonly stager: Stager;

	constructor(
		private readonly resultsHost: HTMLElement,
		private readonly viewsHost: HTMLElement,
		private readonly views: ViewSet,
		private readonly colormap: () => ColormapName,
	) {
		this.stager = new Stager(resultsHost.ownerDocument.defaultView ?? window, resultsHost);
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
		// A run with a test set kept the test set's matrix.
		const storedTitle = metrics.test ? t("practice.testConfusion", { n: metrics.test.n ?? 0 }) : undefined;
		if (confusion && this.views.confusion) {
			const host = this.resultsHost;
			// Drawn a task later: not if Train was pressed in between (the new run owns the results then).
			this.stager.stage(() => {
				if (stillShown()) renderConfusion(host, confusion.matrix, confusion.classes, { charts: this.charts, later: (fn) => this.stager.stage(fn), title: storedTitle });
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
			test: end.result?.test ?? null,
			backend: run.info?.backend,
			message,
		});
		const info = run.info;
		const result = end.result;
		if (!result || !info) return;
		const host = this.resultsHost;
		const later = (fn: () => void): void => this.stager.stage(fn);
		const test = result.test;
		const title = test ? t("practice.testConfusion", { n: test.n }) : undefined;
		if (this.views.confusion && result.confusion.length > 0) this.stager.stage(() => renderConfusion(host, result.confusion, info.classNames, { charts: this.charts, later, title }));
		if (this.views.samples && result.samples.length > 0) {
			this.stager.stage(() => renderSamples(host, result.samples, info.inputShape, info.classNames, this.colormap(), this.maps, later, !!test));
		}
		this.showSnapshot(result.after, info.classNames, "trained");
	}

	/**
	 * Filters and feature maps, drawn in steps (one task each) so that no single task blocks the page long. While a
	 * run goes on, each epoch's view is drawn hidden and put in place at once when complete, so the block neither
	 * blinks nor jumps once a second.
	 */
	showSnapshot(s: Snapshot, classNames: string[], trained: WeightsShown): void {
		const epochView = typeof trained === "object" && "epoch" in trained;
		const swap = epochView || this.showingEpoch;
		this.showingEpoch = epochView;
		this.dropNext();
		let host = this.viewsHost;
		if (swap) {
			host = this.viewsHost.createDiv({ cls: "cnn-lab-training-views-next" });
			this.next = { el: host, old: this.snapshotMaps };
			this.snapshotMaps = new HeatmapSet();
		} else {
			this.snapshotMaps.destroy();
			this.viewsHost.empty();
		}
		const maps = this.snapshotMaps;
		const cm = this.colormap();
		// The pieces of a hidden view that a newer one replaced do nothing.
		const later = (fn: () => void): void => this.stager.stage(() => (!swap || this.next?.el === host) && fn());
		const aug = s.augmented;
		if (trained === "random" && aug && aug.images.length > 0 && s.activations.length > 0) {
			const shape = s.activations[0].shape;
			later(() => renderAugmented(host, aug.images, shape, classNames, augmentWords(aug.spec), cm, maps, later));
		}
		if (this.views.filters && s.filters) {
			const f = s.filters;
			later(() => renderFilters(host, f, trained, maps, later));
		}
		if (this.views.featureMaps && s.activations.length > 0) {
			const caption = t("training.featuremaps.sample", { i: s.sampleIndex, label: classNames[s.sampleLabel] ?? s.sampleLabel });
			later(() => renderFeatureMaps(host, s.activations, trained, cm, maps, caption, later));
		}
		if (swap) later(() => this.swapIn());
	}

	/** Runs after every piece of the hidden view (pieces queue more as they go: it waits behind them). */
	private swapIn(): void {
		const next = this.next;
		if (!next) return;
		if (this.stager.pending > 0) {
			this.stager.stage(() => this.next === next && this.swapIn());
			return;
		}
		this.next = null;
		next.old.destroy();
		for (const child of Array.from(this.viewsHost.children)) if (child !== next.el) child.remove();
		// Shown where it was laid out, not moved: moving its nodes out threw away their layout, and laying the whole
		// view out again (text shaping of every caption and table) made one 50–70 ms frame at the end of a run.
		next.el.removeClass("cnn-lab-training-views-next");
	}

	/** A newer view replaces one still being drawn: the half-drawn one goes, the one on show stays until then. */
	private dropNext(): void {
		const next = this.next;
		if (!next) return;
		this.snapshotMaps.destroy();
		this.snapshotMaps = next.old;
		next.el.remove();
		this.next = null;
	}

	/** The theme changed: heatmaps take its colours. */
	redraw(): void {
		this.maps.redraw();
		this.snapshotMaps.redraw();
	}

	destroy(): void {
		this.stager.destroy();
		this.next?.old.destroy();
		this.next = null;
		this.maps.destroy();
		this.charts.destroy();
		this.snapshotMaps.destroy();
	}
}
