import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import { BarChartView } from "../charts/bar-chart";
import { topK } from "./layer-range";

/**
 * Class probabilities as a chart.js bar chart, one lying bar per class with its name and its percentage: the
 * prediction in the accent colour, the rest of the top three in the series colour, the others faint, the true label
 * (when known) ticked. A list of the same rows, hidden, is what a screen reader reads. The owner calls destroy().
 */
export class PredictionView {
	readonly el: HTMLElement;
	readonly chart: BarChartView;
	private readonly summary: HTMLElement;
	private readonly rows: { row: HTMLElement; value: HTMLElement }[] = [];
	private truth = -1;

	constructor(parent: HTMLElement, private readonly classNames: readonly string[]) {
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-pred" });
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.pred.title") });
		this.summary = this.el.createDiv({ cls: "cnn-lab-explorer-pred-summary", attr: { "aria-live": "polite" } });
		this.chart = new BarChartView(this.el, {
			title: t("explorer.pred.title"),
			xLabel: t("explorer.pred.class"),
			yLabel: t("explorer.pred.probability"),
			percent: true,
			horizontal: true,
			valueLabels: true,
			compact: true,
			cls: "cnn-lab-explorer-pred-chart",
			tickLabel: (name, i) => (i === this.truth ? `${name} ✓` : name),
		});
		this.chart.el.setCssProps({ "--cnn-lab-bars": String(classNames.length) });
		this.chart.setData(classNames, classNames.map(() => NaN));
		const list = this.el.createDiv({ cls: "cnn-lab-explorer-bars cnn-lab-sr-only", attr: { role: "list" } });
		classNames.forEach((name) => {
			const row = list.createDiv({ cls: "cnn-lab-explorer-bar", attr: { role: "listitem" } });
			row.createSpan({ cls: "cnn-lab-explorer-bar-name", text: name });
			const value = row.createSpan({ cls: "cnn-lab-explorer-bar-value" });
			this.rows.push({ row, value });
		});
	}

	/** Nothing to predict (an empty pad): no bars and no summary. */
	clear(): void {
		this.truth = -1;
		this.chart.setValues(this.classNames.map(() => NaN));
		this.chart.setMarks({});
		this.chart.drawNow();
		for (const r of this.rows) {
			r.value.setText("");
			r.row.removeClass("is-top", "is-best", "is-truth");
			r.row.removeAttribute("aria-label");
		}
		this.summary.setText("");
	}

	/** `truth` is the known label, or −1 (a drawing). The chart is drawn in this task, with the strip's maps. */
	update(probs: ArrayLike<number>, truth: number): void {
		const top = topK(probs, Math.min(3, probs.length));
		const pct = (p: number): string => `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)} %`;
		this.truth = truth;
		this.chart.setValues(probs);
		this.chart.setMarks({ accent: top.slice(0, 1), strong: top });
		this.chart.drawNow();
		this.rows.forEach((r, i) => {
			const p = i < probs.length ? probs[i] : 0;
			r.value.setText(pct(p));
			r.row.toggleClass("is-top", top.includes(i));
			r.row.toggleClass("is-best", top[0] === i);
			r.row.toggleClass("is-truth", i === truth);
			r.row.setAttr("aria-label", t("explorer.pred.row", { name: this.classNames[i], p: pct(p) }) + (i === truth ? ` (${t("explorer.pred.true")})` : ""));
		});
		const best = top[0] ?? 0;
		const name = this.classNames[best] ?? String(best);
		this.summary.setText(
			truth >= 0
				? t("explorer.pred.summary", { name, p: pct(probs[best] ?? 0), truth: this.classNames[truth] ?? String(truth) })
				: t("explorer.pred.summaryNoTruth", { name, p: pct(probs[best] ?? 0) }),
		);
	}

	destroy(): void {
		this.chart.destroy();
	}
}
