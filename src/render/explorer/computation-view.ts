import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import type { Explanation, PoolExplanation } from "../../engine/explain";
import type { LayerSpec } from "../../engine/model-spec";
import type { ChainStage, ConvBlockSpec } from "../../notation/conv/types";
import type { ColormapName } from "../colormap";
import { ConvView, type StepIcon } from "../conv/conv-view";
import { buildConvModel, type ConvModel } from "../conv/model";
import { formatValue } from "../heatmap";
import type { ConvCell } from "../../engine/probe";

/** Digits shown in a computation: enough that re-adding the written products gives the value to float32 precision. */
export const CALC_DECIMALS = 6;

export interface CalcOptions {
	colormap: ColormapName;
	setIcon?: (el: HTMLElement, icon: StepIcon) => void;
}

/**
 * The stepper's spec for one filter of a learned conv layer on one sample: the layer's input as the numbers, the
 * learned kernel, its bias, and the ReLU / pooling layers right after it as the chain. The stepper then derives
 * every window's products itself, so the explorer shows exactly the ```cnn-conv view, on the real weights.
 */
export function convBlockFor(cell: ConvCell, filterLabel: string, after: readonly LayerSpec[]): ConvBlockSpec {
	const s = cell.spec;
	const end = s.padEnd ?? s.pad;
	const chain: ChainStage[] = [];
	for (const l of after) {
		if (l.type === "relu") chain.push({ kind: "relu", line: 0 });
		else if ((l.type === "maxpool" || l.type === "avgpool") && l.pad[0] === 0 && l.pad[1] === 0 && !l.ceil) chain.push({ kind: l.type, size: l.kernel, stride: l.stride, line: 0 });
		else break;
	}
	return {
		input: { kind: "numbers", planes: cell.input, line: 0 },
		kernels: [{ label: filterLabel, named: false, planes: cell.kernel, divisor: 1, line: 0 }],
		stride: s.stride,
		pad: { kind: "fixed", top: s.pad[0], bottom: end[0], left: s.pad[1], right: end[1] },
		dilation: s.dilation,
		bias: [cell.bias],
		chain,
		diagnostics: [],
	};
}

/** The stepper's model of `cell`, or null when the stepper cannot show it. */
export function convModelFor(cell: ConvCell, filterLabel: string, after: readonly LayerSpec[]): ConvModel | null {
	return buildConvModel(convBlockFor(cell, filterLabel, after), cell.input).model ?? null;
}

/** Mounts the cnn-conv stepper on `cell` at output (row, col); returns it (the caller destroys it) or null. */
export function showConvCell(parent: HTMLElement, cell: ConvCell, filterLabel: string, after: readonly LayerSpec[], row: number, col: number, opts: CalcOptions): ConvView | null {
	const model = convModelFor(cell, filterLabel, after);
	if (!model) return null;
	const view = new ConvView(parent, model, { decimals: CALC_DECIMALS, colormap: opts.colormap, speed: 2, pixels: false, setIcon: opts.setIcon, chunked: true, arrowKeys: false });
	view.dispatch({ goto: row * model.cols.output + col });
	return view;
}

/**
 * The open stepper moved to another cell of its layer, in place: a new model (another filter, or the same filter on
 * a new input) written into its grids, then the step. False when it cannot (another geometry): mount a new one.
 */
export function moveConvCell(view: ConvView, model: ConvModel | null, row: number, col: number): boolean {
	if (model && !view.update(model)) return false;
	const cols = (model ?? view.shownModel).cols.output;
	view.dispatch({ goto: row * cols + col });
	return true;
}

/**
 * The flat index of the cell next to `index` in an output of `shape` for an arrow key, clamped at the edges: a map
 * [C, H, W] moves along its channel's row (Left / Right) or column (Up / Down); a flat output [N] moves to the unit
 * before or after with either pair. Null for any other key.
 */
export function neighbourIndex(shape: readonly number[], index: number, key: string): number | null {
	const step = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] }[key];
	if (!step) return null;
	if (shape.length !== 3) {
		const n = shape.reduce((a, b) => a * b, 1);
		return Math.max(0, Math.min(n - 1, index + step[0] + step[1]));
	}
	const [, h, w] = shape;
	const base = index - (index % (h * w));
	const row = Math.max(0, Math.min(h - 1, Math.floor((index % (h * w)) / w) + step[0]));
	const col = Math.max(0, Math.min(w - 1, (index % w) + step[1]));
	return base + row * w + col;
}

const f = (v: number): string => formatValue(v, CALC_DECIMALS);
const paren = (s: string): string => (s.startsWith("−") ? `(${s})` : s);

