import type { Diagnostic } from "../diagnostic";
import { joinText, t } from "../../i18n";
import "../../i18n/strings-conv";
import { isKernelName, kernelDivisor, kernelTakesSize, KERNEL_NAMES, namedKernel } from "./named-kernels";
import type { ChainStage, ConvBlockSpec, ImageInput, KernelSpec, PadSpec, Planes } from "./types";

/** Longer sources are refused before they are split into lines (a pasted 50 MB matrix must not freeze the note). */
export const MAX_SOURCE_CHARS = 200_000;
/** Written grids: at most this many rows or columns, and channels. */
export const MAX_GRID_SIDE = 256;
export const MAX_CHANNELS = 16;
export const MAX_KERNEL_SIDE = 15;
export const MAX_IMAGE_SIDE = 512;
/** Kernels stepped side by side in one block. */
export const MAX_KERNELS = 8;

const KEYWORDS = ["input", "kernel", "channel", "stride", "pad", "padding", "dilation", "bias", "then", "groups", "depthwise", "transposed", "outpad"];

/** A grid being collected: its planes, each a list of rows with the line they came from. */
interface Section {
	target: "input" | "kernel";
	line: number;
	planes: { rows: number[][]; line: number }[];
	expectChannels: number | null;
	/** Whether a blank line ends one channel's grid (after `N channels`, or in a kernel for a multi-channel input). */
	blankSplits: boolean;
	tooBig: boolean;
}

function err(line: number, message: string, column = 1, suggestion?: string): Diagnostic {
	return { line, column, severity: "error", message, suggestion };
}

function editDistance(a: string, b: string): number {
	const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
	for (let j = 1; j <= b.length; j++) d[0][j] = j;
	for (let i = 1; i <= a.length; i++)
		for (let j = 1; j <= b.length; j++) d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
	return d[a.length][b.length];
}

function closest(word: string, options: readonly string[]): string | null {
	let best: string | null = null;
	let bestD = 3;
	for (const o of options) {
		const dd = editDistance(word, o);
		if (dd < bestD) {
			bestD = dd;
			best = o;
		}
	}
	return best;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Reads "1 2 3", "1, 2, 3", "[1, -2, 3]" (also with a typographic minus); returns the bad token on failure. */
function parseRow(text: string): { row: number[] } | { bad: string; at: number } {
	const row: number[] = [];
	const re = /[^\s,[\]]+/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text)) !== null) {
		const tok = m[0].replace(/\u2212/g, "-");
		if (!NUMBER.test(tok)) return { bad: m[0], at: m.index };
		row.push(Number(tok));
	}
	return { row };
}

/** "2" → [2, 2]; "2x3" / "2×3" → [2, 3] (vertical × horizontal). */
function parsePair(s: string): [number, number] | null {
	const m = /^(-?\d+)(?:\s*[x×*]\s*(-?\d+))?$/i.exec(s.trim());
	if (!m) return null;
	const v = Number(m[1]);
	return [v, m[2] === undefined ? v : Number(m[2])];
}

function stripComment(line: string): string {
	const i = line.indexOf("#");
	return (i >= 0 ? line.slice(0, i) : line).trimEnd();
}

/**
 * Parses a ```cnn-conv block. What it accepts, one statement per line (`#` starts a comment):
 *
 * - `input` followed by rows of numbers (spaces or commas, `[ ]` ignored), or `input 1 2 3 / 4 5 6` on one line
 *   (`/` or `;` between rows). A single row is a 1-D input.
 * - Several channels: `input channel 1` with its rows, then `channel 2` with its rows, …; or `input 3 channels`
 *   followed by three grids separated by blank lines.
 * - `input ![[cat.png]] gray 64` or `rgb 32`: an image from the vault, scaled to at most that many pixels a side.
 * - `kernel` with rows the same way (one grid per input channel; under a multi-channel input, blank lines
 *   separate the kernel's grids too), or named kernels:
 *   `kernel sobel-x, sobel-y, laplacian`, `kernel box 5`, `gaussian 5`, identity, sharpen, emboss, edge.
 *   Each further `kernel` line adds another filter, drawn side by side.
 * - `stride 2` or `stride 2x1` (vertical × horizontal), `pad 1` / `pad 1x2` / `pad same`, `dilation 2`,
 *   `bias 0.5` (or one value per kernel: `bias 1, -1`), `then relu, maxpool 2, avgpool 2`.
 * - `groups 2` / `depthwise`: a grouped convolution (each kernel then has one grid per channel of its group);
 *   `transposed` with `outpad 1`: the transposed convolution of that stride, pad and dilation.
 */
