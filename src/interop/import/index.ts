import type { InputShape } from "../../engine/model-spec";
import type { Diagnostic } from "../../notation/diagnostic";
import type { ImportedNetwork } from "../../notation/cnn/types";
import { t } from "../../i18n";
import "../../i18n/strings-interop";
import { arg, isPositiveInt, num, numbers } from "./args";
import { blockItems } from "./block-items";
import { bracketProblem } from "./brackets";
import { missingComma } from "./missing-comma";
import { nonFiniteArg } from "./finite";
import { NetworkBuilder } from "./builder";
import { addKerasLayer } from "./keras-layers";
import { readCalls, type PyCall } from "./python-calls";
import { addTorchLayer } from "./pytorch-layers";
import { tokenizePython } from "./python-tokens";

/** Pastes larger than this are not framework code a person wrote; refuse them before tokenizing. */
const MAX_SOURCE = 1_000_000;

const TORCH_PREFIXES = new Set(["nn", "torch.nn"]);
const KERAS_PREFIXES = new Set(["layers", "keras.layers", "tf.keras.layers", "keras", "tf.keras", "tensorflow.keras.layers"]);
const TORCH_ONLY = new Set(["Conv2d", "MaxPool2d", "AvgPool2d", "Linear", "ZeroPad2d", "LeakyReLU", "Dropout2d", "LogSoftmax", "Sigmoid", "Tanh"]);
const KERAS_ONLY = new Set(["Conv2D", "MaxPooling2D", "AveragePooling2D", "Dense", "ZeroPadding2D", "Activation", "InputLayer", "Input", "MaxPool2D", "AvgPool2D", "Convolution2D"]);
const CONTAINERS = new Set(["sequential", "module", "modulelist", "model", "input", "inputlayer", "ordereddict"]);

interface Classified {
	call: PyCall;
	word: string;
	prefix: string;
	last: string;
}

function classify(call: PyCall): Classified {
	const dot = call.name.lastIndexOf(".");
	const last = dot < 0 ? call.name : call.name.slice(dot + 1);
	return { call, word: last.toLowerCase(), prefix: dot < 0 ? "" : call.name.slice(0, dot), last };
}

/** A call written with a framework prefix (nn.X, layers.X) or a bare class name of either framework. */
function isFrameworkCall(c: Classified): boolean {
	if (TORCH_PREFIXES.has(c.prefix) || KERAS_PREFIXES.has(c.prefix)) return /^[A-Z]/.test(c.last);
	return c.prefix === "" && (TORCH_ONLY.has(c.last) || KERAS_ONLY.has(c.last) || ["ReLU", "Flatten", "Dropout", "Softmax", "Sequential"].includes(c.last));
}

function detect(calls: Classified[]): "pytorch" | "keras" | null {
	let torch = 0;
	let keras = 0;
	for (const c of calls) {
		if (TORCH_PREFIXES.has(c.prefix) || TORCH_ONLY.has(c.last)) torch++;
		if (KERAS_PREFIXES.has(c.prefix) || KERAS_ONLY.has(c.last)) keras++;
	}
	if (torch === 0 && keras === 0) return null;
	return torch >= keras ? "pytorch" : "keras";
}

const DIMS = /(\d+)\s*(?:[x×*,]\s*(\d+))?\s*(?:[x×*,]\s*(\d+))?\s*(?:[x×*,]\s*(\d+))?/;

interface Written {
	dims: number[];
	line: number;
	/** A CNN Lab `input` line (height × width × channels), as opposed to a comment in the framework's order. */
	cnnLine: boolean;
}

