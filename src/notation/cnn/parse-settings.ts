/** Reads the non-layer lines of a block: `input …`, `train …`, `sample …`, `show …`. */
import type { InputShape, OptimizerName, OptimizerSpec } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import type { DiagnosticList } from "./diagnostics";
import { datasetShape, isDatasetName, normalizeWord } from "./layer-words";
import type { Token } from "../tokenize";
import type { ParsedCnn, TrainSpec } from "./types";
import { checkPractice, readPracticeWord } from "./train-practice";
// through the engine bundle, as parse.ts takes the importers: the page keeps no second copy of the resolver
import { cleanDatasetRef, outsideVault } from "../../worker/shared-engine";

const MAX_SIDE = 100_000;

export function parseInputLine(
	first: Token,
	rest: Token[],
	line: number,
	text: string,
	diags: DiagnosticList,
): ParsedCnn["input"] {
	const tok = rest[0];
	if (!tok) {
		diags.at(line, first, "error", t("spec.inputNeedsShape"), "input 32x32x3");
		return null;
	}
	let dims: number[] | null = null;
	let dataset: string | undefined;
	if (tok.size) dims = tok.size.length === 2 ? [...tok.size, 1] : tok.size;
	else if (tok.num !== undefined) dims = [tok.num, tok.num, 1];
	else if (isDatasetName(tok.text)) {
		const sizeTok = rest[1];
		const size = sizeTok?.num ?? null;
		const s = datasetShape(tok.text, size !== null && Number.isInteger(size) && size >= 2 && size <= 1024 ? size : null);
		if (s) {
			dataset = normalizeWord(tok.text) === "shapes" && size !== null ? `shapes ${s[1]}` : tok.lower;
			return { shape: s, line, text, dataset };
		}
	} else {
		diags.at(line, tok, "error", t("spec.inputBadShape", { value: tok.text }), "input 32x32x3");
		return null;
	}
	if (!dims || dims.length !== 3) {
		diags.at(line, tok, "error", t("spec.inputBadShape", { value: tok.text }), "input 32x32x3");
		return null;
	}
	for (const d of dims) {
		if (!Number.isInteger(d) || d < 1 || d > MAX_SIDE) {
			diags.at(line, tok, "error", t("spec.inputBadDim", { value: tok.text, max: MAX_SIDE }), "input 32x32x3");
			return null;
		}
	}
	for (const extra of rest.slice(1)) diags.at(line, extra, "warning", t("spec.ignoredWord", { word: extra.text, layer: first.text }));
	// "3x32x32" is PyTorch's channels-first order; the notes (and this block) write H×W×C
	if ((dims[0] === 1 || dims[0] === 3) && dims[1] === dims[2] && dims[2] > 4) {
		diags.at(line, tok, "warning", t(dims[0] === 1 ? "spec.channelsFirst1" : "spec.channelsFirst", { h: dims[0], w: dims[1], c: dims[2] }), `input ${dims[1]}x${dims[2]}x${dims[0]}`);
	}
	const shape: InputShape = [dims[2], dims[0], dims[1]];
	return { shape, line, text };
}

const optimizerNames: Record<string, OptimizerName> = { sgd: "sgd", momentum: "momentum", adam: "adam" };

function defaultLr(name: OptimizerName): number {
	return name === "adam" ? 0.001 : 0.01;
}

