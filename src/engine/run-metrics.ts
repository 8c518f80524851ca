/**
 * The numbers a training run produces, as one set of types for every layer that handles them: the trainer's
 * events, the worker's messages, the run note, the charts and the CLI. They live in the engine because every
 * other layer may import the engine and the engine imports none of them. Types only: page code may import them
 * without putting engine code into main.js a second time (see tests/unit/bundle-graph.test.ts).
 */

/** One finished epoch. Epochs count from 1. */
export interface EpochMetrics {
	epoch: number;
	/** Mean training loss over the epoch. */
	loss: number;
	/** Training accuracy 0..1; null only in a log that did not record it. */
	acc: number | null;
	/** null when nothing is held out for validation. */
	valLoss: number | null;
	valAcc: number | null;
	/** The learning rate at the epoch's first batch (a schedule moves it); absent in logs that did not record it. */
	lr?: number | null;
	/** Wall time of the epoch in seconds, validation included; absent when read back from a note (not stored). */
	seconds?: number;
}

/** One trained mini-batch. */
export interface BatchMetrics {
	/** 1-based. */
	epoch: number;
	/** 1-based within the epoch. */
	batch: number;
	loss: number;
	acc: number;
}

/**
 * A point of the per-batch loss curve: x in epochs (0.5 = half-way through the first epoch). Not a BatchMetrics:
 * the stored curve is thinned, so one point may stand for several batches.
 */
export interface LossPoint {
	x: number;
	y: number;
}
