/** The per-batch loss curve: from the trainer's batches to the thinned points a run note keeps. */
import type { BatchMetrics, LossPoint } from "../engine/run-metrics";

/** Most per-batch points kept in a note; more are merged pairwise. */
export const MAX_BATCH_POINTS = 200;

/** Where a batch sits on the curve: x in epochs (the last batch of epoch 1 is at 1). */
export function lossPoint(b: BatchMetrics, batchesPerEpoch: number): LossPoint {
	return { x: b.epoch - 1 + b.batch / batchesPerEpoch, y: b.loss };
}

/** Keeps at most `max` points by merging neighbours (x of the later one, mean of y). */
export function thinPoints(pts: readonly LossPoint[], max = MAX_BATCH_POINTS): LossPoint[] {
	let out = pts.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y)).map((p) => ({ x: p.x, y: p.y }));
	while (out.length > max) {
		const next: LossPoint[] = [];
		for (let i = 0; i + 1 < out.length; i += 2) next.push({ x: out[i + 1].x, y: (out[i].y + out[i + 1].y) / 2 });
		if (out.length % 2 === 1) next.push(out[out.length - 1]);
		out = next;
	}
	return out;
}
