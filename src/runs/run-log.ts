/**
 * The run note: one Markdown note per training run, written by the plugin and read back by the ```cnn block (its
 * latest run) and the ```cnn-log block. Pure text in, text out: front matter that Dataview can query, then a
 * ```cnn-log block holding the per-epoch metrics and a thinned per-batch loss as CSV.
 *
 * The YAML here is a small subset written and read by this file only (scalars, quoted strings, one block
 * scalar for the model text), so no YAML library is needed and the note reads the same in any YAML tool.
 */
import { parseLogCsv } from "../notation/log/log-block";
import type { EpochMetrics, LossPoint } from "../engine/run-metrics";
import { thinPoints } from "./loss-curve";
import { t } from "../i18n";
import "../i18n/strings-log";

export type RunStatus = "running" | "completed" | "stopped" | "failed";


/** What the run was asked to do: the settings table of the ```cnn-log block compares these. */
export interface RunSettings {
	/** The ```cnn block's text. */
	model: string;
	dataset: string;
	epochs: number;
	batch: number;
	optimizer: string;
	lr: number;
	weightDecay: number;
	seed: number | null;
	/** Fraction held out for validation. */
	val?: number | null;
	limit?: number | null;
}

export interface RunRecord {
	runId: string;
	status: RunStatus;
	/** ISO 8601 start time. */
	date: string;
	/** Vault path of the note holding the ```cnn block, e.g. "Notes/CNN.md". */
	sourcePath: string;
	settings: RunSettings;
	durationS: number | null;
	samplesPerS: number | null;
	epochs: EpochMetrics[];
	batches: LossPoint[];
	/** Why a failed run failed (NaN at epoch 3 batch 12, …). */
	message?: string | null;
	/** Name of the weights file beside the note, when weights were kept. */
	weights?: string | null;
	/** What computed the run: "wasm-simd" or "js" (they round differently, so a rerun may differ slightly). */
	backend?: string | null;
	/** The final validation confusion matrix; absent in notes written before it was kept. */
	confusion?: ConfusionRecord | null;
}

/** Counts of validation samples: matrix[true][predicted], one row and column per class, in `classes` order. */
export interface ConfusionRecord {
	classes: string[];
	matrix: number[][];
}

/** Most classes a stored confusion matrix may have (a bigger one is not kept: it would swamp the note). */
export const MAX_CONFUSION_CLASSES = 100;

export const CREATED_BY = "cnn-lab";

/** Final metrics of a run: the last epoch's numbers. */
export function finalMetrics(r: Pick<RunRecord, "epochs">): { loss: number | null; acc: number | null; valLoss: number | null; valAcc: number | null } {
	const last = r.epochs[r.epochs.length - 1];
	return last ? { loss: last.loss, acc: last.acc, valLoss: last.valLoss, valAcc: last.valAcc } : { loss: null, acc: null, valLoss: null, valAcc: null };
}


// ------------------------------------------------------------------ writing

/** A number as CSV / YAML text: short, exact enough, and `NaN` / `Infinity` kept readable. */
export function fmtNum(v: number | null | undefined): string {
	if (v === null || v === undefined) return "";
	if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
	if (Number.isInteger(v)) return String(v);
	return String(Number(v.toPrecision(6)));
}

function yamlNum(v: number | null | undefined): string {
	if (v === null || v === undefined) return "null";
	if (Number.isNaN(v)) return ".nan";
	if (!Number.isFinite(v)) return v > 0 ? ".inf" : "-.inf";
	return fmtNum(v);
}

function yamlStr(s: string): string {
	return JSON.stringify(s);
}

/** The model text as a literal block (readable in the note) unless its shape would need YAML's indentation hints. */
function yamlModel(text: string): string {
	const lines = text.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trimEnd());
	while (lines.length && lines[0] === "") lines.shift();
	while (lines.length && lines[lines.length - 1] === "") lines.pop();
	if (lines.length === 0) return '""';
	if (/^\s/.test(lines[0]) || lines.some((l) => l.includes("\t"))) return yamlStr(lines.join("\n"));
	return "|-\n" + lines.map((l) => (l === "" ? "" : `  ${l}`)).join("\n");
}

