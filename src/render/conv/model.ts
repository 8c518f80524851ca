/**
 * Everything the cnn-conv view shows, computed without the DOM: the padded input, each kernel's output map,
 * the chain stages, the shape lines, and the worked sum for any step.
 */
import type { Diagnostic } from "../../notation/diagnostic";
import type { ChainStage, ConvBlockSpec, Planes } from "../../notation/conv/types";
import { checkDepths, groupCount } from "../../notation/conv/parse-conv";
import { axisGeometry, poolAxis, resolvePad, type AxisGeometry, type Pad4 } from "./geometry";
import { t } from "../../i18n";
import "../../i18n/strings-conv";
import "../../i18n/strings-robustness";
import { avgPool2d, conv2d, convTranspose2d, maxPool2d, relu } from "../../worker/shared-engine";
import type { Tensor } from "../../engine/tensor";

/** One block computes at most this many multiply-adds on the UI thread (measured: 512×512 gray with 8 kernels 3×3, 19 M, about 0.1 s in Node). */
export const MAX_MULTIPLY_ADDS = 30_000_000;

/**
 * A padded side is at most this long. Checked before the row geometry (whose unused-line list would never end
 * at 2^53, where p++ no longer changes p) and before the padded planes are allocated (`pad 100000`).
 */
export const MAX_PADDED_SIDE = 1024;

export interface StageView {
	label: string;
	grid: number[][];
	/** "2×2" */
	shape: string;
	/** "⌊(3 − 2)/2⌋ + 1 = 1 × …", empty for ReLU */
	formula: string;
	line: number;
}

export interface KernelView {
	label: string;
	named: boolean;
	/**
	 * One grid per channel the filter sees (named kernels repeated on each), as stepped over the grid: for a
	 * transposed convolution the written kernel rotated 180°.
	 */
	planes: Planes;
	/** The input channels (0-based) the filter sees: all of them, or its group's. planes[i] goes with channels[i]. */
	channels: number[];
	bias: number;
	/** Weights are whole numbers over this (box 3: 9); 1 otherwise. */
	divisor: number;
	output: number[][];
	stages: StageView[];
}

/** How a transposed convolution became the ordinary stepping shown (Dumoulin & Visin, "A guide to convolution arithmetic"). */
export interface TransposedView {
	stride: [number, number];
	pad: [number, number];
	outpad: [number, number];
	dilation: [number, number];
	/** The input with stride − 1 zeros between its values: (i − 1)·s + 1 a side. */
	stretched: [number, number];
	/** Zeros around the stretched input, d·(k − 1) − p a side (plus outpad at the bottom and right). */
	border: [number, number];
	/** The `transposed` line, for messages. */
	line: number;
}

export interface ConvModel {
	input: Planes;
	/** The grid the windows step over: the padded input, or (transposed) the stretched and bordered one. */
	padded: Planes;
	pad: Pad4;
	rows: AxisGeometry;
	cols: AxisGeometry;
	kernels: KernelView[];
	/** Output positions per kernel (rows.output · cols.output). */
	positions: number;
	steps: number;
	is1d: boolean;
	/** "1 channel" bias given by the user? (shown in the sums only then or when non-zero). */
	showBias: boolean;
	/** 1 for an ordinary convolution; each filter then sees channels / groups of them. */
	groups: number;
	transposed: TransposedView | null;
	/** Rows / columns of `padded` that are zeros put between the input's values (transposed only; else empty). */
	insertedRows: number[];
	insertedCols: number[];
}

export interface Term {
	x: number;
	w: number;
}

export interface StepInfo {
	index: number;
	kernel: number;
	/** Output cell. */
	oy: number;
	ox: number;
	/** Top-left of the window in the padded grid. */
	top: number;
	left: number;
	/** Per channel the filter sees (which input channel: `channels`): the products in row-major order, their sum. */
	channels: number[];
	terms: Term[][];
	partials: number[];
	bias: number;
	total: number;
}

function fmtShape(h: number, w: number, c?: number): string {
	return c === undefined || c === 1 ? `${h}×${w}` : `${h}×${w}×${c}`;
}

function to2d(flat: ArrayLike<number>, h: number, w: number): number[][] {
	const out: number[][] = [];
	for (let y = 0; y < h; y++) {
		const row = new Array<number>(w);
		for (let x = 0; x < w; x++) row[x] = flat[y * w + x];
		out.push(row);
	}
	return out;
}

