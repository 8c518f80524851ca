import * as tf from "@tensorflow/tfjs-core";
import { registerTfjsGradients } from "./tfjs-gradients";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import type { Runner } from "./timing";
import { randomArray } from "./timing";

registerTfjsGradients();

export type TfBackend = "cpu" | "wasm";

export async function tfUse(backend: TfBackend): Promise<void> {
	if (tf.getBackend() !== backend) {
		const ok = await tf.setBackend(backend);
		if (!ok) throw new Error(`tfjs backend ${backend} did not start`);
	}
	await tf.ready();
}

/** A conv forward over an NHWC batch (TensorFlow.js's native layout), reading the result back. */
export async function tfConvForward(backend: TfBackend, n: number, c: number, h: number, w: number, filters: number, k: number, pad: number): Promise<Runner> {
	await tfUse(backend);
	const x = tf.tensor4d(randomArray(n * h * w * c, 21), [n, h, w, c]);
	const f = tf.tensor4d(randomArray(k * k * c * filters, 22), [k, k, c, filters]);
	const b = tf.tensor1d(randomArray(filters, 23));
	return {
		run() {
			const y = tf.tidy(() => tf.add(tf.conv2d(x, f, 1, pad), b));
			y.dataSync();
			y.dispose();
		},
		dispose() {
			x.dispose();
			f.dispose();
			b.dispose();
		},
	};
}

export type TfConv = (x: tf.Tensor4D, w: tf.Tensor4D, pad: number) => tf.Tensor4D;

/**
 * Training batches of W4 or W5 with tf.train.momentum(0.01, 0.9) and softmax cross-entropy; `conv` replaces
 * tf.conv2d where a backend needs a gradient it lacks (see peers-tfjs-wasm-train.ts).
 */
export async function tfTrain(backend: TfBackend, kind: "w4" | "w5", batch: number, conv: TfConv = (x, w, pad) => tf.conv2d(x, w, 1, pad)): Promise<Runner> {
	await tfUse(backend);
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
			tf.maxPool(tf.relu(tf.add(conv(inp, vars[wi] as tf.Tensor4D, pad), vars[wi + 1])) as tf.Tensor4D, 2, 2, "valid");
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
			tf.tidy(() => {
				opt.minimize(loss, false, vars);
			});
		},
		dispose() {
			opt.dispose();
			for (const q of vars) q.dispose();
			x.dispose();
			labels.dispose();
		},
	};
}
