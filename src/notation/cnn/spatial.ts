/** Geometry of a convolution or pooling row: resolves `same`/`valid`, then the output size on each axis. */
import type { Pair } from "../../engine/model-spec";
import { axisOut, samePadding, type AxisResult } from "./formula";
import type { RawLayer } from "./raw-layer";
import type { Shape } from "./shape";

export interface SpatialGeometry {
	kernel: Pair;
	stride: Pair;
	dilation: Pair;
	pad: Pair;
	padEnd: Pair;
	same: boolean;
	ceil: boolean;
	axes: [AxisResult, AxisResult];
	/** null when an axis comes out at 0 or less. */
	out: Shape | null;
}

export function isPool(L: RawLayer): boolean {
	return L.word === "maxpool" || L.word === "avgpool";
}

export function spatialGeometry(L: RawLayer, input: Shape): SpatialGeometry {
	const pool = isPool(L);
	const kernel: Pair = L.kernel ?? (pool ? [2, 2] : [3, 3]);
	const stride: Pair = L.stride ?? (pool ? kernel : [1, 1]);
	const dilation: Pair = pool ? [1, 1] : (L.dilation ?? [1, 1]);
	const ceil = pool && L.ceil === true;
	let pad: Pair = [0, 0];
	let padEnd: Pair = [0, 0];
	const same = L.pad === "same";
	if (same) {
		const v = samePadding(input.h, kernel[0], stride[0], dilation[0]);
		const h = samePadding(input.w, kernel[1], stride[1], dilation[1]);
		pad = [v.begin, h.begin];
		padEnd = [v.end, h.end];
	} else if (Array.isArray(L.pad)) {
		pad = L.pad;
		padEnd = L.padEnd ?? L.pad;
	}
	const sizes: Pair = [input.h, input.w];
	const axes = [0, 1].map((i) =>
		axisOut({
			size: sizes[i],
			kernel: kernel[i],
			stride: stride[i],
			padBegin: pad[i],
			padEnd: padEnd[i],
			dilation: dilation[i],
			ceil,
		}),
	) as [AxisResult, AxisResult];
	const c = pool ? input.c : L.word === "depthwise" ? input.c * (L.multiplier ?? 1) : (L.filters ?? 1);
	const out = axes[0].out >= 1 && axes[1].out >= 1 ? { h: axes[0].out, w: axes[1].out, c, flat: false } : null;
	return { kernel, stride, dilation, pad, padEnd, same, ceil, axes, out };
}
