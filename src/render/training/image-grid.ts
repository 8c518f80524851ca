import { createHeatmap, type Heatmap } from "../heatmap";
import type { ColormapName, ValueRange } from "../colormap";

/** One C×H×W image as a single plane for drawing: the channel itself, or the mean over channels. */
export function toPlane(data: Float32Array, shape: number[]): { width: number; height: number; data: Float32Array } {
	if (shape.length === 1) return { width: shape[0], height: 1, data };
	const [c, h, w] = shape;
	if (c === 1) return { width: w, height: h, data: data.subarray(0, h * w) };
	const out = new Float32Array(h * w);
	for (let k = 0; k < c; k++) {
		const o = k * h * w;
		for (let i = 0; i < h * w; i++) out[i] += data[o + i] / c;
	}
	return { width: w, height: h, data: out };
}

/** Collects heatmaps so a view can destroy them all on unload or when it is redrawn. */
export class HeatmapSet {
	private readonly maps: Heatmap[] = [];

	add(
		parent: HTMLElement,
		grid: { width: number; height: number; data: ArrayLike<number> },
		label: string,
		colormap: ColormapName,
		range?: ValueRange,
	): Heatmap {
		const h = createHeatmap(parent, grid, { label, colormap, range, size: "s", legend: false });
		this.maps.push(h);
		return h;
	}

	redraw(): void {
		for (const m of this.maps) m.redraw();
	}

	get size(): number {
		return this.maps.length;
	}

	destroy(): void {
		for (const m of this.maps.splice(0)) m.destroy();
	}
}