/** Every other layer's value as text (and, for pooling, its window as a small grid). */
export function renderExplanation(parent: HTMLElement, e: Explanation): void {
	const box = parent.createDiv({ cls: "cnn-lab-explorer-calc-body" });
	switch (e.kind) {
		case "maxpool":
		case "avgpool":
			return poolWindow(box, e);
		case "batchnorm":
			box.createDiv({
				cls: "cnn-lab-explorer-calc-sum",
				text: t("explorer.calc.batchnorm", { x: f(e.input), mean: f(e.mean), v: f(e.variance), eps: String(e.eps), g: f(e.gamma), b: f(e.beta), y: f(e.value), c: e.channel + 1 }),
			});
			return;
		case "dense":
		case "convtranspose": {
			box.createDiv({ cls: "cnn-lab-note", text: t(e.kind === "dense" ? "explorer.calc.dense" : "explorer.calc.convtranspose") });
			const table = box.createEl("table", { cls: "cnn-lab-explorer-contrib" });
			for (const c of e.top) {
				const tr = table.createEl("tr");
				tr.createEl("td", { text: t("explorer.calc.input", { i: c.index + 1 }) });
				tr.createEl("td", { cls: "cnn-lab-calc-term", text: `${paren(f(c.x))} · ${paren(f(c.w))} = ${f(c.product)}` });
			}
			if (e.restCount > 0) {
				const tr = table.createEl("tr");
				tr.createEl("td", { text: t("explorer.calc.denseRest", { n: e.restCount }) });
				tr.createEl("td", { cls: "cnn-lab-calc-rest", text: f(e.restSum) });
			}
			const tr = table.createEl("tr");
			tr.createEl("td", { text: t("explorer.calc.bias") });
			tr.createEl("td", { cls: "cnn-lab-calc-bias", text: f(e.bias) });
			const parts = [...e.top.map((c) => paren(f(c.product))), ...(e.restCount > 0 ? [paren(f(e.restSum))] : []), paren(f(e.bias))];
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: `${parts.join(" + ")} = ${f(e.value)}` });
			return;
		}
		case "softmax": {
			box.createDiv({
				cls: "cnn-lab-explorer-calc-sum",
				text: t("explorer.calc.softmax", { x: f(e.logits[e.unit]), max: f(e.max), e: f(Math.exp(e.logits[e.unit] - e.max)), d: f(e.denominator), v: f(e.value) }),
			});
			// the denominator's terms, one per logit, so that the sum written can be re-added
			const terms = e.logits.map((l) => f(Math.exp(l - e.max))).join(" + ");
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.softmaxSum", { max: f(e.max), terms, d: f(e.denominator) }) });
			return;
		}
		case "relu":
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.relu", { x: f(e.input), v: f(e.value) }) });
			return;
		case "leakyrelu":
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.leakyrelu", { x: f(e.input), a: String(e.slope ?? 0.01), v: f(e.value) }) });
			return;
		case "sigmoid":
		case "tanh":
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t(`explorer.calc.${e.kind}`, { x: f(e.input), v: f(e.value) }) });
			return;
		case "dropout":
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.dropout", { x: f(e.input) }) });
			return;
		case "flatten":
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.flatten", { i: e.index + 1, x: f(e.input) }) });
			return;
	}
}

function poolWindow(box: HTMLElement, e: PoolExplanation): void {
	const first = e.window[0];
	const last = e.window[e.window.length - 1];
	box.createDiv({ cls: "cnn-lab-note", text: t("explorer.calc.window", { rows: `${first.row + 1}–${last.row + 1}`, cols: `${first.col + 1}–${last.col + 1}`, c: e.channel + 1 }) });
	const table = box.createEl("table", { cls: "cnn-lab-explorer-window" });
	for (let i = 0; i < e.kh; i++) {
		const tr = table.createEl("tr");
		for (let j = 0; j < e.kw; j++) {
			const k = i * e.kw + j;
			const c = e.window[k];
			tr.createEl("td", { cls: [c.pad ? "is-pad" : "", k === e.chosen ? "is-chosen" : ""].filter(Boolean), text: c.pad ? t("explorer.calc.padCell") : f(c.value) });
		}
	}
	if (e.kind === "maxpool") {
		const inside = e.window.filter((c) => !c.pad).length;
		box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: `${t("explorer.calc.maxpool", { n: inside })}: max(${e.window.filter((c) => !c.pad).map((c) => f(c.value)).join(", ")}) = ${f(e.value)}` });
	} else {
		const sum = e.window.filter((c) => !c.pad).map((c) => paren(f(c.value))).join(" + ");
		box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: `${t("explorer.calc.avgpool", { sum, d: e.divisor })} = ${f(e.value)}` });
	}
}
