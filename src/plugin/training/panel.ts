import type { Component, MarkdownPostProcessorContext } from "obsidian";
import type { CnnLabHost } from "../host";
import type { ParsedCnn } from "../../notation/cnn/types";
import { t } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-explorer";
import type { EpochMetrics } from "../../engine/run-metrics";
import type { RunHandle } from "../runs/run-store";
import { mountSaveStatus } from "../runs/save-status";
import { createVaultLink } from "../vault-link";
import { onThemeChange } from "../../render/theme";
import { appendWithCode } from "../../render/code-spans";
import { loadFileWeights, loadLatestRun, previewFor, type FileWeights, type ViewSet, viewsToShow } from "./panel-data";
import { refusal } from "./limit-check";
import type { RunController, RunEvent } from "./run-controller";
import { startBlockRun, trainableBlock, type TrainableBlock } from "./start-run";
import { ChartFeed } from "./panel-charts";
import { RunStatus } from "./panel-status";
import { ResultsView } from "./panel-results";
import { ExplorerMount } from "./panel-explorer";

/**
 * Mounts the training part of a ```cnn block under its table: Train button, progress, charts, results and the
 * latest run from the vault. The block's view of a run only: the run itself belongs to the plugin (TrainingHub), so
 * unloading the block (another note opened, Live Preview re-rendering, scrolled away) detaches the view and the run
 * goes on; rendering the block again attaches to it with everything so far. Rendering never starts a run.
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
	if (!parsed.train) {
		// the line to add is drawn as code, not between raw backticks
		if (parsed.model) appendWithCode(root.createDiv({ cls: "cnn-lab-note" }), t("training.noTrain"));
		return;
	}
	const block = trainableBlock(parsed, source, ctx.sourcePath);
	if (!block) {
		root.createDiv({ cls: "cnn-lab-note", text: t("training.hasErrors") });
		return;
	}
	const panel = new TrainingPanel(host, root, block);
	owner.register(() => panel.dispose());
	panel.mount();
}

/** One block's training view: shows the block's run (going or ended) or, without one, its latest run in the vault. */
export class TrainingPanel {
	private readonly trainButton: HTMLButtonElement;
	private readonly saveHost: HTMLElement;
	/** What the block's `weights [[…]]` line loaded, or why it could not (only with such a line). */
	private readonly weightsLine: HTMLElement | null;
	private readonly views: ViewSet;
	private readonly status: RunStatus;
	private readonly charts: ChartFeed;
	private readonly results: ResultsView;
	private readonly explorer: ExplorerMount | null;
	private readonly offTheme: () => void;
	private readonly offHub: () => void;
	private readonly timers = new Set<number>();
	/** Where the run log is, or why it could not be written with a Save log button; kept until the next run. */
	private unmountSave: (() => void) | null = null;
	private run: RunController<RunHandle> | null = null;
	private detachRun: (() => void) | null = null;
	/** The run on show (the vault's latest, or the last run here): the next run draws it dashed to compare. */
	private shownEpochs: EpochMetrics[] | null = null;
	private shownPrevious: EpochMetrics[] | null = null;
	/** The untrained network is on show already (built-in data): the run's own "before" view is the same. */
	private previewShown = false;
	private disposed = false;

	constructor(
		private readonly host: CnnLabHost,
		private readonly root: HTMLElement,
		private readonly block: TrainableBlock,
	) {
		this.views = viewsToShow(block.parsed.show?.views ?? null);
		const actions = root.createDiv({ cls: "cnn-lab-training-actions" });
		this.trainButton = actions.createEl("button", { cls: "mod-cta cnn-lab-train", text: t("training.train") });
		this.trainButton.addEventListener("click", () => this.requestRun());
		const line = actions.createDiv({ cls: "cnn-lab-note cnn-lab-training-status", attr: { "aria-live": "polite" } });
		this.status = new RunStatus(line, root.createDiv({ cls: "cnn-lab-progress-host" }));
		this.weightsLine = block.parsed.weights ? root.createDiv({ cls: "cnn-lab-weights-line", attr: { "aria-live": "polite" } }) : null;
		this.charts = new ChartFeed(root.createDiv({ cls: "cnn-lab-charts-host" }), this.views.charts);
		const resultsHost = root.createDiv({ cls: "cnn-lab-results" });
		this.saveHost = root.createDiv({ cls: "cnn-lab-save-host" });
		this.results = new ResultsView(resultsHost, root.createDiv({ cls: "cnn-lab-training-views" }), this.views, () => host.settings.colormap);
		this.explorer = this.views.explorer ? new ExplorerMount(host, root, block) : null;
		// Priced as soon as the block renders: a model over the limits says so before anyone presses Train.
		const refused = refusal(block.model, block.train, host.settings);
		if (refused) this.results.error(t("training.refused", { reasons: refused }));
		this.offTheme = onThemeChange(() => {
			this.results.redraw();
			this.explorer?.redraw();
		});
		// A run of this block started elsewhere (the command, the same note in another pane) shows here too.
		this.offHub = host.training.watch((run, e) => {
			if (e.type === "started" && run.key.source === block.source && run.key.sourcePath === block.sourcePath) this.attach(run);
		});
	}

