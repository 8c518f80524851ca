/**
 * Messages mark what to type with Markdown backticks ("write `input` above"). On the page those marks are drawn as
 * code, as the note's own Markdown would be, instead of showing raw backticks.
 */

/** The text split into plain and code parts: "`a` b" → [{code: "a"}, {text: " b"}]. An unmatched backtick stays text. */
export function codeParts(text: string): { text: string; code: boolean }[] {
	const out: { text: string; code: boolean }[] = [];
	// ```cnn (a fence language named in prose) is code on its own; `x` is a span (a run of backticks closes one as long).
	const re = /```[\w-]+|(`+)([^`]+?)\1(?!`)/g;
	let last = 0;
	for (let m = re.exec(text); m !== null; m = re.exec(text)) {
		if (m.index > last) out.push({ text: text.slice(last, m.index), code: false });
		out.push({ text: m[1] === undefined ? m[0] : m[2], code: true });
		last = m.index + m[0].length;
	}
	if (last < text.length) out.push({ text: text.slice(last), code: false });
	return out;
}

/** Appends the message to `parent` with its code spans as <code> elements; returns `parent`. */
export function appendWithCode(parent: HTMLElement, text: string): HTMLElement {
	for (const p of codeParts(text)) {
		if (p.code) parent.createEl("code", { text: p.text });
		else parent.append(p.text);
	}
	return parent;
}

/**
 * The message for a place that shows plain text only (a tooltip, an aria-label): each code span set in quotes
 * (“cnn: 32 k4 s3 p1”), as raw backticks would read as stray marks there.
 */
export function plainText(text: string): string {
	return codeParts(text)
		.map((p) => (p.code ? `“${p.text}”` : p.text))
		.join("");
}
