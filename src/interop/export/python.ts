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

export function commentBlock(opts: ExportOptions, framework: string): string {
	const lines = [`# ${opts.title ? `${opts.title} — ` : ""}exported from CNN Lab for ${framework}.`];
	if (opts.source) {
		lines.push("#", "# From the network:");
		for (const l of opts.source.split(/\r?\n/)) {
			if (l.trim() !== "") lines.push(`#   ${l.replace(/\s+$/, "")}`);
		}
	}
	return lines.join("\n") + "\n";
}