export function padPlanes(planes: Planes, p: Pad4): Planes {
	return planes.map((plane) => {
		const w = plane[0].length + p.left + p.right;
		const zeros = (): number[] => new Array<number>(w).fill(0);
		const rows: number[][] = [];
		for (let i = 0; i < p.top; i++) rows.push(zeros());
		for (const r of plane) rows.push([...new Array<number>(p.left).fill(0), ...r, ...new Array<number>(p.right).fill(0)]);
		for (let i = 0; i < p.bottom; i++) rows.push(zeros());
		return rows;
	});
}

function flatten(planes: Planes): Float32Array {
	const c = planes.length;
	const h = planes[0].length;
	const w = planes[0][0].length;
	const out = new Float32Array(c * h * w);
	for (let k = 0; k < c; k++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(k * h + y) * w + x] = planes[k][y][x];
	return out;
}

/**
 * Builds the model, or returns diagnostics (kernel larger than the padded input, pooling larger than its input).
 * The input planes are the user's numbers or the decoded image.
 */
export function buildConvModel(spec: ConvBlockSpec, input: Planes): { model: ConvModel | null; diagnostics: Diagnostic[] } {
	const diagnostics: Diagnostic[] = [];
	const C = input.length;
	const H = input[0].length;
	const W = input[0][0].length;
	const k0 = spec.kernels[0].planes[0];
	const kh = k0.length;
	const kw = k0[0].length;
	for (const k of spec.kernels) {
		const p = k.planes[0];
		if (p.length !== kh || p[0].length !== kw)
			diagnostics.push({ line: k.line, column: 1, severity: "error", message: t("conv-parse.kernel-sizes", { label: k.label, size: fmtShape(p.length, p[0].length), first: fmtShape(kh, kw) }) });
	}
	checkDepths(spec, C, diagnostics);
	if (diagnostics.length) return { model: null, diagnostics };
	const G = groupCount(spec, C);
	// One kernel under several groups is used in each of them (`kernel sobel-x` + `depthwise` on an RGB image: three maps).
	const specKernels = G > 1 && spec.kernels.length === 1 ? Array.from({ length: G }, (_, g) => ({ ...spec.kernels[0], label: t("conv.kernel-group", { label: spec.kernels[0].label, g: g + 1 }) })) : spec.kernels;
	const K = specKernels.length;
	const perGroup = C / G;
	const [dh, dw] = spec.dilation;
	// A 1-D input (one row, one-row kernel) is padded along the row only: `pad 1` means one zero at each end.
	const oneD = H === 1 && kh === 1;
	const padSpec = oneD && spec.pad.kind === "fixed" ? { ...spec.pad, top: 0, bottom: 0 } : spec.pad;
	const tr = spec.transposed ? transposedView(spec, padSpec, H, W, kh, kw, oneD, diagnostics) : null;
	if (diagnostics.length) return { model: null, diagnostics };
	// The transposed convolution steps with stride 1 over the stretched input (its own stride made the gaps).
	const [sh, sw] = tr ? [1, 1] : spec.stride;
	const gridH = tr ? tr.stretched[0] : H;
	const gridW = tr ? tr.stretched[1] : W;
	const pad = tr ? { top: tr.border[0], bottom: tr.border[0] + tr.outpad[0], left: tr.border[1], right: tr.border[1] + tr.outpad[1] } : resolvePad(padSpec, H, W, dh * (kh - 1) + 1, dw * (kw - 1) + 1, sh, sw);
	const paddedH = gridH + pad.top + pad.bottom;
	const paddedW = gridW + pad.left + pad.right;
	if (!(paddedH <= MAX_PADDED_SIDE && paddedW <= MAX_PADDED_SIDE)) {
		diagnostics.push({ line: spec.kernels[0].line, column: 1, severity: "error", message: t("conv-bounds.padded-too-big", { h: paddedH, w: paddedW, max: MAX_PADDED_SIDE }) });
		return { model: null, diagnostics };
	}
	const rows = axisGeometry(gridH, pad.top, pad.bottom, kh, dh, sh, "row");
	const cols = axisGeometry(gridW, pad.left, pad.right, kw, dw, sw, "column");
	if (tr && (rows.output <= 0 || cols.output <= 0)) {
		// PyTorch refuses it too: (i − 1)·s − 2p + d·(k − 1) + outpad + 1 ≤ 0 (a pad that eats the whole output).
		const [a, i, k] = rows.output <= 0 ? [0, H, kh] : [1, W, kw];
		const o = (i - 1) * tr.stride[a] - 2 * tr.pad[a] + tr.dilation[a] * (k - 1) + tr.outpad[a] + 1;
		diagnostics.push({ line: tr.line, column: 1, severity: "error", message: t("conv-parse.transposed-empty", { formula: transposedFormula(i, tr.stride[a], tr.pad[a], k, tr.dilation[a], tr.outpad[a], o) }) });
		return { model: null, diagnostics };
	}
	if (rows.output <= 0 || cols.output <= 0) {
		diagnostics.push({
			line: spec.kernels[0].line,
			column: 1,
			severity: "error",
			message: t("conv-parse.kernel-larger", { kernel: fmtShape(rows.effective, cols.effective), input: fmtShape(H + pad.top + pad.bottom, W + pad.left + pad.right), pad: Math.max(1, Math.ceil((rows.effective - H) / 2), Math.ceil((cols.effective - W) / 2)) }),
		});
		return { model: null, diagnostics };
	}
	const work = rows.output * cols.output * K * perGroup * kh * kw;
	if (work > MAX_MULTIPLY_ADDS) {
		diagnostics.push({ line: spec.kernels[0].line, column: 1, severity: "error", message: t("conv-parse.too-much-work", { n: Math.round(work / 1e6), max: MAX_MULTIPLY_ADDS / 1e6 }) });
		return { model: null, diagnostics };
	}
	if (tr) {
		// In the transposed view's words: the output size from the transposed formula, with the user's numbers.
		rows.formula = transposedFormula(H, tr.stride[0], tr.pad[0], kh, tr.dilation[0], tr.outpad[0], rows.output);
		cols.formula = transposedFormula(W, tr.stride[1], tr.pad[1], kw, tr.dilation[1], tr.outpad[1], cols.output);
	}
	const stretched = tr ? input.map((plane) => stretch(plane, tr.stride)) : input;
	const padded = padPlanes(stretched, pad);
	const outH = rows.output;
	const outW = cols.output;
	const perFilter = K / G;
	const channelsOf = (i: number): number[] => {
		const g = Math.floor(i / perFilter);
		return Array.from({ length: perGroup }, (_, c) => g * perGroup + c);
	};
	// As written: one grid per channel the filter sees (named kernels repeat their one grid).
	const written = specKernels.map((k) => (k.named ? Array.from({ length: perGroup }, () => k.planes[0]) : k.planes));
	const biases = specKernels.map((_, i) => (spec.bias.length === 0 ? 0 : spec.bias.length === 1 ? spec.bias[0] : spec.bias[i]));
	const y0 = tr ? transposedMaps(input, written, biases, G, kh, kw, tr) : groupedMaps(padded, written, biases, G, kh, kw, sh, sw, dh, dw);
	let y: Tensor = y0;
	const maps: number[][][] = [];
	for (let i = 0; i < K; i++) maps.push(to2d(y.data.subarray(i * outH * outW, (i + 1) * outH * outW), outH, outW));
	if (y.shape[2] !== outH || y.shape[3] !== outW) throw new Error(`conv stepper: ${y.shape[2]}×${y.shape[3]} maps for a ${outH}×${outW} output`);
	const stages: StageView[][] = specKernels.map(() => []);
	for (const st of spec.chain) {
		const next = runStage(st, y, diagnostics);
		if (!next) break;
		const [, , h, w] = next.shape;
		for (let i = 0; i < K; i++) stages[i].push({ ...describeStage(st, y.shape[2], y.shape[3], h, w), grid: to2d(next.data.subarray(i * h * w, (i + 1) * h * w), h, w) });
		y = next;
	}
	const kernels: KernelView[] = specKernels.map((k, i) => ({
		label: k.label,
		named: k.named,
		planes: tr ? written[i].map(rotate180) : written[i],
		channels: channelsOf(i),
		bias: biases[i],
		divisor: k.divisor,
		output: maps[i],
		stages: stages[i],
	}));
	const positions = outH * outW;
	const inserted = (n: number, s: number, begin: number): number[] => {
		const out: number[] = [];
		if (s > 1) for (let v = 0; v < n - 1; v++) for (let z = 1; z < s; z++) out.push(begin + v * s + z);
		return out;
	};
	const model: ConvModel = {
		input,
		padded,
		pad,
		rows,
		cols,
		kernels,
		positions,
		steps: positions * kernels.length,
		is1d: oneD,
		showBias: spec.bias.some((b) => b !== 0),
		groups: G,
		transposed: tr,
		insertedRows: tr ? inserted(H, tr.stride[0], pad.top) : [],
		insertedCols: tr ? inserted(W, tr.stride[1], pad.left) : [],
	};
	return { model, diagnostics };
}

