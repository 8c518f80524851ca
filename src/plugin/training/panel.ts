import type { Component, MarkdownPostProcessorContext } from "obsidian";
import type { CnnLabHost } from "../host";
import type { ParsedCnn, TrainSpec } from "../../notation/cnn/types";
import type { ModelSpec } from "../../engine/model-spec";
import { getLanguage, t } from "../../i18n";
import "../../i18n/strings-training";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { lossPoint } from "../../runs/loss-curve";
import type { EndMessage, FromWorker, ProgressMessage, ReadyMessage, RunInfo, StartMessage } from "../../worker/messages";
import { RunStore, type RunHandle } from "../runs/run-store";
import { mountSaveStatus } from "../runs/save-status";
import { createVaultLink } from "../vault-link";
import { ProgressView } from "../../render/training/progress-view";
import { TrainingCharts } from "../../render/training/training-charts";
import { renderMetrics } from "../../render/training/metrics-view";
import { renderConfusion } from "../../render/training/confusion-view";
import { renderSamples } from "../../render/training/samples-view";
import { renderFilters } from "../../render/training/filters-view";
import { renderFeatureMaps } from "../../render/training/feature-maps-view";
import { HeatmapSet } from "../../render/training/image-grid";
import { onThemeChange } from "../../render/theme";
import type { HubTicket } from "./hub";
import type { RunChannel } from "./channel";
import { openChannel } from "./worker-client";
import { platformDecoder, resolveDataset } from "./dataset-source";
import { loadLatestRun, previewFor, type ViewSet, viewsToShow } from "./panel-data";
import { refusal } from "./limit-check";

/** How long Stop waits for the run to answer before the worker is ended by force. */
const STOP_GRACE_MS = 3000;

let nextRunId = 1;

/**
 * Mounts the training part of a ```cnn block under its table: Train button, progress, charts, results and the
 * latest run from the vault. `owner` is the block's MarkdownRenderChild; everything started here stops with it.
 * Rendering is cheap and never starts a run: only the Train button does.
 */
export function mountTrainingPanel(
	host: CnnLabHost,
	parent: HTMLElement,
	parsed: ParsedCnn,
	source: string,
	ctx: MarkdownPostProcessorContext,
	owner: Component,
): void {
	const root = parent.createDiv({ cls: "cnn-lab-training" });
	const train = parsed.train;
	if (!train) {
		if (parsed.model) root.createDiv({ cls: "cnn-lab-note", text: t("training.noTrain") });
		return;
	}
	if (!parsed.model || parsed.diagnostics.some((d) => d.severity === "error")) {
		root.createDiv({ cls: "cnn-lab-note", text: t("training.hasErrors") });
		return;
	}
	const panel = new TrainingPanel(host, root, parsed, parsed.model, train, source, ctx.sourcePath);
	owner.register(() => panel.dispose());
	panel.mount();
}

/** One block's training UI and at most one run. */
export class TrainingPanel {
	private readonly actions: HTMLElement;
	private readonly trainButton: HTMLButtonElement;
	private readonly status: HTMLElement;
	private readonly progressHost: HTMLElement;
	private readonly chartsHost: HTMLElement;
	private readonly resultsHost: HTMLElement;
	private readonly viewsHost: HTMLElement;
	/** Where the run log is, or why it could not be written with a Save log button; kept until the next run. */
	private readonly saveHost: HTMLElement;
	private unmountSave: (() => void) | null = null;
	private readonly views: ViewSet;
	private charts: TrainingCharts | null = null;
	private progress: ProgressView | null = null;
	/** Heatmaps of the results (validation samples) and of the filters / feature maps. */
	private readonly maps = new HeatmapSet();
	private readonly snapshotMaps = new HeatmapSet();
	private readonly timers = new Set<number>();
	private readonly stages: (() => void)[] = [];
	private stageTimer: number | null = null;
	private graceTimer: number | null = null;
	/** The untrained network is on show already (built-in data): the run's own "before" view is the same. */
	private previewShown = false;
	private readonly offTheme: () => void;
	private channel: RunChannel | null = null;
	private ticket: HubTicket | null = null;
	private log: RunHandle | null = null;
	private runId = -1;
	private info: RunInfo | null = null;
	private epochs: EpochMetrics[] = [];
	private batchPoints: LossPoint[] = [];
	private previousEpochs: EpochMetrics[] | null = null;
	private phase: "idle" | "queued" | "preparing" | "running" | "stopping" = "idle";
	private disposed = false;
	private lastProgress: ProgressMessage | null = null;

