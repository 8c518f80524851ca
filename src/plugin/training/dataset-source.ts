import { normalizePath, TFile, TFolder, type App, type TAbstractFile } from "obsidian";
import { loadIdx } from "../../data/idx";
import { parseCsvDataset } from "../../data/csv";
import { MAX_CLASSES } from "../../data/data-limits";
import type { Dataset } from "../../data/dataset";
import type { ModelSpec } from "../../engine/model-spec";
import type { DatasetDescriptor } from "../../worker/messages";
import { resizeImages } from "../../worker/shared-engine";
import { readVaultImage } from "../vault-image";
import { t } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-data";

/** Files above this size are refused before reading (a vault is not a data lake, and phones have little memory). */
const MAX_FILE_BYTES = 200 * 1024 * 1024;
const IMAGE_EXT = new Set(["png", "jpg", "jpeg", "webp", "gif", "bmp"]);

/** Decodes one image file to C×H×W values in 0..1 at the network's input size (src/plugin/vault-image.ts). */
export type ImageDecoder = (app: App, file: TFile, shape: ModelSpec["input"]) => Promise<Float32Array>;

/** The platform's decoder (H4's vault-image), then an exact resize to the input's H×W (bilinear, src/data/fit). */
export function platformDecoder(doc: Document): ImageDecoder {
	return async (app, file, shape) => {
		const [c, h, w] = shape;
		if (c !== 1 && c !== 3) throw new Error(t("training.dataset.channels", { c }));
		const img = await readVaultImage(app, doc, file.path, file.path, c === 1 ? "gray" : "rgb", Math.max(h, w));
		const iw = img.width;
		const ih = img.height;
		const x = new Float32Array(c * ih * iw);
		for (let k = 0; k < c; k++) for (let y = 0; y < ih; y++) for (let i = 0; i < iw; i++) x[(k * ih + y) * iw + i] = img.planes[k][y][i];
		if (ih === h && iw === w) return x;
		const one: Dataset = { x, y: new Uint8Array(1), n: 1, shape: [c, ih, iw], classes: 1, classNames: ["x"], name: file.name };
		return resizeImages(one, h, w).x;
	};
}

export interface DatasetRequest {
	dataset: string;
	model: ModelSpec;
	sourcePath: string;
	seed: number;
	limit: number | null;
	decodeImage?: ImageDecoder;
}

