/**
 * One or several runs drawn together: loss and accuracy curves overlaid (a colour per run; training solid,
 * validation dashed), and a table of their settings with the rows that differ marked, then their final metrics,
 * then the confusion matrices the run notes kept.
 * Used by the ```cnn-log block and by the ```cnn block's "latest run" view. The owner calls destroy() on unload.
 */
import { LineChartView, type SeriesDef } from "../charts/line-chart";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import type { ConfusionRecord, RunSettings, RunStatus, TestMetrics } from "../../runs/run-record";
import { ChartSet } from "../charts/chart-set";
import { renderConfusionSection } from "./confusion-section";
import { labelsByDifference } from "./run-labels";
import { t } from "../../i18n";
import "../../i18n/strings-log";

export interface ShownRun {
	label: string;
	epochs: readonly EpochMetrics[];
	batches?: readonly LossPoint[];
	settings?: Partial<RunSettings> | null;
	status?: RunStatus | null;
	date?: string | null;
	durationS?: number | null;
	samplesPerS?: number | null;
	/** A run with a test set: its loss and accuracy on the final weights (rows of their own, apart from validation). */
	test?: TestMetrics | null;
	/** The framework that trained it ("pytorch", "keras"); absent or null: CNN Lab. */
	framework?: string | null;
	/**
	 * The final validation matrix the run note kept (null: a run note without one; undefined: a pasted log, which
	 * has none). Read only for the runs drawn, so a lazy getter keeps a big folder from being parsed.
	 */
	readonly confusion?: ConfusionRecord | null;
	/** Draws the run's name as a link to its note (the plugin's vault link: opens, new tab, page preview). */
	link?: (parent: HTMLElement, text: string) => HTMLElement;
}

export interface RunsView {
	readonly el: HTMLElement;
	readonly lossChart: LineChartView | null;
	readonly accChart: LineChartView | null;
	/**
	 * Shows new numbers for the same runs in place (no flicker while a run is still writing its note). Returns false
	 * when the runs or their series changed, and the caller should draw a new view instead.
	 */
	update(runs: readonly ShownRun[], total?: number): boolean;
	destroy(): void;
}

/** At most this many runs are overlaid; more would be unreadable. */
export const MAX_SHOWN_RUNS = 8;

const finite = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

function fmt(v: number | null | undefined, digits = 4): string {
	if (v === null || v === undefined) return "";
	if (Number.isNaN(v)) return "NaN";
	if (!Number.isFinite(v)) return v > 0 ? "∞" : "−∞";
	if (Number.isInteger(v)) return String(v);
	return String(Number(v.toPrecision(digits)));
}

const pct = (v: number | null | undefined): string => (finite(v) ? `${(v * 100).toFixed(1)} %` : v === null || v === undefined ? "" : fmt(v));

