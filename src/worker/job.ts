import type { BatchMetrics, EpochMetrics } from "../engine/run-metrics";
import type { RunInfo, RunResult, Snapshot, StartMessage } from "./messages";

/** What one step of a job did: one mini-batch, maybe the end of an epoch, maybe the end of the run or a failure. */
export interface JobStep {
	batch: BatchMetrics | null;
	epoch: EpochMetrics | null;
	/** Samples trained in this step. */
	samples: number;
	done: boolean;
	/** NaN / Inf: a message that names the epoch and batch. */
	failed: string | null;
}

/** A training run as the protocol drives it; the engine binding (engine-job.ts) implements it. */
export interface TrainingJob {
	readonly info: RunInfo;
	step(): JobStep;
	snapshot(): Snapshot;
	/** The weights as they are now, copied (a mid-run view); a job without it sends no views while training. */
	weights?(): Float32Array;
	/** Final views from the weights as they are now (after done or stop). */
	finish(lastEpoch: EpochMetrics | null): RunResult;
}

export type JobFactory = (msg: StartMessage) => Promise<TrainingJob>;
