/**
 * The ```cnn-log block's language. Three forms:
 *   runs [[CNN runs/lenet 2026-11-25 1412]] [[…]]      run notes written by the plugin
 *   folder CNN runs [where dataset = digits and lr < 0.1]
 *   pasted metrics: a CSV (PyTorch scripts, Keras CSVLogger, the plugin's own run notes), a Keras
 *   `history.history` dict / JSON, or what Keras' fit() prints (`Epoch 1/10` … `- loss: 0.3 - accuracy: 0.9`).
 * Pure: no vault, no DOM. Line numbers in diagnostics are 1-based within the block.
 */
import type { Diagnostic } from "../diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";

export type FilterOp = "=" | "!=" | "<" | "<=" | ">" | ">=";
export interface RunFilter {
	key: string;
	op: FilterOp;
	value: string;
}

export interface LogSeries {
	label: string;
	epochs: EpochMetrics[];
	batches: LossPoint[];
}

export type LogBlockSpec =
	| { kind: "runs"; links: { target: string; line: number }[]; diagnostics: Diagnostic[] }
	| { kind: "folder"; folder: string; filters: RunFilter[]; line: number; diagnostics: Diagnostic[] }
	| { kind: "data"; format: "csv" | "keras" | "keras-log"; series: LogSeries; diagnostics: Diagnostic[] }
	| { kind: "empty"; diagnostics: Diagnostic[] };

/** Longest block text parsed: a pasted log larger than this is refused rather than read. */
export const MAX_LOG_CHARS = 2_000_000;
/** Longest `runs` / `folder` line read (run links are short; a longer line is pasted junk). */
export const MAX_DIRECTIVE_CHARS = 4000;

const err = (line: number, message: string, suggestion?: string): Diagnostic => ({ line, column: 1, severity: "error", message, suggestion });
const warn = (line: number, message: string): Diagnostic => ({ line, column: 1, severity: "warning", message });

type Col = "epoch" | "loss" | "acc" | "valLoss" | "valAcc";
const ALIASES: Record<string, Col> = {
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
};