	constructor(
		private readonly host: CnnLabHost,
		private readonly root: HTMLElement,
		private readonly parsed: ParsedCnn,
		private readonly model: ModelSpec,
		private readonly train: TrainSpec,
		private readonly source: string,
		private readonly sourcePath: string,
	) {
		this.views = viewsToShow(parsed.show?.views ?? null);
		this.actions = root.createDiv({ cls: "cnn-lab-training-actions" });
		this.trainButton = this.actions.createEl("button", { cls: "mod-cta cnn-lab-train", text: t("training.train") });
		this.trainButton.addEventListener("click", () => this.requestRun());
		this.status = this.actions.createDiv({ cls: "cnn-lab-note cnn-lab-training-status", attr: { "aria-live": "polite" } });
		this.progressHost = root.createDiv({ cls: "cnn-lab-progress-host" });
		this.chartsHost = root.createDiv({ cls: "cnn-lab-charts-host" });
		this.resultsHost = root.createDiv({ cls: "cnn-lab-results" });
		this.saveHost = root.createDiv({ cls: "cnn-lab-save-host" });
		this.viewsHost = root.createDiv({ cls: "cnn-lab-training-views" });
		// Priced as soon as the block renders: a model over the limits says so before anyone presses Train.
		const refused = refusal(model, train, host.settings);
		if (refused) this.resultsHost.createDiv({ cls: "cnn-lab-error", text: t("training.refused", { reasons: refused }) });
		this.offTheme = onThemeChange(() => {
			this.maps.redraw();
			this.snapshotMaps.redraw();
		});
	}

	get running(): boolean {
		return this.phase !== "idle";
	}

	/** What the block shows before any run: the latest run from the vault, else the untrained network. */
	mount(): void {
		void loadLatestRun(this.host, this.sourcePath, this.source, this.model, this.train, this.parsed.sample).then((latest) => {
			if (this.disposed || this.running) return;
			if (latest) {
				this.status.setText(t("training.latestRun", { name: latest.name, date: latest.date }));
				this.previousEpochs = latest.previous;
				if (this.views.charts) {
					const charts = this.ensureCharts();
					charts.showRun(latest.epochs, latest.batches);
					if (latest.previous) charts.showPrevious(latest.previous);
					charts.flush();
				}
				this.resultsHost.empty();
				renderMetrics(this.resultsHost, latest.metrics);
				const conf = latest.confusion;
				if (conf && this.views.confusion) {
					const host = this.resultsHost;
					// Drawn a task later: not if Train was pressed in between (the new run owns the results then).
					this.stage(() => {
						if (!this.running) renderConfusion(host, conf.matrix, conf.classes);
					});
				}
				this.epochs = latest.epochs;
				if (latest.snapshot) {
					this.previewShown = false;
					return this.showSnapshot(latest.snapshot.snapshot, latest.snapshot.classNames, true);
				}
			}
			this.later(() => this.showPreview(), 0);
		});
	}

	/** The untrained network's filters and feature maps (built-in data only; vault data are read on Train). */
	private showPreview(): void {
		if (this.disposed || this.running || !(this.views.filters || this.views.featureMaps)) return;
		const p = previewFor(this.model, this.train, this.parsed.sample, this.host.settings.defaultSeed, this.host.settings);
		if (p) {
			this.showSnapshot(p.snapshot, p.classNames, false);
			this.previewShown = true;
		}
	}

	/** Filters and feature maps, drawn in steps (one task each) so that no single task blocks the page long. */
	private showSnapshot(s: ReadyMessage["before"], classNames: string[], trained: boolean): void {
		this.snapshotMaps.destroy();
		this.viewsHost.empty();
		const cm = this.host.settings.colormap;
		const host = this.viewsHost;
		const maps = this.snapshotMaps;
		if (this.views.filters && s.filters) {
			const f = s.filters;
			this.stage(() => renderFilters(host, f, trained, maps));
		}
		if (this.views.featureMaps && s.activations.length > 0) {
			const caption = t("training.featuremaps.sample", { i: s.sampleIndex, label: classNames[s.sampleLabel] ?? s.sampleLabel });
			this.stage(() => renderFeatureMaps(host, s.activations, trained, cm, maps, caption, (fn) => this.stage(fn)));
		}
	}

