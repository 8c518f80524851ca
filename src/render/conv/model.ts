/**
 * Everything the cnn-conv view shows, computed without the DOM: the padded input, each kernel's output map,
 * the chain stages, the shape lines, and the worked sum for any step.
 */
import type { Diagnostic } from "../../notation/diagnostic";
import type { ChainStage, ConvBlockSpec, Planes } from "../../notation/conv/types";
import { axisGeometry, poolAxis, resolvePad, type AxisGeometry, type Pad4 } from "./geometry";
import { t } from "../../i18n";
import "../../i18n/strings-conv";
import "../../i18n/strings-robustness";
import { avgPool2d, conv2d, maxPool2d, relu } from "../../worker/shared-engine";
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
	/** As deep as the input (named kernels repeated on every channel). */
	planes: Planes;
	bias: number;
	/** Weights are whole numbers over this (box 3: 9); 1 otherwise. */
	divisor: number;
	output: number[][];
	stages: StageView[];
}

export interface ConvModel {
	input: Planes;
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
	/** Per channel: the products in row-major order over the kernel, and their sum. */
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
		if (!k.named && k.planes.length !== C)
			diagnostics.push({ line: k.line, column: 1, severity: "error", message: t("conv-parse.depth", { depth: k.planes.length, channels: C }) });
	}
	if (diagnostics.length) return { model: null, diagnostics };
	const [sh, sw] = spec.stride;
	const [dh, dw] = spec.dilation;
	// A 1-D input (one row, one-row kernel) is padded along the row only: `pad 1` means one zero at each end.
	const oneD = H === 1 && kh === 1;
	const padSpec = oneD && spec.pad.kind === "fixed" ? { ...spec.pad, top: 0, bottom: 0 } : spec.pad;
	const pad = resolvePad(padSpec, H, W, dh * (kh - 1) + 1, dw * (kw - 1) + 1, sh, sw);
	const paddedH = H + pad.top + pad.bottom;
	const paddedW = W + pad.left + pad.right;
	if (!(paddedH <= MAX_PADDED_SIDE && paddedW <= MAX_PADDED_SIDE)) {
		diagnostics.push({ line: spec.kernels[0].line, column: 1, severity: "error", message: t("conv-bounds.padded-too-big", { h: paddedH, w: paddedW, max: MAX_PADDED_SIDE }) });
		return { model: null, diagnostics };
	}
	const rows = axisGeometry(H, pad.top, pad.bottom, kh, dh, sh, "row");
	const cols = axisGeometry(W, pad.left, pad.right, kw, dw, sw, "column");
	if (rows.output <= 0 || cols.output <= 0) {
		diagnostics.push({
			line: spec.kernels[0].line,
			column: 1,
			severity: "error",
			message: t("conv-parse.kernel-larger", { kernel: fmtShape(rows.effective, cols.effective), input: fmtShape(H + pad.top + pad.bottom, W + pad.left + pad.right), pad: Math.max(1, Math.ceil((rows.effective - H) / 2), Math.ceil((cols.effective - W) / 2)) }),
		});
		return { model: null, diagnostics };
	}
	const work = rows.output * cols.output * spec.kernels.length * C * kh * kw;
	if (work > MAX_MULTIPLY_ADDS) {
		diagnostics.push({ line: spec.kernels[0].line, column: 1, severity: "error", message: t("conv-parse.too-much-work", { n: Math.round(work / 1e6), max: MAX_MULTIPLY_ADDS / 1e6 }) });
		return { model: null, diagnostics };
	}
	const padded = padPlanes(input, pad);
	const pH = padded[0].length;
	const pW = padded[0][0].length;
	const outH = rows.output;
	const outW = cols.output;
	const K = spec.kernels.length;
	const allPlanes = spec.kernels.map((k) => (k.named ? Array.from({ length: C }, () => k.planes[0]) : k.planes));
	const biases = spec.kernels.map((_, i) => (spec.bias.length === 0 ? 0 : spec.bias.length === 1 ? spec.bias[0] : spec.bias[i]));
	// The engine computes the maps (the input is already padded, so pad 0); stepInfo re-derives each window's sum.
	const weights = new Float32Array(K * C * kh * kw);
	allPlanes.forEach((planes, i) => weights.set(flatten(planes), i * C * kh * kw));
	let y: Tensor = conv2d({ shape: [1, C, pH, pW], data: flatten(padded) }, { shape: [K, C, kh, kw], data: weights }, { shape: [K], data: Float32Array.from(biases) }, { stride: [sh, sw], dilation: [dh, dw] });
	const maps: number[][][] = [];
	for (let i = 0; i < K; i++) maps.push(to2d(y.data.subarray(i * outH * outW, (i + 1) * outH * outW), outH, outW));
	const stages: StageView[][] = spec.kernels.map(() => []);
	for (const st of spec.chain) {
		const next = runStage(st, y, diagnostics);
		if (!next) break;
		const [, , h, w] = next.shape;
		for (let i = 0; i < K; i++) stages[i].push({ ...describeStage(st, y.shape[2], y.shape[3], h, w), grid: to2d(next.data.subarray(i * h * w, (i + 1) * h * w), h, w) });
		y = next;
	}
	const kernels: KernelView[] = spec.kernels.map((k, i) => ({ label: k.label, named: k.named, planes: allPlanes[i], bias: biases[i], divisor: k.divisor, output: maps[i], stages: stages[i] }));
	const positions = outH * outW;
	const model: ConvModel = {
		input,
		padded,
		pad,
		rows,
		cols,
		kernels,
		positions,
		steps: positions * kernels.length,
		is1d: H === 1 && kh === 1,
		showBias: spec.bias.some((b) => b !== 0),
	};
	return { model, diagnostics };
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
	for (let c = 0; c < m.padded.length; c++) {
		const k = kv.planes[c];
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
	return { index, kernel, oy, ox, top, left, terms, partials, bias: kv.bias, total };
}

/** The output's shape line: "Output 3×5: rows ⌊(5 + 2·1 − 3)/2⌋ + 1 = 3, columns 5 + 2·1 − 3 + 1 = 5". */
export function shapeLine(m: ConvModel): { shape: string; rows: string; cols: string } {
	const n = m.kernels.length;
	return { shape: fmtShape(m.rows.output, m.cols.output, n > 1 ? n : undefined), rows: m.rows.formula, cols: m.cols.formula };
}