	/** Showing a run that has not ended (queued, reading data, training, stopping). */
	get running(): boolean {
		return this.run?.active ?? false;
	}

	/** The block's run if the plugin has one (it went on while the block was away), else the latest from the vault. */
	mount(): void {
		const run = this.host.training.find({ sourcePath: this.block.sourcePath, source: this.block.source });
		if (run) {
			this.attach(run);
			return;
		}
		const { sourcePath, source, model, train, parsed } = this.block;
		void Promise.all([loadLatestRun(this.host, sourcePath, source, model, train, parsed.sample), loadFileWeights(this.host, this.block)]).then(([latest, file]) => {
			if (this.disposed || this.run) return;
			const fromFile = this.showWeightsLine(file);
			if (latest) {
				this.status.say(t("training.latestRun", { name: latest.name, date: latest.date }));
				this.shownEpochs = latest.epochs;
				this.shownPrevious = latest.previous;
				this.charts.showStored(latest.epochs, latest.batches, latest.previous, latest.ending);
				this.results.showStored(latest.metrics, latest.confusion, () => !this.run);
			}
			// The weights line's file wins over the latest run's weights: the note asks for that network.
			if (fromFile) {
				this.explorer?.setWeights(fromFile.weights, t("explorer.from.file", { name: fromFile.name }));
				this.previewShown = false;
				if (fromFile.snapshot) this.results.showSnapshot(fromFile.snapshot.snapshot, fromFile.snapshot.classNames, { file: fromFile.name });
				return;
			}
			if (latest) {
				// A run on the vault's data: its classes named from the note (the data is read again only by a run).
				if (latest.classNames) this.explorer?.setClassNames(latest.classNames);
				if (latest.weights) this.explorer?.setWeights(latest.weights, latest.name);
				if (latest.snapshot) {
					this.previewShown = false;
					this.results.showSnapshot(latest.snapshot.snapshot, latest.snapshot.classNames, "trained");
					return;
				}
			}
			// Beside a stored run's numbers a fresh network is not "before training": its weights were not saved.
			const stored = latest !== null;
			this.later(() => this.showPreview(stored), 0);
		});
	}

	/** Says what the weights line loaded, or why not, at the line; the loaded weights, or null. */
	private showWeightsLine(file: FileWeights | { error: string } | null): FileWeights | null {
		const el = this.weightsLine;
		if (!el || !file) return null;
		el.empty();
		if ("error" in file) {
			el.createDiv({ cls: "cnn-lab-error", text: file.error });
			return null;
		}
		el.createDiv({ cls: "cnn-lab-note", text: t("weights.shown", { line: file.line, name: file.name }) });
		return file;
	}

	/** The untrained network's filters and feature maps (built-in data only; vault data are read on Train). */
	private showPreview(besideStoredRun = false): void {
		// With `augment` the preview row of augmented images is shown even when filters and feature maps are not.
		if (this.disposed || this.run || !(this.views.filters || this.views.featureMaps || this.block.train.augment)) return;
		const { model, train, parsed } = this.block;
		const p = previewFor(model, train, parsed.sample, this.host.settings.defaultSeed, this.host.settings);
		if (p) {
			this.results.showSnapshot(p.snapshot, p.classNames, besideStoredRun ? "unsaved" : "random");
			// Captioned for the stored run, it is redrawn as the next run's "before training" when one starts.
			this.previewShown = !besideStoredRun;
		}
	}

	/** The Train button: checks the limits, then starts the block's run in the plugin (queued if no slot is free). */
	requestRun(): void {
		if (this.running || this.disposed) return;
		// The run shown here (this session's last, or the latest in the vault) becomes the one to compare with.
		const previous = this.shownEpochs && this.shownEpochs.length > 0 ? this.shownEpochs : this.shownPrevious;
		const started = startBlockRun(this.host, this.block, this.root.ownerDocument, previous);
		if ("refused" in started) {
			this.status.say("");
			this.results.error(t("training.refused", { reasons: started.refused }));
			return;
		}
		this.attach(started);
	}

