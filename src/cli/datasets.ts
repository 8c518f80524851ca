/** The Node side of the one dataset resolver (src/data/dataset-resolver.ts): a vault folder on disk as DataFiles. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import type { Dataset } from "../data/dataset";
import { builtinDataset, resolveDataset, resolveTestDataset, type DataEntry, type DataFiles } from "../data/dataset-resolver";
import { loadDigits } from "../data/digits";
import type { ModelSpec } from "../engine/model-spec";
import { translate, type Lang } from "../i18n";
import "../i18n/strings-training";
import { materialize } from "../worker/datasets";

/** Samples per epoch known from the name alone (before reading anything), as the plugin counts them. */
export function knownSamples(name: string, limit: number | null, val: number): number {
	const b = builtinDataset(name, [1, 1, 1], 0, limit);
	const all = b === null ? 0 : b.kind === "digits" ? 1797 : b.count;
	const used = limit !== null && limit > 0 ? Math.min(all || limit, limit) : all;
	return Math.round(used * (1 - val));
}

/**
 * A vault folder on disk. Only regular files are data: a FIFO would block a read forever and /dev/zero never ends.
 * Images are not decoded here (that needs the app's image decoder), so image folders are refused with a message.
 */
export class FsDataFiles implements DataFiles {
	private readonly root: string;

	/** `lang` words the refusal of a file that is not regular. */
	constructor(root: string, private readonly lang: Lang = "en") {
		this.root = resolve(root);
	}

	entry(path: string): DataEntry | null {
		const abs = resolve(this.root, ...path.split("/").filter((p) => p !== ""));
		if (abs !== this.root && !abs.startsWith(this.root + sep)) return null;
		try {
			const st = statSync(abs);
			const rel = relative(this.root, abs).split(sep).join("/");
			const name = rel.split("/").pop() ?? "";
			if (st.isDirectory()) return { path: rel, name, kind: "folder" };
			return { path: rel, name, kind: "file", size: st.size };
		} catch {
			return null;
		}
	}

	children(folder: DataEntry): DataEntry[] {
		let names: string[];
		try {
			names = readdirSync(this.abs(folder));
		} catch {
			return [];
		}
		return names.map((n) => this.entry(folder.path === "" ? n : `${folder.path}/${n}`)).filter((e): e is DataEntry => e !== null);
	}

	readBytes(f: DataEntry): Promise<ArrayBuffer> {
		const b = this.read(f);
		return Promise.resolve(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
	}

	readText(f: DataEntry): Promise<string> {
		return Promise.resolve(new TextDecoder().decode(this.read(f)));
	}

	private abs(e: DataEntry): string {
		return join(this.root, ...e.path.split("/").filter((p) => p !== ""));
	}

	private read(f: DataEntry): Uint8Array {
		const abs = this.abs(f);
		if (!statSync(abs).isFile()) throw new Error(translate(this.lang, "training.dataset.notRegular", { path: f.path }));
		return new Uint8Array(readFileSync(abs));
	}
}

/**
 * The dataset a train line names, as the plugin would train on it (the built-in sets made as the worker makes them);
 * refusals in `lang`.
 */
export async function loadDataset(name: string, model: ModelSpec, seed: number, limit: number | null, root: string, notePath: string, lang: Lang): Promise<Dataset> {
	const files = new FsDataFiles(root, lang);
	const sourcePath = relative(resolve(root), resolve(notePath)).split(sep).join("/");
	const r = await resolveDataset(files, { dataset: name, input: model.input, sourcePath, seed, limit, lang });
	return r.kind === "data" ? r.dataset : materialize(r, model.input, seed, loadDigits, lang);
}

/** The train line's `test …` set from the vault folder (an IDX folder's t10k pair); refusals in `lang`. */
export function loadTestDataset(test: string, train: string, model: ModelSpec, root: string, notePath: string, lang: Lang): Promise<Dataset> {
	const sourcePath = relative(resolve(root), resolve(notePath)).split(sep).join("/");
	return resolveTestDataset(new FsDataFiles(root), { dataset: test, input: model.input, sourcePath, seed: 0, limit: null, lang }, train);
}
