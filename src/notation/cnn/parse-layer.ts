/** Reads one layer line (`conv 8 4x4 stride 3x2 pad 1`, `maxpool 2 ceil`, `dense 10`…) into a RawLayer. */
import type { Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import type { DiagnosticList } from "./diagnostics";
import type { LayerWord } from "./layer-words";
import { editDistance, normalizeWord } from "./layer-words";
import type { RawLayer } from "./raw-layer";
import type { Token } from "../tokenize";

type Key = "stride" | "pad" | "dilation" | "kernel" | "filters" | "units" | "p" | "slope" | "bias" | "groups" | "multiplier" | "outpad" | "momentum" | "eps";

const keys: Record<string, Key> = {
	stride: "stride",
	strides: "stride",
	step: "stride",
	s: "stride",
	pad: "pad",
	padding: "pad",
	p: "pad",
	dilation: "dilation",
	dilations: "dilation",
	dilationrate: "dilation",
	dilate: "dilation",
	dil: "dilation",
	d: "dilation",
	kernel: "kernel",
	kernelsize: "kernel",
	poolsize: "kernel",
	size: "kernel",
	window: "kernel",
	k: "kernel",
	filters: "filters",
	filter: "filters",
	outchannels: "filters",
	channels: "filters",
	units: "units",
	neurons: "units",
	outfeatures: "units",
	rate: "p",
	prob: "p",
	slope: "slope",
	alpha: "slope",
	negativeslope: "slope",
	bias: "bias",
	usebias: "bias",
	groups: "groups",
	group: "groups",
	multiplier: "multiplier",
	depthmultiplier: "multiplier",
	mult: "multiplier",
	outpad: "outpad",
	outputpad: "outpad",
	outputpadding: "outpad",
	op: "outpad",
	momentum: "momentum",
	eps: "eps",
	epsilon: "eps",
};

const MAX_COUNT = 1_000_000;
const ACTIVATIONS = new Set(["relu", "sigmoid", "tanh", "softmax", "leakyrelu"]);
const MAX_SPATIAL = 100_000;

interface Ctx {
	line: number;
	diags: DiagnosticList;
}

function pairOf(tok: Token): Pair | null {
	if (tok.num !== undefined) return [tok.num, tok.num];
	if (tok.size && tok.size.length === 2) return [tok.size[0], tok.size[1]];
	return null;
}

function checkInt(ctx: Ctx, tok: Token, what: string, v: number, min: number, max: number): boolean {
	if (!Number.isFinite(v) || !Number.isInteger(v)) {
		ctx.diags.at(ctx.line, tok, "error", t("spec.notWhole", { what, value: tok.text }));
		return false;
	}
	if (v < min) {
		ctx.diags.at(ctx.line, tok, "error", t("spec.tooSmall", { what, value: tok.text, min }));
		return false;
	}
	if (v > max) {
		ctx.diags.at(ctx.line, tok, "error", t("spec.tooLarge", { what, value: tok.text, max }));
		return false;
	}
	return true;
}

function checkPair(ctx: Ctx, tok: Token, what: string, p: Pair, min: number, max: number): boolean {
	return checkInt(ctx, tok, what, p[0], min, max) && checkInt(ctx, tok, what, p[1], min, max);
}

function truthy(tok: Token | undefined): boolean | null {
	if (!tok) return null;
	if (["true", "yes", "on", "1"].includes(tok.lower)) return true;
	if (["false", "no", "off", "0", "none"].includes(tok.lower)) return false;
	return null;
}

/** The setting words a typo is checked against, as people write them. */
const KEY_WORDS = ["stride", "padding", "pad", "dilation", "kernel", "filters", "units", "slope", "bias", "groups", "multiplier", "outpad", "momentum"];

/** `pading` → padding, `strid` → stride, `dilatation` → dilation: a close setting word, or null. */
function closestKey(word: string): string | null {
	const n = normalizeWord(word);
	if (n.length < 3 || /\d/.test(n)) return null;
	let best: string | null = null;
	let bestD = 3;
	for (const k of KEY_WORDS) {
		const d = editDistance(n, k, 2);
		if (d <= 2 && d < bestD && d < k.length / 2) {
			best = k;
			bestD = d;
		}
	}
	return best;
}

/** `s3`, `k4x4`, `p1`, `d2`: the compact form of the inline check, accepted in blocks as well. */
function compact(tok: Token): { key: Key; value: Token } | null {
	const m = /^(op|[kspd])(\d+(?:x\d+)?)$/i.exec(tok.text);
	if (!m) return null;
	const key = ({ k: "kernel", s: "stride", p: "pad", d: "dilation", op: "outpad" } as const)[m[1].toLowerCase() as "k" | "s" | "p" | "d" | "op"];
	const parts = m[2].toLowerCase().split("x").map(Number);
	const value: Token = { ...tok, text: m[2], lower: m[2].toLowerCase() };
	if (parts.length === 1) value.num = parts[0];
	else value.size = parts;
	return { key, value };
}

export function parseLayerLine(
	word: Exclude<LayerWord, "input">,
	first: Token,
	rest: Token[],
	line: number,
	text: string,
	diags: DiagnosticList,
): RawLayer | null {
	const ctx: Ctx = { line, diags };
	const L: RawLayer = { word, line, column: first.column, text };
	if (word === "batchnorm") {
		const w = normalizeWord(first.text);
		if (w === "batchnorm1d") L.bnDims = 1;
		else if (w === "batchnorm2d") L.bnDims = 2;
	}
	let ok = true;
	const positional: Token[] = [];

	for (let i = 0; i < rest.length; i++) {
		const tok = rest[i];
		const n = normalizeWord(tok.text);
		if (tok.num !== undefined || tok.size) {
			positional.push(tok);
			continue;
		}
		if (n === "same" || n === "valid") {
			L.pad = n;
			continue;
		}
		if (n === "ceil" || n === "ceilmode") {
			const v = truthy(rest[i + 1]);
			if (v !== null) i++;
			L.ceil = v ?? true;
			continue;
		}
		if (n === "floor") {
			L.ceil = false;
			continue;
		}
		if (n === "excludepad" || n === "excludepadding") {
			L.countIncludePad = false;
			continue;
		}
		if (n === "includepad" || n === "includepadding" || n === "countincludepad") {
			const v = truthy(rest[i + 1]);
			if (v !== null) i++;
			L.countIncludePad = v ?? true;
			continue;
		}
		if ((word === "conv" || word === "dense" || word === "depthwise" || word === "convtranspose") && (n === "activation" || ACTIVATIONS.has(n))) {
			const a = n === "activation" ? rest[i + 1] : tok;
			if (n === "activation") i++;
			const an = a ? normalizeWord(a.text) : "";
			if (ACTIVATIONS.has(an)) L.activation = an as RawLayer["activation"];
			else if (an !== "linear" && an !== "none") diags.at(line, a ?? tok, "warning", t("spec.ignoredWord", { word: a?.text ?? tok.text, layer: first.text }));
			continue;
		}
		if (n === "nobias") {
			L.bias = false;
			continue;
		}
		let key: Key | undefined = keys[n];
		let value: Token | undefined;
		const next = rest[i + 1];
		const typo = key || compact(tok) ? null : closestKey(tok.text);
		if (typo && next && (next.num !== undefined || next.size || (keys[typo] === "pad" && (next.lower === "same" || next.lower === "valid")))) {
			// read as the setting it is close to, so the value is not a second problem and the shapes go on
			key = keys[typo];
			const fixed = `${text.slice(0, tok.column - first.column)}${typo}${text.slice(tok.endColumn - first.column)}`;
			diags.at(line, tok, "error", t("spec.unknownSetting", { word: tok.text, layer: first.text }), t("spec.didYouMeanLine", { word: typo, line: fixed }));
		}
		const c = key ? null : compact(tok);
		if (c) {
			key = c.key;
			value = c.value;
		} else if (key) {
			value = rest[i + 1];
			if (key === "bias") {
				const v = truthy(value);
				if (v !== null) i++;
				L.bias = v ?? true;
				continue;
			}
			if (key === "pad" && value && (value.lower === "same" || value.lower === "valid")) {
				L.pad = value.lower;
				i++;
				continue;
			}
			const labelOnly = (key === "filters" && L.filters !== undefined) || (key === "units" && L.units !== undefined);
			if (labelOnly || ((key === "filters" || key === "units") && value?.size)) continue;
			if (!value || (value.num === undefined && !value.size)) {
				// "conv 8 filters 3x3": a key with the number before it is only a label
				if (key === "filters" || key === "units" || key === "kernel") continue;
				diags.at(line, tok, "error", t("spec.missingValue", { key: tok.text }));
				ok = false;
				continue;
			}
			i++;
		}
		if (!key || !value) {
			diags.at(line, tok, "warning", t("spec.ignoredWord", { word: tok.text, layer: first.text }));
			continue;
		}
		ok = assign(ctx, L, key, value) && ok;
	}

	// positional arguments, in the order the design gives them
	const order: Key[] =
		word === "conv" || word === "convtranspose"
			? ["filters", "kernel"]
			: word === "maxpool" || word === "avgpool" || word === "depthwise" || word === "adaptiveavgpool"
				? ["kernel"]
				: word === "dense"
					? ["units"]
					: word === "dropout"
						? ["p"]
						: word === "leakyrelu"
							? ["slope"]
							: [];
	const filled = new Set<Key>();
	if (L.filters !== undefined) filled.add("filters");
	if (L.kernel !== undefined) filled.add("kernel");
	if (L.units !== undefined) filled.add("units");
	if (L.p !== undefined) filled.add("p");
	if (L.slope !== undefined) filled.add("slope");
	// `conv 3x3 16`: the size before the count. Read it the way it was meant, and say how to write it
	if (word === "conv" && !filled.has("filters") && !filled.has("kernel") && positional.length >= 2 && positional[0].size && positional[1].num !== undefined) {
		const [size, count] = positional;
		positional.splice(0, 2, count, size);
		const fixed = `${first.text} ${count.text} ${size.text}`;
		diags.at(line, size, "error", t("spec.sizeBeforeCount"), t("spec.didYouMean", { word: `${fixed}${text.slice(count.endColumn - first.column)}` }));
	}
	for (const tok of positional) {
		const key = order.find((k) => !filled.has(k));
		if (!key) {
			diags.at(line, tok, "warning", t("spec.ignoredWord", { word: tok.text, layer: first.text }));
			continue;
		}
		filled.add(key);
		ok = assign(ctx, L, key, tok) && ok;
	}

	if (word === "conv" || word === "convtranspose") {
		const w = word === "conv" ? "conv" : "convtranspose";
		if (L.filters === undefined && ok) {
			diags.at(line, first, "error", t("spec.convNeedsFilters"), `${w} 8 3x3`);
			ok = false;
		}
		if (L.kernel === undefined && ok) {
			diags.at(line, first, "error", t("spec.convNeedsKernel"), `${w} ${L.filters ?? 8} 3x3`);
			ok = false;
		}
	} else if (word === "depthwise" && L.kernel === undefined && ok) {
		diags.at(line, first, "error", t("layers.depthwiseNeedsKernel"), "depthwise 3x3");
		ok = false;
	} else if (word === "adaptiveavgpool") {
		// the one size this layer takes is its output grid, not a window
		if (L.kernel === undefined && ok) {
			diags.at(line, first, "error", t("layers.adaptiveNeedsSize"), "adaptiveavgpool 4x4");
			ok = false;
		}
		L.outSize = L.kernel;
		L.kernel = undefined;
	} else if (word === "dense" && L.units === undefined && ok) {
		diags.at(line, first, "error", t("spec.denseNeedsUnits"), "dense 10");
		ok = false;
	}
	const spatial = word === "conv" || word === "maxpool" || word === "avgpool" || word === "depthwise" || word === "convtranspose";
	if (!spatial) {
		for (const k of ["stride", "pad", "dilation", "kernel"] as const) {
			if (L[k] !== undefined) diags.at(line, first, "warning", t("spec.keyNotForLayer", { key: k, layer: first.text }));
		}
	}
	const only: [keyof RawLayer, string, boolean][] = [
		["groups", "groups", word === "conv" || word === "convtranspose"],
		["multiplier", "multiplier", word === "depthwise"],
		["outputPad", "outpad", word === "convtranspose"],
		["momentum", "momentum", word === "batchnorm"],
		["eps", "eps", word === "batchnorm"],
	];
	for (const [field, key, allowed] of only) {
		if (!allowed && L[field] !== undefined) {
			diags.at(line, first, "warning", t("spec.keyNotForLayer", { key, layer: first.text }));
			L[field] = undefined as never;
		}
	}
	return ok ? L : null;
}

function assign(ctx: Ctx, L: RawLayer, key: Key, tok: Token): boolean {
	switch (key) {
		case "filters":
		case "units": {
			const v = tok.num;
			if (v === undefined) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.expectedNumber", { what: key, value: tok.text }));
				return false;
			}
			if (!checkInt(ctx, tok, key, v, 1, MAX_COUNT)) return false;
			if (key === "filters") L.filters = v;
			else L.units = v;
			return true;
		}
		case "kernel": {
			if (tok.size && tok.size.length === 3) {
				const [a, b, c] = tok.size;
				if (!checkPair(ctx, tok, "kernel", [a, b], 1, MAX_SPATIAL) || !checkInt(ctx, tok, "depth", c, 1, MAX_COUNT)) return false;
				L.kernel = [a, b];
				L.depth = c;
				L.depthColumn = tok.column;
				return true;
			}
			const p = pairOf(tok);
			if (!p) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.badSize", { what: "kernel", value: tok.text }));
				return false;
			}
			if (!checkPair(ctx, tok, "kernel", p, 1, MAX_SPATIAL)) return false;
			L.kernel = p;
			return true;
		}
		case "stride":
		case "dilation":
		case "pad": {
			const p = pairOf(tok);
			if (!p) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.badSize", { what: key, value: tok.text }));
				return false;
			}
			if (!checkPair(ctx, tok, key, p, key === "pad" ? 0 : 1, MAX_SPATIAL)) return false;
			L[key] = p;
			return true;
		}
		case "p": {
			const v = tok.num;
			if (v === undefined || !Number.isFinite(v) || v < 0 || v >= 1) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.badDropout", { value: tok.text }), "dropout 0.25");
				return false;
			}
			L.p = v;
			return true;
		}
		case "slope": {
			const v = tok.num;
			if (v === undefined || !Number.isFinite(v) || Math.abs(v) > 1e3) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.badSlope", { value: tok.text }), "leakyrelu 0.01");
				return false;
			}
			L.slope = v;
			return true;
		}
		case "groups":
		case "multiplier": {
			const v = tok.num;
			if (v === undefined) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.expectedNumber", { what: key, value: tok.text }));
				return false;
			}
			if (!checkInt(ctx, tok, key, v, 1, MAX_COUNT)) return false;
			L[key] = v;
			return true;
		}
		case "outpad": {
			const p = pairOf(tok);
			if (!p) {
				ctx.diags.at(ctx.line, tok, "error", t("spec.badSize", { what: "outpad", value: tok.text }));
				return false;
			}
			if (!checkPair(ctx, tok, "outpad", p, 0, MAX_SPATIAL)) return false;
			L.outputPad = p;
			return true;
		}
		case "momentum":
		case "eps": {
			const v = tok.num;
			const bad = v === undefined || !Number.isFinite(v) || (key === "momentum" ? v < 0 || v > 1 : v <= 0 || v >= 1);
			if (bad) {
				ctx.diags.at(ctx.line, tok, "error", t(key === "momentum" ? "layers.badMomentum" : "layers.badEps", { value: tok.text }), key === "momentum" ? "batchnorm momentum 0.1" : "batchnorm eps 1e-5");
				return false;
			}
			L[key] = v;
			return true;
		}
		case "bias":
			return true;
	}
}
