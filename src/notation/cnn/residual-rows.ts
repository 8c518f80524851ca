/**
 * The shape-table rows of a residual block, y = body(x) + shortcut(x): the shortcut's row (at the `residual` line:
 * the identity, or the projection — a 1×1 conv with the body's stride and output channels, no bias, then batch norm
 * when the body has one, as torchvision's ResNet builds it) and the add's row (at `end`), with the check PyTorch makes
 * at the add, said with the layer that changed the shape and the fix. The block's ResidualSpec is built here.
 */
import type { LayerSpec, Pair } from "../../engine/model-spec";
import { t } from "../../i18n";
import "../../i18n/strings-residual";
import "../../i18n/strings-spec";
import type { DiagnosticList } from "./diagnostics";
import { formatLayer } from "./fixes";
import { fmtCount, pairText, shapeText, type Shape } from "./shape";
import type { ShapeRow } from "./shapes";
import type { Diagnostic } from "../diagnostic";

export type Rf = { size: Pair; jump: Pair; upTo?: boolean };

/** What a residual block's own rows say about it; absent on a layer's row. */
export interface BlockRowInfo {
	role: "shortcut" | "add";
	/** The line of the block's `residual`. */
	start: number;
	/** The shortcut's layers (the shortcut row): [] for the identity, else the projection's conv (and batch norm). */
	shortcut?: LayerSpec[];
	/** The add's two inputs (the add row): the body's output and the shortcut's, when both are known. */
	addends?: [Shape, Shape];
}

interface OpenBlock {
	row: ShapeRow;
	index: number;
	input: Shape | null;
	rf: Rf;
	hasBn: boolean;
}

const same = (a: Shape, b: Shape): boolean => a.flat === b.flat && a.c === b.c && (a.flat || (a.h === b.h && a.w === b.w));
const copy = (rf: Rf): Rf => (rf.upTo ? { size: [rf.size[0], rf.size[1]], jump: [rf.jump[0], rf.jump[1]], upTo: true } : { size: [rf.size[0], rf.size[1]], jump: [rf.jump[0], rf.jump[1]] });

function say(row: ShapeRow, diags: DiagnosticList, severity: Diagnostic["severity"], message: string, suggestion?: string): void {
	const d: Diagnostic = { line: row.layer.line, column: row.layer.column, severity, message };
	if (suggestion) d.suggestion = suggestion;
	row.diagnostics.push(d);
	diags.add(d);
}

/** The layers' rows inside a block (any depth), without the blocks' own rows: where a shape can have changed. */
function layerRows(rows: ShapeRow[]): ShapeRow[] {
	return rows.filter((r) => !r.block && r.input && r.output);
}

/**
 * "`conv 32 3x3 stride 2 pad 1` (line 12) changes the channels 16 → 32. " (and the size, by the same layer or
 * another), with the lines that would keep the block's shape: the channels back to the input's, no stride.
 */
function causes(rows: ShapeRow[], input: Shape, body: Shape): { text: string; fixes: string[] } {
	const layers = layerRows(rows);
	const hw = (s: Shape): string => `${s.h}×${s.w}`;
	const byC = input.c !== body.c || input.flat !== body.flat ? layers.find((x) => x.input!.c !== x.output!.c || x.input!.flat !== x.output!.flat) : undefined;
	const bySize = !input.flat && !body.flat && (input.h !== body.h || input.w !== body.w) ? layers.find((x) => !x.output!.flat && (x.input!.h !== x.output!.h || x.input!.w !== x.output!.w)) : undefined;
	const parts: string[] = [];
	const fixes: string[] = [];
	const fixOf = (r: ShapeRow, channels: boolean, stride: boolean): void => {
		const L = r.layer;
		const strided = stride && L.stride !== undefined && (L.stride[0] > 1 || L.stride[1] > 1);
		// a convolution that shrinks the map without a stride keeps it with `pad same`
		const padded = stride && !strided && (L.word === "conv" || L.word === "depthwise");
		if ((channels && L.word === "conv") || strided || padded) {
			fixes.push(formatLayer({ ...L, filters: channels && L.word === "conv" ? input.c : L.filters, stride: strided ? undefined : L.stride, pad: padded ? "same" : L.pad, padEnd: padded ? undefined : L.padEnd }));
		}
	};
	if (byC && byC === bySize) {
		parts.push(t("res.changesBoth", { layer: byC.layer.text, line: byC.layer.line, from: byC.input!.c, to: byC.output!.c, fromSize: hw(byC.input!), toSize: hw(byC.output!) }));
		fixOf(byC, true, true);
	} else {
		if (byC) {
			parts.push(t("res.changesChannels", { layer: byC.layer.text, line: byC.layer.line, from: byC.input!.c, to: byC.output!.c }));
			fixOf(byC, true, false);
		}
		if (bySize) {
			parts.push(t("res.changesSize", { layer: bySize.layer.text, line: bySize.layer.line, from: hw(bySize.input!), to: hw(bySize.output!) }));
			fixOf(bySize, false, true);
		}
	}
	return { text: parts.join(""), fixes };
}