	/** Queues a piece of drawing; pieces run one per task, in order. */
	private stage(fn: () => void): void {
		this.stages.push(fn);
		if (this.stageTimer === null) this.nextStage();
	}

	private nextStage(): void {
		this.stageTimer = window.setTimeout(() => {
			this.stageTimer = null;
			const fn = this.stages.shift();
			if (!fn || this.disposed) return;
			fn();
			// A stage may queue more (the feature maps queue a row each); then the timer is already set.
			if (this.stages.length > 0 && this.stageTimer === null) this.nextStage();
		}, 0);
	}

	private ensureCharts(): TrainingCharts {
		if (!this.charts) this.charts = new TrainingCharts(this.chartsHost);
		return this.charts;
	}

	/** The Train button: checks the limits, then asks the hub for a slot. */
	requestRun(): void {
		if (this.running || this.disposed) return;
		const refused = refusal(this.model, this.train, this.host.settings);
		if (refused) {
			this.status.setText("");
			this.resultsHost.empty();
			this.resultsHost.createDiv({ cls: "cnn-lab-error", text: t("training.refused", { reasons: refused }) });
			return;
		}
		this.phase = "queued";
		this.trainButton.disabled = true;
		this.resultsHost.empty();
		this.progressHost.empty();
		this.progress = new ProgressView(this.progressHost, () => this.stop());
		// Read at every request, so a changed setting counts from the next Train press without a reload.
		this.host.training.maxConcurrent = this.host.settings.maxConcurrentRuns;
		this.ticket = this.host.training.enqueue({
			begin: () => void this.begin(),
			stop: () => this.stop(),
			queued: (n) => {
				if (n < 0) this.endQueued();
				else this.progress?.queued(n);
			},
		});
	}

	private endQueued(): void {
		if (this.phase !== "queued") return;
		this.ticket = null;
		this.resetIdle();
	}

	private async begin(): Promise<void> {
		if (this.disposed || this.phase !== "queued") return;
		this.phase = "preparing";
		const runId = nextRunId++;
		this.runId = runId;
		const seed = this.train.seed ?? this.host.settings.defaultSeed;
		let dataset;
		try {
			dataset = await resolveDataset(this.host.app, {
				dataset: this.train.dataset,
				model: this.model,
				sourcePath: this.sourcePath,
				seed,
				limit: this.train.limit,
				decodeImage: platformDecoder(this.root.ownerDocument),
			});
		} catch (e) {
			if (this.runId === runId) this.failEarly(e instanceof Error ? e.message : String(e));
			return;
		}
		if (this.disposed || this.runId !== runId || this.phase !== "preparing") return;
		const msg: StartMessage = {
			type: "start",
			runId,
			model: this.model,
			train: {
				epochs: this.train.epochs,
				batch: this.train.batch,
				optimizer: this.train.optimizer,
				seed,
				val: this.train.val,
				limit: this.train.limit,
			},
			dataset,
			maxSeconds: this.host.settings.maxRunSeconds,
			sample: this.parsed.sample ? { index: this.parsed.sample.index, label: this.parsed.sample.label } : null,
			lang: getLanguage(),
		};
		this.channel = openChannel({
			useWorker: this.host.settings.useWorker,
			onMessage: (m) => this.onMessage(m),
			createJob: this.host.engine.createJob,
		});
		if (this.channel.mode === "inline") this.status.setText(t("training.mode.inline"));
		this.channel.send(msg);
	}