/** `input 28x28x1` lines and `# input 1x28x28` comments. */
function writtenInputs(src: string): Written[] {
	const found: Written[] = [];
	const lines = src.split("\n");
	for (let i = 0; i < lines.length && found.length < 4; i++) {
		const m = /^\s*(#\s*)?(?:input|in)(?:\s*shape)?\b[\s:=(]*(.*)$/i.exec(lines[i]);
		if (!m) continue;
		const d = DIMS.exec(m[2]);
		if (!d || d.index > 2) continue;
		const dims = [d[1], d[2], d[3], d[4]].filter((x): x is string => x !== undefined).map(Number);
		found.push({ dims, line: i + 1, cnnLine: !m[1] });
	}
	return found;
}

/** [C, H, W] from what was written, in the framework's order unless the first layer's channels say otherwise. */
function orient(dims: number[], channelsFirst: boolean, firstChannels: number | null): InputShape | null {
	let d = dims;
	if (d.length === 4) d = d.slice(1);
	if (d.length === 1) return [d[0], 1, 1];
	if (d.length === 2) return [firstChannels ?? 1, d[0], d[1]];
	if (d.length !== 3) return null;
	const [a, , c] = d;
	let cf = channelsFirst;
	if (firstChannels !== null && a !== c) {
		if (a === firstChannels) cf = true;
		else if (c === firstChannels) cf = false;
	}
	return cf ? [d[0], d[1], d[2]] : [d[2], d[0], d[1]];
}

function validShape(s: InputShape | null): s is InputShape {
	return s !== null && s.every((n) => isPositiveInt(n));
}

function kerasInput(calls: Classified[]): InputShape | null {
	for (const c of calls) {
		let v = c.word === "input" ? arg(c.call, 0, "shape") : c.word === "inputlayer" ? arg(c.call, 0, "input_shape", "shape") : c.call.kwargs.get("input_shape");
		let batch = false;
		if (!v && c.call.kwargs.has("batch_input_shape")) {
			v = c.call.kwargs.get("batch_input_shape");
			batch = true;
		}
		const n = numbers(v);
		if (!n) continue;
		// numbers() drops a None batch; a batch written as a number is dropped here.
		const dims = batch && n.length === 4 ? n.slice(1) : n;
		const s = orient(dims, false, null);
		if (validShape(s)) return s;
	}
	return null;
}

/** The tensors a script feeds the model, whose sizes are the input's. */
const TENSOR = /^torch\.(zeros|ones|rand|randn|empty)$/;

/** torch.zeros(1, C, H, W) and friends: the input a script feeds the model. */
function torchTensorInput(all: PyCall[]): InputShape | null {
	for (const call of all) {
		if (!TENSOR.test(call.name)) continue;
		const raw = call.args.length === 1 ? numbers(call.args[0]) : call.args.map((a) => num(a));
		const dims = (raw ?? []).filter((x): x is number => x !== null);
		if (raw && raw.length === 4 && dims.length === 4) {
			const s = orient(dims, true, null);
			if (validShape(s)) return s;
		}
	}
	return null;
}

function firstChannels(layers: Classified[], framework: "pytorch" | "keras"): number | null {
	for (const c of layers) {
		if (framework === "pytorch" && c.word === "conv2d") return num(arg(c.call, 0, "in_channels"));
		if (framework === "pytorch" && c.word === "linear") return null;
	}
	return null;
}

/**
 * Reads a pasted PyTorch nn.Sequential(...) or Keras Sequential([...]) as CNN Lab layers. Returns null when the
 * text holds no framework layer at all (so the caller reads it as a ```cnn network). Never throws.
 */
export function importFramework(source: string): ImportedNetwork | null {
	try {
		return importUnsafe(source);
	} catch (e) {
		const message = e instanceof Error ? e.message : String(e);
		return { framework: "pytorch", input: null, layers: [], diagnostics: [{ line: 1, column: 1, severity: "error", message: t("import.internal", { message }) }] };
	}
}

function importUnsafe(source: string): ImportedNetwork | null {
	if (source.length > MAX_SOURCE) {
		if (!/nn\.|layers\.|Sequential/.test(source.slice(0, 10_000))) return null;
		const d: Diagnostic = { line: 1, column: 1, severity: "error", message: t("import.tooLarge", { n: source.length }) };
		return { framework: "pytorch", input: null, layers: [], diagnostics: [d] };
	}
	const tokens = tokenizePython(source);
	const all = readCalls(tokens);
	const calls = all.map(classify).filter(isFrameworkCall);
	const framework = detect(calls);
	if (!framework) return null;
	const layerCalls = calls.filter((c) => !CONTAINERS.has(c.word));
	if (layerCalls.length === 0 && !calls.some((c) => c.word === "sequential")) return null;

	const channelsFirst = framework === "pytorch";
	const firstC = firstChannels(layerCalls, framework);
	let input: InputShape | null = framework === "keras" ? kerasInput(calls) : torchTensorInput(all);
	const diagnostics: Diagnostic[] = [];
	const brackets = bracketProblem(tokens, source) ?? missingComma(tokens);
	if (brackets) diagnostics.push(brackets);
	if (framework === "pytorch") diagnostics.push(...blockItems(all, (name) => isFrameworkCall(classify({ ...all[0], name }))));
	// torch.zeros(1, 1, 1e400, 28): the size is said, not skipped for another line's (or none)
	for (const call of all) {
		const bad = TENSOR.test(call.name) ? nonFiniteArg(call, "", "pytorch") : null;
		if (bad) diagnostics.push({ line: call.line, column: call.column, endColumn: call.column + call.name.length, severity: "error", message: t("import.inputNotFinite", { name: call.name, text: bad.text, why: bad.overflow ? t("import.overflows") : "" }) });
	}
	if (!input) {
		const written = writtenInputs(source);
		const pick = written.find((w) => w.cnnLine) ?? written[0];
		if (pick) {
			const s = orient(pick.dims, pick.cnnLine ? false : channelsFirst, pick.cnnLine ? null : firstC);
			if (validShape(s)) input = s;
			else diagnostics.push({ line: pick.line, column: 1, severity: "error", message: t("import.badInput") });
		}
	}
	if (!input && framework === "pytorch") {
		// A network that starts flat (Linear first) takes its input size from in_features.
		const first = layerCalls[0];
		const fin = first && first.word === "linear" ? num(arg(first.call, 0, "in_features")) : null;
		if (fin !== null && isPositiveInt(fin)) input = [fin, 1, 1];
	}
	if (!input) {
		const c = firstC ?? 1;
		const at = layerCalls[0]?.call ?? calls[0].call;
		diagnostics.push({
			line: at.line,
			column: at.column,
			severity: "error",
			message: t(framework === "pytorch" ? "import.noInputTorch" : "import.noInputKeras"),
			suggestion: `input 28x28x${c}`,
		});
	}

	const b = new NetworkBuilder(source, input);
	// a layer with a number past the largest double is said and left out, never read with a default in its place
	const skipped = new Set<PyCall>();
	if (/\bdef\s+forward\s*\(/.test(source)) {
		const at = layerCalls[0]?.call ?? calls[0].call;
		b.diag(at, "warning", "import.forward");
	}
	for (const c of calls) {
		const bad = nonFiniteArg(c.call, c.word, framework);
		if (!bad) continue;
		skipped.add(c.call);
		const slope = c.word === "leakyrelu" && (bad.what === "negative_slope" || bad.what === "alpha");
		const fix = slope ? (framework === "pytorch" ? "nn.LeakyReLU(0.01)" : "layers.LeakyReLU(0.2)") : undefined;
		b.diag(c.call, "error", slope ? "import.slopeNotFinite" : "import.notFinite", { name: c.call.name, what: bad.what, text: bad.text, why: bad.overflow ? t("import.overflows") : "" }, fix);
	}
	for (const c of layerCalls) {
		if (skipped.has(c.call)) continue;
		const known = framework === "pytorch" ? addTorchLayer(b, c.call, c.word) : addKerasLayer(b, c.call, c.word);
		if (!known) b.diag(c.call, "warning", "import.unsupported", { name: c.call.name });
	}
	b.finish();
	if (b.layers.length === 0 && skipped.size === 0) b.diagnostics.push({ line: calls[0].call.line, column: calls[0].call.column, severity: "error", message: t("import.empty") });
	const all_diags = [...diagnostics, ...b.diagnostics].sort((x, y) => x.line - y.line || x.column - y.column);
	return { framework, input, layers: b.layers, diagnostics: all_diags };
}