/** PyTorch's broadcasting check compares NCHW from the last dimension: the first that differs is the one it names. */
function torchDims(a: Shape, b: Shape): { a: number; b: number; dim: number } {
	const dims = (s: Shape): number[] => (s.flat ? [s.c] : [s.c, s.h, s.w]);
	const da = dims(a);
	const db = dims(b);
	for (let i = Math.min(da.length, db.length) - 1; i >= 0; i--) if (da[i] !== db[i]) return { a: da[i], b: db[i], dim: i + 1 };
	return { a: da[0], b: db[0], dim: 1 };
}

/** The product of the body's strides (its convolutions' and pools'), per axis: the projection's stride. */
function bodyStride(rows: ShapeRow[]): Pair {
	const s: Pair = [1, 1];
	for (const r of layerRows(rows)) {
		const spec = r.spec;
		if (spec && (spec.type === "conv" || spec.type === "depthwise" || spec.type === "maxpool" || spec.type === "avgpool")) {
			s[0] *= spec.stride[0];
			s[1] *= spec.stride[1];
		}
	}
	return s;
}

/** The residual blocks open while the rows are computed, innermost last. */
export class BlockShapes {
	private readonly stack: OpenBlock[] = [];

	/** At `residual`: its row becomes the shortcut's once the body's output is known. */
	open(row: ShapeRow, index: number, input: Shape | null, rf: Rf): void {
		row.block = { role: "shortcut", start: row.layer.line };
		this.stack.push({ row, index, input, rf: copy(rf), hasBn: false });
	}

	/** Every layer inside: a batch norm in the body puts one on the projection too. */
	noteLayer(word: string): void {
		if (word === "batchnorm") for (const b of this.stack) b.hasBn = true;
	}

	/** The projection's output for this body, or null when no 1×1 conv with the body's stride gives the body's size. */
	private static projected(inside: ShapeRow[], input: Shape, body: Shape): { s: Pair; out: Pair } | null {
		if (input.flat || body.flat) return null;
		const s = bodyStride(inside);
		const out: Pair = [Math.floor((input.h - 1) / s[0]) + 1, Math.floor((input.w - 1) / s[1]) + 1];
		return out[0] === body.h && out[1] === body.w ? { s, out } : null;
	}

