/**
 * TensorFlow.js versions of the second lesson's bench workloads: W6 (W4 with batch norm after each conv, in
 * training mode: the batch's mean and biased variance, as PyTorch's BatchNorm2d trains) and W7 (a depthwise-separable
 * net: depthwise 3×3 then a 1×1 conv, as MobileNet does). Same optimiser and loss as tfTrain in peers-tfjs.ts.
 */
import * as tf from "@tensorflow/tfjs-core";
import { tfUse, type TfBackend, type TfConv } from "./peers-tfjs";
import type { Runner } from "./timing";
import { randomArray } from "./timing";

const variable = (shape: number[], seed: number, scale = 0.1): tf.Variable => tf.variable(tf.tensor(randomArray(shape.reduce((a, b) => a * b, 1), seed).map((q) => q * scale), shape));

/** Batch norm over the channels of an NHWC batch with the batch's statistics (training mode). */
function batchNorm(x: tf.Tensor4D, gamma: tf.Variable, beta: tf.Variable): tf.Tensor4D {
	const { mean, variance } = tf.moments(x, [0, 1, 2]);
	return tf.batchNorm(x, mean, variance, beta as tf.Tensor1D, gamma as tf.Tensor1D, 1e-5) as tf.Tensor4D;
}

function trainer(batch: number, side: number, vars: tf.Variable[], logits: (x: tf.Tensor4D) => tf.Tensor2D): Runner {
	const x = tf.tensor4d(randomArray(batch * side * side, 31), [batch, side, side, 1]);
	const labels = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => (i * 7) % 10), "int32"), 10);
	const opt = tf.train.momentum(0.01, 0.9);
	return {
		run() {
			tf.tidy(() => {
				opt.minimize(() => tf.losses.softmaxCrossEntropy(labels, logits(x)) as tf.Scalar, false, vars);
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

/** W6: conv 8@5×5 p2, bn, relu, pool 2, conv 16@5×5, bn, relu, pool 2, dense 64, relu, dense 10 on 28×28×1. */
export async function tfTrainBn(backend: TfBackend, batch: number, conv: TfConv = (x, w, pad) => tf.conv2d(x, w, 1, pad)): Promise<Runner> {
	await tfUse(backend);
	const ones = (n: number): tf.Variable => tf.variable(tf.ones([n]));
	const zeros = (n: number): tf.Variable => tf.variable(tf.zeros([n]));
	const v = [variable([5, 5, 1, 8], 1), variable([8], 2), ones(8), zeros(8), variable([5, 5, 8, 16], 3), variable([16], 4), ones(16), zeros(16), variable([400, 64], 5), variable([64], 6), variable([64, 10], 7), variable([10], 8)];
	const block = (inp: tf.Tensor4D, i: number, pad: number): tf.Tensor4D => tf.maxPool(tf.relu(batchNorm(tf.add(conv(inp, v[i] as tf.Tensor4D, pad), v[i + 1]), v[i + 2], v[i + 3])), 2, 2, "valid");
	return trainer(batch, 28, v, (x) => {
		const flat = tf.reshape(block(block(x, 0, 2), 4, 0), [batch, -1]) as tf.Tensor2D;
		const hidden = tf.relu(tf.add(tf.matMul(flat, v[8] as tf.Tensor2D), v[9])) as tf.Tensor2D;
		return tf.add(tf.matMul(hidden, v[10] as tf.Tensor2D), v[11]);
	});
}

/** W7: conv 8@3×3 p1, relu, depthwise 3×3 p1, conv 16@1×1, relu, pool 2, conv 16@3×3 p1 depthwise… on 28×28×1. */
export async function tfTrainDepthwise(backend: TfBackend, batch: number): Promise<Runner> {
	await tfUse(backend);
	const v = [variable([3, 3, 1, 8], 1), variable([8], 2), variable([3, 3, 8, 1], 3), variable([8], 4), variable([1, 1, 8, 16], 5), variable([16], 6), variable([3, 3, 16, 1], 7), variable([16], 8), variable([1, 1, 16, 32], 9), variable([32], 10), variable([7 * 7 * 32, 10], 11), variable([10], 12)];
	const separable = (inp: tf.Tensor4D, i: number): tf.Tensor4D => {
		const dw = tf.add(tf.depthwiseConv2d(inp, v[i] as tf.Tensor4D, 1, 1), v[i + 1]) as tf.Tensor4D;
		return tf.maxPool(tf.relu(tf.add(tf.conv2d(dw, v[i + 2] as tf.Tensor4D, 1, 0), v[i + 3])) as tf.Tensor4D, 2, 2, "valid");
	};
	return trainer(batch, 28, v, (x) => {
		const first = tf.relu(tf.add(tf.conv2d(x, v[0] as tf.Tensor4D, 1, 1), v[1])) as tf.Tensor4D;
		const flat = tf.reshape(separable(separable(first, 2), 6), [batch, -1]) as tf.Tensor2D;
		return tf.add(tf.matMul(flat, v[10] as tf.Tensor2D), v[11]);
	});
}

/**
 * W8: issue 19's mini-ResNet on 8×8×1 (tests/support/mini-resnet.ts): conv 16@3×3 p1, bn, relu; y = F(x) + x with F
 * = conv 16@3×3 p1, bn, relu, conv 16@3×3 p1, bn; relu; the same with 32 filters, the first conv stride 2, and the
 * shortcut a 1×1 conv stride 2 (no bias) and bn; relu; global average pooling; dense 10.
 */
export async function tfTrainResNet(backend: TfBackend, batch: number): Promise<Runner> {
	await tfUse(backend);
	const ones = (n: number): tf.Variable => tf.variable(tf.ones([n]));
	const zeros = (n: number): tf.Variable => tf.variable(tf.zeros([n]));
	let seed = 1;
	const convVars = (cin: number, f: number, k: number, bias = true): tf.Variable[] => [variable([k, k, cin, f], seed++), ...(bias ? [variable([f], seed++)] : []), ones(f), zeros(f)];
	const stem = convVars(1, 16, 3);
	const a1 = convVars(16, 16, 3);
	const a2 = convVars(16, 16, 3);
	const b1 = convVars(16, 32, 3);
	const b2 = convVars(32, 32, 3);
	const proj = convVars(16, 32, 1, false);
	const dense = [variable([32, 10], seed++), variable([10], seed++)];
	const v = [...stem, ...a1, ...a2, ...b1, ...b2, ...proj, ...dense];
	/** conv (+ bias), then batch norm with the batch's statistics */
	const convBn = (x: tf.Tensor4D, p: tf.Variable[], stride: number, pad: number): tf.Tensor4D => {
		const y = tf.conv2d(x, p[0] as tf.Tensor4D, stride, pad);
		const withBias = p.length === 4 ? (tf.add(y, p[1]) as tf.Tensor4D) : y;
		return batchNorm(withBias, p[p.length - 2], p[p.length - 1]);
	};
	return trainer(batch, 8, v, (x) => {
		const h0 = tf.relu(convBn(x, stem, 1, 1)) as tf.Tensor4D;
		const h1 = tf.relu(tf.add(convBn(tf.relu(convBn(h0, a1, 1, 1)) as tf.Tensor4D, a2, 1, 1), h0)) as tf.Tensor4D;
		const h2 = tf.relu(tf.add(convBn(tf.relu(convBn(h1, b1, 2, 1)) as tf.Tensor4D, b2, 1, 1), convBn(h1, proj, 2, 0))) as tf.Tensor4D;
		const pooled = tf.mean(h2, [1, 2]) as tf.Tensor2D;
		return tf.add(tf.matMul(pooled, dense[0] as tf.Tensor2D), dense[1]);
	});
}
