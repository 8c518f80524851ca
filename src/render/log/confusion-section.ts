/**
 * The "Confusion matrices" part of the ```cnn-log view: the final validation matrix each run note kept, one per run
 * side by side, titled with the run's name in its series colour; for two runs, the cells off the diagonal that
 * changed most. Runs that kept none are named in one line.
 */
import type { ConfusionRecord } from "../../runs/run-record";
import type { ChartSet } from "../charts/chart-set";
import { renderConfusion } from "../training/confusion-view";
import { t } from "../../i18n";
import "../../i18n/strings-log";

/** At most this many matrices are drawn; each is a table about as wide as a chart. */
export const MAX_SHOWN_MATRICES = 4;
/** The compare line names at most this many cells. */
const TOP_CHANGES = 3;

export interface ConfusionRun {
	label: string;
	/**
	 * The matrix the run note kept; null for a run note without one; undefined where there can be none (a pasted log).
	 * Read only here, so that a lazy getter parses it just for the runs that are drawn.
	 */
	readonly confusion?: ConfusionRecord | null;
}

export interface ConfusionChange {
	truth: number;
	pred: number;
	a: number;
	b: number;
}

/**
 * The off-diagonal cells where two matrices over the same classes differ most, biggest difference first (ties: the
 * larger count, then row and column order). Cells that are equal are left out.
 */
export function biggestChanges(a: readonly (readonly number[])[], b: readonly (readonly number[])[], top = TOP_CHANGES): ConfusionChange[] {
	const out: ConfusionChange[] = [];
	for (let i = 0; i < a.length; i++) {
		for (let j = 0; j < a.length; j++) {
			if (i === j) continue;
			const x = a[i]?.[j] ?? 0;
			const y = b[i]?.[j] ?? 0;
			if (x !== y) out.push({ truth: i, pred: j, a: x, b: y });
		}
	}
	out.sort((p, q) => Math.abs(q.a - q.b) - Math.abs(p.a - p.b) || Math.max(q.a, q.b) - Math.max(p.a, p.b) || p.truth - q.truth || p.pred - q.pred);
	return out.slice(0, top);
}

const sameClasses = (p: ConfusionRecord, q: ConfusionRecord): boolean => p.classes.length === q.classes.length && p.classes.every((c, i) => c === q.classes[i]);

function runTitle(parent: HTMLElement, label: string, colour: number): void {
	const title = parent.createDiv({ cls: `cnn-lab-log-confusion-run cnn-lab-log-c${colour % 6}` });
	title.createSpan({ cls: "cnn-lab-log-swatch" });
	title.createSpan({ cls: "cnn-lab-log-confusion-name", text: label });
}

/**
 * Draws the section into `parent` and returns it, or returns null (nothing drawn) when none of the runs kept a
 * matrix. `runs` are in the view's order: a run's index is its series colour. The per-class accuracy charts go into
 * `charts`, which the caller destroys before emptying `parent`.
 */
export function renderConfusionSection(parent: HTMLElement, runs: readonly ConfusionRun[], charts?: ChartSet): HTMLElement | null {
	const kept: { run: ConfusionRun; conf: ConfusionRecord; colour: number }[] = [];
	const without: string[] = [];
	runs.forEach((run, colour) => {
		const conf = run.confusion;
		if (conf) kept.push({ run, conf, colour });
		else if (conf === null) without.push(run.label);
	});
	if (kept.length === 0) return null;
	const section = parent.createDiv({ cls: "cnn-lab-log-confusion-section" });
	section.createDiv({ cls: "cnn-lab-section-title", text: t(kept.length === 1 ? "log.confusion.titleOne" : "log.confusion.title") });
	const drawn = kept.slice(0, MAX_SHOWN_MATRICES);
	if (kept.length > drawn.length) {
		section.createDiv({
			cls: "cnn-lab-log-confusion-more",
			text: t("log.confusion.more", { shown: drawn.length, left: kept.length - drawn.length, runs: kept.slice(drawn.length).map((k) => k.run.label).join(", ") }),
		});
	}
	if (drawn.length === 2 && sameClasses(drawn[0].conf, drawn[1].conf)) renderCompare(section, drawn[0].run.label, drawn[1].run.label, drawn[0].conf, drawn[1].conf);
	const grid = section.createDiv({ cls: "cnn-lab-log-confusion-grid" });
	for (const { run, conf, colour } of drawn) {
		const cell = grid.createDiv({ cls: "cnn-lab-log-confusion-item", attr: { "data-run": run.label } });
		runTitle(cell, run.label, colour);
		renderConfusion(cell, conf.matrix, conf.classes, { title: null, charts });
	}
	if (without.length) section.createDiv({ cls: "cnn-lab-log-confusion-none", text: t("log.confusion.none", { runs: without.join(", ") }) });
	return section;
}

function renderCompare(parent: HTMLElement, nameA: string, nameB: string, a: ConfusionRecord, b: ConfusionRecord): void {
	const changes = biggestChanges(a.matrix, b.matrix);
	const line = parent.createDiv({ cls: "cnn-lab-log-confusion-compare" });
	if (changes.length === 0) {
		line.setText(t("log.confusion.same"));
		return;
	}
	line.createSpan({ cls: "cnn-lab-log-confusion-compare-lead", text: t("log.confusion.compare") });
	changes.forEach((c, k) => {
		if (k > 0) line.createSpan({ text: t("log.confusion.sep") });
		const item = line.createSpan({ cls: "cnn-lab-log-confusion-change", attr: { "data-true": c.truth, "data-pred": c.pred } });
		item.createSpan({ cls: "cnn-lab-log-confusion-pair", text: t("log.confusion.pair", { truth: a.classes[c.truth], pred: a.classes[c.pred] }) });
		item.createSpan({ text: t("log.confusion.counts", { a: c.a, b: c.b, runA: nameA, runB: nameB }) });
	});
}