	/** Stop button, "stop all" and the hub: the run ends within a batch and keeps its finished epochs. */
	stop(): void {
		if (this.phase === "queued") {
			this.ticket?.release();
			this.ticket = null;
			this.resetIdle();
			return;
		}
		if (this.phase === "preparing" && !this.channel) {
			this.runId = -1;
			this.ticket?.release();
			this.ticket = null;
			this.resetIdle();
			return;
		}
		if (this.phase !== "running" && this.phase !== "preparing") return;
		this.phase = "stopping";
		this.progress?.stopping();
		this.channel?.send({ type: "stop", runId: this.runId });
		const runId = this.runId;
		if (this.graceTimer !== null) window.clearTimeout(this.graceTimer);
		this.graceTimer = window.setTimeout(() => {
			this.graceTimer = null;
			// The run did not answer (a very long batch): end the worker; the finished epochs are already kept.
			if (this.runId === runId && this.phase === "stopping") {
				this.onEnd({ type: "stopped", runId, message: "", reason: "user", elapsedSeconds: this.lastProgress?.elapsedSeconds ?? 0, samplesPerSec: this.lastProgress?.samplesPerSec ?? 0, result: null });
			}
		}, STOP_GRACE_MS);
	}

	private onMessage(m: FromWorker): void {
		if (this.disposed || m.runId !== this.runId) return;
		if (m.type === "ready") this.onReady(m);
		else if (m.type === "progress") this.onProgress(m);
		else this.onEnd(m);
	}

	private onReady(m: ReadyMessage): void {
		// Vault data: the number of samples is known only now, so the per-epoch limits are checked again.
		const refused = refusal(this.model, this.train, this.host.settings, m.info.trainCount);
		if (refused) {
			this.channel?.close();
			this.channel = null;
			this.failEarly(t("training.refused", { reasons: refused }), false);
			return;
		}
		if (this.phase === "preparing") this.phase = "running";
		this.info = m.info;
		// The run shown before (this session's last, or the latest in the vault) becomes the one to compare with.
		const prev = this.previousRunForOverlay();
		this.previousEpochs = prev;
		this.epochs = [];
		this.batchPoints = [];
		const parts = [t("training.dataset.info", { name: m.info.datasetName, train: m.info.trainCount, val: m.info.valCount })];
		if (m.info.fitNote) parts.push(m.info.fitNote);
		if (m.info.credit) parts.push(m.info.credit);
		const inline = this.channel?.mode === "inline" ? ` ${t("training.mode.inline")}` : "";
		this.status.setText(parts.join(" · ") + inline);
		if (this.views.charts) {
			const charts = this.ensureCharts();
			charts.reset();
			if (prev) charts.showPrevious(prev);
		}
		if (!this.previewShown) this.showSnapshot(m.before, m.info.classNames, false);
		this.previewShown = false;
		this.log = RunStore.begin(this.host.app, this.host.settings, {
			sourcePath: this.sourcePath,
			modelText: this.source,
			dataset: this.train.dataset,
			epochs: this.train.epochs,
			batch: this.train.batch,
			optimizer: this.train.optimizer.name,
			lr: this.train.optimizer.lr,
			weightDecay: this.train.optimizer.weightDecay,
			seed: this.train.seed ?? this.host.settings.defaultSeed,
			val: this.train.val,
			limit: this.train.limit,
			backend: m.info.backend ?? null,
		});
		this.unmountSave?.();
		this.unmountSave = mountSaveStatus(this.saveHost, this.log, (parent, text, path) => createVaultLink(this.host.app, parent, text, { linktext: path, sourcePath: this.sourcePath }, { hoverPopover: null }));
	}

	private previousRunForOverlay(): EpochMetrics[] | null {
		return this.epochs.length > 0 ? this.epochs : this.previousEpochs;
	}

	private onProgress(m: ProgressMessage): void {
		this.lastProgress = m;
		if (this.phase === "running") this.progress?.update(m);
		if (this.charts) {
			this.charts.addBatches(m.batches, m.batchesPerEpoch);
			this.charts.addEpochs(m.epochsDone);
		}
		for (const b of m.batches) this.batchPoints.push(lossPoint(b, m.batchesPerEpoch));
		for (const e of m.epochsDone) {
			this.epochs.push(e);
			if (this.log) {
				this.log.batches(this.batchPoints);
				void this.log.epoch(e, { durationS: m.elapsedSeconds, samplesPerS: m.samplesPerSec });
			}
		}
	}

