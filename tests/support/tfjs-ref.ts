/**
 * TensorFlow.js (CPU backend) as an independent reference for the engine's ops: random inputs, NCHW ↔ NHWC, and
 * forward values with the gradients of Σ f(inputs) ⊙ dy from tfjs's own autodiff.
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import type { Rng } from "../../src/engine/rng";
import type { Tensor } from "../../src/engine/tensor";

export function rand(shape: number[], rng: Rng): Tensor {
	let n = 1;
	for (const d of shape) n *= d;
	const data = new Float32Array(n);
	for (let i = 0; i < n; i++) data[i] = rng.next() * 2 - 1;
	return { shape, data };
}

export const tfOf = (t: Tensor): tf.Tensor => tf.tensor(t.data, t.shape);
export const toNhwc = (t: tf.Tensor): tf.Tensor4D => tf.transpose(t as tf.Tensor4D, [0, 2, 3, 1]);
export const toNchw = (t: tf.Tensor): tf.Tensor4D => tf.transpose(t as tf.Tensor4D, [0, 3, 1, 2]);

/** Forward values and the gradients of Σ f(inputs) ⊙ dy with respect to each input, from TensorFlow.js. */
export function tfRun(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Tensor[], dy: Tensor | null): { y: Float32Array; shape: number[]; grads: Float32Array[] } {
	return tf.tidy(() => {
		const ins = inputs.map(tfOf);
		const y = f(...ins);
		const up = dy ? tfOf(dy) : tf.onesLike(y);
		const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), up)))(ins);
		return { y: y.dataSync() as Float32Array, shape: y.shape, grads: grads.map((g) => g.dataSync() as Float32Array) };
	});
}

export function checkShape(actual: number[], expected: number[], what: string): void {
	if (actual.join(",") !== expected.join(",")) throw new Error(`${what}: shape [${actual.join(", ")}], tfjs [${expected.join(", ")}]`);
}

