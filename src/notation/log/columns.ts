/**
 * What every pasted-metrics format shares: the column names a script may use, reading one number, deciding per
 * column whether accuracies are percentages, and refusing epochs that repeat or go backwards.
 */
import type { Diagnostic } from "../diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import type { EpochMetrics } from "../../engine/run-metrics";
import { err, info, warn } from "./types";

export type Col = "epoch" | "loss" | "acc" | "valLoss" | "valAcc" | "lr";
export const ALIASES: Record<string, Col> = {
	epoch: "epoch",
	epochs: "epoch",
	ep: "epoch",
	loss: "loss",
	train_loss: "loss",
	training_loss: "loss",
	trainloss: "loss",
	acc: "acc",
	accuracy: "acc",
	train_acc: "acc",
	train_accuracy: "acc",
	training_accuracy: "acc",
	trainacc: "acc",
	val_loss: "valLoss",
	valid_loss: "valLoss",
	validation_loss: "valLoss",
	test_loss: "valLoss",
	eval_loss: "valLoss",
	valloss: "valLoss",
	val_acc: "valAcc",
	val_accuracy: "valAcc",
	valid_acc: "valAcc",
	valid_accuracy: "valAcc",
	validation_accuracy: "valAcc",
	validation_acc: "valAcc",
	test_acc: "valAcc",
	test_accuracy: "valAcc",
	eval_accuracy: "valAcc",
	valacc: "valAcc",
	// the run note's learning rate per epoch; Keras's history calls it lr or learning_rate
	lr: "lr",
	learning_rate: "lr",
};

export const colName = (h: string): string =>
	h
		.trim()
		.replace(/^["']|["']$/g, "")
		.toLowerCase()
		.replace(/[\s-]+/g, "_");

/** ±inf as PyTorch and NumPy print it, ±Infinity as JavaScript does. */
const INFINITE = /^([+-]?)inf(inity)?$/i;

/** A cell: a number, null for an empty cell, undefined when it is not a number at all. */
export function cell(s: string): number | null | undefined {
	if (s === "" || /^(none|null|-)$/i.test(s)) return null;
	if (/^nan$/i.test(s)) return NaN;
	const inf = INFINITE.exec(s);
	if (inf) return inf[1] === "-" ? -Infinity : Infinity;
	const v = Number(s.replace(/%$/, ""));
	return Number.isNaN(v) ? undefined : v;
}

/** Most row diagnostics of one kind listed; the rest are counted on one line, so 100 000 bad rows stay readable. */
const MAX_LISTED = 5;

/** Collects row diagnostics of one kind: the first few built in full, the others only counted (no message built). */
class RowProblems {
	private readonly listed: Diagnostic[] = [];
	private more = 0;
	private moreLine = 0;
	add(line: number, make: () => Diagnostic): void {
		if (this.listed.length < MAX_LISTED) this.listed.push(make());
		else if (this.more++ === 0) this.moreLine = line;
	}
	done(): Diagnostic[] {
		if (this.more === 0) return this.listed;
		return [...this.listed, warn(this.moreLine, t("log.rows.more", { n: this.more }))];
	}
}

const ACC_LABEL: Record<"acc" | "valAcc", string> = { acc: "acc", valAcc: "val_acc" };

/**
 * Accuracies written as percentages (95.3) are read as fractions (0.953), so runs from any script overlay. Decided
 * for each column on its own: when most of its non-zero values are above 1 it is a percentage column and the block
 * says so; a lone value above 1 among fractions is dropped and reported on its line, never used to rescale the rest.
 * `lines[i]` is the block line of `rows[i]`.
 */
export function readAccuracies(rows: EpochMetrics[], lines: readonly number[], key: "acc" | "valAcc"): Diagnostic[] {
	const values = rows.map((r) => r[key]).filter((v): v is number => v !== null && Number.isFinite(v) && v !== 0);
	const above = values.filter((v) => v > 1.0001);
	if (above.length === 0) return [];
	const problems = new RowProblems();
	const percent = above.length * 2 >= values.length;
	rows.forEach((r, i) => {
		const v = r[key];
		if (v === null || !Number.isFinite(v)) return;
		if (v < 0 || v > 100.0001 || (!percent && v > 1.0001)) {
			problems.add(lines[i], () => warn(lines[i], t(percent ? "log.acc.notPercent" : "log.acc.lone", { col: ACC_LABEL[key], value: v })));
			r[key] = null;
		} else if (percent) r[key] = v / 100;
	});
	const said = problems.done();
	return percent ? [info(lines[0] ?? 1, t("log.acc.percent", { col: ACC_LABEL[key] })), ...said] : said;
}

/**
 * Keeps the rows whose epoch is after the previous kept one; a repeated or backwards epoch (two runs pasted into one
 * block, or a resumed loop) is refused on its line instead of drawing a line that turns back.
 */
export function inOrder(rows: EpochMetrics[], lines: number[]): { rows: EpochMetrics[]; lines: number[]; diagnostics: Diagnostic[] } {
	const kept: EpochMetrics[] = [];
	const keptLines: number[] = [];
	const problems = new RowProblems();
	for (let i = 0; i < rows.length; i++) {
		const prev = kept.length ? kept[kept.length - 1].epoch : -Infinity;
		const epoch = rows[i].epoch;
		if (!(epoch > prev)) {
			problems.add(lines[i], () => err(lines[i], t(epoch === prev ? "log.epoch.repeated" : "log.epoch.backwards", { epoch, prev })));
			continue;
		}
		kept.push(rows[i]);
		keptLines.push(lines[i]);
	}
	return { rows: kept, lines: keptLines, diagnostics: problems.done() };
}

/** The checks every format ends with: epoch order, then each accuracy column. */
export function finishEpochs(rows: EpochMetrics[], lines: number[]): { epochs: EpochMetrics[]; diagnostics: Diagnostic[] } {
	const ordered = inOrder(rows, lines);
	const diagnostics = [...ordered.diagnostics, ...readAccuracies(ordered.rows, ordered.lines, "acc"), ...readAccuracies(ordered.rows, ordered.lines, "valAcc")];
	return { epochs: ordered.rows, diagnostics };
}