/** The stride, pad, outpad and the stretched size of a transposed convolution; refuses what PyTorch refuses. */
function transposedView(spec: ConvBlockSpec, pad: ConvBlockSpec["pad"], H: number, W: number, kh: number, kw: number, oneD: boolean, diagnostics: Diagnostic[]): TransposedView | null {
	const tsp = spec.transposed;
	if (!tsp || pad.kind !== "fixed") return null;
	const stride = spec.stride;
	const dilation = spec.dilation;
	const outpad: [number, number] = oneD ? [0, tsp.outpad[1]] : tsp.outpad;
	const p: [number, number] = [pad.top, pad.left];
	if (pad.top !== pad.bottom || pad.left !== pad.right) return null;
	for (let a = 0; a < 2; a++) {
		// PyTorch: "output padding must be smaller than either stride or dilation".
		if (outpad[a] > 0 && !(outpad[a] < stride[a] || outpad[a] < dilation[a])) {
			diagnostics.push({ line: tsp.outpadLine || tsp.line, column: 1, severity: "error", message: t("conv-parse.outpad-rule", { op: outpad[a], s: stride[a], d: dilation[a] }) });
			return null;
		}
		const k = a === 0 ? kh : kw;
		const border = dilation[a] * (k - 1) - p[a];
		if (border < 0) {
			diagnostics.push({ line: tsp.line, column: 1, severity: "error", message: t("conv-parse.transposed-pad", { p: p[a], max: dilation[a] * (k - 1), k, d: dilation[a] }) });
			return null;
		}
	}
	return {
		stride,
		pad: p,
		outpad,
		dilation,
		stretched: [(H - 1) * stride[0] + 1, (W - 1) * stride[1] + 1],
		border: [dilation[0] * (kh - 1) - p[0], dilation[1] * (kw - 1) - p[1]],
		line: tsp.line,
	};
}

