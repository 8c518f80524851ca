/**
 * Learning-rate schedules as torch.optim.lr_scheduler computes them, in closed form (a pure function of where the
 * run is, so the trainer keeps no schedule state and a resumed or replayed run gets the same rates):
 * - step: StepLR(step_size, gamma), stepped once per epoch: lr·gamma^⌊e/step_size⌋;
 * - cosine: CosineAnnealingLR(T_max = the epochs after any warmup, eta_min 0), stepped once per epoch;
 * - onecycle: OneCycleLR(max_lr, total_steps = epochs·batches) with its defaults (pct_start 0.3, cos annealing,
 *   div_factor 25, final_div_factor 1e4), stepped once per batch; the base lr is then max_lr/25, as in PyTorch.
 *   Only the rate is cycled: the export writes cycle_momentum=False so PyTorch runs the same thing;
 * - warmup W: LinearLR(start_factor 1/(W+1), total_iters W) for the first W epochs, then the schedule from its own
 *   epoch 0 (SequentialLR with milestones [W]): epoch e < W runs at lr·(e+1)/(W+1).
 */

export type ScheduleKind = "constant" | "step" | "cosine" | "onecycle";

export interface LrSchedule {
	kind: ScheduleKind;
	/** step: epochs between decays (StepLR's step_size). */
	stepSize?: number;
	/** step: the factor of each decay (StepLR's gamma). */
	gamma?: number;
	/** onecycle: the peak rate (OneCycleLR's max_lr). */
	maxLr?: number;
	/** Epochs of linear warmup before the schedule (0: none). Ignored by onecycle, which warms up by itself. */
	warmup: number;
}

/** OneCycleLR's defaults. */
export const ONECYCLE = { pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4 } as const;

/** Where a run is: 0-based epoch and batch, and its length. */
export interface SchedulePoint {
	epoch: number;
	batch: number;
	epochs: number;
	batches: number;
}

/** PyTorch's cosine annealing from `start` to `end` as `pct` goes 0 → 1. */
function annealCos(start: number, end: number, pct: number): number {
	return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

/** OneCycleLR.get_lr at step `t` of `total` (two phases: up to max_lr, then down to max_lr/25/1e4). */
export function oneCycleLr(maxLr: number, t: number, total: number): number {
	const initial = maxLr / ONECYCLE.divFactor;
	const min = initial / ONECYCLE.finalDivFactor;
	const end1 = ONECYCLE.pctStart * total - 1;
	const end2 = total - 1;
	if (t <= end1) return annealCos(initial, maxLr, t / end1);
	return annealCos(maxLr, min, (t - end1) / (end2 - end1));
}

/** The rate of the batch at `p` for a run whose optimizer was given `base`. */
export function scheduledLr(s: LrSchedule | null | undefined, base: number, p: SchedulePoint): number {
	if (!s) return base;
	if (s.kind === "onecycle") return oneCycleLr(s.maxLr ?? base, p.epoch * p.batches + p.batch, p.epochs * p.batches);
	const w = s.warmup;
	if (p.epoch < w) return (base * (p.epoch + 1)) / (w + 1);
	const e = p.epoch - w;
	switch (s.kind) {
		case "constant":
			return base;
		case "step":
			return base * Math.pow(s.gamma ?? 0.1, Math.floor(e / Math.max(1, s.stepSize ?? 1)));
		case "cosine": {
			const tMax = Math.max(1, p.epochs - w);
			return annealCos(base, 0, e / tMax);
		}
	}
}
