/**
 * The ```cnn-log block's language. Three forms:
 *   runs [[CNN runs/lenet 2026-11-25 1412]] [[…]]      run notes written by the plugin
 *   folder CNN runs [where dataset = digits and lr < 0.1]
 *   pasted metrics: a CSV (PyTorch scripts, Keras CSVLogger, the plugin's own run notes), a Keras
 *   `history.history` dict / JSON, or what Keras' fit() prints (`Epoch 1/10` … `- loss: 0.3 - accuracy: 0.9`).
 * This module tells the forms apart and reads the two directives; csv.ts, keras.ts and where.ts read the rest.
 * Pure: no vault, no DOM. Line numbers in diagnostics are 1-based within the block.
 */
import type { Diagnostic } from "../diagnostic";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { parseLogCsv } from "./csv";
import { EPOCH_LINE, parseKeras, parseKerasLog } from "./keras";
import { err, MAX_DIRECTIVE_CHARS, MAX_LOG_CHARS, warn, type LogBlockSpec, type RunFilter } from "./types";
import { parseWhere } from "./where";

export { parseLogCsv } from "./csv";
export { pythonToJson } from "./python-json";
export { matchesFilters } from "./where";
export { MAX_DIRECTIVE_CHARS, MAX_LOG_CHARS, type FilterOp, type LogBlockSpec, type LogSeries, type RunFilter } from "./types";

/**
 * Splits `folder <name> [where …]`'s rest into the folder and the where text. A quoted name or a [[link]] ends at
 * its closing mark, so a folder may hold the word "where"; unquoted, the first " where" (also at the end) starts
 * the clause, so `folder CNN runs where` is a clause with no condition, not a folder named "CNN runs where".
 */
function splitFolderLine(rest: string): { folder: string; where: string | undefined } | null {
	const s = rest.trim();
	const close = s.startsWith("[[") ? s.indexOf("]]", 2) : /^["']/.test(s) ? s.indexOf(s[0], 1) : -2;
	if (close === -1) return null;
	if (close >= 0) {
		const end = close + (s.startsWith("[[") ? 2 : 1);
		const after = s.slice(end).trim();
		const folder = s.startsWith("[[") ? s.slice(2, close) : s.slice(1, close);
		if (after === "") return { folder, where: undefined };
		const w = /^where(\s|$)/i.exec(after);
		return w ? { folder, where: after.slice(w[0].length) } : null;
	}
	const where = /(^|\s)where(\s|$)/i.exec(s);
	return { folder: (where ? s.slice(0, where.index) : s).trim(), where: where ? s.slice(where.index + where[0].length) : undefined };
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
		if (head.length > MAX_DIRECTIVE_CHARS) return { kind: "folder", folder: "", filters: [], line, diagnostics: [err(line, t("log.block.folderLineLong", { n: head.length, max: MAX_DIRECTIVE_CHARS }))] };
		const split = splitFolderLine(head.slice(6));
		if (!split) return { kind: "folder", folder: "", filters: [], line, diagnostics: [err(line, t("log.block.folderQuote"), 'folder "CNN runs" where dataset = digits')] };
		const folder = split.folder.trim();
		const wherePart = split.where;
		if (folder === "") return { kind: "folder", folder: "", filters: [], line, diagnostics: [err(line, t("log.block.whichFolder"), "folder CNN runs")] };
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