/** "(3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6": PyTorch's ConvTranspose2d output size, terms that are 0 or 1 left out where they say nothing. */
function transposedFormula(i: number, s: number, p: number, k: number, d: number, op: number, out: number): string {
	const stretched = s === 1 ? `(${i} − 1)` : `(${i} − 1)·${s}`;
	const padPart = p === 0 ? "" : ` − 2·${p}`;
	const kernel = d === 1 ? ` + (${k} − 1)` : ` + ${d}·(${k} − 1)`;
	const outPart = op === 0 ? "" : ` + ${op}`;
	return `${stretched}${padPart}${kernel}${outPart} + 1 = ${out < 0 ? `−${-out}` : out}`;
}

/** s − 1 zeros between neighbouring values, in both directions. */
function stretch(plane: number[][], s: [number, number]): number[][] {
	const h = (plane.length - 1) * s[0] + 1;
	const w = (plane[0].length - 1) * s[1] + 1;
	const out = Array.from({ length: h }, () => new Array<number>(w).fill(0));
	for (let y = 0; y < plane.length; y++) for (let x = 0; x < plane[0].length; x++) out[y * s[0]][x * s[1]] = plane[y][x];
	return out;
}

function rotate180(plane: number[][]): number[][] {
	return plane.map((r) => [...r].reverse()).reverse();
}

/** The engine's grouped conv2d on the already padded input: weight [K, C/G, kh, kw]. */
function groupedMaps(padded: Planes, written: Planes[], biases: number[], G: number, kh: number, kw: number, sh: number, sw: number, dh: number, dw: number): Tensor {
	const K = written.length;
	const per = padded.length / G;
	const weights = new Float32Array(K * per * kh * kw);
	written.forEach((planes, i) => weights.set(flatten(planes), i * per * kh * kw));
	return conv2d({ shape: [1, padded.length, padded[0].length, padded[0][0].length], data: flatten(padded) }, { shape: [K, per, kh, kw], data: weights }, { shape: [K], data: Float32Array.from(biases) }, { stride: [sh, sw], dilation: [dh, dw], groups: G });
}

/**
 * The engine's conv_transpose2d on the input as given (not the stretched grid the stepper shows: an independent
 * path to the same maps). Its weight is [C, K/G, kh, kw]: filter j's grid for its group's channel c at [c, j mod K/G].
 */
