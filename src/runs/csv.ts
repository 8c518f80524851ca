/** The CSV of a run note's ```cnn-log block: numbers, cells and the epoch table (read back by notation/log). */
import type { EpochMetrics } from "../engine/run-metrics";

/** A number as CSV / YAML text: short, exact enough, and `NaN` / `Infinity` kept readable. */
export function fmtNum(v: number | null | undefined): string {
	if (v === null || v === undefined) return "";
	if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
	if (Number.isInteger(v)) return String(v);
	return String(Number(v.toPrecision(6)));
}

/** The epoch table; an `lr` column when the epochs carry their learning rate (every run since schedules). */
export function epochCsv(rows: readonly EpochMetrics[]): string {
	const lr = rows.some((r) => r.lr != null);
	const out = [lr ? "epoch,loss,acc,val_loss,val_acc,lr" : "epoch,loss,acc,val_loss,val_acc"];
	for (const r of rows) out.push((lr ? [r.epoch, r.loss, r.acc, r.valLoss, r.valAcc, r.lr] : [r.epoch, r.loss, r.acc, r.valLoss, r.valAcc]).map(fmtNum).join(","));
	return out.join("\n");
}

/** A name as one CSV cell: quoted when it holds a comma or quote, or starts with "#" (a section line). */
export function csvCell(name: string): string {
	const s = name.replace(/[\r\n]+/g, " ");
	return /[,"]|^#|^\s|\s$/.test(s) || s === "" ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV row with "quoted" cells ("" is a quote inside). */
export function splitCsv(line: string): string[] {
	const out: string[] = [];
	let i = 0;
	for (;;) {
		let cell = "";
		if (line[i] === '"') {
			i++;
			while (i < line.length) {
				if (line[i] === '"') {
					if (line[i + 1] === '"') {
						cell += '"';
						i += 2;
						continue;
					}
					i++;
					break;
				}
				cell += line[i++];
			}
			const comma = line.indexOf(",", i);
			i = comma < 0 ? line.length : comma;
		} else {
			const comma = line.indexOf(",", i);
			cell = (comma < 0 ? line.slice(i) : line.slice(i, comma)).trim();
			i = comma < 0 ? line.length : comma;
		}
		out.push(cell);
		if (i >= line.length) return out;
		i++;
	}
}
