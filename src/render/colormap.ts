/**
 * Colormaps for heatmaps: value → RGBA, pure (no DOM), so the colour buffers are testable in Node.
 *
 * - viridis / magma: sequential, for activations and non-negative maps.
 * - gray: black → white, for pixels.
 * - coolwarm: diverging, blue below 0, neutral at 0, red above; the range is made symmetric around 0 so that
 *   the neutral colour always means zero.
 */
export type ColormapName = "viridis" | "magma" | "gray" | "coolwarm";

export interface ValueRange {
	min: number;
	max: number;
}

type Rgb = readonly [number, number, number];

// Evenly spaced anchors; colours in between are interpolated linearly (matplotlib's tables at 10 samples).
const ANCHORS: Record<ColormapName, readonly Rgb[]> = {
	viridis: [
		[68, 1, 84],
		[72, 40, 120],
		[62, 73, 137],
		[49, 104, 142],
		[38, 130, 142],
		[31, 158, 137],
		[53, 183, 121],
		[110, 206, 88],
		[181, 222, 43],
		[253, 231, 37],
	],
	magma: [
		[0, 0, 4],
		[24, 15, 61],
		[68, 15, 118],
		[114, 31, 129],
		[158, 47, 127],
		[205, 64, 113],
		[241, 96, 93],
		[253, 150, 104],
		[254, 202, 141],
		[252, 253, 191],
	],
	gray: [
		[0, 0, 0],
		[255, 255, 255],
	],
	coolwarm: [
		[59, 76, 192],
		[141, 176, 254],
		[221, 221, 221],
		[244, 154, 123],
		[180, 4, 38],
	],
};

/** 256-entry RGB lookup tables, built once per map on first use. */
const luts = new Map<ColormapName, Uint8Array>();

function lut(name: ColormapName): Uint8Array {
	let t = luts.get(name);
	if (t) return t;
	const a = ANCHORS[name];
	t = new Uint8Array(256 * 3);
	for (let i = 0; i < 256; i++) {
		const x = (i / 255) * (a.length - 1);
		const j = Math.min(a.length - 2, Math.floor(x));
		const f = x - j;
		for (let c = 0; c < 3; c++) t[i * 3 + c] = Math.round(a[j][c] * (1 - f) + a[j + 1][c] * f);
	}
	luts.set(name, t);
	return t;
}

export function isDiverging(name: ColormapName): boolean {
	return name === "coolwarm";
}

/** Smallest and largest finite value; {0, 0} when there is none. */
export function valueRange(data: ArrayLike<number>): ValueRange {
	let min = Infinity;
	let max = -Infinity;
	for (let i = 0; i < data.length; i++) {
		const v = data[i];
		if (!Number.isFinite(v)) continue;
		if (v < min) min = v;
		if (v > max) max = v;
	}
	return min === Infinity ? { min: 0, max: 0 } : { min, max };
}

/** The range actually mapped: symmetric around 0 for a diverging map, never empty. */
export function mappedRange(name: ColormapName, r: ValueRange): ValueRange {
	if (isDiverging(name)) {
		const m = Math.max(Math.abs(r.min), Math.abs(r.max)) || 1;
		return { min: -m, max: m };
	}
	return r.max > r.min ? r : { min: r.min - 0.5, max: r.min + 0.5 };
}

/**
 * A map suited to the values: gray for pixels in 0..1, diverging when there are values of both signs,
 * otherwise the user's preferred sequential map.
 */
export function chooseColormap(r: ValueRange, kind: "pixels" | "values", preferred: ColormapName = "viridis"): ColormapName {
	if (kind === "pixels") return "gray";
	if (r.min < 0 && r.max > 0) return "coolwarm";
	return preferred === "coolwarm" ? "viridis" : preferred;
}

/** Lookup index 0..255 of value v in range r (already mapped); NaN → 0. */
function index(v: number, min: number, span: number): number {
	if (Number.isNaN(v)) return 0;
	const i = Math.round(((v - min) / span) * 255);
	return i < 0 ? 0 : i > 255 ? 255 : i;
}

/** The colour of one value, as [r, g, b]. */
export function colorOf(name: ColormapName, v: number, r: ValueRange): [number, number, number] {
	const m = mappedRange(name, r);
	const t = lut(name);
	const i = index(v, m.min, m.max - m.min) * 3;
	return [t[i], t[i + 1], t[i + 2]];
}

export function cssColorOf(name: ColormapName, v: number, r: ValueRange): string {
	const [red, g, b] = colorOf(name, v, r);
	return `rgb(${red}, ${g}, ${b})`;
}

/** Perceived lightness 0..1, to pick dark or light text on top of a cell. */
export function lightnessOf(name: ColormapName, v: number, r: ValueRange): number {
	const [red, g, b] = colorOf(name, v, r);
	return (0.2126 * red + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Fills an RGBA buffer (4 bytes per value, alpha 255; non-finite values transparent) for ImageData.
 * Pass `out` to reuse a buffer of length 4·data.length.
 */
export function toRgba(data: ArrayLike<number>, name: ColormapName, r: ValueRange = valueRange(data), out?: Uint8ClampedArray): Uint8ClampedArray {
	const n = data.length;
	const buf = out && out.length === n * 4 ? out : new Uint8ClampedArray(n * 4);
	const m = mappedRange(name, r);
	const span = m.max - m.min;
	const t = lut(name);
	for (let p = 0; p < n; p++) {
		const v = data[p];
		const o = p * 4;
		if (!Number.isFinite(v)) {
			buf[o] = buf[o + 1] = buf[o + 2] = buf[o + 3] = 0;
			continue;
		}
		const i = index(v, m.min, span) * 3;
		buf[o] = t[i];
		buf[o + 1] = t[i + 1];
		buf[o + 2] = t[i + 2];
		buf[o + 3] = 255;
	}
	return buf;
}

/** n evenly spaced stops from the mapped minimum to the maximum, each with its value and CSS colour. */
export function legendStops(name: ColormapName, r: ValueRange, n = 5): { value: number; css: string }[] {
	const m = mappedRange(name, r);
	const out: { value: number; css: string }[] = [];
	for (let i = 0; i < n; i++) {
		const value = m.min + ((m.max - m.min) * i) / (n - 1);
		out.push({ value, css: cssColorOf(name, value, m) });
	}
	return out;
}

/** A CSS linear-gradient through the map, left = minimum. */
export function cssGradient(name: ColormapName, steps = 9): string {
	const stops = legendStops(name, { min: 0, max: 1 }, steps).map((s, i) => `${s.css} ${Math.round((i / (steps - 1)) * 100)}%`);
	return `linear-gradient(to right, ${stops.join(", ")})`;
}
