/**
 * Fixes for a row whose numbers do not fit the stride: a padding, a stride (the nearest above and below)
 * or a kernel size that makes (W + 2P − d(K − 1) − 1) a multiple of the stride, each with its resulting shape.
 */
import type { Pair } from "../../engine/model-spec";
import type { RawLayer } from "./raw-layer";
import { pairText, shapeText, type Shape } from "./shape";
import { isPool, spatialGeometry, type SpatialGeometry } from "./spatial";

/** What a fix changes, kept so it can be said in the words its line was written in (notation, PyTorch, Keras). */
export type FixChange = { kind: "pad" | "stride" | "kernel" | "dilation"; value: Pair } | { kind: "ceil" } | { kind: "input" };

export interface Fix {
	/** What changes, in the user's syntax: "pad 1", "stride 4", "kernel 5x5", "ceil". */
	label: string;
	/** The whole line with the fix applied. */
	line: string;
	/** The output shape with the fix, e.g. "11×11×8". */
	shape: string;
	change: FixChange;
	/** The layer with the fix applied (the row's own layer for a new input size). */
	variant: RawLayer;
}

/** A change in the notation's words: "pad 1", "stride 4", "kernel 5x5", "dilation 2", "ceil". */
export function notationLabel(c: FixChange, inputText = ""): string {
	if (c.kind === "ceil") return "ceil";
	if (c.kind === "input") return inputText;
	if (c.kind === "kernel") return `kernel ${c.value[0]}x${c.value[1]}`;
	return `${c.kind} ${pairText(c.value)}`;
}

function fitsAxis(size: number, k: number, s: number, pb: number, pe: number, d: number): boolean {
	const span = size + pb + pe - (d * (k - 1) + 1);
	return span >= 0 && span % s === 0;
}

/** For each axis: the fixing value, or the current one when the axis already fits; null when an axis has none. */
function perAxis(g: SpatialGeometry, find: (axis: 0 | 1) => number | null, current: Pair): Pair | null {
	const out: Pair = [current[0], current[1]];
	for (const a of [0, 1] as const) {
		if (g.axes[a].fits) continue;
		const v = find(a);
		if (v === null) return null;
		out[a] = v;
	}
	return out;
}

export function formatLayer(L: RawLayer): string {
	const parts: string[] = [L.word];
	if (L.word === "conv" || L.word === "convtranspose") {
		parts.push(String(L.filters ?? 1));
		const k = L.kernel ?? [3, 3];
		parts.push(L.depth !== undefined ? `${k[0]}x${k[1]}x${L.depth}` : `${k[0]}x${k[1]}`);
	} else if (L.word === "depthwise") {
		const k = L.kernel ?? [3, 3];
		parts.push(`${k[0]}x${k[1]}`);
	} else if (L.word === "adaptiveavgpool") {
		const o = L.outSize ?? [1, 1];
		parts.push(`${o[0]}x${o[1]}`);
	} else if (isPool(L)) {
		const k = L.kernel ?? [2, 2];
		parts.push(pairText(k));
	}
	if (L.stride) parts.push(`stride ${pairText(L.stride)}`);
	if (L.pad !== undefined) parts.push(`pad ${Array.isArray(L.pad) ? pairText(L.pad) : L.pad}`);
	if (L.dilation && (L.dilation[0] !== 1 || L.dilation[1] !== 1)) parts.push(`dilation ${pairText(L.dilation)}`);
	if (L.outputPad && (L.outputPad[0] !== 0 || L.outputPad[1] !== 0)) parts.push(`outpad ${pairText(L.outputPad)}`);
	if (L.groups !== undefined && L.groups !== 1) parts.push(`groups ${L.groups}`);
	if (L.multiplier !== undefined && L.multiplier !== 1) parts.push(`multiplier ${L.multiplier}`);
	if (L.momentum !== undefined) parts.push(`momentum ${L.momentum}`);
	if (L.eps !== undefined) parts.push(`eps ${L.eps}`);
	if (L.ceil) parts.push("ceil");
	if (L.countIncludePad === false) parts.push("exclude-pad");
	if (L.bias === false) parts.push("bias false");
	if (L.word === "dense") parts.push(String(L.units ?? 1));
	if (L.word === "dropout" && L.p !== undefined) parts.push(String(L.p));
	if (L.word === "leakyrelu" && L.slope !== undefined) parts.push(String(L.slope));
	return parts.join(" ");
}

