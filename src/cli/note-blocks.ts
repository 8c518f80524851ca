/** Where the ```cnn blocks and the inline `cnn:` spans of a note stand, with note line numbers (1-based). */

export interface NoteBlock {
	/** 1-based among the note's ```cnn blocks. */
	index: number;
	/** Line of the opening fence. */
	fenceLine: number;
	/** The block's text, callout markers ("> ") removed. */
	source: string;
}

export interface InlineSpan {
	line: number;
	column: number;
	/** The code span's text, `cnn:` included. */
	source: string;
}

const QUOTE = /^(\s*(?:>\s?)*)/;
const OPEN = /^(`{3,}|~{3,})\s*([^\s`{]*)/;

/** The line without its callout / blockquote markers, as Obsidian gives the block's body to the processor. */
function unquote(line: string): string {
	const q = QUOTE.exec(line)?.[1] ?? "";
	return q.includes(">") ? line.slice(q.length) : line;
}

function isClose(line: string, marker: string): boolean {
	const s = unquote(line).trim();
	if (s.length < marker.length || s[0] !== marker[0]) return false;
	for (let i = 0; i < s.length; i++) if (s[i] !== marker[0]) return false;
	return true;
}

/** Every fenced block in reading order; `lang` lower-cased. Lines in a fence are not searched for inline spans. */
export function scanNote(text: string, inlinePrefix: RegExp): { blocks: NoteBlock[]; inline: InlineSpan[] } {
	const lines = text.split(/\r?\n/);
	const blocks: NoteBlock[] = [];
	const inline: InlineSpan[] = [];
	let i = 0;
	while (i < lines.length) {
		const body = unquote(lines[i]).replace(/^\s{0,3}/, "");
		const m = OPEN.exec(body);
		if (m && !(m[1][0] === "`" && body.slice(m[1].length).includes("`"))) {
			const marker = m[1];
			const lang = m[2].toLowerCase();
			let j = i + 1;
			while (j < lines.length && !isClose(lines[j], marker)) j++;
			if (lang === "cnn") {
				blocks.push({ index: blocks.length + 1, fenceLine: i + 1, source: lines.slice(i + 1, j).map(unquote).join("\n") });
			}
			i = j + 1;
			continue;
		}
		findSpans(lines[i], i + 1, inlinePrefix, inline);
		i++;
	}
	return { blocks, inline };
}

/** Backtick code spans on one line whose text starts with `cnn:` (CommonMark: a run of n backticks closes a run of n). */
function findSpans(line: string, lineNo: number, prefix: RegExp, out: InlineSpan[]): void {
	let k = 0;
	while (k < line.length) {
		const open = line.indexOf("`", k);
		if (open < 0) return;
		let n = 1;
		while (line[open + n] === "`") n++;
		const ticks = "`".repeat(n);
		let close = line.indexOf(ticks, open + n);
		while (close >= 0 && line[close + n] === "`") close = line.indexOf(ticks, close + n + 1);
		if (close < 0) return;
		const content = line.slice(open + n, close).trim();
		if (prefix.test(content)) out.push({ line: lineNo, column: open + 1, source: content });
		k = close + n;
	}
}