	private onEnd(m: EndMessage): void {
		if (this.phase === "idle") return;
		const status = m.type === "done" ? "completed" : m.type;
		// No flush here: the last points are in the series and their throttled redraw comes within 100 ms, in a
		// task of its own (flushing both charts here put two chart updates into the run's last, busiest task).
		const message = m.type === "failed" ? m.message : m.reason === "time" ? t("training.stoppedTime", { s: this.host.settings.maxRunSeconds }) : undefined;
		const log = this.log;
		// A run stopped before its first epoch finished has nothing to keep: no note is written for it.
		if (log && this.epochs.length === 0 && m.type === "stopped") {
			log.dispose();
			this.log = null;
			this.unmountSave?.();
			this.unmountSave = null;
		} else if (log) {
			log.batches(this.batchPoints);
			const result = m.result;
			const classes = this.info?.classNames;
			const confusion = result && classes && result.confusion.length > 0 ? { classes, matrix: result.confusion } : undefined;
			void log.finish(status, { durationS: m.elapsedSeconds, samplesPerS: m.samplesPerSec, message, confusion }).then(() => {
				if (result && (this.train.saveWeights || this.host.settings.saveWeights)) {
					void log.saveWeights([{ name: "parameters", shape: [result.weights.length], data: result.weights }]);
				}
			});
		}
		this.resultsHost.empty();
		renderMetrics(this.resultsHost, {
			status,
			final: m.result?.final ?? this.epochs[this.epochs.length - 1] ?? null,
			epochsDone: this.epochs.length,
			epochs: this.train.epochs,
			seconds: m.elapsedSeconds,
			samplesPerSec: m.samplesPerSec,
			backend: this.info?.backend,
			message: message && m.type === "failed" ? t("training.failed", { message }) : message,
		});
		const info = this.info;
		const result = m.result;
		this.maps.destroy();
		if (result && info) {
			const host = this.resultsHost;
			if (this.views.confusion && result.confusion.length > 0) this.stage(() => renderConfusion(host, result.confusion, info.classNames));
			if (this.views.samples && result.samples.length > 0) {
				this.stage(() => renderSamples(host, result.samples, info.inputShape, info.classNames, this.host.settings.colormap, this.maps));
			}
			this.showSnapshot(result.after, info.classNames, true);
		}
		this.finishRun();
	}

	private failEarly(message: string, wrap = true): void {
		this.resultsHost.empty();
		this.resultsHost.createDiv({ cls: "cnn-lab-error", text: wrap ? t("training.failed", { message }) : message });
		this.finishRun();
	}

	/** Ends the run's machinery (worker, slot, timers) and makes the block ready for the next run. */
	private finishRun(): void {
		this.channel?.close();
		this.channel = null;
		this.ticket?.release();
		this.ticket = null;
		this.log = null;
		this.resetIdle();
		this.trainButton.setText(t("training.trainAgain"));
	}

	private resetIdle(): void {
		this.phase = "idle";
		this.runId = -1;
		this.trainButton.disabled = false;
		this.progressHost.empty();
		this.progress = null;
		this.lastProgress = null;
		if (this.graceTimer !== null) window.clearTimeout(this.graceTimer);
		this.graceTimer = null;
	}

	private later(fn: () => void, ms: number): void {
		const id = window.setTimeout(() => {
			this.timers.delete(id);
			fn();
		}, ms);
		this.timers.add(id);
	}

	/** Unload: the worker is ended at once; a run log in progress is closed as stopped with what it finished. */
	dispose(): void {
		if (this.disposed) return;
		const wasRunning = this.phase === "running" || this.phase === "stopping";
		this.disposed = true;
		this.channel?.close();
		this.channel = null;
		this.ticket?.release();
		this.ticket = null;
		if (this.log && wasRunning && this.epochs.length === 0) this.log.dispose();
		else if (this.log && wasRunning) {
			const last = this.lastProgress;
			void this.log.finish("stopped", { durationS: last?.elapsedSeconds, samplesPerS: last?.samplesPerSec });
		}
		this.log = null;
		for (const id of this.timers) window.clearTimeout(id);
		this.timers.clear();
		if (this.graceTimer !== null) window.clearTimeout(this.graceTimer);
		if (this.stageTimer !== null) window.clearTimeout(this.stageTimer);
		this.stages.length = 0;
		this.offTheme();
		this.unmountSave?.();
		this.unmountSave = null;
		this.maps.destroy();
		this.snapshotMaps.destroy();
		this.charts?.destroy();
		this.charts = null;
		this.phase = "idle";
	}
}