/** The built-in names; anything else is looked up in the vault. */
export function builtinDataset(name: string, model: ModelSpec, seed: number, limit: number | null): DatasetDescriptor | null {
	const n = name.trim().toLowerCase();
	if (n === "digits") return { kind: "digits" };
	if (n === "shapes") {
		const size = Math.max(5, Math.max(model.input[1], model.input[2]));
		return { kind: "shapes", size, count: Math.max(80, Math.min(limit ?? 2400, 20000)), seed };
	}
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

function ext(f: TFile): string {
	return f.extension.toLowerCase();
}

function baseName(f: TAbstractFile): string {
	return f.name.replace(/\.gz$/i, "");
}

function isIdxImages(f: TAbstractFile): boolean {
	return f instanceof TFile && /idx3|images.*ubyte/i.test(baseName(f));
}

function isIdxLabels(f: TAbstractFile): boolean {
	return f instanceof TFile && /idx1|labels.*ubyte/i.test(baseName(f));
}

function resolve(app: App, ref: string, sourcePath: string): TAbstractFile | null {
	const direct = app.vault.getAbstractFileByPath(normalizePath(ref));
	if (direct) return direct;
	const dir = sourcePath.includes("/") ? sourcePath.slice(0, sourcePath.lastIndexOf("/")) : "";
	if (dir) {
		const rel = app.vault.getAbstractFileByPath(normalizePath(`${dir}/${ref}`));
		if (rel) return rel;
	}
	return app.metadataCache.getFirstLinkpathDest(ref, sourcePath);
}

async function readBytes(app: App, f: TFile): Promise<ArrayBuffer> {
	if (f.stat && f.stat.size > MAX_FILE_BYTES) {
		throw new Error(t("training.dataset.tooBig", { path: f.path, mb: Math.round(f.stat.size / 1048576) }));
	}
	return app.vault.readBinary(f);
}

function pickPair(files: TFile[]): [TFile, TFile] | null {
	const images = files.filter(isIdxImages);
	const labels = files.filter(isIdxLabels);
	if (images.length === 0 || labels.length === 0) return null;
	// Prefer the training files when a folder holds train and test (t10k) sets.
	const prefer = (fs: TFile[]): TFile => fs.find((f) => /train/i.test(f.name)) ?? fs[0];
	const img = prefer(images);
	const stem = baseName(img).replace(/images/i, "labels").replace(/idx3/i, "idx1");
	const lab = labels.find((f) => baseName(f) === stem) ?? prefer(labels);
	return [img, lab];
}

function toArrays(ds: Dataset): DatasetDescriptor {
	return { kind: "arrays", name: ds.name, x: ds.x, y: ds.y, n: ds.n, shape: ds.shape, classes: ds.classes, classNames: ds.classNames, credit: ds.credit };
}

async function readImageFolder(app: App, folder: TFolder, req: DatasetRequest): Promise<Dataset> {
	const decode = req.decodeImage;
	const classes = folder.children.filter((c): c is TFolder => c instanceof TFolder).sort((a, b) => a.name.localeCompare(b.name));
	if (classes.length < 2) throw new Error(t("training.dataset.folderClasses", { path: folder.path }));
	if (classes.length > MAX_CLASSES) throw new Error(t("data.classes", { name: folder.path, n: classes.length, max: MAX_CLASSES }));
	if (!decode) throw new Error(t("training.dataset.noDecoder"));
	const [c, h, w] = req.model.input;
	const per = c * h * w;
	const max = req.limit ?? 10000;
	const files: [TFile, number][] = [];
	// By name (2.png before 10.png): a folder's children come in whatever order the vault indexed them, and the same
	// seed must give the same run.
	const byName = (a: TFile, b: TFile): number => a.name.localeCompare(b.name, undefined, { numeric: true });
	classes.forEach((cls, k) => {
		const images = cls.children.filter((f): f is TFile => f instanceof TFile && IMAGE_EXT.has(ext(f))).sort(byName);
		for (const f of images) files.push([f, k]);
	});
	if (files.length === 0) throw new Error(t("training.dataset.noImages", { path: folder.path }));
	// Spread a limit over the classes rather than taking the first class only.
	const chosen = files.length > max ? files.filter((_, i) => Math.floor((i * max) / files.length) !== Math.floor(((i - 1) * max) / files.length)) : files;
	const x = new Float32Array(chosen.length * per);
	const y = new Uint8Array(chosen.length);
	for (let i = 0; i < chosen.length; i++) {
		const [f, k] = chosen[i];
		x.set((await decode(app, f, req.model.input)).subarray(0, per), i * per);
		y[i] = k;
	}
	return { x, y, n: chosen.length, shape: [c, h, w], classes: classes.length, classNames: classes.map((f) => f.name), name: folder.name };
}

/**
 * What a `train` line's dataset names, ready for a start message: the built-in sets by name (made in the worker),
 * the user's IDX files, CSV or image folder read from the vault here (the worker cannot see the vault).
 */
export async function resolveDataset(app: App, req: DatasetRequest): Promise<DatasetDescriptor> {
	const builtin = builtinDataset(req.dataset, req.model, req.seed, req.limit);
	if (builtin) return builtin;
	const ref = cleanDatasetRef(req.dataset);
	if (ref === "" || outsideVault(ref)) throw new Error(t("training.dataset.outside", { name: req.dataset }));
	const found = resolve(app, ref, req.sourcePath);
	if (!found) throw new Error(t("training.dataset.unknown", { name: ref }));
	if (found instanceof TFolder) {
		const pair = pickPair(found.children.filter((f): f is TFile => f instanceof TFile));
		if (pair) {
			const ds = await loadIdx(await readBytes(app, pair[0]), await readBytes(app, pair[1]), { name: found.name, files: [pair[0].path, pair[1].path] });
			return toArrays(ds);
		}
		return toArrays(await readImageFolder(app, found, req));
	}
	if (!(found instanceof TFile)) throw new Error(t("training.dataset.unknown", { name: ref }));
	if (ext(found) === "csv" || ext(found) === "txt") {
		const text = await app.vault.read(found);
		const [c, h, w] = req.model.input;
		const firstRow = text.split(/\r?\n/).find((l) => /^\s*[-+\d.]/.test(l)) ?? "";
		const cols = firstRow.split(/[,;\t]|\s+/).filter((s) => s !== "").length - 1;
		const shape: [number, number, number] | undefined = cols === c * h * w ? [c, h, w] : undefined;
		return toArrays(parseCsvDataset(text, { name: found.basename, shape }));
	}
	if (isIdxImages(found) || isIdxLabels(found)) {
		const siblings = found.parent ? found.parent.children.filter((f): f is TFile => f instanceof TFile) : [found];
		const pair = isIdxImages(found) ? pickPair([found, ...siblings.filter(isIdxLabels)]) : pickPair([...siblings.filter(isIdxImages), found]);
		if (!pair) throw new Error(t("training.dataset.idxPair", { path: found.path }));
		const ds = await loadIdx(await readBytes(app, pair[0]), await readBytes(app, pair[1]), { name: found.parent?.name || found.basename, files: [pair[0].path, pair[1].path] });
		return toArrays(ds);
	}
	throw new Error(t("training.dataset.kind", { path: found.path }));
}
