import { t } from "../../i18n";
import "../../i18n/strings-training";
import { ProgressView } from "../../render/training/progress-view";
import type { RunController, RunLog } from "./run-controller";
import { appendWithCode } from "../../render/code-spans";

/**
 * The block's status line (the dataset, where the run computes, or the latest run's name) and the progress bar of
 * the run on show, with its Stop button.
 */
export class RunStatus {
	private progress: ProgressView | null = null;

	constructor(
		private readonly line: HTMLElement,
		private readonly progressHost: HTMLElement,
	) {}

	say(text: string): void {
		this.line.empty();
		// what to type (`save weights`, a ```cnn block) drawn as code, not as raw backticks
		appendWithCode(this.line, text);
	}

	/** The dataset line once the run is ready ("inline" when it computes on this thread), or the mode before. */
	describe<L extends RunLog>(run: RunController<L>): void {
		const info = run.info;
		const inline = run.mode === "inline" ? t("training.mode.inline") : "";
		if (!info) {
			if (inline) this.say(inline);
			return;
		}
		const parts = [t("training.dataset.info", { name: info.datasetName, train: info.trainCount, val: info.valCount })];
		if (info.fitNote) parts.push(info.fitNote);
		if (info.credit) parts.push(info.credit);
		this.say(parts.join(" · ") + (inline ? ` ${inline}` : ""));
	}

	/** The progress bar as the run is now: waiting, preparing, at its last progress, stopping; none once ended. */
	show<L extends RunLog>(run: RunController<L>): void {
		if (!run.active) {
			this.clear();
			return;
		}
		if (!this.progress) this.progress = new ProgressView(this.progressHost, () => run.stop());
		if (run.state === "queued") this.progress.queued(run.ahead);
		else if (run.state === "stopping") this.progress.stopping();
		else if (run.state === "running" && run.lastProgress) this.progress.update(run.lastProgress);
	}

	clear(): void {
		this.progressHost.empty();
		this.progress = null;
	}
}
