import { t } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-chart";
import { BarChartView } from "../charts/bar-chart";
import type { ChartSet } from "../charts/chart-set";
import { formatPercent } from "./format";

export interface ConfusionOptions {
	/** The heading above the table; null leaves it out (the caller writes its own, e.g. a run's name). */
	title?: string | null;
	/** Where the per-class accuracy bar chart goes to be destroyed with the view; without it, the table only. */
	charts?: ChartSet;
	/**
	 * Where the bar chart is made: the panel's staging puts it in a task after the table's (a chart.js chart is made
	 * and laid out in one go, ~15 ms of the page's thread); by default at once.
	 */
	later?: (fn: () => void) => void;
}

/** Per-class accuracy (recall) from a confusion matrix: NaN for a class with no samples. */
export function classAccuracies(confusion: readonly (readonly number[])[]): number[] {
	return confusion.map((row, i) => {
		const total = row.reduce((s, v) => s + v, 0);
		return total > 0 ? (row[i] ?? 0) / total : NaN;
	});
}

/**
 * The confusion matrix as a table (rows: true class, columns: predicted), each cell shaded by its share of the row
 * so that a class the network mixes up stands out whatever the class sizes; the last column is each class's accuracy.
 * Used by the training panel and by the ```cnn-log block's stored matrices.
 */
export function renderConfusion(parent: HTMLElement, confusion: readonly (readonly number[])[], classNames: readonly string[], opts: ConfusionOptions = {}): HTMLElement {
	const wrap = parent.createDiv({ cls: "cnn-lab-confusion" });
	const title = opts.title === undefined ? t("training.confusion") : opts.title;
	if (title !== null) wrap.createDiv({ cls: "cnn-lab-section-title", text: title });
	// A box of its own scrolls sideways when the matrix is wider than the column (a phone, many classes), so the
	// page never does; the cells get compact as the box narrows (a container query in training.css).
	const scroll = wrap.createDiv({ cls: "cnn-lab-confusion-scroll", attr: { tabindex: 0, role: "region", "aria-label": t("training.confusion.caption") } });
	const table = scroll.createEl("table", { cls: ["cnn-lab-confusion-table", ...(confusion.length > 10 ? ["cnn-lab-confusion-table--many"] : [])] });
	table.createEl("caption", { cls: "cnn-lab-sr-only", text: t("training.confusion.caption") });
	const head = table.createEl("thead").createEl("tr");
	head.createEl("th", { cls: "cnn-lab-confusion-corner", text: t("training.confusion.corner") });
	const name = (i: number): string => classNames[i] ?? String(i);
	for (let j = 0; j < confusion.length; j++) head.createEl("th", { text: name(j), attr: { scope: "col" } });
	head.createEl("th", { cls: "cnn-lab-confusion-acc", text: t("training.confusion.classAcc"), attr: { scope: "col" } });
	const body = table.createEl("tbody");
	for (let i = 0; i < confusion.length; i++) {
		const row = confusion[i];
		const total = row.reduce((s, v) => s + v, 0);
		const tr = body.createEl("tr");
		tr.createEl("th", { text: name(i), attr: { scope: "row" } });
		for (let j = 0; j < row.length; j++) {
			const td = tr.createEl("td", { text: String(row[j]), attr: { "data-true": i, "data-pred": j } });
			td.addClass(i === j ? "cnn-lab-confusion-hit" : "cnn-lab-confusion-miss");
			if (row[j] === 0) td.addClass("cnn-lab-confusion-zero");
			td.setCssProps({ "--cnn-lab-share": total > 0 ? String(row[j] / total) : "0" });
			td.setAttribute("title", t("training.confusion.cell", { n: row[j], truth: name(i), pred: name(j) }));
		}
		// Per-class accuracy (recall): the share of this class's samples that were recognised; "–" without any.
		tr.createEl("td", { cls: "cnn-lab-confusion-acc", text: formatPercent(total > 0 ? row[i] / total : null) });
	}
	const charts = opts.charts;
	if (charts && confusion.length > 0) {
		// Its place is kept under the table, whenever it is made.
		const slot = wrap.createDiv({ cls: "cnn-lab-confusion-bars" });
		(opts.later ?? ((fn: () => void) => fn()))(() => {
			const bars = charts.add(new BarChartView(slot, { title: t("chart.classAcc.title"), xLabel: t("chart.classAcc.x"), yLabel: t("chart.classAcc.y"), percent: true }));
			bars.setData(confusion.map((_, i) => name(i)), classAccuracies(confusion));
			// Made at once, it draws at once; staged, its first redraw is a task of its own.
			if (!opts.later) bars.flush();
		});
	}
	return wrap;
}
