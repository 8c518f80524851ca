import { t, type Key } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-train-practice";
import type { EpochMetrics } from "../../engine/run-metrics";
import { formatElapsed, formatLoss, formatPercent, formatRate } from "./format";
import { appendWithCode } from "../code-spans";

export interface FinalMetrics {
	status: "completed" | "stopped" | "failed";
	final: EpochMetrics | null;
	epochsDone: number;
	epochs: number;
	seconds: number;
	samplesPerSec: number;
	/** "wasm-simd" or "js"; unknown for runs logged before it was recorded. */
	backend?: string | null;
	message?: string;
	/** The test set's numbers, when the run had one: shown first, named as such. */
	test?: { loss: number; acc: number; n?: number } | null;
}

/** The line of final numbers under the charts after a run (or from the latest run in the vault). */
export function renderMetrics(parent: HTMLElement, m: FinalMetrics): HTMLElement {
	const el = parent.createDiv({ cls: ["cnn-lab-metrics", `cnn-lab-metrics--${m.status}`] });
	el.createDiv({
		cls: "cnn-lab-metrics-status",
		text: t(`training.status.${m.status}`, { done: m.epochsDone, epochs: m.epochs }),
	});
	if (m.message) appendWithCode(el.createDiv({ cls: "cnn-lab-error" }), m.message);
	const dl = el.createEl("dl", { cls: "cnn-lab-metrics-list" });
	const item = (key: Key, value: string): void => {
		const d = dl.createDiv({ cls: "cnn-lab-metric" });
		d.createEl("dt", { text: t(key) });
		d.createEl("dd", { text: value });
	};
	const f = m.final;
	if (m.test) {
		item("practice.metric.testAcc", formatPercent(m.test.acc));
		item("practice.metric.testLoss", formatLoss(m.test.loss));
	}
	item("training.metric.valAcc", formatPercent(f?.valAcc));
	item("training.metric.valLoss", formatLoss(f?.valLoss));
	item("training.metric.acc", formatPercent(f?.acc));
	item("training.metric.loss", formatLoss(f?.loss));
	item("training.metric.time", formatElapsed(m.seconds));
	item("training.metric.rate", formatRate(m.samplesPerSec));
	if (m.backend) item("training.metric.backend", m.backend === "wasm-simd" ? t("training.backend.simd") : t("training.backend.js"));
	return el;
}