const colName = (h: string): string =>
	h
		.trim()
		.replace(/^["']|["']$/g, "")
		.toLowerCase()
		.replace(/[\s-]+/g, "_");

function splitRow(line: string): string[] {
	const sep = line.includes(",") ? "," : line.includes("\t") ? "\t" : line.includes(";") ? ";" : /\s+/;
	return line.trim().split(sep).map((c) => c.trim().replace(/^["']|["']$/g, ""));
}

/** A CSV cell: a number, null for an empty cell, undefined when it is not a number at all. */
function cell(s: string): number | null | undefined {
	if (s === "" || /^(none|null|-)$/i.test(s)) return null;
	if (/^nan$/i.test(s)) return NaN;
	const v = Number(s.replace(/%$/, ""));
	return Number.isNaN(v) ? undefined : v;
}

/** Accuracies written as percentages (95.3) are read as fractions (0.953), so runs from any script overlay. */
function fractionise(rows: EpochMetrics[], key: "acc" | "valAcc"): void {
	if (!rows.some((r) => (r[key] ?? 0) > 1.0001)) return;
	for (const r of rows) {
		const v = r[key];
		if (v !== null) r[key] = v / 100;
	}
}

/**
 * Per-epoch CSV plus an optional `# batches` section (`epoch,loss`). Rows that cannot be read are reported with
 * their line (offset by `firstLine`) and skipped; the rest still draw.
 */
export function parseLogCsv(text: string, firstLine = 1): { epochs: EpochMetrics[]; batches: LossPoint[]; diagnostics: Diagnostic[] } {
	const lines = text.replace(/\r\n?/g, "\n").split("\n");
	const epochs: EpochMetrics[] = [];
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
			if (!batchHeader && parts.some((p) => /[a-z]/i.test(p) && !/^(nan|inf|-?infinity)$/i.test(p))) {
				batchHeader = true;
				continue;
			}
			batchHeader = true;
			const x = Number(parts[0]);
			const y = Number(parts[1]);
			if (parts.length < 2 || parts[0] === "" || parts[1] === "" || Number.isNaN(x) || (Number.isNaN(y) && !/^nan$/i.test(parts[1]))) {
				diagnostics.push(err(ln, t("log.csv.batchRow", { row: raw.slice(0, 60) })));
				continue;
			}
			batches.push({ x, y });
			continue;
		}
		if (!cols) {
			cols = parts.map((p) => ALIASES[colName(p)] ?? null);
			if (!cols.includes("loss") && !cols.includes("valLoss") && !cols.includes("acc") && !cols.includes("valAcc")) {
				diagnostics.push(
					err(ln, t("log.csv.noHeader", { row: raw.slice(0, 60) }), "epoch,loss,acc,val_loss,val_acc"),
				);
				return { epochs, batches, diagnostics };
			}
			continue;
		}
		if (parts.length !== cols.length) {
			diagnostics.push(err(ln, t("log.csv.rowLength", { n: parts.length, cols: cols.length })));
			continue;
		}
		const row: EpochMetrics = { epoch: epochs.length + 1, loss: NaN, acc: null, valLoss: null, valAcc: null };
		let bad = -1;
		cols.forEach((c, j) => {
			if (!c) return;
			const v = cell(parts[j]);
			if (v === undefined) {
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
		epochs.push(row);
	}
	if (!cols && diagnostics.length === 0 && (epochs.length > 0 || batches.length === 0)) diagnostics.push(err(firstLine, t("log.csv.noMetrics")));
	// Keras' CSVLogger and many PyTorch loops count epochs from 0; the charts count finished epochs from 1.
	if (epochs.length && epochs[0].epoch === 0) for (const r of epochs) r.epoch += 1;
	fractionise(epochs, "acc");
	fractionise(epochs, "valAcc");
	return { epochs, batches, diagnostics };
}

const PY_NULL = new Set(["nan", "NaN", "inf", "Infinity", "None", "null"]);
const PY_BOOL: Record<string, string> = { True: "true", False: "false", true: "true", false: "false" };

/**
 * Python / NumPy reprs to JSON in one linear pass (a pasted block is parsed on every keystroke, so no regex that
 * could backtrack): quotes, nan / inf / None as null, np.float64(x) wrappers dropped, trailing commas dropped.
 * Nothing is ever evaluated; an unknown name is an error.
 */
export function pythonToJson(s: string): string {
	const out: string[] = [];
	const closers: boolean[] = [];
	const n = s.length;
	let i = 0;
	while (i < n) {
		const c = s[i];
		if (c === "'" || c === '"') {
			let j = i + 1;
			let buf = "";
			while (j < n && s[j] !== c) {
				if (s[j] === "\\" && j + 1 < n) {
					buf += s[j + 1];
					j += 2;
				} else buf += s[j++];
			}
			if (j >= n) throw new Error(t("log.keras.unterminated", { at: i + 1 }));
			out.push(JSON.stringify(buf));
			i = j + 1;
			continue;
		}
		if (/[A-Za-z_]/.test(c)) {
			let j = i + 1;
			while (j < n && /[\w.]/.test(s[j])) j++;
			const id = s.slice(i, j);
			i = j;
			if (PY_NULL.has(id)) {
				if (out.length && out[out.length - 1] === "-") out.pop();
				out.push("null");
			} else if (id in PY_BOOL) out.push(PY_BOOL[id]);
			else if (/^(np|numpy)\.(float|int)(16|32|64)?$/.test(id) && s[i] === "(") {
				closers.push(true);
				i++;
			} else throw new Error(t("log.keras.unknownName", { name: id.slice(0, 30) }));
			continue;
		}
		if (c === "(") closers.push(false);
		if (c === ")" && closers.length) {
			i++;
			if (closers.pop()) continue;
			out.push(c);
			continue;
		}
		if (c === "}" || c === "]") {
			// Drop a trailing comma (and the blanks after it) before a closing bracket.
			let k = out.length - 1;
			while (k >= 0 && /^\s$/.test(out[k])) k--;
			if (k >= 0 && out[k] === ",") out.splice(k, 1);
		}
		out.push(c);
		i++;
	}
	return out.join("");
}

function parseKeras(text: string, firstLine: number): { series: LogSeries; diagnostics: Diagnostic[] } | null {
	const open = text.indexOf("{");
	const close = text.lastIndexOf("}");
	if (open < 0 || close < open) return null;
	const prefix = text.slice(0, open).trim();
	if (prefix !== "" && !/^[\w.[\]'"]+\s*=$/.test(prefix) && !/^[\w.]+\s*:?$/.test(prefix)) return null;
	const line = firstLine + text.slice(0, open).split("\n").length - 1;
	let obj: unknown;
	try {
		obj = JSON.parse(pythonToJson(text.slice(open, close + 1)));
	} catch (e) {
		return { series: { label: "Keras", epochs: [], batches: [] }, diagnostics: [err(line, t("log.keras.unreadable", { why: (e as Error).message }))] };
	}
	if (!obj || typeof obj !== "object" || Array.isArray(obj)) return null;
	const o = obj as Record<string, unknown>;
	const diagnostics: Diagnostic[] = [];
	const arr = (k: string): (number | null)[] | null => {
		const v = o[k];
		if (!Array.isArray(v)) return null;
		return v.map((x) => (typeof x === "number" ? x : x === null ? NaN : Number.isFinite(Number(x)) ? Number(x) : NaN));
	};
	const cols: Partial<Record<Col, (number | null)[]>> = {};
	for (const k of Object.keys(o)) {
		const c = ALIASES[colName(k)];
		if (c && c !== "epoch" && !cols[c]) {
			const a = arr(k);
			if (a) cols[c] = a;
		}
	}
	if (!cols.loss && !cols.valLoss && !cols.acc && !cols.valAcc) {
		diagnostics.push(err(line, t("log.keras.noKeys")));
		return { series: { label: "Keras", epochs: [], batches: [] }, diagnostics };
	}
	const lens = Object.values(cols).map((a) => a?.length ?? 0);
	const n = Math.max(...lens);
	if (lens.some((l) => l !== n)) diagnostics.push(warn(line, t("log.keras.lengths", { lens: lens.join(", ") })));
	const epochs: EpochMetrics[] = [];
	for (let i = 0; i < n; i++) {
		const at = (c: Col): number | null => {
			const a = cols[c];
			return a && i < a.length ? a[i] : null;
		};
		epochs.push({ epoch: i + 1, loss: at("loss") ?? NaN, acc: at("acc"), valLoss: at("valLoss"), valAcc: at("valAcc") });
	}
	fractionise(epochs, "acc");
	fractionise(epochs, "valAcc");
	return { series: { label: "Keras", epochs, batches: [] }, diagnostics };
}

const EPOCH_LINE = /^\s*Epoch\s+(\d+)\s*\/\s*\d+/i;

/**
 * What `model.fit(..., verbose=1)` prints, pasted from a terminal or notebook: `Epoch 3/10` lines, each followed by
 * progress lines ending with `… - loss: 0.21 - accuracy: 0.94 - val_loss: …`; the last such line of an epoch counts.
 */
function parseKerasLog(lines: readonly string[], firstLine: number): { series: LogSeries; diagnostics: Diagnostic[] } {
	const epochs: EpochMetrics[] = [];
	const diagnostics: Diagnostic[] = [];
	let current: { epoch: number; line: number; metrics: Record<string, number> | null } | null = null;
	const close = (): void => {
		if (!current) return;
		const m = current.metrics;
		if (!m) diagnostics.push(warn(current.line, t("log.keras.epochNoLoss", { epoch: current.epoch })));
		else {
			const get = (c: Col): number | null => {
				for (const [k, v] of Object.entries(m)) if (ALIASES[colName(k)] === c) return v;
				return null;
			};
			epochs.push({ epoch: current.epoch, loss: get("loss") ?? NaN, acc: get("acc"), valLoss: get("valLoss"), valAcc: get("valAcc") });
		}
		current = null;
	};
	lines.forEach((full, i) => {
		// A notebook keeps every progress update of a line, separated by carriage returns: the last one is final.
		const parts = full.split("\r");
		const line = parts[parts.length - 1];
		const ep = EPOCH_LINE.exec(line);
		if (ep) {
			close();
			current = { epoch: Number(ep[1]), line: firstLine + i, metrics: null };
			return;
		}
		// Progress lines are short; a longer one is not Keras output (and is not scanned, to stay linear).
		if (!current || line.length > MAX_DIRECTIVE_CHARS || !/\bloss\s*:/i.test(line)) return;
		const metrics: Record<string, number> = {};
		for (const m of line.matchAll(/([A-Za-z_]\w*)\s*:\s*(-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|nan|-?inf)/gi)) {
			metrics[m[1]] = /nan/i.test(m[2]) ? NaN : /inf/i.test(m[2]) ? (m[2].startsWith("-") ? -Infinity : Infinity) : Number(m[2]);
		}
		current.metrics = metrics;
	});
	close();
	fractionise(epochs, "acc");
	fractionise(epochs, "valAcc");
	if (epochs.length === 0 && diagnostics.length === 0) diagnostics.push(err(firstLine, t("log.keras.noLoss")));
	return { series: { label: "Keras", epochs, batches: [] }, diagnostics };
}

/** Reads `where a = b and c >= d`; returns the filters or a diagnostic. */
function parseWhere(text: string, line: number): { filters: RunFilter[]; diag: Diagnostic | null } {
	const filters: RunFilter[] = [];
	for (const raw of text.split(/\sand\s/i)) {
		const part = raw.trim();
		const m = /^([A-Za-z_][\w-]*)\s*(!=|<=|>=|=|<|>)(.*)$/.exec(part);
		const value = m ? m[3].trim().replace(/^["']|["']$/g, "") : "";
		if (!m || value === "") return { filters, diag: err(line, t("log.block.condition", { text: part.slice(0, 60) }), "folder CNN runs where dataset = digits") };
		filters.push({ key: m[1].toLowerCase().replace(/-/g, "_"), op: m[2] as FilterOp, value });
	}
	return { filters, diag: null };
}

export function parseLogBlock(source: string): LogBlockSpec {
	if (source.length > MAX_LOG_CHARS)
		return { kind: "empty", diagnostics: [err(1, t("log.block.tooLong", { n: source.length, max: MAX_LOG_CHARS }))] };
	const text = source.replace(/\r\n?/g, "\n");
	const lines = text.split("\n");
	const first = lines.findIndex((l) => l.trim() !== "" && !l.trim().startsWith("%%"));
	if (first < 0) return { kind: "empty", diagnostics: [err(1, t("log.block.empty"))] };
	const head = lines[first].trim();

	if (/^runs?\b/i.test(head)) {
		const links: { target: string; line: number }[] = [];
		const diagnostics: Diagnostic[] = [];
		for (let i = first; i < lines.length; i++) {
			const l = lines[i].trim();
			if (l === "") continue;
			if (l.length > MAX_DIRECTIVE_CHARS) {
				diagnostics.push(err(i + 1, t("log.block.runsLineLong", { n: l.length, max: MAX_DIRECTIVE_CHARS })));
				continue;
			}
			const rest = l.replace(/^runs?\b/i, "");
			const found = [...rest.matchAll(/\[\[([^\]]*)\]\]/g)];
			for (const m of found) {
				const target = m[1].split("|")[0].split("#")[0].trim();
				if (target === "") diagnostics.push(err(i + 1, t("log.block.emptyLink")));
				else links.push({ target, line: i + 1 });
			}
			const left = rest.replace(/\[\[[^\]]*\]\]/g, "").trim();
			if (left !== "") diagnostics.push(err(i + 1, t("log.block.notLink", { text: left.slice(0, 40) })));
		}
		if (links.length === 0 && diagnostics.length === 0) diagnostics.push(err(first + 1, t("log.block.noRuns"), "runs [[CNN runs/…]]"));
		return { kind: "runs", links, diagnostics };
	}

	if (/^folder(\s|$)/i.test(head)) {
		const line = first + 1;
		const rest = head.slice(6);
		const where = /\swhere\s/i.exec(rest);
		const folderPart = (where ? rest.slice(0, where.index) : rest).trim();
		const wherePart = where ? rest.slice(where.index + where[0].length) : undefined;
		if (folderPart === "") return { kind: "folder", folder: "", filters: [], line, diagnostics: [err(line, t("log.block.whichFolder"), "folder CNN runs")] };
		if (head.length > MAX_DIRECTIVE_CHARS) return { kind: "folder", folder: "", filters: [], line, diagnostics: [err(line, t("log.block.folderLineLong", { n: head.length, max: MAX_DIRECTIVE_CHARS }))] };
		let folder = folderPart.replace(/^["']|["']$/g, "");
		const link = /^\[\[(.*)\]\]$/.exec(folder);
		if (link) folder = link[1];
		const diagnostics: Diagnostic[] = [];
		let filters: RunFilter[] = [];
		if (wherePart !== undefined) {
			const w = parseWhere(wherePart, line);
			filters = w.filters;
			if (w.diag) diagnostics.push(w.diag);
		}
		for (let i = first + 1; i < lines.length; i++) if (lines[i].trim() !== "") diagnostics.push(warn(i + 1, t("log.block.firstLineOnly")));
		return { kind: "folder", folder, filters, line, diagnostics };
	}

	const rest = lines.slice(first).join("\n");
	if (EPOCH_LINE.test(head)) {
		const k = parseKerasLog(lines.slice(first), first + 1);
		return { kind: "data", format: "keras-log", series: k.series, diagnostics: k.diagnostics };
	}
	if (/^[\w.[\]'"]*\s*=?\s*\{/.test(head) || head.startsWith("{")) {
		const k = parseKeras(rest, first + 1);
		if (k) return { kind: "data", format: "keras", series: k.series, diagnostics: k.diagnostics };
	}
	const csv = parseLogCsv(rest, first + 1);
	return { kind: "data", format: "csv", series: { label: "CSV", epochs: csv.epochs, batches: csv.batches }, diagnostics: csv.diagnostics };
}

function compare(a: string | number | boolean | null | undefined, op: FilterOp, want: string): boolean {
	if (a === undefined || a === null) return op === "!=";
	const an = typeof a === "number" ? a : Number(a);
	const wn = Number(want);
	const numeric = want.trim() !== "" && Number.isFinite(wn) && Number.isFinite(an) && String(a).trim() !== "";
	const cmp = numeric ? Math.sign(an - wn) : String(a).toLowerCase().localeCompare(want.toLowerCase());
	switch (op) {
		case "=":
			return cmp === 0;
		case "!=":
			return cmp !== 0;
		case "<":
			return cmp < 0;
		case "<=":
			return cmp <= 0;
		case ">":
			return cmp > 0;
		case ">=":
			return cmp >= 0;
	}
}

/** Whether a run's front matter passes every filter (keys are the front matter's: dataset, lr, status, val_acc…). */
export function matchesFilters(fm: Record<string, string | number | boolean | null>, filters: readonly RunFilter[]): boolean {
	return filters.every((f) => compare(fm[f.key], f.op, f.value));
}
