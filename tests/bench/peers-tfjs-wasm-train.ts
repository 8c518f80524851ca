import * as tf from "@tensorflow/tfjs-core";
import { randomArray } from "./timing";

/**
 * TensorFlow.js's WASM backend (4.22) has no Conv2DBackpropFilter kernel, so a conv net cannot train on it out of
 * the box. The smallest fix: a conv2d (stride 1, symmetric padding, as W4 and W5 use) whose gradient is written
 * with kernels the backend has. dx is the transposed convolution (Conv2DBackpropInput). dW is itself a
 * convolution: swap batch and channels of x ([Cin, H, W, N]) and use dy as the filter ([Ho, Wo, N, Cout]), which
 * gives [Cin, KH, KW, Cout] → transpose to [KH, KW, Cin, Cout].
 */
export function trainableConv2d(x: tf.Tensor4D, w: tf.Tensor4D, pad: number): tf.Tensor4D {
	const f = tf.customGrad(((xi: tf.Tensor4D, wi: tf.Tensor4D, save: tf.GradSaveFunc) => {
		save([xi, wi]);
		return {
			value: tf.conv2d(xi, wi, 1, pad),
			gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]): tf.Tensor[] => {
				const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
				const dx = tf.conv2dTranspose(dy as tf.Tensor4D, ws, xs.shape, 1, pad);
				const xT = tf.transpose(xs, [3, 1, 2, 0]);
				const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
				// Explicit padding: tfjs sizes a numeric pad as if the filter were square, and dy rarely is.
				const explicit: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [pad, pad], [pad, pad], [0, 0]];
				const dw = tf.transpose(tf.conv2d(xT, dyT, 1, explicit), [1, 2, 0, 3]);
				return [dx, dw];
			},
		};
	}) as unknown as Parameters<typeof tf.customGrad>[0]);
	return f(x, w) as tf.Tensor4D;
}

/** Largest |custom − built-in| over dx and dW on the CPU backend, where the built-in gradient exists. */
export function checkTrainableConv2d(): number {
	const x = tf.tensor4d(randomArray(2 * 9 * 7 * 3, 5), [2, 9, 7, 3]);
	const w = tf.tensor4d(randomArray(5 * 5 * 3 * 4, 6), [5, 5, 3, 4]);
	let worst = 0;
	for (const pad of [0, 2]) {
		const dy = tf.randomNormal(tf.conv2d(x, w, 1, pad).shape, 0, 1, "float32", 7);
		const ours = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(trainableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, pad), dy)))([x, w]);
		const ref = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad), dy)))([x, w]);
		for (let i = 0; i < 2; i++) worst = Math.max(worst, tf.max(tf.abs(tf.sub(ours[i], ref[i]))).dataSync()[0]);
	}
	return worst;
}