export function parseTrainLine(first: Token, rest: Token[], line: number, diags: DiagnosticList, inputDataset: string | undefined): TrainSpec {
	const spec: TrainSpec = {
		line,
		dataset: inputDataset ?? "",
		epochs: 10,
		batch: 32,
		optimizer: { name: "adam", lr: 0.001, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
		seed: null,
		val: 0.2,
		limit: null,
		saveWeights: false,
	};
	let lrGiven = false;
	let momentumGiven = false;
	const opt: OptimizerSpec = spec.optimizer;
	const num = (i: number, what: string, min: number, max: number, int: boolean): number | null => {
		const v = rest[i + 1];
		if (!v || v.num === undefined) {
			diags.at(line, rest[i], "error", t("spec.missingValue", { key: rest[i].text }));
			return null;
		}
		if (!Number.isFinite(v.num) || v.num < min || v.num > max || (int && !Number.isInteger(v.num))) {
			diags.at(line, v, "error", t("spec.badSetting", { what, value: v.text, min, max }));
			return null;
		}
		return v.num;
	};
	for (let i = 0; i < rest.length; i++) {
		const tok = rest[i];
		const n = normalizeWord(tok.text);
		let v: number | null;
		if (n === "momentum" && rest[i + 1]?.num !== undefined) {
			v = num(i, "momentum", 0, 0.9999, false);
			i++;
			if (v !== null) {
				opt.momentum = v;
				momentumGiven = true;
			}
			continue;
		}
		const optName = optimizerNames[n];
		if (optName) {
			opt.name = optName;
			continue;
		}
		switch (n) {
			case "optimizer":
			case "opt":
				continue;
			case "epochs":
			case "epoch":
				v = num(i, "epochs", 1, 10_000, true);
				i++;
				if (v !== null) spec.epochs = v;
				continue;
			case "batch":
			case "batchsize":
			case "bs":
				v = num(i, "batch", 1, 100_000, true);
				i++;
				if (v !== null) spec.batch = v;
				continue;
			case "lr":
			case "learningrate":
				v = num(i, "lr", 1e-9, 100, false);
				i++;
				if (v !== null) {
					opt.lr = v;
					lrGiven = true;
				}
				continue;
			case "weightdecay":
			case "wd":
			case "decay":
				v = num(i, "weight-decay", 0, 10, false);
				i++;
				if (v !== null) opt.weightDecay = v;
				continue;
			case "seed":
				v = num(i, "seed", 0, 2 ** 31 - 1, true);
				i++;
				if (v !== null) spec.seed = v;
				continue;
			case "val":
			case "validation":
			case "valsplit":
				v = num(i, "val", 0, 0.9, false);
				i++;
				if (v !== null) spec.val = v;
				continue;
			case "limit":
				v = num(i, "limit", 1, 10_000_000, true);
				i++;
				if (v !== null) spec.limit = v;
				continue;
			case "beta1":
				v = num(i, "beta1", 0, 0.9999, false);
				i++;
				if (v !== null) opt.beta1 = v;
				continue;
			case "beta2":
				v = num(i, "beta2", 0, 0.999999, false);
				i++;
				if (v !== null) opt.beta2 = v;
				continue;
			case "save":
				if (rest[i + 1] && normalizeWord(rest[i + 1].text).startsWith("weight")) i++;
				spec.saveWeights = true;
				continue;
			case "on":
			case "with":
				continue;
		}
		const used = readPracticeWord(rest, i, line, diags, spec, num);
		if (used >= 0) {
			i = used;
			continue;
		}
		if (i === 0 && tok.num === undefined && !tok.size) {
			spec.dataset = tok.text;
			continue;
		}
		diags.at(line, tok, "warning", t("spec.ignoredWord", { word: tok.text, layer: first.text }));
	}
	if (!lrGiven) opt.lr = defaultLr(opt.name);
	if (opt.name === "momentum" && !momentumGiven) opt.momentum = 0.9;
	checkPractice(spec, rest, line, diags, lrGiven);
	// a missing dataset is checked once the whole block is read: `input digits` may come after this line
	return spec;
}

export function parseSampleLine(first: Token, rest: Token[], line: number, diags: DiagnosticList): ParsedCnn["sample"] {
	const a = rest[0];
	if (!a) {
		diags.at(line, first, "warning", t("spec.sampleNeedsValue"), "sample 0");
		return null;
	}
	if (normalizeWord(a.text) === "label" || normalizeWord(a.text) === "class") {
		const b = rest[1];
		if (!b) {
			diags.at(line, a, "warning", t("spec.sampleNeedsValue"), "sample label 3");
			return null;
		}
		return { line, index: null, label: b.text };
	}
	if (a.num !== undefined) {
		if (!Number.isInteger(a.num) || a.num < 0 || a.num > 1e9) {
			diags.at(line, a, "error", t("spec.badSetting", { what: "sample", value: a.text, min: 0, max: 1e9 }));
			return null;
		}
		return { line, index: a.num, label: null };
	}
	return { line, index: null, label: a.text };
}

export function parseShowLine(rest: Token[], line: number): ParsedCnn["show"] {
	return { line, views: rest.map((r) => r.lower) };
}

/**
 * `weights [[model.safetensors]]` (a vault link, or a path from the vault's root or beside the note; spaces allowed):
 * the file is read where the block is drawn (src/plugin/runs/block-weights.ts). A line that cannot name one is
 * a warning, not an error: the network's shapes and exports stand without it.
 */
export function parseWeightsLine(first: Token, code: string, line: number, diags: DiagnosticList): ParsedCnn["weights"] {
	const tail = code.slice(first.endColumn - 1);
	const ref = cleanDatasetRef(tail);
	// the diagnostic underlines the file as written, link brackets and all
	const at: Token = { ...first, column: first.endColumn + tail.length - tail.trimStart().length, endColumn: first.endColumn + tail.trimEnd().length };
	if (ref === "") {
		diags.at(line, first, "warning", t("spec.weightsNeedsFile"), "weights [[model.safetensors]]");
		return null;
	}
	if (outsideVault(ref)) {
		diags.at(line, at, "warning", t("spec.weightsOutside", { path: ref }));
		return null;
	}
	if (!/\.safetensors$/i.test(ref)) {
		diags.at(line, at, "warning", t(/\.(pt|pth|bin|ckpt)$/i.test(ref) ? "spec.weightsPickle" : "spec.weightsNotSafetensors", { path: ref }), "weights [[model.safetensors]]");
		return null;
	}
	return { line, ref };
}