/** A wiki link to a vault path: the path without ".md", which Obsidian resolves exactly. */
export function linkTo(path: string): string {
	return `[[${path.replace(/\.md$/i, "")}]]`;
}

/** The path a `[[link]]` written by linkTo points at ("" when the text is not a link). */
export function pathFromLink(link: string): string {
	const m = /^\s*\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]\s*$/.exec(link);
	if (!m) return "";
	const p = m[1].trim();
	return /\.[a-z0-9]+$/i.test(p) ? p : `${p}.md`;
}

export function epochCsv(rows: readonly EpochMetrics[]): string {
	const out = ["epoch,loss,acc,val_loss,val_acc"];
	for (const r of rows) out.push([r.epoch, r.loss, r.acc, r.valLoss, r.valAcc].map(fmtNum).join(","));
	return out.join("\n");
}

export function formatRunNote(r: RunRecord, title?: string): string {
	const s = r.settings;
	const f = finalMetrics(r);
	const fm: [string, string][] = [
		["created_by", yamlStr(CREATED_BY)],
		["run_id", yamlStr(r.runId)],
		["status", r.status],
		["date", yamlStr(r.date)],
		["source", yamlStr(linkTo(r.sourcePath))],
		["dataset", yamlStr(s.dataset)],
		["epochs", yamlNum(s.epochs)],
		["epochs_done", yamlNum(r.epochs.length)],
		["batch", yamlNum(s.batch)],
		["optimizer", yamlStr(s.optimizer)],
		["lr", yamlNum(s.lr)],
		["weight_decay", yamlNum(s.weightDecay)],
		["seed", yamlNum(s.seed)],
	];
	if (s.val !== undefined && s.val !== null) fm.push(["val_split", yamlNum(s.val)]);
	if (s.limit !== undefined && s.limit !== null) fm.push(["limit", yamlNum(s.limit)]);
	fm.push(
		["train_loss", yamlNum(f.loss)],
		["train_acc", yamlNum(f.acc)],
		["val_loss", yamlNum(f.valLoss)],
		["val_acc", yamlNum(f.valAcc)],
		["duration_s", yamlNum(r.durationS)],
		["samples_per_s", yamlNum(r.samplesPerS)],
	);
	if (r.backend) fm.push(["backend", yamlStr(r.backend)]);
	if (r.message) fm.push(["message", yamlStr(r.message)]);
	if (r.weights) fm.push(["weights", yamlStr(r.weights)]);
	fm.push(["model", yamlModel(s.model)]);

	const body: string[] = [];
	body.push(`# ${title ?? r.runId}`, "");
	body.push(t("log.note.summary", { source: linkTo(r.sourcePath), dataset: s.dataset, done: r.epochs.length, epochs: s.epochs, status: t(`log.status.${r.status}`) }));
	if (r.message) body.push("", `> ${r.message.replace(/\n/g, " ")}`);
	body.push("", "```cnn-log", epochCsv(r.epochs));
	const thin = thinPoints(r.batches);
	if (thin.length) {
		body.push("# batches", "epoch,loss");
		for (const p of thin) body.push(`${fmtNum(p.x)},${fmtNum(p.y)}`);
	}
	const conf = validConfusion(r.confusion);
	if (conf) body.push(...confusionCsv(conf));
	body.push("```", "");
	if (conf) body.push(`## ${t("log.note.confusion")}`, "", ...confusionMarkdown(conf), "");
	return ["---", ...fm.map(([k, v]) => `${k}: ${v}`), "---", "", ...body].join("\n");
}