function modelSummary(model: string | undefined): string {
	if (!model) return "";
	const lines = model
		.split("\n")
		// Comments (`# …`, `// …`) explain the block; the table compares the layers.
		.map((l) => l.replace(/(^|\s)(#|\/\/).*$/, "").trim())
		.filter((l) => l !== "" && !/^train\b/i.test(l));
	return lines.join(" · ");
}

function dateText(iso: string | null | undefined): string {
	if (!iso) return "";
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	const p = (n: number): string => String(n).padStart(2, "0");
	return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

interface Row {
	key: string;
	label: string;
	/** Settings rows mark differences; metric rows mark the best run instead. */
	kind: "setting" | "metric";
	cells: string[];
	/** For metric rows: the raw numbers and whether lower is better. */
	values?: (number | null)[];
	lowerIsBetter?: boolean;
}

function buildRows(runs: readonly ShownRun[]): Row[] {
	const s = (f: (r: ShownRun) => string): string[] => runs.map(f);
	const last = (r: ShownRun): EpochMetrics | undefined => r.epochs[r.epochs.length - 1];
	const rows: Row[] = [
		{ key: "model", label: t("log.table.model"), kind: "setting", cells: s((r) => modelSummary(r.settings?.model)) },
		{ key: "dataset", label: t("log.table.dataset"), kind: "setting", cells: s((r) => r.settings?.dataset ?? "") },
		{
			key: "epochs",
			label: t("log.table.epochs"),
			kind: "setting",
			cells: s((r) => (r.settings?.epochs ? `${r.epochs.length} / ${r.settings.epochs}` : r.epochs.length ? String(r.epochs.length) : "")),
		},
		{ key: "batch", label: t("log.table.batch"), kind: "setting", cells: s((r) => fmt(r.settings?.batch)) },
		{ key: "optimizer", label: t("log.table.optimizer"), kind: "setting", cells: s((r) => r.settings?.optimizer ?? "") },
		{ key: "lr", label: t("log.table.lr"), kind: "setting", cells: s((r) => fmt(r.settings?.lr)) },
		{ key: "weight_decay", label: t("log.table.weightDecay"), kind: "setting", cells: s((r) => fmt(r.settings?.weightDecay)) },
		{ key: "seed", label: t("log.table.seed"), kind: "setting", cells: s((r) => fmt(r.settings?.seed)) },
		{ key: "val_split", label: t("log.table.val"), kind: "setting", cells: s((r) => fmt(r.settings?.val)) },
		{ key: "status", label: t("log.table.status"), kind: "setting", cells: s((r) => (r.status ? t(`log.status.${r.status}`) : "")) },
		{ key: "date", label: t("log.table.date"), kind: "setting", cells: s((r) => dateText(r.date)) },
		{ key: "train_loss", label: t("log.table.trainLoss"), kind: "metric", cells: s((r) => fmt(last(r)?.loss)), values: runs.map((r) => last(r)?.loss ?? null), lowerIsBetter: true },
		{ key: "train_acc", label: t("log.table.trainAcc"), kind: "metric", cells: s((r) => pct(last(r)?.acc)), values: runs.map((r) => last(r)?.acc ?? null) },
		{ key: "val_loss", label: t("log.table.valLoss"), kind: "metric", cells: s((r) => fmt(last(r)?.valLoss)), values: runs.map((r) => last(r)?.valLoss ?? null), lowerIsBetter: true },
		{ key: "val_acc", label: t("log.table.valAcc"), kind: "metric", cells: s((r) => pct(last(r)?.valAcc)), values: runs.map((r) => last(r)?.valAcc ?? null) },
		{ key: "test_loss", label: t("log.table.testLoss"), kind: "metric", cells: s((r) => fmt(r.test?.loss)), values: runs.map((r) => r.test?.loss ?? null), lowerIsBetter: true },
		{ key: "test_acc", label: t("log.table.testAcc"), kind: "metric", cells: s((r) => (r.test ? `${pct(r.test.acc)}${r.test.n ? ` (${t("log.table.testN", { n: r.test.n })})` : ""}` : "")), values: runs.map((r) => r.test?.acc ?? null) },
		{ key: "duration_s", label: t("log.table.duration"), kind: "metric", cells: s((r) => (finite(r.durationS) ? t("log.seconds", { n: fmt(r.durationS, 3) }) : "")) },
		{ key: "samples_per_s", label: t("log.table.speed"), kind: "metric", cells: s((r) => (finite(r.samplesPerS) ? fmt(Math.round(r.samplesPerS)) : "")) },
	];
	return rows.filter((row) => row.cells.some((c) => c !== ""));
}

function renderTable(parent: HTMLElement, runs: readonly ShownRun[], labels: readonly string[]): HTMLTableElement {
	const table = parent.createEl("table", { cls: "cnn-lab-log-table" });
	const head = table.createEl("thead").createEl("tr");
	head.createEl("th", { text: t("log.table.run") });
	runs.forEach((r, i) => {
		const th = head.createEl("th", { cls: `cnn-lab-log-run cnn-lab-log-c${i % 6}` });
		th.createSpan({ cls: "cnn-lab-log-swatch" });
		const label = labels[i] ?? r.label;
		// Labelled by what differs, the run still names its note on hover (and the link opens it).
		if (label !== r.label) th.setAttr("title", t("log.table.note", { name: r.label }));
		if (r.link) r.link(th, label);
		else th.createSpan({ text: label });
	});
	const body = table.createEl("tbody");
	const multi = runs.length > 1;
	for (const row of buildRows(runs)) {
		const tr = body.createEl("tr", { attr: { "data-key": row.key } });
		tr.createEl("th", { text: row.label, attr: { scope: "row" } });
		const differs = multi && row.kind === "setting" && new Set(row.cells).size > 1;
		if (differs) {
			tr.addClass("cnn-lab-log-diff");
			tr.setAttr("title", t("log.table.differs"));
		}
		let best = -1;
		if (multi && row.values) {
			row.values.forEach((v, i) => {
				if (!finite(v)) return;
				const b = best >= 0 ? row.values?.[best] : null;
				if (!finite(b) || (row.lowerIsBetter ? v < b : v > b)) best = i;
			});
		}
		// One model for every run is said once, across the runs' columns, where it may wrap: repeated per run, its
		// long line would make the table wider than a reading column.
		if (row.key === "model" && multi && !differs) {
			const td = tr.createEl("td", { cls: "cnn-lab-log-same", text: row.cells[0], attr: { colspan: runs.length } });
			td.setAttr("title", runs[0].settings?.model ?? "");
			continue;
		}
		row.cells.forEach((c, i) => {
			const td = tr.createEl("td", { text: c });
			if (row.key === "model") td.setAttr("title", runs[i].settings?.model ?? "");
			if (i === best) td.addClass("cnn-lab-log-best");
		});
	}
	return table;
}

function seriesFor(runs: readonly ShownRun[], metric: "loss" | "acc", labels: readonly string[]): { defs: SeriesDef[]; data: { x: number; y: number }[][] } {
	const defs: SeriesDef[] = [];
	const data: { x: number; y: number }[][] = [];
	const one = runs.length === 1;
	runs.forEach((r, i) => {
		const train = r.epochs.map((e) => ({ x: e.epoch, y: metric === "loss" ? e.loss : e.acc })).filter((p): p is { x: number; y: number } => finite(p.y));
		const val = r.epochs.map((e) => ({ x: e.epoch, y: metric === "loss" ? e.valLoss : e.valAcc })).filter((p): p is { x: number; y: number } => finite(p.y));
		const name = (what: "train" | "val"): string => (one ? t(`log.series.${metric}.${what}`) : `${labels[i] ?? r.label} · ${t(`log.series.${what}`)}`);
		if (metric === "loss" && one && r.batches && r.batches.length) {
			defs.push({ label: t("log.series.loss.batch"), color: i + 2, thin: true, smooth: true });
			data.push(r.batches.filter((p) => finite(p.y)).map((p) => ({ x: p.x, y: p.y })));
		}
		if (train.length) {
			defs.push({ label: name("train"), color: i, dots: true });
			data.push(train);
		}
		if (val.length) {
			defs.push({ label: name("val"), color: one ? 1 : i, dashed: !one, dots: true });
			data.push(val);
		}
	});
	return { defs, data };
}

/**
 * The runs under their labels for the confusion section. Views over the originals, not copies: a copy would read the
 * lazy epochs and confusion getters of every run at once.
 */
function relabelled(runs: readonly ShownRun[], labels: readonly string[]): ShownRun[] {
	return runs.map((r, i) => (labels[i] === r.label ? r : (Object.create(r, { label: { value: labels[i], enumerable: true } }) as ShownRun)));
}

/**
 * Draws the runs into `parent`. With no epochs at all only the table is drawn. `total`: how many runs there are when
 * the caller passes only the newest it read (a folder's notes are read only for the runs drawn).
 */
export function renderRunsView(parent: HTMLElement, runsIn: readonly ShownRun[], total = runsIn.length): RunsView {
	const runs = runsIn.slice(0, MAX_SHOWN_RUNS);
	const labels = labelsByDifference(runs);
	const el = parent.createDiv({ cls: "cnn-lab-log" });
	if (total > runs.length) el.createDiv({ cls: "cnn-lab-log-more", text: t("log.view.more", { shown: runs.length, total }) });
	const charts = el.createDiv({ cls: "cnn-lab-log-charts" });
	const make = (metric: "loss" | "acc"): LineChartView | null => {
		const { defs, data } = seriesFor(runs, metric, labels);
		if (defs.length === 0) return null;
		const chart = new LineChartView(charts, {
			title: t(`log.chart.${metric}`),
			xLabel: t("log.chart.epoch"),
			yLabel: t(`log.chart.${metric}`),
			series: defs,
			integerX: true,
			...(metric === "acc" ? { yFit: { min: 0, max: 1 }, percent: true } : { yMin: 0, logToggle: true }),
		});
		data.forEach((pts, i) => chart.setPoints(i, pts));
		chart.flush();
		return chart;
	};
	const lossChart = make("loss");
	const accChart = make("acc");
	if (!lossChart && !accChart) charts.remove();
	let table = renderTable(el, runs, labels);
	// A box of its own so that a redraw in place keeps the matrices under the table.
	const confusionBox = el.createDiv({ cls: "cnn-lab-log-confusion-box" });
	const barCharts = new ChartSet();
	renderConfusionSection(confusionBox, relabelled(runs, labels), barCharts);
	let destroyed = false;
	const shape = (list: readonly ShownRun[]): string =>
		(["loss", "acc"] as const).map((m) => seriesFor(list, m, labelsByDifference(list)).defs.map((d) => d.label).join("\n")).join("\n\n");
	const drawnShape = shape(runs);
	return {
		el,
		lossChart,
		accChart,
		update(next: readonly ShownRun[], nextTotal = next.length): boolean {
			if (destroyed) return false;
			const list = next.slice(0, MAX_SHOWN_RUNS);
			if (nextTotal !== total || shape(list) !== drawnShape) return false;
			const listLabels = labelsByDifference(list);
			for (const [chart, metric] of [[lossChart, "loss"], [accChart, "acc"]] as const) {
				if (!chart) continue;
				seriesFor(list, metric, listLabels).data.forEach((pts, i) => chart.setPoints(i, pts));
			}
			const fresh = renderTable(el, list, listLabels);
			table.replaceWith(fresh);
			table = fresh;
			// A run that just finished writes its matrix: the section follows the note.
			barCharts.destroy();
			confusionBox.empty();
			renderConfusionSection(confusionBox, relabelled(list, listLabels), barCharts);
			return true;
		},
		destroy(): void {
			if (destroyed) return;
			destroyed = true;
			lossChart?.destroy();
			accChart?.destroy();
			barCharts.destroy();
			el.remove();
		},
	};
}
