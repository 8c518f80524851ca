import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import { topK } from "./layer-range";

/** Class probabilities as labelled bars: the top three marked, the true label (when known) marked apart. */
export class PredictionView {
	readonly el: HTMLElement;
	private readonly summary: HTMLElement;
	private readonly rows: { row: HTMLElement; fill: HTMLElement; value: HTMLElement }[] = [];

	constructor(parent: HTMLElement, private readonly classNames: readonly string[]) {
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-pred" });
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.pred.title") });
		this.summary = this.el.createDiv({ cls: "cnn-lab-explorer-pred-summary", attr: { "aria-live": "polite" } });
		const list = this.el.createDiv({ cls: "cnn-lab-explorer-bars", attr: { role: "list" } });
		classNames.forEach((name) => {
			const row = list.createDiv({ cls: "cnn-lab-explorer-bar", attr: { role: "listitem" } });
			row.createSpan({ cls: "cnn-lab-explorer-bar-name", text: name });
			const track = row.createDiv({ cls: "cnn-lab-explorer-bar-track" });
			const fill = track.createDiv({ cls: "cnn-lab-explorer-bar-fill" });
			const value = row.createSpan({ cls: "cnn-lab-explorer-bar-value" });
			this.rows.push({ row, fill, value });
		});
	}

	/** Nothing to predict (an empty pad): empty bars and no summary. */
	clear(): void {
		for (const r of this.rows) {
			r.fill.setCssProps({ "--cnn-lab-bar": "0" });
			r.value.setText("");
			r.row.removeClass("is-top", "is-best", "is-truth");
		}
		this.summary.setText("");
	}

	/** `truth` is the known label, or −1 (a drawing). */
	update(probs: ArrayLike<number>, truth: number): void {
		const top = topK(probs, Math.min(3, probs.length));
		const pct = (p: number): string => `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)} %`;
		this.rows.forEach((r, i) => {
			const p = i < probs.length ? probs[i] : 0;
			r.fill.setCssProps({ "--cnn-lab-bar": String(Math.max(0, Math.min(1, p))) });
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
}