/** A class name as one CSV cell: quoted when it holds a comma or quote, or starts with "#" (a section line). */
function csvName(name: string): string {
	const s = name.replace(/[\r\n]+/g, " ");
	return /[,"]|^#|^\s|\s$/.test(s) || s === "" ? `"${s.replace(/"/g, '""')}"` : s;
}

function confusionCsv(c: ConfusionRecord): string[] {
	const out = ["# confusion", ["true\\predicted", ...c.classes.map(csvName)].join(",")];
	c.matrix.forEach((row, i) => out.push([csvName(c.classes[i]), ...row.map(String)].join(",")));
	return out;
}

function mdCell(s: string): string {
	return s.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|") || " ";
}

/** The matrix as a Markdown table readable in the vault: rows are the true class, columns the predicted one. */
function confusionMarkdown(c: ConfusionRecord): string[] {
	const head = [t("log.note.confusionCorner"), ...c.classes].map(mdCell);
	const out = [`| ${head.join(" | ")} |`, `| --- |${" ---: |".repeat(c.classes.length)}`];
	c.matrix.forEach((row, i) => out.push(`| **${mdCell(c.classes[i])}** | ${row.join(" | ")} |`));
	return out;
}

/** The matrix when it is square, matches its class names and holds only counts; otherwise null (not stored). */
export function validConfusion(c: ConfusionRecord | null | undefined): ConfusionRecord | null {
	if (!c) return null;
	const k = c.classes.length;
	if (k === 0 || k > MAX_CONFUSION_CLASSES || c.matrix.length !== k) return null;
	if (!c.matrix.every((row) => row.length === k && row.every((v) => Number.isInteger(v) && v >= 0))) return null;
	return { classes: [...c.classes], matrix: c.matrix.map((row) => [...row]) };
}

// ------------------------------------------------------------------ reading

/** One CSV row with "quoted" cells ("" is a quote inside). */
function splitCsv(line: string): string[] {
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

/** The `# confusion` section of a ```cnn-log block's text, or null when it is absent or not a valid matrix. */
export function parseConfusionSection(fence: string): ConfusionRecord | null {
	const lines = fence.replace(/\r\n?/g, "\n").split("\n");
	const start = lines.findIndex((l) => /^#\s*confusion\b/i.test(l.trim()));
	if (start < 0) return null;
	const rows: string[][] = [];
	for (let i = start + 1; i < lines.length; i++) {
		const raw = lines[i].trim();
		if (raw === "") continue;
		if (raw.startsWith("#")) break;
		rows.push(splitCsv(raw));
	}
	const [head, ...body] = rows;
	if (!head) return null;
	const classes = head.slice(1);
	const matrix = body.map((r) => r.slice(1).map((v) => (/^\d+$/.test(v) ? Number(v) : NaN)));
	if (body.some((r, i) => r[0] !== classes[i])) return null;
	return validConfusion({ classes, matrix });
}

export type FrontMatter = Record<string, string | number | boolean | null>;

function unquote(v: string): string | number | boolean | null {
	if (v === "" || v === "null" || v === "~") return null;
	if (v === "true") return true;
	if (v === "false") return false;
	if (v === ".nan" || v === ".NaN") return NaN;
	if (v === ".inf" || v === "+.inf") return Infinity;
	if (v === "-.inf") return -Infinity;
	if (v.startsWith('"')) {
		try {
			return JSON.parse(v) as string;
		} catch {
			return v.slice(1, -1);
		}
	}
	if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replace(/''/g, "'");
	if (/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(v)) return Number(v);
	return v;
}

/** Splits a note into its front matter (the subset this file writes, plus plain `key: value` lines) and body. */
export function splitFrontMatter(text: string): { fm: FrontMatter | null; body: string } {
	const src = text.replace(/\r\n?/g, "\n");
	if (!src.startsWith("---\n")) return { fm: null, body: src };
	const end = src.indexOf("\n---", 4);
	if (end < 0) return { fm: null, body: src };
	const lines = src.slice(4, end).split("\n");
	const after = src.indexOf("\n", end + 4);
	const body = after < 0 ? "" : src.slice(after + 1);
	const fm: FrontMatter = {};
	for (let i = 0; i < lines.length; i++) {
		const m = /^([A-Za-z_][\w-]*):\s*(.*)$/.exec(lines[i]);
		if (!m) continue;
		const v = m[2].trim();
		if (/^[|>][-+]?$/.test(v)) {
			const block: string[] = [];
			while (i + 1 < lines.length && (lines[i + 1].startsWith("  ") || lines[i + 1].trim() === "")) block.push(lines[++i].slice(2));
			while (block.length && block[block.length - 1].trim() === "") block.pop();
			fm[m[1]] = v.startsWith(">") ? block.join(" ") : block.join("\n");
		} else fm[m[1]] = unquote(v);
	}
	return { fm, body };
}

/** True when the text is a run note that this plugin wrote for the given run (or any run when runId is omitted). */
export function isOwnRunNote(text: string, runId?: string): boolean {
	const { fm } = splitFrontMatter(text);
	if (!fm || fm.created_by !== CREATED_BY) return false;
	return runId === undefined || fm.run_id === runId;
}

const num = (v: unknown): number | null => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null);
const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : "");

/** Settings and summary of a run from its front matter alone (cheap: no CSV). */
export function runFromFrontMatter(fm: FrontMatter): Omit<RunRecord, "epochs" | "batches"> | null {
	if (fm.created_by !== CREATED_BY) return null;
	const status = str(fm.status);
	return {
		runId: str(fm.run_id),
		status: (["running", "completed", "stopped", "failed"].includes(status) ? status : "stopped") as RunStatus,
		date: str(fm.date),
		sourcePath: pathFromLink(str(fm.source)),
		settings: {
			model: str(fm.model),
			dataset: str(fm.dataset),
			epochs: num(fm.epochs) ?? 0,
			batch: num(fm.batch) ?? 0,
			optimizer: str(fm.optimizer),
			lr: num(fm.lr) ?? 0,
			weightDecay: num(fm.weight_decay) ?? 0,
			seed: num(fm.seed),
			val: num(fm.val_split),
			limit: num(fm.limit),
		},
		durationS: num(fm.duration_s),
		samplesPerS: num(fm.samples_per_s),
		message: fm.message === null || fm.message === undefined ? null : str(fm.message),
		weights: fm.weights === null || fm.weights === undefined ? null : str(fm.weights),
		// Absent from notes written before it was recorded: left out rather than null, so older records compare equal.
		...(fm.backend === null || fm.backend === undefined ? {} : { backend: str(fm.backend) }),
	};
}

/** The body of the first ```cnn-log fence in a note, or null. */
export function extractLogFence(body: string): string | null {
	const m = /^(`{3,}|~{3,})\s*cnn-log[^\n]*\n([\s\S]*?)^\1\s*$/m.exec(body);
	return m ? m[2] : null;
}

/** Reads a run note written by formatRunNote. Null when the note is not a CNN Lab run. */
export function parseRunNote(text: string): RunRecord | null {
	const { fm, body } = splitFrontMatter(text);
	if (!fm) return null;
	const head = runFromFrontMatter(fm);
	if (!head) return null;
	const fence = extractLogFence(body);
	const csv = fence === null ? null : parseLogCsv(fence);
	const confusion = fence === null ? null : parseConfusionSection(fence);
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

/** A string made safe as a note name on every platform Obsidian runs on. */
export function safeFileName(s: string): string {
	const clean = s
		.replace(/[\\/:*?"<>|#^[\]\p{Cc}]/gu, " ")
		.replace(/\s+/g, " ")
		.trim()
		.replace(/^\.+|\.+$/g, "")
		.slice(0, 80)
		.trim();
	return clean === "" ? "run" : clean;
}

export type FolderProblem = "url" | "absolute" | "parent" | "hidden" | "chars";

/**
 * A folder named in the settings or a note, as a vault-relative path that stays inside the vault: no `..`, no
 * absolute or drive paths, no URLs, no hidden (dot) folders such as .obsidian. "" and "/" mean the vault's root ("").
 */
export function vaultFolderPath(raw: string): { ok: true; path: string } | { ok: false; problem: FolderProblem } {
	const s = raw.trim();
	if (s === "/" || s === "") return { ok: true, path: "" };
	if (/^[a-z][\w+.-]*:\/\//i.test(s)) return { ok: false, problem: "url" };
	if (/^[a-z]:/i.test(s) || s.startsWith("/") || s.startsWith("\\") || s.startsWith("~")) return { ok: false, problem: "absolute" };
	const parts = s.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
	if (parts.some((p) => p === "..")) return { ok: false, problem: "parent" };
	if (parts.some((p) => p.startsWith("."))) return { ok: false, problem: "hidden" };
	if (parts.some((p) => /[*"<>:|?\p{Cc}]/u.test(p))) return { ok: false, problem: "chars" };
	return { ok: true, path: parts.join("/") };
}