	/** Shows `run` from its start to where it is now, then follows it. */
	private attach(run: RunController<RunHandle>): void {
		if (this.disposed || this.run === run) return;
		this.detach();
		this.run = run;
		this.detachRun = run.attach((e) => this.onEvent(run, e));
		this.results.clear();
		this.status.clear();
		this.status.show(run);
		this.status.describe(run);
		this.trainButton.disabled = run.active;
		if (run.info) this.showReady(run, true);
		if (run.end) this.onEnd(run);
	}

	/** Stops following the run; it goes on (only Stop, Stop all, the time limit or the plugin's unload end it). */
	private detach(): void {
		this.detachRun?.();
		this.detachRun = null;
		this.run = null;
	}

	private onEvent(run: RunController<RunHandle>, e: RunEvent): void {
		if (this.disposed) return;
		if (e.type === "state" || e.type === "queued") {
			this.status.show(run);
			if (e.type === "state") this.status.describe(run);
		} else if (e.type === "ready") this.showReady(run, false);
		else if (e.type === "progress") {
			this.status.show(run);
			this.charts.progress(e.message);
			if (e.message.view) this.showEpoch(run);
		} else if (e.type === "end") this.onEnd(run);
	}

	/** The run is ready: its dataset line, its charts so far, the untrained network and where its note is. */
	private showReady(run: RunController<RunHandle>, attaching: boolean): void {
		this.status.describe(run);
		this.charts.replay(run, attaching);
		const before = run.before;
		if (before && run.info && !run.end && !this.previewShown) this.results.showSnapshot(before, run.info.classNames, "random");
		this.previewShown = false;
		// A view attaching to a run under way shows where it is now, not where it started.
		if (attaching && !run.end && run.epochView) this.showEpoch(run);
		this.mountSave(run);
	}

	/**
	 * The network as the latest epoch left it (the worker sends one at most once a second): the filters and maps, and
	 * the explorer's prediction, strip and attribution, each drawn in short tasks.
	 */
	private showEpoch(run: RunController<RunHandle>): void {
		const view = run.epochView;
		const info = run.info;
		if (!view || !info || run.end) return;
		this.previewShown = false;
		this.results.showSnapshot(view.snapshot, info.classNames, { epoch: view.epoch });
		this.explorer?.setWeights(view.weights, t("explorer.from.epoch", { n: view.epoch }), run.dataset, true);
	}

	private mountSave(run: RunController<RunHandle>): void {
		this.unmountSave?.();
		this.unmountSave = null;
		const log = run.log;
		if (!log) return;
		// While the run goes on, its note opens in a new tab: this one keeps the block (and the run's view) on show.
		this.unmountSave = mountSaveStatus(this.saveHost, log, (parent, text, path) =>
			createVaultLink(this.host.app, parent, text, { linktext: path, sourcePath: this.block.sourcePath, newTab: () => run.active }, { hoverPopover: null }),
		);
	}

	private onEnd(run: RunController<RunHandle>): void {
		const end = run.end;
		if (!end) return;
		this.status.clear();
		this.trainButton.disabled = false;
		// A run stopped before its first epoch keeps no note: nothing to link to.
		if (!run.log) {
			this.unmountSave?.();
			this.unmountSave = null;
		}
		this.results.showEnd(run);
		const result = end.result;
		if (result) this.charts.ended({ bestEpoch: result.bestEpoch ?? null, earlyStop: result.earlyStop === true }, run.epochs[run.epochs.length - 1]?.epoch ?? null);
		if (result) this.explorer?.setWeights(result.weights, t("explorer.from.thisRun", { n: run.epochs.length }), run.dataset);
		if (end.early === "cancelled") return;
		if (!end.early) {
			this.shownEpochs = [...run.epochs];
			this.shownPrevious = run.plan.previous;
		}
		this.trainButton.setText(t("training.trainAgain"));
	}

	private later(fn: () => void, ms: number): void {
		const win = this.root.ownerDocument.defaultView ?? window;
		const id = win.setTimeout(() => {
			this.timers.delete(id);
			fn();
		}, ms);
		this.timers.add(id);
	}

	/** Unload: the view goes, the run does not. */
	dispose(): void {
		if (this.disposed) return;
		this.disposed = true;
		this.detach();
		this.offHub();
		const win = this.root.ownerDocument.defaultView ?? window;
		for (const id of this.timers) win.clearTimeout(id);
		this.timers.clear();
		this.offTheme();
		this.unmountSave?.();
		this.unmountSave = null;
		this.results.destroy();
		this.explorer?.destroy();
		this.charts.destroy();
	}
}
