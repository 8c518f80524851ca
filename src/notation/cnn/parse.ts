/**
 * parseCnn: the text of a ```cnn block → layers, settings, shapes and diagnostics. Never throws, and the
 * work is bounded whatever the input (long blocks, long lines and binary junk are cut early, with a note).
 */
import type { LayerSpec, ModelSpec } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import { importFramework } from "../../worker/shared-engine";
import { BlockReader, blockWord, indentOf } from "./blocks";
import { checkOutputsCoverClasses, noteDataFitting } from "./class-check";
import { DiagnosticList } from "./diagnostics";
import { explainPastedErrors, readPastedErrors } from "./framework-errors";
import { closestWord, layerWord, normalizeWord, settingWord, type LayerWord, type SettingWord } from "./layer-words";
import { parseLayerLine } from "./parse-layer";
import { checkTestSet } from "./train-practice";
import { parseInputLine, parseSampleLine, parseShowLine, parseTrainLine, parseWeightsLine } from "./parse-settings";
import type { RawLayer } from "./raw-layer";
import { inferShapes, type ShapeReport } from "./shapes";
import { foldWidth, stripComment, tokenize, type Token } from "../tokenize";
import type { ImportedNetwork, LayerLine, ParsedCnn } from "./types";

export const LIMITS = { chars: 200_000, lines: 2_000, lineLength: 500, layers: 300 };

export interface CnnAnalysis {
	parsed: ParsedCnn;
	/** Shapes per row; null when the block could not be read at all. */
	report: ShapeReport | null;
	/** Set when the block was read as pasted framework code. */
	framework: ImportedNetwork["framework"] | null;
}

