import { t } from "../../i18n";
import "../../i18n/strings-training";
import type { ProgressMessage } from "../../worker/messages";
import { formatDuration, formatRate } from "./format";

/** The progress bar of a run: epoch / batch, samples per second, time left, and the Stop button. */
export class ProgressView {
	readonly el: HTMLElement;
	readonly stopButton: HTMLButtonElement;
	private readonly bar: HTMLElement;
	private readonly fill: HTMLElement;
	private readonly text: HTMLElement;

	constructor(parent: HTMLElement, onStop: () => void) {
		this.el = parent.createDiv({ cls: "cnn-lab-progress" });
		this.bar = this.el.createDiv({
			cls: "cnn-lab-progress-bar",
			attr: { role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": "0" },
		});
		this.fill = this.bar.createDiv({ cls: "cnn-lab-progress-fill" });
		const row = this.el.createDiv({ cls: "cnn-lab-progress-row" });
		this.text = row.createSpan({ cls: "cnn-lab-progress-text", text: t("training.preparing") });
		this.stopButton = row.createEl("button", { cls: "cnn-lab-stop", text: t("training.stop") });
		this.stopButton.addEventListener("click", onStop);
		this.setFraction(0);
	}

	queued(position: number): void {
		this.text.setText(t("training.queued", { n: position }));
	}

	update(p: ProgressMessage): void {
		this.setFraction(p.fraction);
		this.text.setText(
			t("training.progress", {
				epoch: p.epoch,
				epochs: p.epochs,
				batch: p.batch,
				batches: p.batchesPerEpoch,
				rate: formatRate(p.samplesPerSec),
				left: p.secondsLeft === null ? "–" : formatDuration(p.secondsLeft),
			}),
		);
	}

	stopping(): void {
		this.stopButton.disabled = true;
		this.text.setText(t("training.stopping"));
	}

	private setFraction(f: number): void {
		const pct = Math.round(Math.max(0, Math.min(1, f)) * 1000) / 10;
		this.fill.setCssProps({ "--cnn-lab-progress": `${pct}%` });
		this.bar.setAttribute("aria-valuenow", String(pct));
	}
}
