/** Options shared by the PyTorch and Keras exporters. */
export interface ExportOptions {
	/** The ```cnn text the model came from, quoted as a comment at the top. */
	source?: string;
	/** A title line for the header comment (a note name, for instance). */
	title?: string;
	/** Append the shape and parameter-count check (default true). */
	shapeCheck?: boolean;
}

/** A Python literal for a finite number; JavaScript's "1e-7" and "0.25" are both valid Python. */
export function pyNumber(v: number): string {
	if (!Number.isFinite(v)) return "0.0";
	if (Number.isInteger(v)) return `${v}.0`;
	return String(v);
}

/**
 * Every character Python, JavaScript or an editor may take as the end of a line (CR, LF, VT, FF, FS/GS/RS, NEL,
 * LS, PS), with the other C0/C1 controls but tab: Python ends a `#` comment at a lone CR, so any of these in note text
 * would start a live line of code in the script.
 */
const LINE_BREAKING = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/gu;

/** Note text made safe to put after a `#`: one line, with no character that could end the comment. */
export function commentText(text: string): string {
	return text.replace(LINE_BREAKING, " ");
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
		for (const l of opts.source.split(/\r\n|[\n\r\u000b\u000c\u001c-\u001e\u0085\u2028\u2029]/u)) {
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
