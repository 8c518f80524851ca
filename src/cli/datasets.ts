/** The dataset a `train` line names, read in Node: the built-in sets, IDX files and CSV from the vault. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { MAX_CSV_CHARS, parseCsvDataset } from "../data/csv";
import type { Dataset } from "../data/dataset";
import { loadIdx } from "../data/idx";
import type { ModelSpec } from "../engine/model-spec";
import { materialize } from "../worker/datasets";
import { loadDigits } from "../data/digits";

const MAX_FILE_BYTES = 200 * 1024 * 1024;

/** The same sizes the plugin uses for the built-in sets, so a note trains on the same data here and there. */
export function builtin(name: string, model: ModelSpec, seed: number, limit: number | null): Dataset | null {
	const n = name.trim().toLowerCase();
	if (n === "digits") return materialize({ kind: "digits" }, model.input, seed, loadDigits);
	if (n === "shapes") {
		const size = Math.max(5, Math.max(model.input[1], model.input[2]));
		return materialize({ kind: "shapes", size, count: Math.max(80, Math.min(limit ?? 2400, 20000)), seed }, model.input, seed, null);
	}
	return null;
}

/** Samples per epoch known from the name alone (before reading anything), as the plugin counts them. */
export function knownSamples(name: string, limit: number | null, val: number): number {
	const n = name.trim().toLowerCase();
	const all = n === "digits" ? 1797 : n === "shapes" ? Math.max(80, Math.min(limit ?? 2400, 20000)) : 0;
	const used = limit !== null && limit > 0 ? Math.min(all || limit, limit) : all;
	return Math.round(used * (1 - val));
}

function cleanRef(s: string): string {
	let r = s.trim();
	const link = /^!?\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]$/.exec(r);
	if (link) r = link[1];
	return r.replace(/^["']|["']$/g, "").trim();
}

function readBytes(path: string, max = MAX_FILE_BYTES): Uint8Array {
	const st = statSync(path);
	// A FIFO blocks a read forever and /dev/zero never ends: only regular files are data.
	if (!st.isFile()) throw new Error(`${path} is not a regular file (a pipe, a device or a socket); it is not read`);
	const size = st.size;
	if (size > max) throw new Error(`${path} is ${Math.round(size / 1048576)} MB; data files over 200 MB are not read`);
	return new Uint8Array(readFileSync(path));
}

const isImages = (f: string): boolean => /idx3|images.*ubyte/i.test(f.replace(/\.gz$/i, ""));
const isLabels = (f: string): boolean => /idx1|labels.*ubyte/i.test(f.replace(/\.gz$/i, ""));

function idxPair(dir: string, names: string[]): [string, string] | null {
	const images = names.filter(isImages);
	const labels = names.filter(isLabels);
	if (images.length === 0 || labels.length === 0) return null;
	const prefer = (fs: string[]): string => fs.find((f) => /train/i.test(f)) ?? fs[0];
	const img = prefer(images);
	const stem = img.replace(/\.gz$/i, "").replace(/images/i, "labels").replace(/idx3/i, "idx1");
	const lab = labels.find((f) => f.replace(/\.gz$/i, "") === stem) ?? prefer(labels);
	return [join(dir, img), join(dir, lab)];
}

function toBuffer(b: Uint8Array): ArrayBuffer {
	return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** A vault file or folder the name points to: as written from the vault root, then beside the note. */
function locate(root: string, noteDir: string, ref: string): string | null {
	for (const base of [root, noteDir]) {
		const p = resolve(base, ref);
		if (!p.startsWith(resolve(root))) continue;
		try {
			statSync(p);
			return p;
		} catch {
			// try the next place
		}
	}
	return null;
}

export async function loadDataset(name: string, model: ModelSpec, seed: number, limit: number | null, root: string, notePath: string): Promise<Dataset> {
	const b = builtin(name, model, seed, limit);
	if (b) return b;
	const ref = cleanRef(name);
	if (ref === "" || ref.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(ref) || ref.split(/[\\/]/).includes("..")) {
		throw new Error(`the dataset "${name}" must be digits, shapes or a path inside the vault`);
	}
	const found = locate(root, dirname(notePath), ref);
	if (!found) throw new Error(`no dataset "${ref}" in the vault (${root})`);
	const st = statSync(found);
	if (st.isDirectory()) {
		const names = readdirSync(found).sort();
		const pair = idxPair(found, names);
		if (pair) return loadIdx(toBuffer(readBytes(pair[0])), toBuffer(readBytes(pair[1])), { name: basename(found), files: [basename(pair[0]), basename(pair[1])] });
		throw new Error(`${ref}: image folders are decoded by the app; train this one in Obsidian, or give IDX or CSV files`);
	}
	const lower = found.toLowerCase();
	if (lower.endsWith(".csv") || lower.endsWith(".txt")) {
		const text = new TextDecoder().decode(readBytes(found, MAX_CSV_CHARS));
		const [c, h, w] = model.input;
		const firstRow = text.split(/\r?\n/).find((l) => /^\s*[-+\d.]/.test(l)) ?? "";
		const cols = firstRow.split(/[,;\t]|\s+/).filter((s) => s !== "").length - 1;
		const shape: [number, number, number] | undefined = cols === c * h * w ? [c, h, w] : undefined;
		return parseCsvDataset(text, { name: basename(found).replace(/\.[^.]+$/, ""), shape });
	}
	const file = basename(found);
	if (isImages(file) || isLabels(file)) {
		const dir = dirname(found);
		const siblings = readdirSync(dir);
		const pair = isImages(file) ? idxPair(dir, [file, ...siblings.filter(isLabels)]) : idxPair(dir, [...siblings.filter(isImages), file]);
		if (!pair) throw new Error(`${ref}: the matching IDX images / labels file is missing`);
		return loadIdx(toBuffer(readBytes(pair[0])), toBuffer(readBytes(pair[1])), { name: basename(dir), files: [basename(pair[0]), basename(pair[1])] });
	}
	throw new Error(`${ref}: not a dataset CNN Lab reads (IDX files, a CSV of label + pixels, or digits / shapes)`);
}
