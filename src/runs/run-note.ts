/**
 * The run note: one Markdown note per training run, written by the recorder (plugin and `cnn-lab train` alike)
 * and read back by the ```cnn block (its latest run) and the ```cnn-log block. Front matter that Dataview can
 * query (run-properties.ts), a title, one line on where the run came from, the model as a ```cnn block, then a
 * ```cnn-log block holding the per-epoch metrics, a thinned per-batch loss and the confusion matrix as CSV.
 * After the first write only the ```cnn-log block and the properties change: the rest of the note is the user's.
 */
import { parseLogCsv } from "../notation/log/log-block";
import { t } from "../i18n";
import "../i18n/strings-log";
import { confusionCsv, confusionMarkdown, parseConfusionSection, validConfusion } from "./confusion";
import { epochCsv, fmtNum } from "./csv";
import { linkTo } from "./links";
import { thinPoints } from "./loss-curve";
import { runFromFrontMatter, runProperties } from "./run-properties";
import { CREATED_BY, type RunRecord } from "./run-record";
import { formatFrontMatter, splitFrontMatter } from "./yaml";

/** The ```cnn-log block's text between its fences. */
export function logFenceText(r: RunRecord): string {
	const out = [epochCsv(r.epochs)];
	const thin = thinPoints(r.batches);
	if (thin.length) {
		out.push("# batches", "epoch,loss");
		for (const p of thin) out.push(`${fmtNum(p.x)},${fmtNum(p.y)}`);
	}
	const conf = validConfusion(r.confusion);
	if (conf) out.push(...confusionCsv(conf));
	return out.join("\n");
}

/** What a finished run adds after its ```cnn-log block, once: why it stopped or failed, the confusion table. */
export function outcomeText(r: RunRecord): string {
	const out: string[] = [];
	if (r.message && r.status !== "running") out.push(`> ${r.message.replace(/\n/g, " ")}`, "");
	const conf = validConfusion(r.confusion);
	if (conf) out.push(`## ${t("log.note.confusion")}`, "", ...confusionMarkdown(conf), "");
	return out.join("\n");
}

/** A fence long enough for the text it holds (a model line with ``` in a comment would end a 3-tick fence). */
function fence(lang: string, text: string): string {
	const longest = Math.max(2, ...[...text.matchAll(/`{3,}/g)].map((m) => m[0].length));
	const ticks = "`".repeat(longest + 1);
	return `${ticks}${lang}\n${text}\n${ticks}`;
}

/** The model's text as the run note's ```cnn block holds it (also written by the exported training scripts). */
export function modelText(text: string): string {
	const lines = text.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trimEnd());
	while (lines.length && lines[0] === "") lines.shift();
	while (lines.length && lines[lines.length - 1] === "") lines.pop();
	return lines.join("\n");
}

export function formatRunNote(r: RunRecord, title?: string): string {
	const body = [
		`# ${title ?? r.runId}`,
		"",
		t("log.note.summary", { source: linkTo(r.sourcePath), dataset: r.settings.dataset, epochs: r.settings.epochs }),
		"",
		fence("cnn", modelText(r.settings.model)),
		"",
		fence("cnn-log", logFenceText(r)),
		"",
	];
	const outcome = outcomeText(r);
	if (outcome) body.push(outcome);
	return [formatFrontMatter(runProperties(r)), "", ...body].join("\n");
}

const LOG_FENCE = /^(`{3,}|~{3,})[ \t]*cnn-log[^\n]*\n([\s\S]*?)^\1[ \t]*$/m;
const CNN_FENCE = /^(`{3,}|~{3,})[ \t]*cnn[ \t]*\n([\s\S]*?)^\1[ \t]*$/m;

/** The body of the first ```cnn-log fence in a note, or null. */
export function extractLogFence(body: string): string | null {
	const m = LOG_FENCE.exec(body);
	return m ? m[2] : null;
}

/**
 * The note with its first ```cnn-log block's contents replaced, and the run's outcome placed right after the
 * block unless it is already there. Everything else stays as the user left it; a note whose block the user
 * removed gets it again at its end.
 */
export function replaceLogFence(text: string, r: RunRecord): string {
	const m = LOG_FENCE.exec(text);
	if (!m) return `${text.replace(/\n*$/, "\n\n")}${fence("cnn-log", logFenceText(r))}\n`;
	const open = m[0].slice(0, m[0].indexOf("\n") + 1);
	const block = `${open}${logFenceText(r)}\n${m[1]}`;
	const end = m.index + m[0].length;
	let rest = text.slice(end);
	const outcome = outcomeText(r);
	if (outcome && !rest.replace(/^\n+/, "").startsWith(outcome.trimEnd())) rest = `\n\n${outcome}${rest.replace(/^\n/, "")}`;
	return text.slice(0, m.index) + block + rest;
}

/** True when the text is a run note that CNN Lab wrote for the given run (or any run when runId is omitted). */
export function isOwnRunNote(text: string, runId?: string): boolean {
	const { fm } = splitFrontMatter(text);
	if (!fm || fm.created_by !== CREATED_BY) return false;
	return runId === undefined || fm.run_id === runId;
}

/** The model's text: the note's ```cnn block, or for notes written before it moved there, the `model` property. */
export function modelFromBody(body: string): string | null {
	const m = CNN_FENCE.exec(body);
	return m ? m[2].replace(/\n$/, "") : null;
}

/** Reads a run note written by formatRunNote. Null when the note is not a CNN Lab run. */
export function parseRunNote(text: string): RunRecord | null {
	const { fm, body } = splitFrontMatter(text);
	if (!fm) return null;
	const head = runFromFrontMatter(fm);
	if (!head) return null;
	const model = modelFromBody(body);
	if (model !== null) head.settings.model = model;
	const logText = extractLogFence(body);
	const csv = logText === null ? null : parseLogCsv(logText);
	const confusion = logText === null ? null : parseConfusionSection(logText);
	// Absent from older notes: left out rather than null, so their records read exactly as before.
	return { ...head, epochs: csv?.epochs ?? [], batches: csv?.batches ?? [], ...(confusion ? { confusion } : {}) };
}

/** Whitespace-insensitive comparison of two ```cnn block texts (a re-indented block is still the same model). */
export function sameModel(a: string, b: string): boolean {
	const norm = (s: string): string =>
		s
			.replace(/\r\n?/g, "\n")
			.split("\n")
			.map((l) => l.trim().replace(/\s+/g, " "))
			.filter((l) => l !== "")
			.join("\n");
	return norm(a) === norm(b);
}
