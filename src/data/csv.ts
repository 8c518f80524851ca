import "../i18n/strings-data";
import { t } from "../i18n";
import type { Dataset } from "./dataset";

export interface CsvOptions {
	name: string;
	/** [C, H, W]; by default a square single-channel image from the number of pixel columns. */
	shape?: [number, number, number];
	classNames?: string[];
	credit?: string;
}

/**
 * A "label, pixel, pixel, …" CSV (one image a row, an optional header) as a dataset. The pixel scale is found from
 * the largest value: up to 1 is taken as is, up to 16 (the UCI digits) is divided by 16, up to 255 by 255.
 */
export function parseCsvDataset(text: string, opts: CsvOptions): Dataset {
	const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#"));
	if (lines.length > 0 && !/^[-+\d.]/.test(lines[0].split(/[,;\t]/)[0].trim())) lines.shift();
	if (lines.length === 0) throw new Error(t("data.csv.empty"));
	const sep = lines[0].includes(",") ? "," : lines[0].includes(";") ? ";" : lines[0].includes("\t") ? "\t" : /\s+/;
	const width = lines[0].split(sep).length;
	const npx = width - 1;
	if (npx < 1) throw new Error(t("data.csv.noPixels"));
	let shape = opts.shape;
	if (!shape) {
		const side = Math.round(Math.sqrt(npx));
		if (side * side !== npx) throw new Error(t("data.csv.notSquare", { n: npx }));
		shape = [1, side, side];
	}
	if (shape[0] * shape[1] * shape[2] !== npx) throw new Error(t("data.csv.shape", { n: npx, shape: `${shape[1]}×${shape[2]}×${shape[0]}` }));
	const n = lines.length;
	const x = new Float32Array(n * npx);
	const y = new Uint8Array(n);
	let max = 0;
	for (let i = 0; i < n; i++) {
		const cells = lines[i].split(sep);
		if (cells.length !== width) throw new Error(t("data.csv.width", { row: i + 1, got: cells.length, want: width }));
		const label = Number(cells[0]);
		if (!Number.isInteger(label) || label < 0 || label > 255) throw new Error(t("data.csv.label", { row: i + 1, label: cells[0] }));
		y[i] = label;
		for (let j = 0; j < npx; j++) {
			const v = Number(cells[j + 1]);
			if (!Number.isFinite(v) || v < 0) throw new Error(t("data.csv.value", { row: i + 1, col: j + 2, value: cells[j + 1] }));
			if (v > max) max = v;
			x[i * npx + j] = v;
		}
	}
	const scale = max <= 1 ? 1 : max <= 16 ? 16 : 255;
	if (max > 255) throw new Error(t("data.csv.range", { max }));
	if (scale !== 1) for (let i = 0; i < x.length; i++) x[i] /= scale;
	let maxLabel = 0;
	for (let i = 0; i < n; i++) if (y[i] > maxLabel) maxLabel = y[i];
	const classes = Math.max(maxLabel + 1, opts.classNames?.length ?? 0);
	const classNames = opts.classNames && opts.classNames.length >= classes ? opts.classNames.slice(0, classes) : Array.from({ length: classes }, (_, i) => String(i));
	return { x, y, n, shape, classes, classNames, name: opts.name, credit: opts.credit };
}
