/**
 * Fixes for a row whose numbers do not fit the stride: a padding, a stride (the nearest above and below)
 * or a kernel size that makes (W + 2P − d(K − 1) − 1) a multiple of the stride, each with its resulting shape.
 */
import type { Pair } from "../../engine/model-spec";
import type { RawLayer } from "./raw-layer";
import { pairText, shapeText, type Shape } from "./shape";
import { isPool, spatialGeometry, type SpatialGeometry } from "./spatial";

export interface Fix {
	/** What changes, in the user's syntax: "pad 1", "stride 4", "kernel 5x5", "ceil". */
	label: string;
	/** The whole line with the fix applied. */
	line: string;
	/** The output shape with the fix, e.g. "11×11×8". */
	shape: string;
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
	if (L.word === "conv") {
		parts.push(String(L.filters ?? 1));
		const k = L.kernel ?? [3, 3];
		parts.push(L.depth !== undefined ? `${k[0]}x${k[1]}x${L.depth}` : `${k[0]}x${k[1]}`);
	} else if (isPool(L)) {
		const k = L.kernel ?? [2, 2];
		parts.push(pairText(k));
	}
	if (L.stride) parts.push(`stride ${pairText(L.stride)}`);
	if (L.pad !== undefined) parts.push(`pad ${Array.isArray(L.pad) ? pairText(L.pad) : L.pad}`);
	if (L.dilation && (L.dilation[0] !== 1 || L.dilation[1] !== 1)) parts.push(`dilation ${pairText(L.dilation)}`);
	if (L.ceil) parts.push("ceil");
	if (L.countIncludePad === false) parts.push("exclude-pad");
	if (L.bias === false) parts.push("bias false");
	if (L.word === "dense") parts.push(String(L.units ?? 1));
	if (L.word === "dropout" && L.p !== undefined) parts.push(String(L.p));
	if (L.word === "leakyrelu" && L.slope !== undefined) parts.push(String(L.slope));
	return parts.join(" ");
}

export function fixesFor(L: RawLayer, input: Shape, g: SpatialGeometry): Fix[] {
	const fixes: Fix[] = [];
	const sizes: Pair = [input.h, input.w];
	const pool = isPool(L);
	const k = g.kernel;
	const s = g.stride;
	const d = g.dilation;
	const pb = g.pad;
	const pe = g.padEnd;
	const add = (label: string, variant: RawLayer): void => {
		const vg = spatialGeometry(variant, input);
		if (!vg.out || !vg.axes[0].fits || !vg.axes[1].fits) return;
		if (fixes.some((f) => f.label === label)) return;
		fixes.push({ label, line: formatLayer(variant), shape: shapeText(vg.out) });
	};

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
	if (pad && pb[0] === pe[0] && pb[1] === pe[1]) add(`pad ${pairText(pad)}`, { ...L, pad, padEnd: undefined });

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
	if (strideAbove) add(`stride ${pairText(strideAbove)}`, { ...L, stride: strideAbove });
	const strideBelow = perAxis(
		g,
		(a) => {
			const span = sizes[a] + pb[a] + pe[a] - (d[a] * (k[a] - 1) + 1);
			for (let x = s[a] - 1; x >= 1; x--) if (span % x === 0) return x;
			return null;
		},
		s,
	);
	if (strideBelow) add(`stride ${pairText(strideBelow)}`, { ...L, stride: strideBelow });

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
		if (kern) add(`kernel ${kern[0]}x${kern[1]}`, { ...L, kernel: kern, depth: L.depth });
	}
	if (pool && !g.ceil) {
		const vg = spatialGeometry({ ...L, ceil: true }, input);
		if (vg.out) fixes.push({ label: "ceil", line: formatLayer({ ...L, ceil: true }), shape: shapeText(vg.out) });
	}
	return fixes;
}

export function fixesText(fixes: Fix[]): string {
	return fixes.map((f) => `${f.label} → ${f.shape}`).join(", ");
}
