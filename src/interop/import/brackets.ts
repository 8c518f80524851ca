/**
 * Unbalanced brackets in pasted code, said at their line: a `)` that closes nothing or the wrong bracket, and a
 * `(` never closed. Python would refuse the code; reading on as if it were whole would show a network that is not
 * the one written. Where the imbalance shows is often far from the slip (`nn.ReLU(,` leaves the Sequential's `(`
 * unclosed at the end), so the layout points at it: a bracket whose inside holds a line as little indented as its
 * own is the one left open, and a bracket closed while the next line is still indented inside it is an extra close.
 */
import { t } from "../../i18n";
import "../../i18n/strings-interop";
import type { Diagnostic } from "../../notation/diagnostic";
import type { Token } from "./python-tokens";

const PAIRS: Record<string, string> = { ")": "(", "]": "[", "}": "{" };
const OPENERS = new Set(["(", "[", "{"]);

interface Pair {
	open: Token;
	/** null: never closed. */
	close: Token | null;
}

function indentOf(line: string): number {
	return line.length - line.trimStart().length;
}

/** The pair the layout says went wrong, if any (see the comment at the top). */
function likelySlip(pairs: readonly Pair[], lines: readonly string[]): Diagnostic | null {
	const blank = (n: number): boolean => (lines[n - 1] ?? "").trim() === "" || /^\s*#/.test(lines[n - 1] ?? "");
	for (const { open, close } of pairs) {
		const end = close ? close.line : lines.length + 1;
		const own = indentOf(lines[open.line - 1] ?? "");
		for (let n = open.line + 1; n < end; n++) {
			if (blank(n) || /^\s*[)\]}]/.test(lines[n - 1])) continue;
			if (indentOf(lines[n - 1]) <= own) return at(open, t("import.bracket.unclosedBefore", { open: open.text, line: n }));
		}
	}
	for (const { open, close } of pairs) {
		if (!close || close.line <= open.line) continue;
		let next = close.line + 1;
		while (next <= lines.length && blank(next)) next++;
		if (next > lines.length || /^\s*[)\]}]/.test(lines[next - 1])) continue;
		if (indentOf(lines[next - 1]) > indentOf(lines[open.line - 1] ?? "")) {
			return at(close, t("import.bracket.extra", { close: close.text, open: open.text, line: open.line }));
		}
	}
	return null;
}

function at(tok: Token, message: string): Diagnostic {
	return { line: tok.line, column: tok.column, endColumn: tok.column + 1, severity: "error", message };
}

/** The first bracket problem of the tokens, or null when every bracket is closed by its own kind. */
export function bracketProblem(tokens: readonly Token[], source: string): Diagnostic | null {
	const open: Token[] = [];
	const pairs: Pair[] = [];
	let problem: Diagnostic | null = null;
	for (const tok of tokens) {
		if (tok.kind !== "punct") continue;
		if (OPENERS.has(tok.text)) {
			open.push(tok);
			continue;
		}
		const want = PAIRS[tok.text];
		if (want === undefined) continue;
		const top = open.pop();
		if (!top) {
			problem = at(tok, t("import.bracket.stray", { close: tok.text }));
			break;
		}
		if (top.text !== want) {
			problem = at(tok, t("import.bracket.mismatch", { close: tok.text, open: top.text, line: top.line }));
			break;
		}
		pairs.push({ open: top, close: tok });
	}
	const last = open[open.length - 1];
	if (!problem && last) problem = at(last, t("import.bracket.unclosed", { open: last.text }));
	if (!problem) return null;
	for (const o of open) pairs.push({ open: o, close: null });
	return likelySlip(pairs, source.split("\n")) ?? problem;
}