function transposedMaps(input: Planes, written: Planes[], biases: number[], G: number, kh: number, kw: number, tr: TransposedView): Tensor {
	const C = input.length;
	const K = written.length;
	const per = C / G;
	const outPer = K / G;
	const weights = new Float32Array(C * outPer * kh * kw);
	written.forEach((planes, j) => {
		const g = Math.floor(j / outPer);
		planes.forEach((plane, local) => {
			const c = g * per + local;
			weights.set(plane.flat(), (c * outPer + (j % outPer)) * kh * kw);
		});
	});
	return convTranspose2d(
		{ shape: [1, C, input[0].length, input[0][0].length], data: flatten(input) },
		{ shape: [C, outPer, kh, kw], data: weights },
		{ shape: [K], data: Float32Array.from(biases) },
		{ stride: tr.stride, pad: tr.pad, outputPad: tr.outpad, dilation: tr.dilation, groups: G },
	);
}

function runStage(st: ChainStage, x: Tensor, diagnostics: Diagnostic[]): Tensor | null {
	if (st.kind === "relu") return relu(x);
	const [h, w] = [x.shape[2], x.shape[3]];
	const [kh, kw] = st.size;
	if (poolAxis(h, kh, st.stride[0]) <= 0 || poolAxis(w, kw, st.stride[1]) <= 0) {
		diagnostics.push({ line: st.line, column: 1, severity: "error", message: t("conv-parse.pool-larger", { size: fmtShape(kh, kw), input: fmtShape(h, w) }) });
		return null;
	}
	const o = { kernel: st.size, stride: st.stride };
	return st.kind === "maxpool" ? maxPool2d(x, o) : avgPool2d(x, o);
}

function describeStage(st: ChainStage, h: number, w: number, oh: number, ow: number): Omit<StageView, "grid"> {
	if (st.kind === "relu") return { label: t("conv.relu"), shape: fmtShape(h, w), formula: "max(0, x)", line: st.line };
	const [kh, kw] = st.size;
	const [sh, sw] = st.stride;
	const f = (n: number, k: number, s: number, o: number): string => (s === 1 ? `${n} − ${k} + 1 = ${o}` : `⌊(${n} − ${k})/${s}⌋ + 1 = ${o}`);
	const size = kh === kw ? String(kh) : fmtShape(kh, kw);
	const stride = sh !== kh || sw !== kw ? t("conv.pool-stride", { s: sh === sw ? String(sh) : fmtShape(sh, sw) }) : "";
	const label = t(st.kind === "maxpool" ? "conv.maxpool" : "conv.avgpool", { size, stride });
	return { label, shape: fmtShape(oh, ow), formula: `${f(h, kh, sh, oh)}, ${f(w, kw, sw, ow)}`, line: st.line };
}

/** The worked sum for step `index` (0-based): which window, which output cell, every product. */
export function stepInfo(m: ConvModel, index: number): StepInfo {
	const kernel = Math.floor(index / m.positions);
	const pos = index % m.positions;
	const oy = Math.floor(pos / m.cols.output);
	const ox = pos % m.cols.output;
	const top = oy * m.rows.stride;
	const left = ox * m.cols.stride;
	const kv = m.kernels[kernel];
	const terms: Term[][] = [];
	const partials: number[] = [];
	for (let local = 0; local < kv.channels.length; local++) {
		const c = kv.channels[local];
		const k = kv.planes[local];
		const list: Term[] = [];
		let s = 0;
		for (let i = 0; i < k.length; i++)
			for (let j = 0; j < k[0].length; j++) {
				const x = m.padded[c][top + i * m.rows.dilation][left + j * m.cols.dilation];
				list.push({ x, w: k[i][j] });
				s += x * k[i][j];
			}
		terms.push(list);
		partials.push(s);
	}
	const total = partials.reduce((a, b) => a + b, 0) + kv.bias;
	return { index, kernel, oy, ox, top, left, channels: kv.channels, terms, partials, bias: kv.bias, total };
}

/** The output's shape line: "Output 3×5: rows ⌊(5 + 2·1 − 3)/2⌋ + 1 = 3, columns 5 + 2·1 − 3 + 1 = 5". */
export function shapeLine(m: ConvModel): { shape: string; rows: string; cols: string } {
	const n = m.kernels.length;
	return { shape: fmtShape(m.rows.output, m.cols.output, n > 1 ? n : undefined), rows: m.rows.formula, cols: m.cols.formula };
}
