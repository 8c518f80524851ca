/**
 * `cnn-lab export --to pytorch|keras --train NOTE [--block N] [--out FILE.py]`: the block's training run as a PyTorch
 * or Keras script (src/interop/export/torch-train-script.ts, keras-train-script.ts). The data are resolved as `cnn-lab train` resolves them, through
 * a DataFiles that records which vault files were read (so the script reads the same ones) and which labels came out
 * (so the split, which depends on the labels only, is CNN Lab's: images are not decoded here, only counted). A
 * built-in set is written beside the script as a CSV.
 */
import { writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { resolveDataset, resolveTestDataset, type DataEntry, type DataFiles } from "../data/dataset-resolver";
import type { Dataset } from "../data/dataset";
import { loadDigits } from "../data/digits";
import { limitIndices } from "../data/fit";
import type { ModelSpec } from "../engine/model-spec";
import { Rng } from "../engine/rng";
import { splitIndices } from "../engine/trainer";
import { t } from "../i18n";
import "../i18n/strings-log";
import { toPyTorchTrainScript, type TrainScriptData, type TrainScriptPlan } from "../interop/export/torch-train-script";
import { toKerasTrainScript } from "../interop/export/keras-train-script";
import type { ExportOptions } from "../interop/export";
import type { TrainSpec } from "../notation/cnn/types";
import { scheduleWords } from "../notation/cnn/train-practice";
import { confusionLabels } from "../runs/confusion";
import { csvCell } from "../runs/csv";
import { linkTo } from "../runs/links";
import { modelText } from "../runs/run-note";
import { modelSummary } from "../runs/run-properties";
import { safeFileName } from "../runs/vault-paths";
import { fitDataset, fitTestSet, materialize } from "../worker/datasets";
import { FsDataFiles } from "./datasets";
import type { CliIO } from "./run";
import { runsFolder, vaultPath, vaultRoot, vaultSettings } from "./vault";

/** A vault on disk that remembers what the resolver read; images are counted, not decoded (zeros stand in). */
class RecordingFiles implements DataFiles {
	readonly bytes: string[] = [];
	readonly texts: string[] = [];
	readonly images: string[] = [];

	constructor(private readonly inner: FsDataFiles) {}

	entry(path: string): DataEntry | null {
		return this.inner.entry(path);
	}

	children(folder: DataEntry): DataEntry[] {
		return this.inner.children(folder);
	}

	readBytes(f: DataEntry): Promise<ArrayBuffer> {
		this.bytes.push(f.path);
		return this.inner.readBytes(f);
	}

	readText(f: DataEntry): Promise<string> {
		this.texts.push(f.path);
		return this.inner.readText(f);
	}

	decodeImage(f: DataEntry, shape: [number, number, number]): Promise<Float32Array> {
		this.images.push(f.path);
		return Promise.resolve(new Float32Array(shape[0] * shape[1] * shape[2]));
	}
}

/** The data as CNN Lab reads them and where the script finds them; `csv`: a built-in set's file to write beside it. */
export interface ResolvedTrainData {
	raw: Dataset;
	data: TrainScriptData;
	csv: string | null;
}

/** A built-in set as "label,pixel,…" rows (the digits as their 0..16 values, which CNN Lab's CSV reader scales back). */
function datasetCsv(ds: Dataset, digits: boolean): string {
	const size = ds.shape[0] * ds.shape[1] * ds.shape[2];
	const rows = [`label,${Array.from({ length: size }, (_, i) => `p${i}`).join(",")}`];
	for (let i = 0; i < ds.n; i++) {
		const px = Array.from(ds.x.subarray(i * size, (i + 1) * size), (v) => (digits ? String(Math.round(v * 16)) : String(v)));
		rows.push(`${ds.y[i]},${px.join(",")}`);
	}
	return rows.join("\n") + "\n";
}

export async function resolveTrainData(train: TrainSpec, model: ModelSpec, seed: number, root: string, notePath: string): Promise<ResolvedTrainData> {
	const files = new RecordingFiles(new FsDataFiles(root, "en"));
	const sourcePath = relative(resolve(root), resolve(notePath)).split(sep).join("/");
	const r = await resolveDataset(files, { dataset: train.dataset, input: model.input, sourcePath, seed, limit: train.limit, lang: "en" });
	if (r.kind !== "data") {
		const raw = materialize(r, model.input, seed, loadDigits, "en");
		const file = `${r.kind}.csv`;
		return { raw, data: { kind: "beside", file, sklearnDigits: r.kind === "digits" }, csv: datasetCsv(raw, r.kind === "digits") };
	}
	return { raw: r.dataset, data: readFrom(files, r.dataset), csv: null };
}

/** Which vault files the resolver read for `raw`, as the script reads them. */
function readFrom(files: RecordingFiles, raw: Dataset): Exclude<TrainScriptData, { kind: "beside" }> {
	if (files.images.length > 0) return { kind: "images", files: files.images, labels: Array.from(raw.y) };
	if (files.bytes.length === 2) return { kind: "idx", images: files.bytes[0], labels: files.bytes[1] };
	return { kind: "csv", path: files.texts[0] };
}

/**
 * The train line's `test …` set as `cnn-lab train` resolves it (src/cli/datasets.ts loadTestDataset), with its
 * refusals (the training files again, more classes than the training data); null without one.
 */
export async function resolveTestData(train: TrainSpec, model: ModelSpec, trainSet: Dataset, root: string, notePath: string): Promise<TrainScriptPlan["test"]> {
	if (!train.test) return null;
	const files = new RecordingFiles(new FsDataFiles(root, "en"));
	const sourcePath = relative(resolve(root), resolve(notePath)).split(sep).join("/");
	const raw = await resolveTestDataset(files, { dataset: train.test, input: model.input, sourcePath, seed: 0, limit: null, lang: "en" }, train.dataset);
	fitTestSet(raw, model, trainSet, "en");
	return { data: readFrom(files, raw), shape: [raw.shape[0], raw.shape[1], raw.shape[2]] };
}

/**
 * CNN Lab's split for the run, as indices into the data as read: `cnn-lab train` and the plugin bring the data to the
 * input first (keeping only a `limit`'s images when they must be converted, src/data/fit.ts), then the trainer splits
 * what it got with the seed's first fork (src/engine/trainer.ts).
 */
export function cnnLabSplit(raw: Dataset, model: ModelSpec, train: Pick<TrainSpec, "val" | "limit">, seed: number): { trainOrder: Int32Array; valIndices: Int32Array } {
	const same = raw.shape.every((d, i) => d === model.input[i]);
	const kept = same ? null : limitIndices(raw, train.limit, seed);
	const y = kept ? Uint8Array.from(kept, (i) => raw.y[i]) : raw.y;
	const split = splitIndices(y, y.length, raw.classes, train.val, train.limit, new Rng(seed).fork());
	const back = (a: Int32Array): Int32Array => (kept ? a.map((i) => kept[i]) : a);
	return { trainOrder: back(split.train), valIndices: back(split.val) };
}

/** The script's plan: the data, the split and the run note's words, as the recorder would write them. */
export async function trainScriptPlan(model: ModelSpec, train: TrainSpec, modelSource: string, notePath: string, framework = "PyTorch"): Promise<{ plan: TrainScriptPlan; csv: string | null }> {
	const root = vaultRoot(notePath);
	const settings = vaultSettings(root);
	const seed = train.seed ?? settings.defaultSeed;
	const folder = runsFolder(settings.runsFolder);
	if (folder === null) throw new Error(`the runs folder setting "${settings.runsFolder}" would leave the vault`);
	const { raw, data, csv } = await resolveTrainData(train, model, seed, root, notePath);
	// The same refusals as a run (a network with fewer outputs than the data have classes, a set too big once resized).
	const fitted = fitDataset(raw, model, "en", { count: train.limit, seed }).dataset;
	const test = await resolveTestData(train, model, fitted, root, notePath);
	const { trainOrder, valIndices } = cnnLabSplit(raw, model, train, seed);
	const source = linkTo(vaultPath(root, notePath));
	const mark = "\u0000epochs\u0000";
	const summary = t("log.note.summary", { source, dataset: train.dataset, epochs: mark });
	const at = summary.lastIndexOf(mark);
	const labels = confusionLabels(raw.classNames);
	const plan: TrainScriptPlan = {
		model,
		train,
		seed,
		val: train.val,
		limit: train.limit,
		data,
		dataShape: [raw.shape[0], raw.shape[1], raw.shape[2]],
		classNames: raw.classNames,
		trainOrder,
		valIndices,
		test,
		note: {
			runsFolder: folder,
			title: safeFileName(`${basename(notePath).replace(/\.md$/i, "")} ${framework}`),
			dataset: train.dataset,
			sourceLink: source,
			modelText: modelText(modelSource),
			modelSummary: modelSummary(modelSource),
			schedule: scheduleWords(train.schedule ?? null),
			summaryBefore: summary.slice(0, at),
			summaryAfter: summary.slice(at + mark.length),
			confusionTitle: t("log.note.confusion"),
			confusionHead: labels.head,
			confusionRowNames: labels.rowNames,
			classCells: raw.classNames.map(csvCell),
		},
	};
	return { plan, csv };
}

/** Writes the script (to `out`, or stdout) and a built-in set's CSV beside it (beside `out`, or in the current folder). */
export async function exportTrainScript(to: "pytorch" | "keras", model: ModelSpec, train: TrainSpec | null, modelSource: string, notePath: string, out: string | null, opts: ExportOptions, io: CliIO): Promise<number> {
	if (!train) {
		io.err("cnn-lab export --train: the block has no train line (for example: train digits epochs 15 batch 32 adam lr 0.01 seed 7)\n");
		return 1;
	}
	let made;
	try {
		made = await trainScriptPlan(model, train, modelSource, notePath, to === "pytorch" ? "PyTorch" : "Keras");
	} catch (e) {
		io.err(`cnn-lab export --train: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
	const script = to === "pytorch" ? toPyTorchTrainScript(made.plan, opts) : toKerasTrainScript(made.plan, opts);
	const target = out === null ? null : resolve(io.cwd, out);
	const folder = target === null ? io.cwd : dirname(target);
	try {
		if (made.csv !== null && made.plan.data.kind === "beside") {
			writeFileSync(join(folder, made.plan.data.file), made.csv);
			io.err(`cnn-lab export --train: wrote ${join(folder, made.plan.data.file)} (the ${made.plan.data.file.replace(/\.csv$/, "")} data the script trains on)\n`);
		}
		if (target !== null) {
			writeFileSync(target, script, { mode: 0o755 });
			io.err(`cnn-lab export --train: wrote ${target}; run it with python3 ${basename(target)} --vault ${vaultRoot(notePath)}\n`);
		} else io.out(script);
	} catch (e) {
		io.err(`cnn-lab export --train: ${e instanceof Error ? e.message : String(e)}\n`);
		return 1;
	}
	return 0;
}