export interface FixContext {
	/** The row reads the block's own input (no spatial layer before it): resizing the input is a fix too. */
	fromInput?: boolean;
}

/**
 * Every fix, best first. What comes first keeps the intent of the line: the padding that makes the numbers
 * exact; where no padding does, the input size the architecture was drawn for (AlexNet's 227 for 11×11
 * stride 4 on 224) and then the padding that loses no input row; for pooling, ceil mode before a new stride
 * (a pool with stride 1 no longer downsamples). Each fix differs from the failing line.
 */
export function fixesFor(L: RawLayer, input: Shape, g: SpatialGeometry, ctx: FixContext = {}): Fix[] {
	const fixes: Fix[] = [];
	const sizes: Pair = [input.h, input.w];
	const pool = isPool(L);
	const k = g.kernel;
	const s = g.stride;
	const d = g.dilation;
	const pb = g.pad;
	const pe = g.padEnd;
	const original = formatLayer(L);
	const push = (fix: Fix): void => {
		if (fix.line === original || fixes.some((f) => f.label === fix.label || f.line === fix.line)) return;
		fixes.push(fix);
	};
	const add = (change: FixChange, variant: RawLayer, exact = true): void => {
		const vg = spatialGeometry(variant, input);
		if (!vg.out) return;
		if (exact ? !vg.axes[0].fits || !vg.axes[1].fits : vg.axes[0].unusedInput > 0 || vg.axes[1].unusedInput > 0) return;
		push({ label: notationLabel(change), line: formatLayer(variant), shape: shapeText(vg.out), change, variant });
	};
	const symmetric = pb[0] === pe[0] && pb[1] === pe[1] && L.pad !== "same";

	// a symmetric padding (pooling allows at most half the kernel)
	const pad = perAxis(
		g,
		(a) => {
			// the nearest padding, up or down
			const maxPad = pool ? Math.floor(k[a] / 2) : pb[a] + s[a];
			for (let delta = 1; delta <= s[a]; delta++) {
				for (const p of [pb[a] + delta, pb[a] - delta]) {
					if (p >= 0 && p <= maxPad && fitsAxis(sizes[a], k[a], s[a], p, p, d[a])) return p;
				}
			}
			return null;
		},
		pb,
	);
	if (pool && !g.ceil) {
		const variant: RawLayer = { ...L, ceil: true };
		const vg = spatialGeometry(variant, input);
		if (vg.out) push({ label: "ceil", line: formatLayer(variant), shape: shapeText(vg.out), change: { kind: "ceil" }, variant });
	}
	if (pad && symmetric) add({ kind: "pad", value: pad }, { ...L, pad, padEnd: undefined });
	else {
		if (ctx.fromInput && !pool) {
			// the input size this layer was drawn for: the nearest larger one that fits exactly
			const fit: Pair = [0, 1].map((a) => {
				for (let x = sizes[a]; x <= sizes[a] + s[a]; x++) if (fitsAxis(x, k[a], s[a], pb[a], pe[a], d[a])) return x;
				return sizes[a];
			}) as Pair;
			const vg = spatialGeometry(L, { ...input, h: fit[0], w: fit[1] });
			const text = `input ${fit[0]}x${fit[1]}x${input.c}`;
			if (vg.out && (fit[0] !== sizes[0] || fit[1] !== sizes[1])) fixes.push({ label: text, line: text, shape: shapeText(vg.out), change: { kind: "input" }, variant: L });
		}
		// no padding makes it exact: the smallest that still reaches every input row and column
		if (symmetric) {
			const maxPad: Pair = pool ? [Math.floor(k[0] / 2), Math.floor(k[1] / 2)] : [pb[0] + s[0], pb[1] + s[1]];
			for (let p = Math.min(pb[0], pb[1]) + 1; p <= Math.max(maxPad[0], maxPad[1]); p++) {
				const pp: Pair = [g.axes[0].unusedInput > 0 ? p : pb[0], g.axes[1].unusedInput > 0 ? p : pb[1]];
				if (pp[0] > maxPad[0] || pp[1] > maxPad[1]) break;
				const before = fixes.length;
				add({ kind: "pad", value: pp }, { ...L, pad: pp, padEnd: undefined }, false);
				if (fixes.length > before) break;
			}
		}
	}

	// the nearest stride above, then below
	const strideAbove = perAxis(
		g,
		(a) => {
			const span = sizes[a] + pb[a] + pe[a] - (d[a] * (k[a] - 1) + 1);
			for (let x = s[a] + 1; x <= Math.max(d[a] * (k[a] - 1) + 1, s[a] + 1); x++) if (span % x === 0) return x;
			return null;
		},
		s,
	);
	const strideBelow = perAxis(
		g,
		(a) => {
			const span = sizes[a] + pb[a] + pe[a] - (d[a] * (k[a] - 1) + 1);
			for (let x = s[a] - 1; x >= 1; x--) if (span % x === 0) return x;
			return null;
		},
		s,
	);
	if (strideAbove) add({ kind: "stride", value: strideAbove }, { ...L, stride: strideAbove });
	if (strideBelow) add({ kind: "stride", value: strideBelow }, { ...L, stride: strideBelow });

	// the nearest kernel size (for pooling with the default stride, the stride moves with the kernel: skip)
	if (!(pool && L.stride === undefined)) {
		const kern = perAxis(
			g,
			(a) => {
				for (let delta = 1; delta <= s[a]; delta++) {
					for (const x of [k[a] + delta, k[a] - delta]) {
						if (x >= 1 && (!pool || pb[a] <= Math.floor(x / 2)) && fitsAxis(sizes[a], x, s[a], pb[a], pe[a], d[a])) return x;
					}
				}
				return null;
			},
			k,
		);
		if (kern) add({ kind: "kernel", value: kern }, { ...L, kernel: kern, depth: L.depth });
	}
	return fixes;
}

