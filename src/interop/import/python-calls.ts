import type { Token } from "./python-tokens";

/** A Python value as far as layer arguments need one. */
export type PyValue =
	/** `text`: how a number that is not finite (`1e400` overflows to infinity) was written, for the message. */
	| { k: "num"; v: number; text?: string }
	| { k: "str"; v: string }
	| { k: "bool"; v: boolean }
	| { k: "none" }
	| { k: "seq"; items: PyValue[] }
	| { k: "call"; call: PyCall }
	| { k: "name"; v: string }
	| { k: "other" };

export interface PyCall {
	name: string;
	args: PyValue[];
	kwargs: Map<string, PyValue>;
	line: number;
	column: number;
	start: number;
	end: number;
}

/** Nesting beyond this is read as flat tokens, so a pasted '((((…' cannot exhaust the stack. */
const MAX_DEPTH = 64;

/**
 * Reads every call in the token stream, in source order (a call before the calls in its arguments), with
 * literal arguments. Unknown syntax is skipped; the function is linear in the number of tokens and never throws.
 */
export function readCalls(tokens: Token[]): PyCall[] {
	const calls: PyCall[] = [];
	const toks = tokens.filter((t) => t.kind !== "comment");
	let pos = 0;

	const isPunct = (t: Token | undefined, p: string): boolean => t !== undefined && t.kind === "punct" && t.text === p;
	const closing = (p: string): string => (p === "(" ? ")" : p === "[" ? "]" : "}");

	/** A number, or integer arithmetic on numbers (`16 * 5 * 5`, `64 // 2 + 1`) as people write in_features. */
	function value(depth: number): PyValue {
		const start = pos;
		const first = primary(depth);
		if (first.k !== "num" || !isOp(toks[pos])) return first;
		const terms: number[] = [first.v];
		const ops: string[] = [];
		while (isOp(toks[pos])) {
			let op = toks[pos].text;
			pos++;
			if (op === "/" && isPunct(toks[pos], "/")) {
				op = "//";
				pos++;
			}
			if (op === "*" && isPunct(toks[pos], "*")) return { k: "other" }; // powers: not worth guessing
			const next = primary(depth);
			if (next.k !== "num") return { k: "other" };
			if (op === "*" || op === "/" || op === "//") {
				const a = terms[terms.length - 1];
				terms[terms.length - 1] = op === "*" ? a * next.v : op === "/" ? a / next.v : Math.floor(a / next.v);
			} else {
				ops.push(op);
				terms.push(next.v);
			}
		}
		let v = terms[0];
		for (let i = 0; i < ops.length; i++) v = ops[i] === "+" ? v + terms[i + 1] : v - terms[i + 1];
		return Number.isFinite(v) ? { k: "num", v } : { k: "num", v, text: written(start) };
	}

	/** The tokens read since `start`, as written (an expression that overflowed). */
	function written(start: number): string {
		return toks
			.slice(start, pos)
			.map((x) => x.text)
			.join(" ");
	}

	function isOp(t: Token | undefined): boolean {
		return t !== undefined && t.kind === "punct" && (t.text === "*" || t.text === "/" || t.text === "+" || t.text === "-");
	}

	function primary(depth: number): PyValue {
		const t = toks[pos];
		if (!t) return { k: "other" };
		if (t.kind === "num") {
			pos++;
			return Number.isFinite(t.num) ? { k: "num", v: t.num } : { k: "num", v: t.num, text: t.text };
		}
		if (t.kind === "str") {
			pos++;
			return { k: "str", v: t.str };
		}
		if (isPunct(t, "-") || isPunct(t, "+")) {
			pos++;
			const inner = primary(depth);
			if (inner.k === "num" && t.text === "-") return inner.text === undefined ? { k: "num", v: -inner.v } : { k: "num", v: -inner.v, text: `-${inner.text}` };
			return inner;
		}
		if (t.kind === "name") {
			pos++;
			if (isPunct(toks[pos], "(") && depth < MAX_DEPTH) {
				const call: PyCall = { name: t.text, args: [], kwargs: new Map(), line: t.line, column: t.column, start: t.start, end: t.end };
				calls.push(call);
				pos++;
				list(")", depth + 1, call.args, call.kwargs);
				call.end = toks[pos - 1]?.end ?? t.end;
				return { k: "call", call };
			}
			if (t.text === "True" || t.text === "False") return { k: "bool", v: t.text === "True" };
			if (t.text === "None") return { k: "none" };
			return { k: "name", v: t.text };
		}
		if ((isPunct(t, "(") || isPunct(t, "[") || isPunct(t, "{")) && depth < MAX_DEPTH) {
			pos++;
			const items: PyValue[] = [];
			list(closing(t.text), depth + 1, items, null);
			// (3) is a number in Python, (3,) a tuple; both read fine as a one-item sequence or its item.
			return { k: "seq", items };
		}
		pos++;
		return { k: "other" };
	}

	/** Reads comma-separated items up to `close`; `name=value` goes to kwargs when given. */
	function list(close: string, depth: number, items: PyValue[], kwargs: Map<string, PyValue> | null): void {
		while (pos < toks.length) {
			const t = toks[pos];
			if (isPunct(t, close)) {
				pos++;
				return;
			}
			if (isPunct(t, ")") || isPunct(t, "]") || isPunct(t, "}")) {
				// A stray closer of another kind: the paste is unbalanced; end this list here.
				pos++;
				return;
			}
			if (isPunct(t, ",") || isPunct(t, ":")) {
				pos++;
				continue;
			}
			if (t.kind === "name" && isPunct(toks[pos + 1], "=") && !isPunct(toks[pos + 2], "=")) {
				pos += 2;
				const v = value(depth);
				if (kwargs) kwargs.set(t.text, v);
				continue;
			}
			const before = pos;
			const v = value(depth);
			items.push(v);
			// Skip the rest of an expression we do not model (`a * b`, `x.y[0]`) up to the next separator.
			while (pos < toks.length && !isPunct(toks[pos], ",") && !isPunct(toks[pos], close) && !isPunct(toks[pos], ")") && !isPunct(toks[pos], "]") && !isPunct(toks[pos], "}")) {
				if (toks[pos].kind === "name" && isPunct(toks[pos + 1], "(")) {
					value(depth);
					continue;
				}
				pos++;
			}
			if (pos === before) pos++;
		}
	}

	while (pos < toks.length) {
		const before = pos;
		value(0);
		if (pos === before) pos++;
	}
	return calls;
}
