/** A fenced code block found in a note: its language, its body and where it stands (0-based lines). */
export interface FoundFence {
	lang: string;
	source: string;
	openLine: number;
	closeLine: number;
}

const OPEN = /^\s*(?:>\s*)*(`{3,}|~{3,})\s*([\w-]*)/;

/**
 * Finds the fenced block whose lines hold `line` (the fences themselves count), scanning from the top so that
 * a closing fence is never taken for an opening one. Blocks inside callouts (lines starting with "> ") work too.
 */
export function fenceAt(lines: string[], line: number): FoundFence | null {
	let i = 0;
	while (i < lines.length && i <= line) {
		const m = OPEN.exec(lines[i]);
		if (!m) {
			i++;
			continue;
		}
		const marker = m[1];
		const quote = /^\s*((?:>\s*)*)/.exec(lines[i])?.[1] ?? "";
		let j = i + 1;
		const strip = (s: string): string => (quote && s.startsWith(quote.trimEnd()) ? s.slice(quote.trimEnd().length).replace(/^ /, "") : s);
		while (j < lines.length) {
			const body = strip(lines[j]).trim();
			if (body.startsWith(marker[0].repeat(marker.length)) && body.replace(/[`~]/g, "") === "") break;
			j++;
		}
		if (line >= i && line <= j) {
			return { lang: m[2], source: lines.slice(i + 1, Math.min(j, lines.length)).map(strip).join("\n"), openLine: i, closeLine: j };
		}
		i = j + 1;
	}
	return null;
}
