/** "Download CSV" of a chart: its data as text, saved through a Blob and an <a download> of the chart's own document. */

/** One cell: quoted when it holds a comma, quote or line break; text a spreadsheet would run as a formula is defused. */
export function csvCell(v: string | number | null | undefined): string {
	if (v === null || v === undefined) return "";
	if (typeof v === "number") return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
	const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
	return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows (the first is the header) as CSV text with CRLF line ends, as RFC 4180 has it. */
export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[]): string {
	return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}

/** A file name from a chart's title: letters, digits and dashes only. */
export function csvFileName(title: string): string {
	const base = title
		.normalize("NFKD")
		.replace(/[^\p{L}\p{N}]+/gu, "-")
		.replace(/^-+|-+$/g, "")
		.toLowerCase();
	return `${base || "chart"}.csv`;
}

/** Saves `text` as a file named `name` from the document `el` is in (a pop-out window's own). */
export function downloadCsv(el: HTMLElement, name: string, text: string): void {
	const doc = el.ownerDocument;
	const win = doc.defaultView;
	if (!win) return;
	const url = win.URL.createObjectURL(new win.Blob([text], { type: "text/csv;charset=utf-8" }));
	const a = doc.body.createEl("a", { cls: "cnn-lab-chart-download-link", href: url, attr: { download: name } });
	a.click();
	a.remove();
	// The click has started the download; the URL can go once this task ends.
	win.setTimeout(() => win.URL.revokeObjectURL(url), 0);
}
