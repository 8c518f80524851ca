/**
 * The small YAML subset of run-note front matter: scalars, quoted strings, flow and block lists of scalars, block
 * scalars (older notes' model text). Written and read here, so no YAML library is needed; anything else a user
 * adds to the front matter is kept as written by setProperties.
 */
import { fmtNum } from "./csv";

export type PropValue = string | number | boolean | null | string[];
export type FrontMatter = Record<string, PropValue>;

function yamlNum(v: number): string {
	if (Number.isNaN(v)) return ".nan";
	if (!Number.isFinite(v)) return v > 0 ? ".inf" : "-.inf";
	return fmtNum(v);
}

/** Words YAML would read as something other than a string. */
const RESERVED = /^(?:null|true|false|yes|no|on|off|y|n|nan|inf)$/i;

/** A string left plain when it is a lowercase word (`running`, `adam`) or a date-time; quoted otherwise. */
function yamlString(s: string): string {
	if ((/^[a-z][a-z0-9-]*$/.test(s) && !RESERVED.test(s)) || /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(s)) return s;
	return JSON.stringify(s);
}

export function yamlValue(v: PropValue): string {
	if (v === null) return "null";
	if (typeof v === "number") return yamlNum(v);
	if (typeof v === "boolean") return String(v);
	if (Array.isArray(v)) return `[${v.map(yamlString).join(", ")}]`;
	return yamlString(v);
}

function scalar(v: string): string | number | boolean | null {
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

const asText = (v: string | number | boolean | null): string => (v === null ? "" : String(v));

/** `[a, "b, c"]` as its items. */
function flowList(v: string): string[] {
	const out: string[] = [];
	const re = /\s*("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]*?)\s*(?:,|$)/gy;
	const inner = v.slice(1, -1);
	let m: RegExpExecArray | null;
	while (re.lastIndex < inner.length && (m = re.exec(inner))) {
		if (m[1] !== "") out.push(asText(scalar(m[1])));
		if (m[0] === "") break;
	}
	return out;
}

interface FrontMatterBlock {
	/** The lines between the two `---`. */
	lines: string[];
	/** The text after the closing `---` line. */
	body: string;
}

const KEY = /^([A-Za-z_][\w-]*):(?:\s+(.*)|\s*)$/;
/** A line that continues the value of the key above it (indented, or a `- item` of a block list). */
const continues = (line: string): boolean => /^\s/.test(line) || /^-(\s|$)/.test(line) || line.trim() === "";
/**
 * A line that may be in YAML front matter: a key (any property name Obsidian allows, spaces included), a
 * continuation, a blank line or a comment. A Markdown line (a fence, a sentence without a colon) is not.
 */
const yamlish = (line: string): boolean => KEY.test(line) || /^(?:"[^"]*"|'[^']*'|[^\s#`>][^:]*):(?:\s|$)/.test(line) || continues(line) || line.startsWith("#");

function frontMatterBlock(text: string): FrontMatterBlock | null {
	// A byte-order mark (Notepad, PowerShell) is not part of the note: the front matter starts after it.
	const src = text.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
	if (!/^---[ \t]*\n/.test(src)) return null;
	const lines = src.split("\n");
	const close = lines.findIndex((l, i) => i > 0 && /^(?:---|\.\.\.)[ \t]*$/.test(l));
	if (close > 0 && lines.slice(1, close).every(yamlish)) return { lines: lines.slice(1, close), body: lines.slice(close + 1).join("\n") };
	// No closing `---` (or Markdown before it): the properties are the key lines up to the first line that is not
	// one (the blank line before the title, as the writer leaves it); the rest is the body.
	let end = 1;
	while (end < lines.length && lines[end].trim() !== "" && (KEY.test(lines[end]) || /^\s/.test(lines[end]) || /^-(\s|$)/.test(lines[end]))) end++;
	if (end === 1 || !KEY.test(lines[1])) return null;
	return { lines: lines.slice(1, end), body: lines.slice(end).join("\n").replace(/^\n/, "") };
}


function readFrontMatter(lines: readonly string[]): FrontMatter {
	const fm: FrontMatter = {};
	for (let i = 0; i < lines.length; i++) {
		const m = KEY.exec(lines[i]);
		if (!m) continue;
		const v = (m[2] ?? "").trim();
		const more: string[] = [];
		while (i + 1 < lines.length && continues(lines[i + 1]) && !KEY.test(lines[i + 1])) more.push(lines[++i]);
		while (more.length && more[more.length - 1].trim() === "") more.pop();
		if (/^[|>][-+]?$/.test(v)) {
			const block = more.map((l) => l.slice(2));
			fm[m[1]] = v.startsWith(">") ? block.join(" ") : block.join("\n");
		} else if (v === "" && more.length > 0 && more.every((l) => /^\s*-(\s|$)/.test(l))) {
			fm[m[1]] = more.map((l) => asText(scalar(l.replace(/^\s*-\s*/, "").trim())));
		} else if (v.startsWith("[") && v.endsWith("]")) fm[m[1]] = flowList(v);
		else fm[m[1]] = scalar(v);
	}
	return fm;
}

/** Splits a note into its front matter (the subset above, plus plain `key: value` lines) and body. */
export function splitFrontMatter(text: string): { fm: FrontMatter | null; body: string } {
	const block = frontMatterBlock(text);
	if (!block) return { fm: null, body: text.replace(/\r\n?/g, "\n") };
	return { fm: readFrontMatter(block.lines), body: block.body };
}

/** Front matter written from scratch: `---`, one `key: value` line each, `---`. */
export function formatFrontMatter(entries: readonly (readonly [string, PropValue])[]): string {
	return ["---", ...entries.map(([k, v]) => `${k}: ${yamlValue(v)}`), "---"].join("\n");
}

const same = (a: unknown, b: unknown): boolean =>
	Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : Object.is(a, b);

/**
 * Obsidian's `FileManager.processFrontMatter` on a note's text, for writers outside Obsidian (`cnn-lab train`):
 * `fn` changes the properties in place; each property it set, changed or deleted is rewritten (`key: value` on one
 * line), every other line of the note (other properties, comments, the body) stays byte for byte.
 */
export function processFrontMatterText(text: string, fn: (fm: Record<string, unknown>) => void): string {
	const block = frontMatterBlock(text);
	const lines = block ? [...block.lines] : [];
	const before = readFrontMatter(lines);
	const fm: Record<string, unknown> = { ...before };
	fn(fm);
	for (const key of new Set([...Object.keys(before), ...Object.keys(fm)])) {
		const next = fm[key] as PropValue | undefined;
		if (key in before && key in fm && same(before[key], next)) continue;
		const at = lines.findIndex((l) => KEY.exec(l)?.[1] === key);
		let end = at + 1;
		while (at >= 0 && end < lines.length && continues(lines[end]) && !KEY.test(lines[end]) && lines[end].trim() !== "") end++;
		const repl = key in fm && next !== undefined ? [`${key}: ${yamlValue(next)}`] : [];
		if (at >= 0) lines.splice(at, end - at, ...repl);
		else lines.push(...repl);
	}
	const body = block ? block.body : text.replace(/\r\n?/g, "\n");
	return ["---", ...lines, "---", body].join("\n");
}
