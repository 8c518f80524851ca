/**
 * The one dataset resolver: what a `train` line's dataset names, for the plugin (the vault, through
 * src/plugin/training/dataset-source.ts) and `cnn-lab train` (a vault folder on disk, src/cli/datasets.ts) alike.
 * The built-in sets by name, the user's IDX files, CSV or folder of class subfolders looked up as written from the
 * vault's root, then beside the note, then as a link. Files are reached only through DataFiles, so this module
 * imports neither obsidian nor Node.
 */
import { translate, type Lang } from "../i18n";
import "../i18n/strings-training";
import "../i18n/strings-data";
import "../i18n/strings-train-practice";
import { parseCsvDataset } from "./csv";
import { MAX_CLASSES } from "./data-limits";
import type { Dataset } from "./dataset";
import { loadIdx } from "./idx";

/** A file or folder of the vault; `size` in bytes where the place knows it. */
export interface DataEntry {
	/** Vault path, forward slashes. */
	path: string;
	name: string;
	kind: "file" | "folder";
	size?: number;
}

/** What the resolver needs from a place holding data: the vault or a folder on disk. */
export interface DataFiles {
	/** The file or folder at this vault path (the place normalises it; "" is the vault's root), or null. */
	entry(path: string): DataEntry | null;
	/** A folder's files and folders, in any order. */
	children(folder: DataEntry): DataEntry[];
	readBytes(file: DataEntry): Promise<ArrayBuffer>;
	readText(file: DataEntry): Promise<string>;
	/** Where a link's text points from the note (Obsidian's link resolution); absent where there is none. */
	linkTarget?(ref: string, sourcePath: string): DataEntry | null;
	/** Decodes one image to C×H×W values in 0..1 at the input's size; absent where images cannot be decoded. */
	decodeImage?(file: DataEntry, shape: [number, number, number]): Promise<Float32Array>;
}

export interface DatasetQuery {
	/** The dataset as the train line writes it. */
	dataset: string;
	/** The network's input, C×H×W. */
	input: [number, number, number];
	/** Vault path of the note holding the block. */
	sourcePath: string;
	seed: number;
	limit: number | null;
	/** The language of the refusals (the caller's: the plugin's app language, the CLI's). */
	lang: Lang;
}

/** The built-in sets are made where the run is (from a name and sizes), not read. */
export type BuiltinDataset = { kind: "digits" } | { kind: "shapes"; size: number; count: number; seed: number };

export type ResolvedDataset = BuiltinDataset | { kind: "data"; dataset: Dataset };

/** Files above this size are refused before reading (a vault is not a data lake, and phones have little memory). */
export const MAX_FILE_BYTES = 200 * 1024 * 1024;
const IMAGE_EXT = new Set(["png", "jpg", "jpeg", "webp", "gif", "bmp"]);

/** The built-in names; anything else is looked up among the files. */
export function builtinDataset(name: string, input: readonly number[], seed: number, limit: number | null): BuiltinDataset | null {
	const n = name.trim().toLowerCase();
	if (n === "digits") return { kind: "digits" };
	if (n === "shapes") return { kind: "shapes", size: Math.max(5, Math.max(input[1], input[2])), count: Math.max(80, Math.min(limit ?? 2400, 20000)), seed };
	return null;
}