export function parseConvSpec(source: string): ConvBlockSpec {
	const spec: ConvBlockSpec = {
		input: null,
		kernels: [],
		stride: [1, 1],
		pad: { kind: "fixed", top: 0, bottom: 0, left: 0, right: 0 },
		dilation: [1, 1],
		bias: [],
		chain: [],
		diagnostics: [],
	};
	const diags = spec.diagnostics;
	if (source.length > MAX_SOURCE_CHARS) {
		diags.push(err(1, t("conv-parse.too-long", { n: source.length.toLocaleString("en"), max: MAX_SOURCE_CHARS.toLocaleString("en") })));
		return spec;
	}
	const lines = source.split(/\r?\n/);
	let section: Section | null = null;
	let inputSection: Section | null = null;
	const kernelSections: Section[] = [];
	let biasLine = 0;
	let outpad: { value: [number, number]; line: number } | null = null;

	const addRows = (sec: Section, text: string, lineNo: number, col0: number): void => {
		for (const part of text.split(/[;/]/)) {
			if (part.trim() === "") continue;
			const r = parseRow(part);
			if ("bad" in r) {
				const column = col0 + text.indexOf(part) + r.at + 1;
				diags.push(err(lineNo, t("conv-parse.not-number", { tok: r.bad, what: sec.target }), column));
				continue;
			}
			if (r.row.length === 0) continue;
			if (sec.planes.length === 0) sec.planes.push({ rows: [], line: lineNo });
			const plane = sec.planes[sec.planes.length - 1];
			if (plane.rows.length === 0) plane.line = lineNo;
			const first = plane.rows[0];
			if (first && first.length !== r.row.length) {
				diags.push(err(lineNo, t("conv-parse.ragged", { n: r.row.length, m: first.length }), col0 + 1));
				continue;
			}
			if (plane.rows.length >= MAX_GRID_SIDE || r.row.length > MAX_GRID_SIDE) {
				if (!sec.tooBig) diags.push(err(lineNo, t("conv-parse.grid-too-big", { max: MAX_GRID_SIDE })));
				sec.tooBig = true;
				return;
			}
			plane.rows.push(r.row);
		}
	};

	const newSection = (target: "input" | "kernel", lineNo: number): Section => ({ target, line: lineNo, planes: [], expectChannels: null, blankSplits: false, tooBig: false });
	// A kernel written under an input of several channels is naturally several grids, one per channel, just as
	// the input was written: let blank lines separate them without `kernel 3 channels`.
	const inputIsDeep = (): boolean =>
		inputSection !== null && ((inputSection.expectChannels ?? 1) > 1 || inputSection.planes.filter((p) => p.rows.length > 0).length > 1);

	for (let i = 0; i < lines.length; i++) {
		const lineNo = i + 1;
		const raw = stripComment(lines[i]);
		const text = raw.trim();
		if (text === "") {
			// After `input 3 channels` (and in the kernel of a multi-channel input) a blank line ends one channel's
			// grid; elsewhere blank lines are just spacing.
			if (section && (section.expectChannels !== null || section.blankSplits) && section.planes.length > 0 && section.planes[section.planes.length - 1].rows.length > 0) section.planes.push({ rows: [], line: lineNo });
			continue;
		}
		const col0 = raw.length - raw.trimStart().length;
		const wordMatch = /^([A-Za-z][\w-]*)\s*(.*)$/.exec(text);
		if (!wordMatch) {
			if (!section) {
				diags.push(err(lineNo, t("conv-parse.outside-grid"), col0 + 1));
				continue;
			}
			addRows(section, text, lineNo, col0);
			continue;
		}
		const word = wordMatch[1].toLowerCase();
		const rest = wordMatch[2].trim();
		const restCol = col0 + text.length - wordMatch[2].length;
		switch (word) {
			case "input": {
				if (spec.input || inputSection) {
					diags.push(err(lineNo, t("conv-parse.second-input")));
					section = null;
					break;
				}
				const img = /^(!?\[\[([^\]|#]+)(?:[|#][^\]]*)?\]\]|(\S+\.(?:png|jpe?g|gif|webp|bmp)))\s*(.*)$/i.exec(rest);
				if (img) {
					spec.input = parseImageInput(img[2] ?? img[3], img[4], lineNo, diags);
					section = null;
					break;
				}
				section = inputSection = newSection("input", lineNo);
				parseSectionHead(section, rest, lineNo, restCol, addRows, diags);
				break;
			}
			case "kernel":
			case "kernels":
			case "filter": {
				const names = rest.split(",").map((s) => s.trim().toLowerCase());
				const first = names[0]?.split(/\s+/)[0] ?? "";
				if (rest !== "" && /^[a-z]/.test(first) && first !== "channel" && !/^\d+\s+channels?$/.test(rest)) {
					for (const n of names) {
						const k = parseNamedKernel(n, lineNo, diags);
						if (k) spec.kernels.push(k);
					}
					section = null;
					break;
				}
				section = newSection("kernel", lineNo);
				section.blankSplits = inputIsDeep();
				kernelSections.push(section);
				spec.kernels.push({ label: "", named: false, planes: [], divisor: 1, line: lineNo });
				parseSectionHead(section, rest, lineNo, restCol, addRows, diags);
				break;
			}
			case "channel": {
				if (!section) {
					diags.push(err(lineNo, t("conv-parse.channel-outside")));
					break;
				}
				const n = Number(rest.split(/\s+/)[0]);
				const have = section.planes.filter((p) => p.rows.length > 0).length;
				if (!Number.isInteger(n) || n !== have + 1) diags.push({ ...err(lineNo, t("conv-parse.channel-order", { n: have + 1 })), severity: "warning" });
				section.planes = section.planes.filter((p) => p.rows.length > 0);
				section.planes.push({ rows: [], line: lineNo });
				const after = rest.replace(/^\S+\s*/, "");
				if (after) addRows(section, after, lineNo, restCol + rest.length - after.length);
				break;
			}
			case "stride": {
				const p = parsePair(rest);
				if (!p || p[0] < 1 || p[1] < 1) diags.push(err(lineNo, t("conv-parse.stride", { got: rest }), restCol + 1));
				else spec.stride = p;
				section = null;
				break;
			}
			case "pad":
			case "padding": {
				const v = rest.toLowerCase();
				if (v === "same") spec.pad = { kind: "same" };
				else if (v === "valid") spec.pad = { kind: "fixed", top: 0, bottom: 0, left: 0, right: 0 };
				else {
					const p = parsePair(rest);
					if (!p || p[0] < 0 || p[1] < 0) diags.push(err(lineNo, t("conv-parse.pad", { got: rest }), restCol + 1));
					else spec.pad = { kind: "fixed", top: p[0], bottom: p[0], left: p[1], right: p[1] };
				}
				section = null;
				break;
			}
			case "dilation": {
				const p = parsePair(rest);
				if (!p || p[0] < 1 || p[1] < 1) diags.push(err(lineNo, t("conv-parse.dilation", { got: rest }), restCol + 1));
				else spec.dilation = p;
				section = null;
				break;
			}
			case "bias": {
				const r = parseRow(rest);
				if ("bad" in r || r.row.length === 0) diags.push(err(lineNo, t("conv-parse.bias", { got: rest }), restCol + 1));
				else {
					spec.bias = r.row;
					biasLine = lineNo;
				}
				section = null;
				break;
			}
			case "groups":
			case "group": {
				const n = Number(rest);
				if (!/^\d+$/.test(rest) || n < 1 || n > MAX_CHANNELS) diags.push(err(lineNo, t("conv-parse.groups", { got: rest, max: MAX_CHANNELS }), restCol + 1));
				else spec.groups = { kind: "count", n, line: lineNo };
				section = null;
				break;
			}
			case "depthwise": {
				if (rest !== "") diags.push(err(lineNo, t("conv-parse.takes-nothing", { word: wordMatch[1] }), restCol + 1));
				else spec.groups = { kind: "depthwise", line: lineNo };
				section = null;
				break;
			}
			case "transposed":
			case "transpose":
			case "convtranspose":
			case "deconv": {
				if (rest !== "") diags.push(err(lineNo, t("conv-parse.takes-nothing", { word: wordMatch[1] }), restCol + 1));
				else spec.transposed = { line: lineNo, outpad: [0, 0], outpadLine: 0 };
				section = null;
				break;
			}
			case "outpad":
			case "output_padding":
			case "output-padding": {
				const p = parsePair(rest);
				if (!p || p[0] < 0 || p[1] < 0) diags.push(err(lineNo, t("conv-parse.outpad", { got: rest }), restCol + 1));
				else outpad = { value: p, line: lineNo };
				section = null;
				break;
			}
			case "then": {
				for (const part of rest.split(",")) {
					const stage = parseStage(part.trim(), lineNo, diags);
					if (stage) spec.chain.push(stage);
				}
				section = null;
				break;
			}
			default: {
				const guess = closest(word, [...KEYWORDS, ...KERNEL_NAMES]);
				const hint = guess ? ` ${t("conv-parse.did-you-mean", { guess })}` : ` ${t("conv-parse.known-words")}`;
				diags.push(err(lineNo, t("conv-parse.unknown-word", { word: wordMatch[1], hint }), col0 + 1));
				section = null;
			}
		}
	}

	if (inputSection) {
		const planes = finishSection(inputSection, diags);
		if (planes) spec.input = { kind: "numbers", planes, line: inputSection.line };
	}
	let k = 0;
	for (let i = 0; i < spec.kernels.length; i++) {
		const ks = spec.kernels[i];
		if (ks.named) continue;
		const sec = kernelSections[k++];
		const planes = finishSection(sec, diags);
		ks.planes = planes ?? [];
		ks.label = kernelSections.length > 1 ? t("conv.kernel-n", { n: k }) : t("conv.kernel-one");
		const side = planes ? Math.max(planes[0].length, planes[0][0].length) : 0;
		if (side > MAX_KERNEL_SIDE) diags.push(err(sec.line, t("conv-parse.kernel-too-big", { max: MAX_KERNEL_SIDE })));
	}
	spec.kernels = spec.kernels.filter((x) => x.planes.length > 0);
	if (spec.kernels.length > MAX_KERNELS) {
		diags.push(err(spec.kernels[MAX_KERNELS].line, t("conv-parse.too-many-kernels", { n: spec.kernels.length, max: MAX_KERNELS })));
		spec.kernels = spec.kernels.slice(0, MAX_KERNELS);
	}

	if (outpad) {
		if (spec.transposed) spec.transposed = { ...spec.transposed, outpad: outpad.value, outpadLine: outpad.line };
		else diags.push(err(outpad.line, t("conv-parse.outpad-alone")));
	}
	if (spec.transposed && spec.pad.kind === "same") diags.push(err(spec.transposed.line, t("conv-parse.transposed-same")));
	const hasErrors = diags.some((d) => d.severity === "error");
	if (!spec.input && !hasErrors) diags.push(err(1, t("conv-parse.no-input")));
	if (spec.kernels.length === 0 && !hasErrors) diags.push(err(1, t("conv-parse.no-kernel")));
	if (spec.bias.length > 1 && spec.bias.length !== spec.kernels.length)
		diags.push(err(biasLine, t("conv-parse.bias-count", { n: spec.bias.length, k: spec.kernels.length })));
	if (spec.input?.kind === "numbers") checkDepths(spec, spec.input.planes.length, diags);
	return spec;
}

function parseSectionHead(
	section: Section,
	rest: string,
	lineNo: number,
	restCol: number,
	addRows: (sec: Section, text: string, lineNo: number, col0: number) => void,
	diags: Diagnostic[],
): void {
	const ch = /^channel\s+(\d+)\s*(.*)$/i.exec(rest);
	if (ch) {
		if (Number(ch[1]) !== 1) diags.push({ ...err(lineNo, t("conv-parse.channel-from-1")), severity: "warning" });
		section.planes.push({ rows: [], line: lineNo });
		if (ch[2]) addRows(section, ch[2], lineNo, restCol + rest.length - ch[2].length);
		return;
	}
	const n = /^(\d+)\s+channels?$/i.exec(rest);
	if (n) {
		section.expectChannels = Number(n[1]);
		if (section.expectChannels < 1 || section.expectChannels > MAX_CHANNELS) diags.push(err(lineNo, t("conv-parse.channel-range", { max: MAX_CHANNELS })));
		return;
	}
	if (rest) addRows(section, rest, lineNo, restCol);
}

/** Turns a finished section into planes; checks that there is a grid and that all channels agree in size. */
function finishSection(sec: Section, diags: Diagnostic[]): Planes | null {
	const planes = sec.planes.filter((p) => p.rows.length > 0);
	const what = sec.target === "input" ? "input" : "kernel";
	if (planes.length === 0) {
		diags.push(err(sec.line, t("conv-parse.empty", { what })));
		return null;
	}
	if (planes.length > MAX_CHANNELS) {
		diags.push(err(planes[MAX_CHANNELS].line, t("conv-parse.channel-range", { max: MAX_CHANNELS })));
		return null;
	}
	const h = planes[0].rows.length;
	const w = planes[0].rows[0].length;
	for (let c = 1; c < planes.length; c++) {
		const p = planes[c];
		if (p.rows.length !== h || p.rows[0].length !== w) {
			diags.push(err(p.line, t("conv-parse.channel-size", { c: c + 1, what, size: `${p.rows.length}×${p.rows[0].length}`, first: `${h}×${w}` })));
			return null;
		}
	}
	if (sec.expectChannels !== null && sec.expectChannels !== planes.length)
		diags.push(err(sec.line, t("conv-parse.channel-count", { what, n: sec.expectChannels, m: planes.length })));
	if (sec.tooBig) return null;
	return planes.map((p) => p.rows);
}

function parseImageInput(link: string, rest: string, lineNo: number, diags: Diagnostic[]): ImageInput | null {
	let mode: "gray" | "rgb" = "gray";
	let size = 64;
	for (const tok of rest.toLowerCase().split(/\s+/).filter(Boolean)) {
		if (tok === "gray" || tok === "grey" || tok === "grayscale") mode = "gray";
		else if (tok === "rgb" || tok === "color" || tok === "colour") mode = "rgb";
		else if (/^\d+$/.test(tok)) size = Number(tok);
		else if (/^\d+x\d+$/.test(tok)) size = Math.max(...tok.split("x").map(Number));
		else {
			diags.push(err(lineNo, t("conv-parse.image-options", { got: tok })));
			return null;
		}
	}
	if (size < 1 || size > MAX_IMAGE_SIDE) {
		diags.push(err(lineNo, t("conv-parse.image-size", { max: MAX_IMAGE_SIDE, got: size })));
		return null;
	}
	return { kind: "image", link: link.trim(), mode, size, line: lineNo };
}

function parseNamedKernel(text: string, lineNo: number, diags: Diagnostic[]): KernelSpec | null {
	const [name, sizeText, ...more] = text.split(/\s+/);
	if (!isKernelName(name)) {
		const guess = closest(name, KERNEL_NAMES);
		const said = [t("conv-parse.unknown-kernel", { name }), guess ? t("conv-parse.did-you-mean", { guess }) : "", t("conv-parse.named-kernels", { names: KERNEL_NAMES.join(", ") })];
		diags.push(err(lineNo, joinText(said)));
		return null;
	}
	let size = 3;
	if (sizeText !== undefined) {
		const p = parsePair(sizeText);
		if (!kernelTakesSize(name)) {
			diags.push(err(lineNo, t("conv-parse.no-size", { name })));
			return null;
		}
		if (!p || p[0] !== p[1] || p[0] < 1 || p[0] % 2 === 0 || p[0] > MAX_KERNEL_SIDE || more.length > 0) {
			diags.push(err(lineNo, t("conv-parse.kernel-size", { name, max: MAX_KERNEL_SIDE, got: text.slice(name.length).trim() })));
			return null;
		}
		size = p[0];
	}
	return { label: sizeText === undefined ? name : `${name} ${size}`, named: true, planes: [namedKernel(name, size)], divisor: kernelDivisor(name, size), line: lineNo };
}

function parseStage(text: string, lineNo: number, diags: Diagnostic[]): ChainStage | null {
	const m = /^(relu|maxpool|max-pool|avgpool|avg-pool|meanpool)\s*(\S+)?(?:\s+stride\s+(\S+))?$/i.exec(text);
	if (!m) {
		diags.push(err(lineNo, t("conv-parse.stage", { got: text })));
		return null;
	}
	const kind = m[1].toLowerCase().replace("-", "");
	if (kind === "relu") return { kind: "relu", line: lineNo };
	const size = parsePair(m[2] ?? "2");
	const stride = m[3] ? parsePair(m[3]) : size;
	if (!size || !stride || size[0] < 1 || size[1] < 1 || stride[0] < 1 || stride[1] < 1) {
		diags.push(err(lineNo, t("conv-parse.pool", { got: text })));
		return null;
	}
	return { kind: kind === "maxpool" ? "maxpool" : "avgpool", size, stride, line: lineNo };
}

/** The number of groups once the input's channels are known (`depthwise`: one group per channel). */
export function groupCount(spec: ConvBlockSpec, channels: number): number {
	const g = spec.groups;
	return !g ? 1 : g.kind === "depthwise" ? channels : g.n;
}

/**
 * Written kernels must be as deep as one group of the input (all of it without groups); named ones are applied to
 * every channel a filter sees. Groups must divide the channels and the kernels (a single kernel is used in every
 * group).
 */
export function checkDepths(spec: ConvBlockSpec, channels: number, diags: Diagnostic[]): void {
	const g = groupCount(spec, channels);
	if (g > 1 && spec.groups) {
		const line = spec.groups.line;
		if (channels % g !== 0) {
			const fits = divisors(channels).filter((d) => d > 1);
			diags.push(err(line, t("conv-parse.groups-channels", { g, channels, fits: fits.length ? fits.map((d) => `\`groups ${d}\``).join(", ") : "`groups 1`" })));
			return;
		}
		const k = spec.kernels.length;
		if (k > 1 && k % g !== 0) diags.push(err(line, t("conv-parse.groups-kernels", { g, k })));
	}
	const depth = channels / g;
	for (const k of spec.kernels) {
		if (k.named || k.planes.length === depth) continue;
		diags.push(err(k.line, g > 1 ? t("conv-parse.depth-groups", { depth: k.planes.length, channels, g, want: depth }) : t("conv-parse.depth", { depth: k.planes.length, channels })));
	}
}

function divisors(n: number): number[] {
	const out: number[] = [];
	for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
	return out;
}

export type { PadSpec };
