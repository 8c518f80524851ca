/** Keras' two outputs: the `history.history` dict (or its JSON) and what `model.fit(..., verbose=1)` prints. */
import type { Diagnostic } from "../diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import type { EpochMetrics } from "../../engine/run-metrics";
import { ALIASES, colName, finishEpochs, type Col } from "./columns";
import { pythonToJson } from "./python-json";
import { err, MAX_DIRECTIVE_CHARS, warn, type LogSeries } from "./types";

/** The history dict, or null when the text is not one (then it is read as CSV). */
export function parseKeras(text: string, firstLine: number): { series: LogSeries; diagnostics: Diagnostic[] } | null {
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
		// Numbers, null (nan / None) and strings: "Infinity" from pythonToJson, or numbers a script wrote quoted.
		return v.map((x) => (typeof x === "number" ? x : typeof x === "string" && x.trim() !== "" ? Number(x) : NaN));
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
	const done = finishEpochs(epochs, epochs.map(() => line));
	return { series: { label: "Keras", epochs: done.epochs, batches: [] }, diagnostics: [...diagnostics, ...done.diagnostics] };
}

export const EPOCH_LINE = /^\s*Epoch\s+(\d+)\s*\/\s*\d+/i;

/**
 * What `model.fit(..., verbose=1)` prints, pasted from a terminal or notebook: `Epoch 3/10` lines, each followed by
 * progress lines ending with `… - loss: 0.21 - accuracy: 0.94 - val_loss: …`; the last such line of an epoch counts.
 */
export function parseKerasLog(lines: readonly string[], firstLine: number): { series: LogSeries; diagnostics: Diagnostic[] } {
	const epochs: EpochMetrics[] = [];
	const epochLines: number[] = [];
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
			epochLines.push(current.line);
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
	const done = finishEpochs(epochs, epochLines);
	diagnostics.push(...done.diagnostics);
	if (done.epochs.length === 0 && diagnostics.length === 0) diagnostics.push(err(firstLine, t("log.keras.noLoss")));
	return { series: { label: "Keras", epochs: done.epochs, batches: [] }, diagnostics };
}