/** "[[CNN data/mnist]]", "'my data/x.csv'" → "CNN data/mnist" / "my data/x.csv". */
export function cleanDatasetRef(s: string): string {
	let r = s.trim();
	const link = /^!?\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]$/.exec(r);
	if (link) r = link[1];
	r = r.replace(/^["']|["']$/g, "");
	return r.trim();
}

/** Paths that would leave the vault are refused before anything is looked up. */
export function outsideVault(ref: string): boolean {
	return ref.startsWith("/") || ref.startsWith("\\") || /^[a-zA-Z]:[\\/]/.test(ref) || ref.split(/[\\/]/).includes("..");
}

const extOf = (e: DataEntry): string => (/\.([^./]+)$/.exec(e.name)?.[1] ?? "").toLowerCase();
const stemOf = (e: DataEntry): string => e.name.replace(/\.[^./]+$/, "");
const unzipped = (e: DataEntry): string => e.name.replace(/\.gz$/i, "");
const isIdxImages = (e: DataEntry): boolean => e.kind === "file" && /idx3|images.*ubyte/i.test(unzipped(e));
const isIdxLabels = (e: DataEntry): boolean => e.kind === "file" && /idx1|labels.*ubyte/i.test(unzipped(e));
/** By name, numbers as numbers (2.png before 10.png): places list files in whatever order they indexed them. */
const byName = (a: DataEntry, b: DataEntry): number => a.name.localeCompare(b.name, undefined, { numeric: true });

function parentPath(path: string): string {
	return path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
}

function locate(files: DataFiles, ref: string, sourcePath: string): DataEntry | null {
	const direct = files.entry(ref);
	if (direct) return direct;
	const dir = parentPath(sourcePath);
	const beside = dir ? files.entry(`${dir}/${ref}`) : null;
	return beside ?? files.linkTarget?.(ref, sourcePath) ?? null;
}

async function readBytes(files: DataFiles, f: DataEntry, lang: Lang): Promise<ArrayBuffer> {
	if (f.size !== undefined && f.size > MAX_FILE_BYTES) throw new Error(translate(lang, "training.dataset.tooBig", { path: f.path, mb: Math.round(f.size / 1048576) }));
	return files.readBytes(f);
}

/** Which pair a folder's IDX files give: the training files, or the test (t10k) ones for a `test` set. */
type Side = "train" | "test";
const TEST_NAME = /t10k|test/i;

function pickPair(entries: DataEntry[], side: Side = "train"): [DataEntry, DataEntry] | null {
	const sorted = [...entries].sort(byName);
	const images = sorted.filter(isIdxImages);
	const labels = sorted.filter(isIdxLabels);
	if (images.length === 0 || labels.length === 0) return null;
	// Prefer the training files when a folder holds train and test (t10k) sets; the test files for a test set.
	const prefer = (es: DataEntry[]): DataEntry =>
		side === "test" ? (es.find((e) => TEST_NAME.test(e.name)) ?? es[0]) : (es.find((e) => /train/i.test(e.name)) ?? es.find((e) => !TEST_NAME.test(e.name)) ?? es[0]);
	const img = prefer(images);
	const stem = unzipped(img).replace(/images/i, "labels").replace(/idx3/i, "idx1");
	const lab = labels.find((e) => unzipped(e) === stem) ?? prefer(labels);
	return [img, lab];
}

async function readIdx(files: DataFiles, pair: [DataEntry, DataEntry], name: string, lang: Lang): Promise<Dataset> {
	return loadIdx(await readBytes(files, pair[0], lang), await readBytes(files, pair[1], lang), { name, files: [pair[0].path, pair[1].path], lang });
}

async function readImageFolder(files: DataFiles, folder: DataEntry, q: DatasetQuery): Promise<Dataset> {
	const classes = files.children(folder).filter((c) => c.kind === "folder").sort((a, b) => a.name.localeCompare(b.name));
	if (classes.length < 2) throw new Error(translate(q.lang, "training.dataset.folderClasses", { path: folder.path }));
	if (classes.length > MAX_CLASSES) throw new Error(translate(q.lang, "data.classes", { name: folder.path, n: classes.length, max: MAX_CLASSES }));
	const decode = files.decodeImage?.bind(files);
	if (!decode) throw new Error(translate(q.lang, "training.dataset.noDecoder", { path: folder.path === "" ? "." : folder.path }));
	const [c, h, w] = q.input;
	const per = c * h * w;
	const max = q.limit ?? 10000;
	// In name order, so the same seed gives the same run whatever order the place lists the files in.
	const all: [DataEntry, number][] = [];
	classes.forEach((cls, k) => {
		for (const f of files.children(cls).filter((e) => e.kind === "file" && IMAGE_EXT.has(extOf(e))).sort(byName)) all.push([f, k]);
	});
	if (all.length === 0) throw new Error(translate(q.lang, "training.dataset.noImages", { path: folder.path }));
	// Spread a limit over the classes rather than taking the first class only.
	const chosen = all.length > max ? all.filter((_, i) => Math.floor((i * max) / all.length) !== Math.floor(((i - 1) * max) / all.length)) : all;
	const x = new Float32Array(chosen.length * per);
	const y = new Uint8Array(chosen.length);
	for (let i = 0; i < chosen.length; i++) {
		const [f, k] = chosen[i];
		x.set((await decode(f, q.input)).subarray(0, per), i * per);
		y[i] = k;
	}
	return { x, y, n: chosen.length, shape: [c, h, w], classes: classes.length, classNames: classes.map((f) => f.name), name: folder.name };
}

async function readCsv(files: DataFiles, f: DataEntry, input: [number, number, number], lang: Lang): Promise<Dataset> {
	if (f.size !== undefined && f.size > MAX_FILE_BYTES) throw new Error(translate(lang, "training.dataset.tooBig", { path: f.path, mb: Math.round(f.size / 1048576) }));
	const text = await files.readText(f);
	const [c, h, w] = input;
	// The image's shape from the input line when the columns match it; a square gray image otherwise.
	// (Rows end with LF, CRLF or a lone CR, as the CSV reader itself accepts.)
	const firstRow = text.split(/\r\n|\r|\n/).find((l) => /^\s*[-+\d.]/.test(l)) ?? "";
	const cols = firstRow.split(/[,;\t]|\s+/).filter((s) => s !== "").length - 1;
	return parseCsvDataset(text, { name: stemOf(f), shape: cols === c * h * w ? [c, h, w] : undefined, lang });
}

/** The dataset a train line names: a built-in set by name, or the data read from the files. Throws a readable message. */
export async function resolveDataset(files: DataFiles, q: DatasetQuery): Promise<ResolvedDataset> {
	const builtin = builtinDataset(q.dataset, q.input, q.seed, q.limit);
	if (builtin) return builtin;
	return { kind: "data", dataset: await readData(files, q, "train") };
}

/**
 * The test set of `test REF`, read as a dataset is, except that an IDX folder (or an IDX file whose folder holds
 * both sets) gives its t10k / test pair. The same files as the training set's are refused: a test set needs data
 * of its own. `trainRef` is the train line's dataset.
 */
export async function resolveTestDataset(files: DataFiles, q: DatasetQuery, trainRef: string): Promise<Dataset> {
	if (builtinDataset(q.dataset, q.input, q.seed, q.limit)) throw new Error(translate(q.lang, "practice.testBuiltin", { name: q.dataset }));
	const test = await readData(files, { ...q, limit: null }, "test", (paths, idxPair) => {
		// The same reference is the training data again, unless it is an IDX folder whose t10k pair was found.
		const same = cleanDatasetRef(q.dataset) === cleanDatasetRef(trainRef) && !(idxPair && paths.some((p) => TEST_NAME.test(p.slice(p.lastIndexOf("/") + 1))));
		if (same) throw new Error(translate(q.lang, "practice.testSamePair", { path: q.dataset, file: paths.join(", ") }));
	});
	return test;
}

/** The user's data a reference names; `check` sees the files an IDX set is read from before they are read. */
async function readData(files: DataFiles, q: DatasetQuery, side: Side, check?: (paths: string[], idxPair: boolean) => void): Promise<Dataset> {
	const ref = cleanDatasetRef(q.dataset);
	if (ref === "" || outsideVault(ref)) throw new Error(translate(q.lang, "training.dataset.outside", { name: q.dataset }));
	const found = locate(files, ref, q.sourcePath);
	if (!found) throw new Error(translate(q.lang, "training.dataset.unknown", { name: ref }));
	const idx = (pair: [DataEntry, DataEntry], name: string): Promise<Dataset> => {
		check?.([pair[0].path, pair[1].path], true);
		return readIdx(files, pair, name, q.lang);
	};
	if (found.kind === "folder") {
		const pair = pickPair(files.children(found).filter((e) => e.kind === "file"), side);
		if (pair) return idx(pair, found.name);
		check?.([found.path], false);
		return readImageFolder(files, found, q);
	}
	const ext = extOf(found);
	if (ext === "csv" || ext === "txt") {
		check?.([found.path], false);
		return readCsv(files, found, q.input, q.lang);
	}
	if (isIdxImages(found) || isIdxLabels(found)) {
		const dir = parentPath(found.path);
		const parent = files.entry(dir);
		const siblings = parent ? files.children(parent).filter((e) => e.kind === "file" && e.path !== found.path) : [];
		const pair = isIdxImages(found) ? pickPair([found, ...siblings.filter(isIdxLabels)], side) : pickPair([...siblings.filter(isIdxImages), found], side);
		if (!pair) throw new Error(translate(q.lang, "training.dataset.idxPair", { path: found.path }));
		return idx(pair, parent && dir !== "" ? parent.name : stemOf(found));
	}
	throw new Error(translate(q.lang, "training.dataset.kind", { path: found.path }));
}
