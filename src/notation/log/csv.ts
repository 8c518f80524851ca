/** Pasted per-epoch CSV (PyTorch scripts, Keras' CSVLogger, the plugin's own run notes) with its `# batches` section. */
import type { Diagnostic } from "../diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { ALIASES, cell, colName, finishEpochs, type Col } from "./columns";
import { err } from "./types";

function splitRow(line: string): string[] {
	const sep = line.includes(",") ? "," : line.includes("\t") ? "\t" : line.includes(";") ? ";" : /\s+/;
	return line.trim().split(sep).map((c) => c.trim().replace(/^["']|["']$/g, ""));
}

/**
 * Per-epoch CSV plus an optional `# batches` section (`epoch,loss`). Rows that cannot be read are reported with
 * their line (offset by `firstLine`) and skipped; the rest still draw.
 */
export function parseLogCsv(text: string, firstLine = 1): { epochs: EpochMetrics[]; batches: LossPoint[]; diagnostics: Diagnostic[] } {
	const lines = text.replace(/\r\n?/g, "\n").split("\n");
	const rows: EpochMetrics[] = [];
	const rowLines: number[] = [];
	const batches: LossPoint[] = [];
	const diagnostics: Diagnostic[] = [];
	let cols: (Col | null)[] | null = null;
	// "skip": a section kept for other readers (the run note's `# confusion` matrix), not a series to draw.
	let section: "epochs" | "batches" | "skip" = "epochs";
	let batchHeader = false;
	for (let i = 0; i < lines.length; i++) {
		const raw = lines[i].trim();
		const ln = firstLine + i;
		if (raw === "") continue;
		if (raw.startsWith("#")) {
			if (/^#\s*confusion\b/i.test(raw)) section = "skip";
			else if (/batch/i.test(raw)) {
				section = "batches";
				batchHeader = false;
			}
			continue;
		}
		if (section === "skip") continue;
		const parts = splitRow(raw);
		if (section === "batches") {
			if (!batchHeader && parts.some((p) => /[a-z]/i.test(p) && cell(p) === undefined)) {
				batchHeader = true;
				continue;
			}
			batchHeader = true;
			const x = parts.length < 2 ? undefined : cell(parts[0]);
			const y = parts.length < 2 ? undefined : cell(parts[1]);
			if (x === undefined || x === null || !Number.isFinite(x) || y === undefined || y === null) {
				diagnostics.push(err(ln, t("log.csv.batchRow", { row: raw.slice(0, 60) })));
				continue;
			}
			batches.push({ x, y });
			continue;
		}
		if (!cols) {
			cols = parts.map((p) => ALIASES[colName(p)] ?? null);
			if (!cols.includes("loss") && !cols.includes("valLoss") && !cols.includes("acc") && !cols.includes("valAcc")) {
				diagnostics.push(err(ln, t("log.csv.noHeader", { row: raw.slice(0, 60) }), "epoch,loss,acc,val_loss,val_acc"));
				return { epochs: [], batches, diagnostics };
			}
			continue;
		}
		if (parts.length !== cols.length) {
			diagnostics.push(err(ln, t("log.csv.rowLength", { n: parts.length, cols: cols.length })));
			continue;
		}
		const row: EpochMetrics = { epoch: rows.length + 1, loss: NaN, acc: null, valLoss: null, valAcc: null };
		let bad = -1;
		cols.forEach((c, j) => {
			if (!c) return;
			const v = cell(parts[j]);
			if (v === undefined || (c === "epoch" && v !== null && !Number.isFinite(v))) {
				if (bad < 0) bad = j;
				return;
			}
			if (c === "epoch") {
				if (v !== null) row.epoch = v;
			} else if (c === "loss") row.loss = v ?? NaN;
			else row[c] = v;
		});
		if (bad >= 0) {
			diagnostics.push(err(ln, t("log.csv.notNumber", { value: parts[bad], col: bad + 1 })));
			continue;
		}
		rows.push(row);
		rowLines.push(ln);
	}
	if (!cols && diagnostics.length === 0 && (rows.length > 0 || batches.length === 0)) diagnostics.push(err(firstLine, t("log.csv.noMetrics")));
	// Keras' CSVLogger and many PyTorch loops count epochs from 0; the charts count finished epochs from 1.
	if (rows.length && rows[0].epoch === 0) for (const r of rows) r.epoch += 1;
	const done = finishEpochs(rows, rowLines);
	return { epochs: done.epochs, batches, diagnostics: [...diagnostics, ...done.diagnostics] };
}
