/**
 * A forgiving tokenizer for the Python people paste: names (dotted), numbers, strings, brackets, commas, equals
 * and comments. It never throws; anything it does not know becomes a one-character "other" token.
 */
export type TokenKind = "name" | "num" | "str" | "punct" | "comment" | "other";

export interface Token {
	kind: TokenKind;
	text: string;
	/** Numbers: the value; strings: 0. */
	num: number;
	/** Strings: the contents without quotes. */
	str: string;
	line: number;
	column: number;
	start: number;
	end: number;
}

const NAME_START = /[A-Za-z_\u00c0-\uffff]/;
const NAME_PART = /[A-Za-z0-9_\u00c0-\uffff]/;
const DIGIT = /[0-9]/;
const PUNCT = "()[]{},=:-+*/";

export function tokenizePython(src: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	let line = 1;
	let lineStart = 0;
	const n = src.length;
	const push = (kind: TokenKind, start: number, end: number, startLine: number, startCol: number, num = 0, str = ""): void => {
		tokens.push({ kind, text: src.slice(start, end), num, str, line: startLine, column: startCol, start, end });
	};
	while (i < n) {
		const ch = src[i];
		if (ch === "\n") {
			i++;
			line++;
			lineStart = i;
			continue;
		}
		if (ch === " " || ch === "\t" || ch === "\r" || ch === "\\" || ch === ";") {
			i++;
			continue;
		}
		const col = i - lineStart + 1;
		const start = i;
		if (ch === "#") {
			while (i < n && src[i] !== "\n") i++;
			push("comment", start, i, line, col, 0, src.slice(start + 1, i));
			continue;
		}
		// String prefixes (r, b, f, u and pairs) followed by a quote.
		let q = i;
		while (q < n && q - i < 2 && /[rRbBfFuU]/.test(src[q])) q++;
		if (src[q] === '"' || src[q] === "'") {
			const quote = src[q];
			const triple = src.startsWith(quote.repeat(3), q);
			const delim = triple ? quote.repeat(3) : quote;
			let j = q + delim.length;
			const startLine = line;
			while (j < n) {
				if (src[j] === "\\") {
					j += 2;
					continue;
				}
				if (src.startsWith(delim, j)) break;
				if (src[j] === "\n") {
					if (!triple) break; // an unterminated string ends at the line end
					line++;
					lineStart = j + 1;
				}
				j++;
			}
			const contentEnd = Math.min(j, n);
			const end = src.startsWith(delim, j) ? j + delim.length : contentEnd;
			push("str", start, end, startLine, col, 0, src.slice(q + delim.length, contentEnd));
			i = end;
			continue;
		}
		if (NAME_START.test(ch)) {
			i++;
			for (;;) {
				while (i < n && NAME_PART.test(src[i])) i++;
				if (src[i] === "." && i + 1 < n && NAME_START.test(src[i + 1])) {
					i++;
					continue;
				}
				break;
			}
			push("name", start, i, line, col);
			continue;
		}
		if (DIGIT.test(ch) || (ch === "." && DIGIT.test(src[i + 1] ?? ""))) {
			const m = /^(?:0[xX][0-9a-fA-F_]+|(?:[0-9][0-9_]*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)/.exec(src.slice(i, i + 64));
			const text = m && m[0].length > 0 ? m[0] : ch;
			i += text.length;
			const clean = text.replace(/_/g, "");
			const value = /^0[xX]/.test(clean) ? parseInt(clean.slice(2), 16) : Number(clean);
			push("num", start, i, line, col, Number.isFinite(value) ? value : NaN);
			continue;
		}
		i++;
		push(PUNCT.includes(ch) ? "punct" : "other", start, i, line, col);
	}
	return tokens;
}
