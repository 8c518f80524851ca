import * as tf from "@tensorflow/tfjs-core";
import type { Runner } from "./timing";
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

/** Training batches of W4 or W5 on the WASM backend with the custom conv gradient above. */
export function tfWasmTrain(kind: "w4" | "w5", batch: number): Runner {
	const side = kind === "w4" ? 28 : 8;
	const x = tf.tensor4d(randomArray(batch * side * side, 31), [batch, side, side, 1]);
	const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7) % 10), "int32"), 10);
	const v = (shape: number[], seed: number): tf.Variable => tf.variable(tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed).map((q) => q * 0.1), shape));
	const vars =
		kind === "w4"
			? [v([5, 5, 1, 8], 1), v([8], 2), v([5, 5, 8, 16], 3), v([16], 4), v([400, 64], 5), v([64], 6), v([64, 10], 7), v([10], 8)]
			: [v([3, 3, 1, 8], 1), v([8], 2), v([128, 10], 3), v([10], 4)];
	const loss = (): tf.Scalar => {
		const block = (inp: tf.Tensor4D, wi: number, pad: number): tf.Tensor4D =>
			tf.maxPool(tf.relu(tf.add(trainableConv2d(inp, vars[wi] as tf.Tensor4D, pad), vars[wi + 1])) as tf.Tensor4D, 2, 2, "valid");
		let hdn = block(x, 0, kind === "w4" ? 2 : 1);
		if (kind === "w4") hdn = block(hdn, 2, 0);
		let flat = tf.reshape(hdn, [batch, -1]) as tf.Tensor2D;
		if (kind === "w4") flat = tf.relu(tf.add(tf.matMul(flat, vars[4] as tf.Tensor2D), vars[5])) as tf.Tensor2D;
		const last = kind === "w4" ? 6 : 2;
		const logits = tf.add(tf.matMul(flat, vars[last] as tf.Tensor2D), vars[last + 1]);
		return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
	};
	const opt = tf.train.momentum(0.01, 0.9);
	return {
		run() {
			const l = tf.tidy(() => opt.minimize(loss, true, vars) ?? tf.scalar(0));
			// Read the loss back so the batch is really finished before the clock stops.
			l.dataSync();
			l.dispose();
		},
		dispose() {
			opt.dispose();
			for (const q of vars) q.dispose();
			x.dispose();
			labels.dispose();
		},
	};
}
