/**
 * Splits one line of a ```cnn block into tokens with their columns. Sizes are one token however they are
 * written (`32x32x3`, `32×32×3`, `32*32*3`, `32 * 32 * 3`, `32 x 32 x 3`); `key=value` and `key: value`
 * split into key and value like `key value`; commas separate like spaces, except in a tuple of numbers (`(3, 3)`,
 * a size as Python writes it); `#` starts a comment.
 * What a Chinese input method types (full-width `３２ｘ３２ｘ３`, `，` `：` `；` `（` `）`, the ideographic space)
 * reads as its ASCII form, one character for one, so columns still point at what the user typed.
 */

export interface Token {
	/** The token as written (sizes normalised to `a x b x c` numbers in `size`). */
	text: string;
	/** Lower case. */
	lower: string;
	/** 1-based column of the first character. */
	column: number;
	endColumn: number;
	/** Set when the token is a number. */
	num?: number;
	/** Set when the token is a size of two or more numbers (`4x4`, `32x32x3`). */
	size?: number[];
}

const NUM = String.raw`[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
// (a tuple of numbers, `(3, 3)` or `(28, 28, 1)` as Python writes sizes, is a size too: read as separate numbers
// it gave "3 is not understood" and an input of 28 read from `(28, 28, 1)` by luck)
const TOKEN = new RegExp(
	String.raw`(${NUM}(?:\s*[x×*X]\s*${NUM})+)(?![\w.])|(\[\[[^\]]*\]\])|("[^"]*")|\((\s*${NUM}(?:\s*,\s*${NUM})+\s*,?\s*)\)|([^\s=:,;()]+)`,
	"g",
);
const SIZE_SEP = /\s*[x×*X]\s*/;
const NUM_ONLY = new RegExp(`^${NUM}$`, "i");

/**
 * NFKC, character by character, keeping only the mappings that give one UTF-16 unit for one: full-width
 * letters, digits and punctuation become ASCII and the line keeps its length (columns stay exact).
 */
export function foldWidth(line: string): string {
	// eslint-disable-next-line no-control-regex -- plain ASCII needs no folding: the common case stays a no-op
	if (/^[\u0000-\u007f]*$/.test(line)) return line;
	let out = "";
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		const code = c.charCodeAt(0);
		if (code < 0x80 || (code >= 0xd800 && code <= 0xdfff)) {
			out += c;
			continue;
		}
		const n = c.normalize("NFKC");
		out += n.length === 1 ? n : c;
	}
	return out;
}

/** Removes a `#` comment, keeping `#` inside [[links]] (headings in a vault link). */
export function stripComment(typed: string): string {
	const line = foldWidth(typed);
	let depth = 0;
	for (let i = 0; i < line.length; i++) {
		const c = line[i];
		if (c === "[" && line[i + 1] === "[") depth++;
		else if (c === "]" && line[i + 1] === "]" && depth > 0) depth--;
		else if (c === "#" && depth === 0) return typed.slice(0, i);
	}
	return typed;
}

export function tokenize(typed: string): Token[] {
	const line = foldWidth(typed);
	const out: Token[] = [];
	TOKEN.lastIndex = 0;
	for (let m = TOKEN.exec(line); m !== null; m = TOKEN.exec(line)) {
		const text = m[0];
		const tok: Token = { text, lower: text.toLowerCase(), column: m.index + 1, endColumn: m.index + 1 + text.length };
		if (m[1] !== undefined) {
			tok.size = text.split(SIZE_SEP).map(Number);
		} else if (m[4] !== undefined) {
			tok.size = m[4].split(",").map((x) => x.trim()).filter((x) => x !== "").map(Number);
		} else if (m[3] !== undefined) {
			tok.text = text.slice(1, -1);
			tok.lower = tok.text.toLowerCase();
		} else if (NUM_ONLY.test(text)) {
			tok.num = Number(text);
		}
		out.push(tok);
	}
	return out;
}
