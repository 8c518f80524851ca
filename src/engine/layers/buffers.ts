import type { Tensor } from "../tensor";
import { size } from "../tensor";

/**
 * A layer-owned batch tensor [n, ...sampleShape]: reallocated only when the batch size changes, so a training run
 * allocates once per batch size.
 */
export class BatchBuffer {
	readonly tensor: Tensor = { shape: [0], data: new Float32Array(0) };
	private readonly sample: number[];
	private readonly sampleSize: number;

	constructor(sampleShape: readonly number[]) {
		this.sample = sampleShape.slice();
		this.sampleSize = size(sampleShape);
	}

	/** The tensor for batch size n (contents are whatever the last use left). */
	forBatch(n: number): Tensor {
		if (this.tensor.shape[0] !== n || this.tensor.shape.length !== this.sample.length + 1) {
			this.tensor.shape = [n, ...this.sample];
			this.tensor.data = new Float32Array(n * this.sampleSize);
		}
		return this.tensor;
	}
}

/** Batch size of x after checking that each sample has the layer's input size. */
export function batchOf(x: Tensor, inShape: readonly number[], what: string): number {
	const n = x.shape[0];
	const per = size(inShape);
	if (x.shape.length < 1 || x.data.length !== n * per) {
		throw new Error(`${what}: expected input [N, ${inShape.join(", ")}], got [${x.shape.join(", ")}]`);
	}
	return n;
}