/**
 * Fixes for a window larger than the padded input (the output would be 0 or less): the largest kernel, then the
 * largest dilation, whose window d·(k − 1) + 1 fits, then the padding that makes room for it (a pool only up to
 * half its window). The block's table and the inline check both offer these; none repeats the failing line.
 */
export function windowFixes(L: RawLayer, input: Shape, g: SpatialGeometry): Fix[] {
	const pool = isPool(L);
	const sizes: Pair = [input.h, input.w];
	const room: Pair = [sizes[0] + g.pad[0] + g.padEnd[0], sizes[1] + g.pad[1] + g.padEnd[1]];
	const need: Pair = [0, 1].map((a) => Math.max(g.pad[a], Math.ceil((g.axes[a].effKernel - sizes[a]) / 2))) as Pair;
	const fitK = (a: 0 | 1): number => Math.max(1, Math.min(g.kernel[a], Math.floor((room[a] - 1) / g.dilation[a]) + 1));
	const fitD = (a: 0 | 1): number => (g.kernel[a] > 1 ? Math.max(1, Math.min(g.dilation[a], Math.floor((room[a] - 1) / (g.kernel[a] - 1)))) : g.dilation[a]);
	const candidates: [FixChange, RawLayer][] = [];
	const kernel: Pair = [fitK(0), fitK(1)];
	candidates.push([{ kind: "kernel", value: kernel }, { ...L, kernel, depth: L.depth }]);
	if (!pool) {
		const dilation: Pair = [fitD(0), fitD(1)];
		candidates.push([{ kind: "dilation", value: dilation }, { ...L, dilation }]);
	}
	if (!pool || (need[0] <= g.kernel[0] / 2 && need[1] <= g.kernel[1] / 2)) candidates.push([{ kind: "pad", value: need }, { ...L, pad: need, padEnd: undefined }]);
	const original = formatLayer(L);
	const fixes: Fix[] = [];
	for (const [change, variant] of candidates) {
		const line = formatLayer(variant);
		const vg = spatialGeometry(variant, input);
		if (!vg.out || line === original || fixes.some((f) => f.line === line)) continue;
		fixes.push({ label: notationLabel(change), line, shape: shapeText(vg.out), change, variant });
	}
	return fixes;
}

/** The table and the Problems list show at most this many fixes: more is a list to read, not a fix. */
export const MAX_FIXES = 3;

export function fixesText(fixes: Fix[]): string {
	return fixes.map((f) => `${f.label} → ${f.shape}`).join(", ");
}