	/**
	 * At `end` (its row is pushed last in `rows`): fills the shortcut's row and the add's, checks the add, sets the
	 * receptive field to the larger of the two branches' and returns the block's output (the body's, so the rows
	 * after a mismatch still have shapes).
	 */
	close(row: ShapeRow, rows: ShapeRow[], body: Shape | null, rf: Rf, diags: DiagnosticList): Shape | null {
		const b = this.stack.pop();
		if (!b) return body;
		const sc = b.row;
		const inside = rows.slice(b.index + 1, rows.length - 1);
		row.block = { role: "add", start: sc.layer.line };
		row.input = body;
		// a block that cannot be one (nested too deep, empty) has its error at `residual`: its layers still have shapes
		if (sc.layer.broken) return body;
		if (!b.input || !body) return null;
		const input = b.input;
		const shortcut: LayerSpec[] = [];
		let short: Shape = input;
		let shortRf = copy(b.rf);
		if (!sc.layer.project) {
			sc.formulas = [t("res.identity", { shape: shapeText(input) })];
		} else if (input.flat || body.flat) {
			say(row, diags, "error", t("res.projectFlat", { body: shapeText(body) }));
			return body;
		} else {
			const p = BlockShapes.projected(inside, input, body);
			if (!p) {
				const c = causes(inside, input, body);
				say(row, diags, "error", t("res.projectCannot", { input: shapeText(input), body: shapeText(body), cause: c.text }), c.fixes.join(t("spec.or")) || undefined);
				return body;
			}
			const { s, out } = p;
			const f = body.c;
			short = { h: out[0], w: out[1], c: f, flat: false };
			sc.filter = `1×1×${input.c} × ${f}`;
			sc.params = input.c * f;
			sc.macs = out[0] * out[1] * f * input.c;
			const calc = s[0] === s[1] && input.h === input.w ? `⌊(${input.h} − 1)/${s[0]}⌋ + 1 = ${out[0]}` : `${pairText([input.h, input.w])} → ${pairText(out)}`;
			sc.formulas = [t("res.projectConv", { s: pairText(s), f, calc })];
			shortcut.push({ type: "conv", filters: f, kernel: [1, 1], stride: s, pad: [0, 0], dilation: [1, 1], bias: false });
			if (b.hasBn) {
				sc.formulas.push(t("res.projectBn", { c: f }));
				sc.params += 2 * f;
				sc.nonTrainable = 2 * f;
				sc.macs += out[0] * out[1] * f;
				shortcut.push({ type: "batchnorm" });
			}
			shortRf = { size: shortRf.size, jump: [shortRf.jump[0] * s[0], shortRf.jump[1] * s[1]] };
			if (shortRf.upTo || b.rf.upTo) shortRf.upTo = true;
			if (same(input, body)) say(sc, diags, "info", t("res.projectNotNeeded", { n: fmtCount(sc.params) }), "residual");
		}
		sc.output = short;
		if (!short.flat) sc.rf = copy(shortRf);
		sc.block = { role: "shortcut", start: sc.layer.line, shortcut };
		row.block.addends = [body, short];
		row.formulas = [t("res.add", { body: shapeText(body), shortcut: shapeText(short), out: shapeText(body) })];
		if (!same(body, short)) {
			const c = causes(inside, input, body);
			const d = torchDims(body, short);
			// `residual project` is offered only where the projection would match
			const fixes = [...(!sc.layer.project && BlockShapes.projected(inside, input, body) ? ["residual project"] : []), ...c.fixes];
			const message = body.flat || short.flat ? t("res.flatBranch", { body: shapeText(body), shortcut: shapeText(short) }) : t("res.mismatch", { body: shapeText(body), shortcut: shapeText(short), cause: c.text, a: d.a, b: d.b, dim: d.dim });
			say(row, diags, "error", message, fixes.join(t("spec.or")) || undefined);
		}
		if (!body.flat) {
			const bodyRf = copy(rf);
			for (const a of [0, 1] as const) rf.size[a] = Math.max(rf.size[a], shortRf.size[a]);
			row.rf = copy(rf);
			const text = (x: Rf): string => pairText([Math.round(x.size[0] * 100) / 100, Math.round(x.size[1] * 100) / 100]);
			row.formulas.push(t("res.rfLarger", { rf: text(rf), body: text(bodyRf), shortcut: text(shortRf) }));
		}
		const direct = inside.filter((r) => (r.layer.nest ?? 0) === (row.layer.nest ?? 0) + 1 && r.block?.role !== "shortcut");
		const ok = row.diagnostics.every((d) => d.severity !== "error") && direct.length > 0 && direct.every((r) => r.spec !== null);
		row.spec = ok ? { type: "residual", body: direct.map((r) => r.spec!), shortcut } : null;
		return body;
	}
}
