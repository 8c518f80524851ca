import "../i18n/strings-data";
import { translate, type Lang } from "../i18n";
import { MAX_CLASSES, MAX_DATA_BYTES } from "./data-limits";
import type { Dataset } from "./dataset";

export interface CsvOptions {
	name: string;
	/** [C, H, W]; by default a square single-channel image from the number of pixel columns. */
	shape?: [number, number, number];
	classNames?: string[];
	credit?: string;
	/** The language of the refusals. */
	lang: Lang;
}

/** Longest CSV text read (characters); a bigger file is refused before it is split, as an IDX file is capped. */
export const MAX_CSV_CHARS = 200 * 1024 * 1024;

/** The data rows with their line in the file (1-based), so every message names the line the user sees. */
function dataRows(text: string): { line: number; text: string }[] {
	// CR-only files (classic Mac OS, some exporters) end lines with \r alone.
	const lines = text.split(/\r\n|\r|\n/);
	const rows: { line: number; text: string }[] = [];
	for (let i = 0; i < lines.length; i++) {
		const l = lines[i].trim();
		if (l !== "" && !l.startsWith("#")) rows.push({ line: i + 1, text: l });
	}
	return rows;
}

/**
 * A "label, pixel, pixel, …" CSV (one image a row, an optional header) as a dataset. The pixel scale is found from
 * the largest value: up to 1 is taken as is, up to 16 (the UCI digits) is divided by 16, up to 255 by 255.
 * An empty cell is refused (it is not 0), with the file's line number.
 */
export function parseCsvDataset(text: string, opts: CsvOptions): Dataset {
	if (text.length > MAX_CSV_CHARS) throw new Error(translate(opts.lang, "data.csv.tooBig", { name: opts.name, mb: Math.round(text.length / 1048576), max: Math.round(MAX_CSV_CHARS / 1048576) }));
	const rows = dataRows(text);
	if (rows.length > 0 && !/^[-+\d.]/.test(rows[0].text.split(/[,;\t]/)[0].trim())) rows.shift();
	if (rows.length === 0) throw new Error(translate(opts.lang, "data.csv.empty"));
	const first = rows[0].text;
	const sep = first.includes(",") ? "," : first.includes(";") ? ";" : first.includes("\t") ? "\t" : /\s+/;
	const width = first.split(sep).length;
	const npx = width - 1;
	if (npx < 1) throw new Error(translate(opts.lang, "data.csv.noPixels"));
	let shape = opts.shape;
	if (!shape) {
		const side = Math.round(Math.sqrt(npx));
		if (side * side !== npx) throw new Error(translate(opts.lang, "data.csv.notSquare", { n: npx }));
		shape = [1, side, side];
	}
	if (shape[0] * shape[1] * shape[2] !== npx) throw new Error(translate(opts.lang, "data.csv.shape", { n: npx, shape: `${shape[1]}×${shape[2]}×${shape[0]}` }));
	const n = rows.length;
	if (n * npx * 4 > MAX_DATA_BYTES) throw new Error(translate(opts.lang, "data.tooBig", { name: opts.name, mb: Math.round((n * npx * 4) / 1048576), max: Math.round(MAX_DATA_BYTES / 1048576) }));
	const x = new Float32Array(n * npx);
	const y = new Uint8Array(n);
	let max = 0;
	for (let i = 0; i < n; i++) {
		const row = rows[i].line;
		const cells = rows[i].text.split(sep);
		if (cells.length !== width) throw new Error(translate(opts.lang, "data.csv.width", { row, got: cells.length, want: width }));
		const labelText = cells[0].trim();
		const label = labelText === "" ? NaN : Number(labelText);
		if (!Number.isInteger(label) || label < 0 || label >= MAX_CLASSES) throw new Error(translate(opts.lang, "data.csv.label", { row, label: cells[0] }));
		y[i] = label;
		for (let j = 0; j < npx; j++) {
			const cellText = cells[j + 1].trim();
			// Number("") is 0: an empty cell would silently be a black pixel.
			const v = cellText === "" ? NaN : Number(cellText);
			if (!Number.isFinite(v) || v < 0) throw new Error(translate(opts.lang, "data.csv.value", { row, col: j + 2, value: cells[j + 1] }));
			if (v > max) max = v;
			x[i * npx + j] = v;
		}
	}
	const scale = max <= 1 ? 1 : max <= 16 ? 16 : 255;
	if (max > 255) throw new Error(translate(opts.lang, "data.csv.range", { max }));
	if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] /= scale;
	let maxLabel = 0;
	for (let i = 0; i < n; i++) if (y[i] > maxLabel) maxLabel = y[i];
	const classes = Math.max(maxLabel + 1, Math.min(opts.classNames?.length ?? 0, MAX_CLASSES));
	const classNames = opts.classNames && opts.classNames.length >= classes ? opts.classNames.slice(0, classes) : Array.from({ length: classes }, (_, i) => String(i));
	return { x, y, n, shape, classes, classNames, name: opts.name, credit: opts.credit };
}
