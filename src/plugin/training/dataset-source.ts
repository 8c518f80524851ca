/** The vault side of the one dataset resolver (src/data/dataset-resolver.ts): files through app.vault, images decoded. */
import { normalizePath, TFile, TFolder, type App, type TAbstractFile } from "obsidian";
import type { Dataset } from "../../data/dataset";
import type { DataEntry, DataFiles } from "../../data/dataset-resolver";
import type { ModelSpec } from "../../engine/model-spec";
import type { DatasetDescriptor } from "../../worker/messages";
import { builtinDatasetRef as builtinIn, resizeImages, resolveDatasetFrom as resolveFrom, resolveTestDatasetFrom as resolveTestFrom } from "../../worker/shared-engine";
import { readVaultImage } from "../vault-image";
import { getLanguage, t, type Lang } from "../../i18n";
import "../../i18n/strings-training";
import "../../i18n/strings-data";

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
		return resizeImages(one, h, w, getLanguage()).x;
	};
}

export interface DatasetRequest {
	dataset: string;
	model: ModelSpec;
	sourcePath: string;
	seed: number;
	limit: number | null;
	/** The language of the refusals (the app's, read where the run starts). */
	lang: Lang;
	decodeImage?: ImageDecoder;
}

/** The built-in names as start-message datasets; null for anything the vault holds. */
export function builtinDataset(name: string, model: ModelSpec, seed: number, limit: number | null): DatasetDescriptor | null {
	return builtinIn(name, model.input, seed, limit);
}

function entryOf(f: TAbstractFile | null): DataEntry | null {
	if (f instanceof TFile) return { path: f.path, name: f.name, kind: "file", size: f.stat?.size };
	if (f instanceof TFolder) return { path: f.path, name: f.name, kind: "folder" };
	return null;
}

/** The vault as the resolver's DataFiles. */
export class VaultDataFiles implements DataFiles {
	readonly decodeImage?: DataFiles["decodeImage"];

	constructor(
		private readonly app: App,
		decode?: ImageDecoder,
	) {
		if (decode) this.decodeImage = (f, shape) => decode(this.app, this.file(f), shape);
	}

	entry(path: string): DataEntry | null {
		return entryOf(path === "" ? this.app.vault.getRoot() : this.app.vault.getAbstractFileByPath(normalizePath(path)));
	}

	children(folder: DataEntry): DataEntry[] {
		const f = folder.path === "" || folder.path === "/" ? this.app.vault.getRoot() : this.app.vault.getAbstractFileByPath(folder.path);
		return f instanceof TFolder ? f.children.map(entryOf).filter((e): e is DataEntry => e !== null) : [];
	}

	readBytes(f: DataEntry): Promise<ArrayBuffer> {
		return this.app.vault.readBinary(this.file(f));
	}

	readText(f: DataEntry): Promise<string> {
		return this.app.vault.read(this.file(f));
	}

	linkTarget(ref: string, sourcePath: string): DataEntry | null {
		return entryOf(this.app.metadataCache.getFirstLinkpathDest(ref, sourcePath));
	}

	private file(f: DataEntry): TFile {
		const file = this.app.vault.getFileByPath(f.path);
		if (!file) throw new Error(t("training.dataset.unknown", { name: f.path }));
		return file;
	}
}

/**
 * What a `train` line's dataset names, ready for a start message: the built-in sets by name (made in the worker),
 * the user's IDX files, CSV or image folder read from the vault here (the worker cannot see the vault).
 */
/** The train line's `test …` set, read from the vault like the dataset (an IDX folder gives its t10k pair). */
export async function resolveTestDataset(app: App, req: DatasetRequest, test: string): Promise<DatasetDescriptor> {
	const ds = await resolveTestFrom(new VaultDataFiles(app, req.decodeImage), { dataset: test, input: req.model.input, sourcePath: req.sourcePath, seed: req.seed, limit: null, lang: req.lang }, req.dataset);
	return { kind: "arrays", name: ds.name, x: ds.x, y: ds.y, n: ds.n, shape: ds.shape, classes: ds.classes, classNames: ds.classNames, credit: ds.credit };
}

export async function resolveDataset(app: App, req: DatasetRequest): Promise<DatasetDescriptor> {
	const r = await resolveFrom(new VaultDataFiles(app, req.decodeImage), { dataset: req.dataset, input: req.model.input, sourcePath: req.sourcePath, seed: req.seed, limit: req.limit, lang: req.lang });
	if (r.kind !== "data") return r;
	const ds = r.dataset;
	return { kind: "arrays", name: ds.name, x: ds.x, y: ds.y, n: ds.n, shape: ds.shape, classes: ds.classes, classNames: ds.classNames, credit: ds.credit };
}
