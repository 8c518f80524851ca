/**
 * Shape inference over the layers as written, PyTorch's semantics, with each row's formula in the user's
 * numbers, its parameters, multiply-adds and receptive field, and the problems found on it.
 */
import type { InputShape, LayerSpec, Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-spec";
import type { DiagnosticList } from "./diagnostics";
import { adaptiveBin } from "./formula";
import { adaptiveRow, batchNormRow, gapRow, groupedNotes, groupsFit, stridedNote, transposedRow, type RowDiag, type RowResult } from "./layer-rows";
import { fixesFor, fixesText, formatLayer, MAX_FIXES, windowFixes, type Fix } from "./fixes";
import { fixesAsWritten, formatAsWritten } from "./written-fix";
import { fmtReal, type AxisResult } from "./formula";
import type { RawLayer } from "./raw-layer";
import { fmtCount, pairText, shapeSize, shapeText, type Shape } from "./shape";
import { BlockShapes, type BlockRowInfo } from "./residual-rows";
import { isPool, spatialGeometry, type SpatialGeometry } from "./spatial";
import type { Diagnostic } from "../diagnostic";
import type { LayerLine } from "./types";

export interface ShapeRow {
	layer: RawLayer;
	/** The engine's description; null when the row has an error. */
	spec: LayerSpec | null;
	input: Shape | null;
	output: Shape | null;
	/** The formula(s) with the user's numbers; two (vertical, horizontal) when the axes differ. */
	formulas: string[];
	/** "4×4×3 × 8" for a convolution, "2×2" for pooling, "400 × 120" for dense; "" otherwise. */
	filter: string;
	/** Trainable parameters. */
	params: number;
	/** Values saved with the weights but not trained: batch norm's running mean and variance (Keras's "non-trainable params"). */
	nonTrainable: number;
	macs: number;
	/**
	 * Receptive field size and jump per axis, while the activations are still images. `upTo`: after a transposed conv
	 * or an adaptive pool the size is the most any output value sees (its neighbours may see fewer) and the jump is
	 * an average (a fraction after upsampling).
	 */
	rf: { size: Pair; jump: Pair; upTo?: boolean } | null;
	fixes: Fix[];
	diagnostics: Diagnostic[];
	/** How many residual blocks hold the row (0: none), for the table's indentation. A block's own rows count the blocks around it. */
	nest: number;
	/** Set on a residual block's own rows: its shortcut (at `residual`) and its add (at `end`). */
	block?: BlockRowInfo;
}

export interface ShapeReport {
	input: Shape | null;
	rows: ShapeRow[];
	layers: LayerLine[];
	/** True when every row has a shape and a spec. */
	complete: boolean;
}

function rowDiag(row: ShapeRow, diags: DiagnosticList, col: number, severity: Diagnostic["severity"], message: string, suggestion?: string): void {
	const d: Diagnostic = { line: row.layer.line, column: col, severity, message };
	if (suggestion !== undefined) d.suggestion = suggestion;
	row.diagnostics.push(d);
	diags.add(d);
}

function sameAxes(g: SpatialGeometry, input: Shape): boolean {
	return (
		input.h === input.w &&
		g.kernel[0] === g.kernel[1] &&
		g.stride[0] === g.stride[1] &&
		g.pad[0] === g.pad[1] &&
		g.padEnd[0] === g.padEnd[1] &&
		g.dilation[0] === g.dilation[1]
	);
}

export function unusedText(ax: [AxisResult, AxisResult]): string {
	const r = ax[0].fits ? 0 : ax[0].unusedInput;
	const c = ax[1].fits ? 0 : ax[1].unusedInput;
	if (r === 0 && c === 0) return t("spec.unused.padOnly");
	if (r === c) return t(r === 1 ? "spec.unused.rowCol" : "spec.unused.rowsCols", { n: r });
	if (c === 0) return t(r === 1 ? "spec.unused.row" : "spec.unused.rows", { n: r });
	if (r === 0) return t(c === 1 ? "spec.unused.col" : "spec.unused.cols", { n: c });
	return t("spec.unused.rowsAndCols", {
		r,
		c,
		rows: r === 1 ? t("spec.unused.part.row") : t("spec.unused.part.rows", { n: r }),
		cols: c === 1 ? t("spec.unused.part.col") : t("spec.unused.part.cols", { n: c }),
	});
}

function spatialRow(row: ShapeRow, L: RawLayer, cur: Shape, diags: DiagnosticList, rf: { size: Pair; jump: Pair }, fromInput: boolean): Shape | null {
	const pool = isPool(L);
	const g = spatialGeometry(L, cur);
	const same = sameAxes(g, cur);
	const labels = [t("spec.vertical"), t("spec.horizontal")];
	const axisFormula = (a: 0 | 1): string => {
		const f = g.axes[a].formula;
		if (!g.same) return f;
		const size = a === 0 ? cur.h : cur.w;
		return g.stride[a] > 1 ? `same: ⌈${size}/${g.stride[a]}⌉ = ${Math.ceil(size / g.stride[a])}; ${f}` : `same: ${f}`;
	};
	row.formulas = same ? [axisFormula(0)] : [`${labels[0]}: ${axisFormula(0)}`, `${labels[1]}: ${axisFormula(1)}`];
	if (g.dilation[0] > 1 || g.dilation[1] > 1) {
		const eff: Pair = [g.axes[0].effKernel, g.axes[1].effKernel];
		row.formulas.push(
			t("spec.dilationNote", { k: `${g.kernel[0]}×${g.kernel[1]}`, d: pairText(g.dilation), eff: `${eff[0]}×${eff[1]}`, calc: `${g.dilation[0]}·(${g.kernel[0]} − 1) + 1 = ${eff[0]}` }),
		);
	}
	// a grouped conv's filter sees C/groups channels; a depthwise one is a conv with one group per channel
	const groups = L.word === "depthwise" ? cur.c : (L.groups ?? 1);
	const filters = g.out?.c ?? (L.word === "depthwise" ? cur.c * (L.multiplier ?? 1) : (L.filters ?? 1));
	if (pool) row.filter = `${g.kernel[0]}×${g.kernel[1]}`;
	else row.filter = `${g.kernel[0]}×${g.kernel[1]}×${groups > 1 ? fmtReal(cur.c / groups) : cur.c} × ${filters}`;

	let ok = true;
	if (!pool && groups > 1 && !groupsFit(L, cur, filters, groups, (sev, msg, fix) => rowDiag(row, diags, L.column, sev, msg, fix))) return null;
	if (L.dilation && pool && (L.dilation[0] > 1 || L.dilation[1] > 1)) {
		rowDiag(row, diags, L.column, "warning", t("spec.poolDilationIgnored"));
	}
	if (!pool && L.depth !== undefined && L.depth !== cur.c) {
		const k = `${g.kernel[0]}x${g.kernel[1]}`;
		rowDiag(
			row,
			diags,
			L.depthColumn ?? L.column,
			"error",
			t("spec.depthMismatch", { depth: L.depth, c: cur.c }),
			t("spec.depthFix", { a: `conv ${L.filters ?? 1} ${k}`, b: `conv ${L.filters ?? 1} ${k}x${cur.c}` }),
		);
		ok = false;
	}
	if (pool && (g.pad[0] > Math.floor(g.kernel[0] / 2) || g.pad[1] > Math.floor(g.kernel[1] / 2))) {
		const maxPad: Pair = [Math.floor(g.kernel[0] / 2), Math.floor(g.kernel[1] / 2)];
		rowDiag(
			row,
			diags,
			L.column,
			"error",
			t("spec.poolPadTooLarge", { pad: pairText(g.pad), k: pairText(g.kernel), max: pairText(maxPad) }),
			// in the syntax the line was written in (a pasted nn.MaxPool2d is offered an nn.MaxPool2d)
			formatAsWritten(L, { ...L, pad: maxPad, padEnd: undefined }, cur.c),
		);
		ok = false;
	}
	if (!g.out) {
		const padded = `${cur.h + g.pad[0] + g.padEnd[0]}×${cur.w + g.pad[1] + g.padEnd[1]}`;
		const eff = `${g.axes[0].effKernel}×${g.axes[1].effKernel}`;
		// in the syntax the line was written in (a pasted nn.Conv2d is offered an nn.Conv2d)
		const written = (v: RawLayer): string => formatAsWritten(L, v, cur.c);
		const original = written(L);
		const suggestions = [...new Set(windowFixes(L, cur, g).map((f) => written(f.variant)))].filter((c) => c !== original);
		rowDiag(row, diags, L.column, "error", t("spec.kernelTooLarge", { eff, padded, formula: row.formulas.join("; ") }), suggestions.join(t("spec.or")) || undefined);
		return null;
	}

	// Keras 'same' with a stride: ceil(W/S), with the odd padding row at the bottom/right
	// (pooling cannot pad unevenly at all: that error below says it once)
	if (g.same && !(pool && (g.pad[0] !== g.padEnd[0] || g.pad[1] !== g.padEnd[1])) && (g.stride[0] > 1 || g.stride[1] > 1 || g.pad[0] !== g.padEnd[0] || g.pad[1] !== g.padEnd[1])) {
		const asym = g.pad[0] !== g.padEnd[0] || g.pad[1] !== g.padEnd[1];
		rowDiag(
			row,
			diags,
			L.column,
			asym ? "warning" : "info",
			t(asym ? "spec.sameAsym" : "spec.sameStride", {
				stride: pairText(g.stride),
				calc: `⌈${cur.h}/${g.stride[0]}⌉ = ${g.out.h}`,
				top: pairText(g.pad),
				bottom: pairText(g.padEnd),
			}),
		);
	}

	// the textbook check: does the window land exactly on the last row and column?
	if (!g.same && !g.ceil && (!g.axes[0].fits || !g.axes[1].fits)) {
		let formula: string;
		if (same) formula = g.axes[0].claim;
		else
			formula = ([0, 1] as const)
				.filter((a) => !g.axes[a].fits)
				.map((a) => `${labels[a]} ${g.axes[a].claim}`)
				.join(", ");
		const outText = ([0, 1] as const)
			.filter((a) => !g.axes[a].fits && (a === 0 || !same))
			.map((a) => String(g.axes[a].out))
			.join(t("spec.and"));
		// a pasted framework call's fixes in that framework's words (`ceil_mode=True`, `padding="same"`)
		row.fixes = fixesAsWritten(L, fixesFor(L, cur, g, { fromInput: fromInput }), cur).slice(0, MAX_FIXES);
		// when only zero padding is cut off no input is lost, and pools whose windows overlap (AlexNet's
		// 3 stride 2) are drawn that way: worth knowing, not worth a warning
		const losesInput = g.axes[0].unusedInput > 0 || g.axes[1].unusedInput > 0;
		const overlaps = pool && ([0, 1] as const).every((a) => g.axes[a].fits || g.kernel[a] > g.stride[a]);
		// when no input is lost the exact settings are offered, but not a new stride: it changes the downsampling
		// the network was drawn with (torchvision's AlexNet, 11×11 stride 4 pad 2, was offered "stride 7")
		if (!losesInput || overlaps) row.fixes = row.fixes.filter((f) => !/^stride\b/.test(f.label));
		rowDiag(
			row,
			diags,
			L.column,
			losesInput && !overlaps ? "warning" : "info",
			t(!same && !g.axes[0].fits && !g.axes[1].fits ? "spec.notIntegers" : "spec.notInteger", { formula, out: outText, unused: unusedText(g.axes) }),
			row.fixes.length ? fixesText(row.fixes) : undefined,
		);
	}

	const out = g.out;
	if (pool) {
		row.params = 0;
		row.macs = 0;
	} else {
		const per = g.kernel[0] * g.kernel[1] * (cur.c / groups);
		const f = out.c;
		row.params = per * f + (L.bias === false ? 0 : f);
		row.macs = out.h * out.w * f * per;
		if (groups > 1) row.formulas.push(...groupedNotes(L, cur, out, g.kernel, groups, row.params, row.macs));
		const strided = stridedNote([cur.h, cur.w], [out.h, out.w], g.kernel, g.stride, g.pad, g.padEnd, g.dilation);
		if (strided && !g.same) row.formulas.push(strided);
	}
	for (const a of [0, 1] as const) {
		rf.size[a] += (g.axes[a].effKernel - 1) * rf.jump[a];
		rf.jump[a] *= g.stride[a];
	}
	row.rf = rfCopy(rf);
	if (ok) {
		if (pool) {
			row.spec = {
				type: L.word as "maxpool" | "avgpool",
				kernel: g.kernel,
				stride: g.stride,
				pad: g.pad,
				ceil: g.ceil,
				countIncludePad: L.countIncludePad !== false,
			};
			if (g.pad[0] !== g.padEnd[0] || g.pad[1] !== g.padEnd[1]) {
				// ceil mode gives what Keras's uneven 'same' gives, without the uneven padding
				const ceil = formatLayer({ ...L, pad: undefined, padEnd: undefined, ceil: true });
				const ceilOut = spatialGeometry({ ...L, pad: undefined, padEnd: undefined, ceil: true }, cur).out;
				const fix = ceilOut && ceilOut.h === out.h && ceilOut.w === out.w ? `${ceil} → ${shapeText(ceilOut)}` : formatLayer({ ...L, pad: g.pad, padEnd: undefined });
				const why = L.pad === "same" ? t("spec.poolSameAsym", { top: pairText(g.pad), bottom: pairText(g.padEnd) }) : t("spec.poolAsymPad");
				rowDiag(row, diags, L.column, "error", why, fix);
				row.spec = null;
			}
		} else if (L.word === "depthwise") {
			if (g.pad[0] !== g.padEnd[0] || g.pad[1] !== g.padEnd[1]) {
				rowDiag(row, diags, L.column, "error", t("spec.poolAsymPad"), formatLayer({ ...L, pad: g.pad, padEnd: undefined }));
			} else {
				row.spec = { type: "depthwise", multiplier: L.multiplier ?? 1, kernel: g.kernel, stride: g.stride, pad: g.pad, dilation: g.dilation, bias: L.bias !== false };
			}
		} else {
			row.spec = { type: "conv", filters: L.filters ?? 1, kernel: g.kernel, stride: g.stride, pad: g.pad, dilation: g.dilation, bias: L.bias !== false };
			if (g.pad[0] !== g.padEnd[0] || g.pad[1] !== g.padEnd[1]) row.spec.padEnd = g.padEnd;
			if (groups > 1) row.spec.groups = groups;
		}
	}
	return out;
}

function diagOf(row: ShapeRow, diags: DiagnosticList): RowDiag {
	return (severity, message, suggestion) => rowDiag(row, diags, row.layer.column, severity, message, suggestion);
}

/** Copies a layer-rows result into the row; returns its output. */
function applyRow(row: ShapeRow, r: RowResult): Shape | null {
	row.spec = r.spec;
	row.formulas = r.formulas;
	row.filter = r.filter;
	row.params = r.params;
	row.nonTrainable = r.nonTrainable;
	row.macs = r.macs;
	return r.out;
}

function rfCopy(rf: { size: Pair; jump: Pair; upTo?: boolean }): { size: Pair; jump: Pair; upTo?: boolean } {
	return rf.upTo ? { size: [rf.size[0], rf.size[1]], jump: [rf.jump[0], rf.jump[1]], upTo: true } : { size: [rf.size[0], rf.size[1]], jump: [rf.jump[0], rf.jump[1]] };
}

/**
 * The receptive field through a layer whose windows are not one grid on its input. A transposed conv's output value
 * gets contributions from at most ⌊d·(k − 1)/s⌋ + 1 neighbouring inputs, and neighbouring outputs are 1/s input apart;
 * an adaptive pool's widest bin (PyTorch's ⌊i·in/out⌋ … ⌈(i + 1)·in/out⌉) sets the most, its bins sit in/out apart.
 */
function growUnevenRf(rf: { size: Pair; jump: Pair; upTo?: boolean }, L: RawLayer, cur: Shape, out: Shape): void {
	const sizes: Pair = [cur.h, cur.w];
	const outs: Pair = [out.h, out.w];
	for (const a of [0, 1] as const) {
		if (L.word === "convtranspose") {
			const k = (L.kernel ?? [3, 3])[a];
			const s = (L.stride ?? [1, 1])[a];
			const d = (L.dilation ?? [1, 1])[a];
			rf.size[a] += Math.floor((d * (k - 1)) / s) * rf.jump[a];
			rf.jump[a] /= s;
		} else {
			let widest = 0;
			for (let i = 0; i < outs[a]; i++) {
				const [b, e] = adaptiveBin(i, sizes[a], outs[a]);
				widest = Math.max(widest, e - b);
			}
			rf.size[a] += (widest - 1) * rf.jump[a];
			rf.jump[a] *= sizes[a] / outs[a];
		}
	}
	rf.upTo = true;
}

export function inferShapes(input: InputShape | null, layers: RawLayer[], diags: DiagnosticList): ShapeReport {
	const start: Shape | null = input ? { c: input[0], h: input[1], w: input[2], flat: false } : null;
	let cur = start;
	const rows: ShapeRow[] = [];
	const rf: { size: Pair; jump: Pair; upTo?: boolean } = { size: [1, 1], jump: [1, 1] };
	let softmaxLine: number | null = null;
	let complete = cur !== null;
	// until the first convolution or pool, a row still reads the block's own input size
	let spatialSeen = false;
	const blocks = new BlockShapes();
	const biasRows: ShapeRow[] = [];
	for (const L of layers) {
		const row: ShapeRow = { layer: L, spec: null, input: cur, output: null, formulas: [], filter: "", params: 0, nonTrainable: 0, macs: 0, rf: null, fixes: [], diagnostics: [], nest: L.nest ?? 0 };
		rows.push(row);
		if (softmaxLine !== null && L.word !== "end") {
			rowDiag(row, diags, L.column, "error", t("spec.afterSoftmax", { line: softmaxLine }), t("spec.afterSoftmaxFix"));
		}
		if (L.word === "residual") {
			// the shortcut's row, filled at the block's end
			blocks.open(row, rows.length - 1, cur, rf);
			continue;
		}
		if (L.word === "end") {
			cur = blocks.close(row, rows, cur, rf, diags);
			row.output = cur;
			if (!row.spec) complete = false;
			continue;
		}
		blocks.noteLayer(L.word);
		if (L.word === "unknown") {
			// nothing is known about this line: it has no shape, and the next row reads what came before it
			complete = false;
			continue;
		}
		if (!cur || L.broken) {
			complete = false;
			cur = null;
			continue;
		}
		const inShape: Shape = cur;
		let out: Shape | null = inShape;
		switch (L.word) {
			case "conv":
			case "depthwise":
			case "maxpool":
			case "avgpool":
				if (inShape.flat) {
					rowDiag(row, diags, L.column, "error", t("spec.spatialAfterFlat", { layer: L.word, n: inShape.c }), t("spec.spatialAfterFlatFix"));
					out = null;
				} else {
					out = spatialRow(row, L, inShape, diags, rf, !spatialSeen);
					spatialSeen = true;
				}
				break;
			case "convtranspose":
			case "gap":
			case "adaptiveavgpool":
				if (inShape.flat) {
					rowDiag(row, diags, L.column, "error", t("spec.spatialAfterFlat", { layer: L.word, n: inShape.c }), t("spec.spatialAfterFlatFix"));
					out = null;
					break;
				}
				out = applyRow(row, L.word === "gap" ? gapRow(inShape) : L.word === "adaptiveavgpool" ? adaptiveRow(L, inShape) : transposedRow(L, inShape, diagOf(row, diags)));
				if (out && L.word !== "gap") {
					growUnevenRf(rf, L, inShape, out);
					row.rf = rfCopy(rf);
				}
				spatialSeen = true;
				break;
			case "batchnorm": {
				out = applyRow(row, batchNormRow(L, inShape, diagOf(row, diags)));
				// A conv's bias straight before a batch norm is subtracted again with the mean: said once for the
				// block, at the first such conv, naming the others (a ResNet has one before every batch norm).
				const prev = rows[rows.length - 2];
				if (prev && prev.layer.word === "conv" && prev.layer.bias !== false && prev.nest === row.nest && prev.spec) biasRows.push(prev);
				break;
			}
			case "flatten":
				out = { h: 1, w: 1, c: shapeSize(inShape), flat: true };
				if (inShape.flat) rowDiag(row, diags, L.column, "info", t("spec.alreadyFlat"));
				row.spec = { type: "flatten" };
				break;
			case "dense": {
				const units = L.units ?? 1;
				const n = shapeSize(inShape);
				out = { h: 1, w: 1, c: units, flat: true };
				row.filter = `${fmtCount(n)} × ${fmtCount(units)}`;
				row.params = n * units + (L.bias === false ? 0 : units);
				row.macs = n * units;
				if (!inShape.flat) {
					rowDiag(row, diags, L.column, "error", t("spec.denseNeedsFlatten", { shape: shapeText(inShape), n }), "flatten");
				} else row.spec = { type: "dense", units, bias: L.bias !== false };
				break;
			}
			case "relu":
			case "sigmoid":
			case "tanh":
				row.spec = { type: L.word };
				break;
			case "leakyrelu":
				row.spec = { type: "leakyrelu", slope: L.slope ?? 0.01 };
				break;
			case "dropout":
				row.spec = { type: "dropout", p: L.p ?? 0.5 };
				break;
			case "softmax":
				row.spec = { type: "softmax" };
				if (!inShape.flat) rowDiag(row, diags, L.column, "warning", t("spec.softmaxSpatial"), "flatten");
				softmaxLine = L.line;
				break;
		}
		if (softmaxLine !== null && softmaxLine !== L.line) row.spec = null;
		row.output = out;
		if (out && !out.flat && row.rf === null) row.rf = rfCopy(rf);
		if (!row.spec) complete = false;
		if (row.diagnostics.some((d) => d.severity === "error")) {
			row.spec = null;
			complete = false;
		}
		cur = out;
	}
	if (biasRows.length > 0) {
		const [first, ...others] = biasRows;
		const more = others.length ? t("spec.biasBeforeBatchnormMore", { lines: others.map((r) => r.layer.line).join(", ") }) : "";
		rowDiag(first, diags, first.layer.column, "info", t("spec.biasBeforeBatchnorm") + more, "nobias");
	}
	const lines: LayerLine[] = [];
	// the model's layers are the top level's: a residual block is one, at its `residual` line, its body inside its spec
	for (const r of rows) {
		if (!r.spec || r.nest > 0) continue;
		const start = r.block ? rows.find((x) => x.block?.role === "shortcut" && x.layer.line === r.block!.start) : undefined;
		lines.push(start ? { spec: r.spec, line: start.layer.line, text: start.layer.text } : { spec: r.spec, line: r.layer.line, text: r.layer.text });
	}
	return { input: start, rows, layers: lines, complete };
}