// (Keras's `model.add(Conv2D(…))` with bare class names too, and a line that starts with a bare class call,
// `Conv2d(1, 8, 3)` after `from torch.nn import *` or `Conv2D(32, (3, 3))`: read as notation, `(3, 3)` and the
// in-channels came out as "not understood" and a wrong layer)
const FRAMEWORK_HINT =
	/nn\.Sequential\s*\(|Sequential\s*\(\s*\[|\.add\s*\(\s*(?:[\w.]+\.)?(?:Conv2D|Dense|MaxPooling2D|MaxPool2D|AveragePooling2D|Flatten|Dropout|InputLayer|Activation)\s*\(|\bnn\.(Conv2d|Linear|MaxPool2d)\s*\(|layers\.(Conv2D|Dense|MaxPooling2D)\s*\(|^\s*(?:Conv2d|Conv2D|Convolution2D|Linear|Dense|MaxPool2d|MaxPooling2D|MaxPool2D|AvgPool2d|AveragePooling2D|AvgPool2D|BatchNorm2d|BatchNormalization)\s*\(/m;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this pattern detects
const BINARY = /[\u0000-\u0008\u000e-\u001f\u007f\ufffd]/;
// a Markdown list marker before a layer ("- conv 8 3x3", "2) conv 8 3x3", "3. relu"), blanked so columns stay
const LIST_MARK = /^\s*(?:(?:[-*+•]|\d{1,3}[.)])(?=\s)|\d{1,3}、)/;
// a line of pasted code, not of the notation: brackets, an assignment, a Python keyword
const CODE_LINE = /[()[\]{}=]|^\s*(?:import|from|class|def|return|model|self|x)\b/;

function emptyParsed(): ParsedCnn {
	return { model: null, input: null, layers: [], train: null, sample: null, show: null, weights: null, diagnostics: [] };
}

export function parseCnn(source: string): ParsedCnn {
	return analyzeCnn(source).parsed;
}

export function analyzeCnn(source: string): CnnAnalysis {
	try {
		return analyzeUnsafe(typeof source === "string" ? source : String(source));
	} catch (e) {
		const parsed = emptyParsed();
		const message = e instanceof Error ? e.message : String(e);
		parsed.diagnostics.push({ line: 1, column: 1, severity: "error", message: t("spec.internal", { message }) });
		return { parsed, report: null, framework: null };
	}
}

/** Splits into at most LIMITS.lines lines without splitting the whole of a huge string. */
function boundedLines(source: string, diags: DiagnosticList): string[] {
	let text = source;
	if (text.length > LIMITS.chars) {
		diags.add({ line: 1, column: 1, severity: "error", message: t("spec.tooLong", { n: text.length, max: LIMITS.chars }) });
		text = text.slice(0, LIMITS.chars);
	}
	const lines: string[] = [];
	let start = 0;
	while (start <= text.length && lines.length < LIMITS.lines) {
		const nl = text.indexOf("\n", start);
		const end = nl < 0 ? text.length : nl;
		lines.push(text.slice(start, end).replace(/\r$/, ""));
		if (nl < 0) break;
		start = nl + 1;
	}
	if (lines.length >= LIMITS.lines && text.indexOf("\n", start) >= 0) {
		let n = lines.length;
		for (let i = text.indexOf("\n", start); i >= 0; i = text.indexOf("\n", i + 1)) n++;
		diags.add({ line: LIMITS.lines, column: 1, severity: "error", message: t("spec.tooManyLines", { n, max: LIMITS.lines }) });
	}
	return lines;
}

/** The word a line starts with (one or two tokens: "fully connected", "max pool"). */
function lineWord(toks: Token[]): { kind: "layer"; word: LayerWord; used: number } | { kind: "setting"; word: SettingWord; used: number } | null {
	const a = toks[0];
	const lw = layerWord(a.text);
	if (lw) return { kind: "layer", word: lw, used: 1 };
	const sw = settingWord(a.text);
	if (sw) return { kind: "setting", word: sw, used: 1 };
	const b = toks[1];
	if (b && b.num === undefined && !b.size) {
		const two = layerWord(normalizeWord(a.text) + normalizeWord(b.text));
		if (two) return { kind: "layer", word: two, used: 2 };
	}
	return null;
}

function fromLayerSpec(l: LayerLine): RawLayer {
	const s: LayerSpec = l.spec;
	const base = { line: l.line, column: 1, text: l.text };
	switch (s.type) {
		case "conv":
			return { ...base, word: "conv", filters: s.filters, kernel: s.kernel, stride: s.stride, pad: s.pad, padEnd: s.padEnd, dilation: s.dilation, bias: s.bias, groups: s.groups };
		case "depthwise":
			return { ...base, word: "depthwise", multiplier: s.multiplier, kernel: s.kernel, stride: s.stride, pad: s.pad, dilation: s.dilation, bias: s.bias };
		case "convtranspose":
			return { ...base, word: "convtranspose", filters: s.filters, kernel: s.kernel, stride: s.stride, pad: s.pad, outputPad: s.outputPad, dilation: s.dilation, bias: s.bias, groups: s.groups };
		case "batchnorm":
			return { ...base, word: "batchnorm", momentum: s.momentum, eps: s.eps };
		case "adaptiveavgpool":
			return { ...base, word: "adaptiveavgpool", outSize: s.size };
		case "maxpool":
		case "avgpool":
			return { ...base, word: s.type, kernel: s.kernel, stride: s.stride, pad: s.pad, ceil: s.ceil, countIncludePad: s.countIncludePad };
		case "dense":
			return { ...base, word: "dense", units: s.units, bias: s.bias };
		case "dropout":
			return { ...base, word: "dropout", p: s.p };
		case "leakyrelu":
			return { ...base, word: "leakyrelu", slope: s.slope };
		case "residual":
			// pasted framework code never yields a residual block: the importers read Sequential only, and name a
			// block class among its items as unsupported (see blockInSequential in interop/import)
			return { ...base, word: "unknown" };
		default:
			return { ...base, word: s.type };
	}
}

function analyzeUnsafe(source: string): CnnAnalysis {
	const diags = new DiagnosticList();
	const parsed = emptyParsed();
	const lines = boundedLines(source, diags);
	const raw: RawLayer[] = [];
	let framework: CnnAnalysis["framework"] = null;

	// a pasted framework error (and its traceback) is no part of the network: its lines are blanked, so line
	// numbers stay, and it is explained once the network's shapes are known
	const pasted = readPastedErrors(lines);
	for (const n of pasted.errorLines) lines[n - 1] = "";
	const networkText = pasted.errorLines.size > 0 ? lines.join("\n") : source.slice(0, LIMITS.chars);

	let imported: ImportedNetwork | null = null;
	let inputFromImport = false;
	if (FRAMEWORK_HINT.test(networkText)) {
		imported = importFramework(networkText);
		if (imported) {
			framework = imported.framework;
			for (const d of imported.diagnostics) diags.add(d);
			for (const l of imported.layers.slice(0, LIMITS.layers)) raw.push(fromLayerSpec(l));
			if (imported.input) {
				const [c, h, w] = imported.input;
				parsed.input = { shape: imported.input, line: 1, text: `input ${h}x${w}x${c}` };
				inputFromImport = true;
			}
		}
	}

	// the last line of pasted code: a layer line after it is read as the network's next layer
	let codeEnd = -1;
	if (imported) for (let i = 0; i < lines.length; i++) if (CODE_LINE.test(stripComment(lines[i]))) codeEnd = i;

	let layerCount = 0;
	const blocks = new BlockReader(diags);
	for (let i = 0; i < lines.length; i++) {
		const lineNo = i + 1;
		const text = lines[i];
		if (text.length > LIMITS.lineLength) {
			if (!imported) diags.add({ line: lineNo, column: 1, severity: "warning", message: t("spec.lineTooLong", { n: text.length }) });
			continue;
		}
		if (BINARY.test(text)) {
			diags.add({ line: lineNo, column: 1, severity: "error", message: t("spec.binary") });
			continue;
		}
		const uncommented = stripComment(text);
		// (matched on the full-width-folded text, which keeps the length, so `２）conv` is a list item too)
		const mark = LIST_MARK.exec(foldWidth(uncommented))?.[0].length ?? 0;
		const code = " ".repeat(mark) + uncommented.slice(mark);
		const toks = tokenize(code);
		if (toks.length === 0) continue;
		let w = lineWord(toks);
		// the layer as the user wrote it, without the comment or a list marker
		const trimmed = code.slice(toks[0].column - 1).trim();
		const indent = indentOf(code);
		// a layer line (a `residual` one too) first closes the blocks its indentation leaves, then belongs to the block left open
		const enter = (): number => {
			raw.push(...blocks.beforeLayer(indent));
			return blocks.nest;
		};
		const inBlock = (L: RawLayer, nest: number): RawLayer => {
			if (nest > 0) L.nest = nest;
			return L;
		};
		const block = imported || w ? null : blockWord(toks, diags, lineNo);
		if (block) {
			if (block.kind === "end") raw.push(...blocks.end(toks[0], lineNo, trimmed, indent));
			else {
				enter();
				const marker = blocks.open(lineNo, toks[0].column, trimmed, block.project);
				raw.push(marker);
				blocks.push(marker, indent);
			}
			continue;
		}
		if (imported) {
			// pasted code: our own settings lines (and an input line) are read around it, and a layer line
			// written after the code ends continues the network
			if (!w || /[([]/.test(trimmed)) continue;
			if (w.kind === "layer" && w.word !== "input" && i <= codeEnd) {
				diags.at(lineNo, toks[0], "warning", t("spec.layerInsideCode", { framework: imported.framework === "keras" ? "Keras" : "PyTorch" }));
				continue;
			}
		}
		let guessedFrom: string | undefined;
		if (!w) {
			// `conv16 3x3`, `dense10`: a layer word and its number typed without the space between them. Read as
			// meant and said once; reading `3x3` as the filter count gave a second, false problem
			const glued = /^([a-z_]+?)(\d+)$/i.exec(toks[0].text);
			const gw = glued ? layerWord(glued[1]) : null;
			if (glued && gw && gw !== "input") {
				const t0 = toks[0];
				const cut = t0.column + glued[1].length;
				toks.splice(0, 1, { text: glued[1], lower: glued[1].toLowerCase(), column: t0.column, endColumn: cut }, { text: glued[2], lower: glued[2], column: cut, endColumn: t0.endColumn, num: Number(glued[2]) });
				const meant = `${glued[1]} ${trimmed.slice(glued[1].length)}`;
				diags.at(lineNo, t0, "warning", t("spec.gluedNumber", { typed: t0.text, word: glued[1], n: glued[2] }), meant);
				w = { kind: "layer", word: gw, used: 1 };
			}
		}
		if (!w) {
			const guess = closestWord(toks[0].text);
			if (guess === "residual" && !imported && toks[0].num === undefined && !toks[0].size) {
				// `residul`: read as the block it most likely starts, so its `end` still closes something
				diags.at(lineNo, toks[0], "error", t("spec.unknownWord", { word: toks[0].text }), t("spec.didYouMeanRead", { word: guess }));
				const typo = blockWord(toks, diags, lineNo, true);
				enter();
				const marker = blocks.open(lineNo, toks[0].column, trimmed, typo?.kind === "residual" && typo.project);
				marker.guessedFrom = toks[0].text;
				raw.push(marker);
				blocks.push(marker, indent);
				continue;
			}
			const guessed = guess ? layerWord(guess) : null;
			if (guessed && guessed !== "input" && toks[0].num === undefined && !toks[0].size) {
				// keep the row, and read the rest of the line as the likely word so the rows after it keep their shapes
				diags.at(lineNo, toks[0], "error", t("spec.unknownWord", { word: toks[0].text }), t("spec.didYouMeanRead", { word: guess ?? guessed }));
				w = { kind: "layer", word: guessed, used: 1 };
				guessedFrom = toks[0].text;
			} else {
				diags.at(lineNo, toks[0], "error", t("spec.unknownWord", { word: toks[0].text }), guess ? t("spec.didYouMean", { word: guess }) : t("spec.knownWords"));
				if (!imported && parsed.input) {
					raw.push(inBlock({ word: "unknown", line: lineNo, column: toks[0].column, text: trimmed }, enter()));
					blocks.afterLayer(lineNo);
				}
				continue;
			}
		}
		const first = toks[0];
		const rest = toks.slice(w.used);
		if (w.kind === "setting") {
			if (w.word === "train") {
				if (parsed.train) diags.at(lineNo, first, "warning", t("spec.settingTwice", { word: "train" }));
				parsed.train = parseTrainLine(first, rest, lineNo, diags, parsed.input?.dataset);
			} else if (w.word === "sample") {
				if (parsed.sample) diags.at(lineNo, first, "warning", t("spec.settingTwice", { word: "sample" }));
				parsed.sample = parseSampleLine(first, rest, lineNo, diags);
			} else if (w.word === "weights") {
				if (parsed.weights) diags.at(lineNo, first, "warning", t("spec.settingTwice", { word: "weights" }));
				parsed.weights = parseWeightsLine(first, code, lineNo, diags);
			} else {
				if (parsed.show) diags.at(lineNo, first, "warning", t("spec.settingTwice", { word: "show" }));
				parsed.show = parseShowLine(rest, lineNo);
			}
			continue;
		}
		if (w.word === "input") {
			if (parsed.input && !inputFromImport) {
				diags.at(lineNo, first, "warning", t("spec.inputTwice", { line: parsed.input.line }));
				continue;
			}
			if (parsed.input) continue; // the imported code already gave the input size
			parsed.input = parseInputLine(first, rest, lineNo, trimmed, diags);
			if (parsed.input && raw.length > 0) diags.at(lineNo, first, "warning", t("spec.layerBeforeInput"));
			continue;
		}
		if (layerCount >= LIMITS.layers) {
			if (layerCount === LIMITS.layers) diags.at(lineNo, first, "error", t("spec.tooManyLayers", { max: LIMITS.layers }));
			layerCount++;
			continue;
		}
		layerCount++;
		const nest = imported ? 0 : enter();
		const L = parseLayerLine(w.word, first, rest, lineNo, trimmed, diags);
		if (L && guessedFrom !== undefined) L.guessedFrom = guessedFrom;
		if (L) {
			raw.push(inBlock(L, nest));
			if (L.activation) raw.push(inBlock({ word: L.activation, line: lineNo, column: L.column, text: trimmed }, nest));
		} else {
			// keep the row in the table even when its numbers are unreadable, so the table and the lines line up
			raw.push(inBlock({ word: w.word, line: lineNo, column: first.column, text: trimmed, broken: true }, nest));
		}
		blocks.afterLayer(lineNo);
	}
	raw.push(...blocks.finish());

	if (parsed.train && parsed.train.dataset === "") {
		if (parsed.input?.dataset) parsed.train.dataset = parsed.input.dataset;
		else diags.add({ line: parsed.train.line, column: 1, severity: "error", message: t("spec.trainNeedsDataset"), suggestion: "train digits epochs 15 batch 32 adam lr 0.01" });
	}
	if (parsed.weights && !parsed.train) diags.add({ line: parsed.weights.line, column: 1, severity: "info", message: t("spec.weightsNoTrain"), suggestion: "train digits" });
	if (imported && imported.layers.length === 0 && !imported.diagnostics.length) {
		diags.add({ line: 1, column: 1, severity: "error", message: t("spec.importUnavailable") });
	}
	if (!parsed.input && pasted.errors.length > 0 && raw.length === 0) {
		// only the error was pasted: it is explained from its own numbers below
	} else if (!parsed.input) {
		const blank = lines.every((l) => stripComment(l).trim() === "");
		if (blank && raw.length === 0) diags.add({ line: 1, column: 1, severity: "info", message: t("spec.emptyBlock"), suggestion: "input 32x32x3" });
		// the importer says it already, at the first layer, with the channels its code gives: said once
		else if (imported) {
			if (!imported.diagnostics.some((d) => d.severity === "error" && d.suggestion?.startsWith("input ")))
				diags.add({ line: 1, column: 1, severity: "error", message: t("spec.importNeedsInput"), suggestion: "input 32x32x3" });
		}
		else diags.add({ line: raw[0]?.line ?? 1, column: 1, severity: "error", message: t("spec.noInput"), suggestion: "input 32x32x3" });
	}

	if (parsed.input && raw.length === 0 && !imported && diags.items.length === 0) {
		diags.add({ line: parsed.input.line, column: 1, severity: "info", message: t("spec.noLayers"), suggestion: "conv 8 3x3" });
	}
	const report = inferShapes(parsed.input?.shape ?? null, raw, diags);
	parsed.layers = report.layers;
	for (const x of explainPastedErrors(pasted.errors, raw.length > 0 ? report : null)) {
		if (x.row) {
			// the explanation names the fix, so the row's own errors (the same mismatch, in general words) give way
			const line = x.row.layer.line;
			const same = (d: { line: number; severity: string }): boolean => d.line === line && d.severity === "error";
			x.diagnostic.suggestion ??= x.row.diagnostics.find(same)?.suggestion;
			if (x.diagnostic.suggestion === undefined) delete x.diagnostic.suggestion;
			diags.remove(same);
			x.row.diagnostics = x.row.diagnostics.filter((d) => !same(d));
			x.row.diagnostics.unshift(x.diagnostic);
		}
		diags.add(x.diagnostic);
	}
	if (parsed.train) checkTestSet(parsed.train, diags);
	if (parsed.train) checkOutputsCoverClasses(parsed.train.dataset, report, diags);
	if (parsed.train && parsed.input) noteDataFitting(parsed.train, parsed.input.shape, diags);
	// what the line itself got wrong ("pading 1", "conv 3x3 16") is said at the line's first row too
	const fromRows = new Set(report.rows.flatMap((r) => r.diagnostics));
	for (const d of diags.items) {
		if (fromRows.has(d)) continue;
		const row = report.rows.find((r) => r.layer.line === d.line);
		if (row) row.diagnostics.unshift(d);
	}

	const items = [...diags.items].sort((a, b) => a.line - b.line || a.column - b.column);
	if (diags.droppedCount > 0) items.push({ line: items[items.length - 1]?.line ?? 1, column: 1, severity: "info", message: t("spec.moreDiagnostics", { n: diags.droppedCount }) });
	parsed.diagnostics = items;
	const hasError = items.some((d) => d.severity === "error");
	if (parsed.input && report.complete && !hasError && report.rows.length > 0) {
		const model: ModelSpec = { input: parsed.input.shape, layers: report.layers.map((l) => l.spec) };
		parsed.model = model;
	}
	return { parsed, report, framework };
}
