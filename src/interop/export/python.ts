import type { TrainExport } from "./torch-training";

/** Options shared by the PyTorch and Keras exporters. */
export interface ExportOptions {
	/** The ```cnn text the model came from, quoted as a comment at the top. */
	source?: string;
	/** A title line for the header comment (a note name, for instance). */
	title?: string;
	/** Append the shape and parameter-count check (default true). */
	shapeCheck?: boolean;
	/** The block's train line: both exports add its optimizer, learning-rate schedule and early stopping. */
	train?: TrainExport | null;
}

/** A Python literal for a finite number; JavaScript's "1e-7" and "0.25" are both valid Python. */
export function pyNumber(v: number): string {
	if (!Number.isFinite(v)) return "0.0";
	if (Number.isInteger(v)) return `${v}.0`;
	return String(v);
}

/** Whether a character ends a line for Python, JavaScript or an editor: LF, VT, FF, CR, FS/GS/RS, NEL, LS, PS. */
function endsLine(code: number): boolean {
	return (code >= 0x0a && code <= 0x0d) || (code >= 0x1c && code <= 0x1e) || code === 0x85 || code === 0x2028 || code === 0x2029;
}

/**
 * A line terminator or another C0/C1 control (tab excepted). Python ends a `#` comment at a lone CR, so any
 * terminator in note text could start a live line of code in the script; NUL makes Python refuse the file.
 */
function breaksLine(code: number): boolean {
	return endsLine(code) || (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f);
}

/** Note text made safe to put after a `#`: one line, with no character that could end the comment. */
export function commentText(text: string): string {
	let out = "";
	for (const ch of text) out += breaksLine(ch.charCodeAt(0)) ? " " : ch;
	return out;
}

/** The lines of note text, split at every terminator (\r\n counts once). */
function splitLines(text: string): string[] {
	const lines: string[] = [];
	let line = "";
	for (let i = 0; i < text.length; i++) {
		const code = text.charCodeAt(i);
		if (endsLine(code)) {
			lines.push(line);
			line = "";
			if (code === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
		} else line += text[i];
	}
	lines.push(line);
	return lines;
}

/** A `# …` line holding note text. */
export function commentLine(text: string): string {
	return `# ${commentText(text)}`.trimEnd();
}

export function commentBlock(opts: ExportOptions, framework: string): string {
	const lines = [commentLine(`${opts.title ? `${opts.title} — ` : ""}exported from CNN Lab for ${framework}.`)];
	if (opts.source) {
		lines.push("#", "# From the network:");
		// Split on every terminator, not only \n: each line of the block becomes its own comment line.
		for (const l of splitLines(opts.source)) {
			if (l.trim() !== "") lines.push(commentLine(`  ${l}`));
		}
	}
	return lines.join("\n") + "\n";
}

/** The header and the reason a model cannot be exported, all as comments. */
export function cannotExport(header: string, index: number, message: string): string {
	return `${header}${commentLine(`Cannot export: layer ${index + 1} fails (${message}).`)}\n`;
}

/** One line of an exported `Sequential(...)` list, its comment made safe. */
export function sequentialLine(code: string, comment: string): string {
	return `    ${code},  ${commentLine(comment)}`;
}

/**
 * Note text as a Python string literal that holds nothing but printable ASCII: quotes and backslashes escaped,
 * every other character written as \xXX, \uXXXX or \UXXXXXXXX (Python reads an astral character only as one
 * \U escape, never as a surrogate pair). No character of the note can end the string or the line.
 */
export function pyString(text: string): string {
	let out = '"';
	for (const ch of text) {
		const code = ch.codePointAt(0) ?? 0;
		if (ch === '"' || ch === "\\") out += `\\${ch}`;
		else if (code >= 0x20 && code < 0x7f) out += ch;
		else if (code < 0x100) out += `\\x${code.toString(16).padStart(2, "0")}`;
		else if (code < 0x10000) out += `\\u${code.toString(16).padStart(4, "0")}`;
		else out += `\\U${code.toString(16).padStart(8, "0")}`;
	}
	return `${out}"`;
}
