/**
 * Two values side by side inside a call's brackets, `nn.Conv2d(1, 8, 3` then `nn.ReLU())` on the next line:
 * the brackets balance, so the bracket check is silent, but Python refuses the code (a comma or a `)` is
 * missing), and reading on would show a network that is not the one written. Said at the value the `,` or `)`
 * should follow.
 */
import { t } from "../../i18n";
import "../../i18n/strings-interop";
import type { Diagnostic } from "../../notation/diagnostic";
import type { Token } from "./python-tokens";

// words that may stand next to a value inside brackets: comprehensions, conditionals, lambdas
const KEYWORDS = new Set(["for", "in", "if", "else", "lambda", "not", "and", "or", "is", "async", "await", "yield", "from", "as", "None", "True", "False"]);

const endsValue = (tok: Token): boolean => tok.kind === "num" || tok.kind === "str" || (tok.kind === "name" && !KEYWORDS.has(tok.text)) || (tok.kind === "punct" && /^[)\]}]$/.test(tok.text));
const startsValue = (tok: Token): boolean => tok.kind === "num" || tok.kind === "str" || (tok.kind === "name" && !KEYWORDS.has(tok.text));

/** The first place inside a call's or a list's brackets where a comma or a closing bracket is missing, or null. */
export function missingComma(tokens: readonly Token[]): Diagnostic | null {
	const toks = tokens.filter((x) => x.kind !== "comment");
	// the open brackets, each with whether it holds a call's arguments or a list's items
	const open: { tok: Token; args: boolean }[] = [];
	for (let i = 0; i < toks.length; i++) {
		const tok = toks[i];
		if (tok.kind === "punct" && /^[([{]$/.test(tok.text)) {
			const before = toks[i - 1];
			open.push({ tok, args: tok.text === "[" || (tok.text === "(" && before !== undefined && (before.kind === "name" || (before.kind === "punct" && /^[)\]]$/.test(before.text)))) });
			continue;
		}
		if (tok.kind === "punct" && /^[)\]}]$/.test(tok.text)) {
			open.pop();
			continue;
		}
		const inner = open[open.length - 1];
		const prev = toks[i - 1];
		if (!inner?.args || !prev || !endsValue(prev) || !startsValue(tok)) continue;
		// "a" "b" is one string in Python
		if (prev.kind === "str" && tok.kind === "str") continue;
		const call = tok.kind === "name" && toks[i + 1]?.kind === "punct" && toks[i + 1].text === "(";
		// on one line, two numbers (`8 3`) or a value and a call; a word and a number there (`conv 4 3x3`) is a
		// line of the notation among the code, which the block reader names itself
		if (prev.line === tok.line && (prev.kind === "name" || (tok.kind !== "num" && !call))) continue;
		const message =
			prev.line === tok.line
				? t("import.missingComma", { a: prev.text, b: tok.text })
				: prev.kind === "punct"
					? // a call closed at its line's end: only the comma between the items is missing
						t("import.missingCommaEnd", { aLine: prev.line, b: tok.text, bLine: tok.line })
					: t("import.missingCommaLine", { open: inner.tok.text, line: inner.tok.line, a: prev.text, aLine: prev.line, b: tok.text, bLine: tok.line, close: inner.tok.text === "(" ? ")" : inner.tok.text === "[" ? "]" : "}" });
		return { line: prev.line, column: prev.column, endColumn: prev.column + prev.text.length, severity: "error", message };
	}
	return null;
}
