import type { JobStep, TrainingJob } from "../../../src/worker/job";
import type { EpochMetrics } from "../../../src/engine/run-metrics";
import type { RunResult, Snapshot, StartMessage } from "../../../src/worker/messages";

/**
 * A stand-in job for protocol tests: `batches` per epoch, a loss that falls 1/step, an optional NaN at a given
 * (epoch, batch), and a clock the test advances by `msPerBatch` per step.
 */
export class FakeJob implements TrainingJob {
	steps = 0;
	finished = 0;
	readonly info;
	constructor(
		readonly msg: StartMessage,
		private readonly clock: { t: number },
		private readonly opts: { batches: number; msPerBatch: number; nanAt?: [number, number] },
	) {
		this.info = {
			datasetName: "fake",
			classNames: ["a", "b"],
			trainCount: opts.batches * msg.train.batch,
			valCount: 10,
			batchesPerEpoch: opts.batches,
			epochs: msg.train.epochs,
			inputShape: msg.model.input,
			paramCount: 3,
		};
	}
	step(): JobStep {
		this.clock.t += this.opts.msPerBatch;
		const i = this.steps++;
		const epoch = Math.floor(i / this.opts.batches) + 1;
		const batch = (i % this.opts.batches) + 1;
		const nan = this.opts.nanAt && this.opts.nanAt[0] === epoch && this.opts.nanAt[1] === batch;
		const loss = nan ? NaN : 1 / (i + 1);
		const endEpoch = batch === this.opts.batches;
		return {
			batch: { epoch, batch, loss, acc: 0.5 },
			epoch: endEpoch && !nan ? { epoch, loss, acc: 0.5, valLoss: loss, valAcc: 0.6, seconds: 0.1 } : null,
			samples: this.msg.train.batch,
			done: endEpoch && epoch === this.msg.train.epochs && !nan,
			failed: nan ? `loss became NaN at epoch ${epoch}, batch ${batch}` : null,
		};
	}
	/** The weights "as trained so far": the number of steps taken, so a test can tell which moment a copy is of. */
	weights(): Float32Array {
		return Float32Array.of(this.steps);
	}
	snapshot(): Snapshot {
		return { filters: null, activations: [], sampleIndex: 0, sampleLabel: 0 };
	}
	finish(last: EpochMetrics | null): RunResult {
		this.finished++;
		return { final: last, confusion: [[1, 0], [0, 1]], samples: [], after: this.snapshot(), weights: new Float32Array(3) };
	}
}
