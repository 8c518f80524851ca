import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import * as F from "../../../src/engine/functional";
import { Rng } from "../../../src/engine/rng";
import type { Tensor } from "../../../src/engine/tensor";
import { expectClose } from "../../support/oracle";
import { ctx } from "../../support/engine";
import { checkShape, rand, tfOf, tfRun, toNchw, toNhwc } from "../../support/tfjs-ref";

// Independent implementation: TensorFlow.js on its CPU backend, NHWC. Tolerances from the issue.
const FWD = [1e-5, 1e-4] as const;
const GRAD = [1e-4, 1e-4] as const;
const RUNS = { numRuns: 25, seed: 20261125 };

beforeAll(async () => {
	await tf.setBackend("cpu");
	await tf.ready();
});

const spatial = fc.record({
	n: fc.integer({ min: 1, max: 3 }),
	cin: fc.integer({ min: 1, max: 5 }),
	cout: fc.integer({ min: 1, max: 5 }),
	kh: fc.integer({ min: 1, max: 5 }),
	kw: fc.integer({ min: 1, max: 5 }),
	sh: fc.integer({ min: 1, max: 3 }),
	sw: fc.integer({ min: 1, max: 3 }),
	pt: fc.integer({ min: 0, max: 2 }),
	pl: fc.integer({ min: 0, max: 2 }),
	pb: fc.integer({ min: 0, max: 2 }),
	pr: fc.integer({ min: 0, max: 2 }),
	dh: fc.integer({ min: 1, max: 3 }),
	dw: fc.integer({ min: 1, max: 3 }),
	extraH: fc.integer({ min: 0, max: 7 }),
	extraW: fc.integer({ min: 0, max: 7 }),
	bias: fc.boolean(),
	seed: fc.integer({ min: 1, max: 1_000_000 }),
});

/**
 * A [KH, KW, Cin, Cout] kernel with (d−1) zero rows/columns between taps: tfjs has no conv gradient for dilation
 * rates above 1, so the reference convolves with the explicitly dilated kernel (built with gather, which has one).
 */
function dilate(k: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
	let out: tf.Tensor4D = k;
	const axes: Array<[number, number]> = [[0, dh], [1, dw]];
	for (const [axis, d] of axes) {
		if (d === 1) continue;
		const len = out.shape[axis];
		const zeroShape = out.shape.slice() as [number, number, number, number];
		zeroShape[axis] = 1;
		const withZero = tf.concat([out, tf.zeros(zeroShape)], axis);
		const idx: number[] = [];
		for (let i = 0; i < d * (len - 1) + 1; i++) idx.push(i % d === 0 ? i / d : len);
		out = tf.gather(withZero, tf.tensor1d(idx, "int32"), axis) as tf.Tensor4D;
	}
	return out;
}

describe("conv2d vs TensorFlow.js", () => {
	it("forward and all gradients agree on random shapes, strides, paddings (asymmetric too) and dilations", () => {
		fc.assert(
			fc.property(spatial, (p) => {
				const rng = new Rng(p.seed);
				// Smallest input the dilated kernel fits, plus some slack (never below 1).
				const h = Math.max(1, p.dh * (p.kh - 1) + 1 - p.pt - p.pb + p.extraH);
				const w = Math.max(1, p.dw * (p.kw - 1) + 1 - p.pl - p.pr + p.extraW);
				const x = rand([p.n, p.cin, h, w], rng);
				const wt = rand([p.cout, p.cin, p.kh, p.kw], rng);
				const b = p.bias ? rand([p.cout], rng) : null;
				const opts = { stride: [p.sh, p.sw] as [number, number], pad: [p.pt, p.pl] as [number, number], padEnd: [p.pb, p.pr] as [number, number], dilation: [p.dh, p.dw] as [number, number] };
				const y = F.conv2d(x, wt, b, opts, ctx);
				// tfjs refuses stride and dilation together: convolve at stride 1, then keep every s-th output.
				const f = (xx: tf.Tensor, ww: tf.Tensor, bb?: tf.Tensor): tf.Tensor => {
					const padded = tf.pad(toNhwc(xx), [[0, 0], [p.pt, p.pb], [p.pl, p.pr], [0, 0]]);
					const kernel = dilate(tf.transpose(ww as tf.Tensor4D, [2, 3, 1, 0]), p.dh, p.dw);
					const full = tf.conv2d(padded, kernel, 1, "valid", "NHWC");
					const [, fh, fw] = full.shape;
					// (gather rather than stridedSlice, which has no gradient in tfjs)
					const rows = tf.range(0, fh, p.sh, "int32");
					const cols = tf.range(0, fw, p.sw, "int32");
					let out: tf.Tensor = tf.gather(tf.gather(full, rows, 1), cols, 2);
					if (bb) out = tf.add(out, bb);
					return toNchw(out);
				};
				const dy = rand(y.shape, rng);
				const ref = tfRun(f, b ? [x, wt, b] : [x, wt], dy);
				checkShape(y.shape, ref.shape, "y");
				expectClose(y.data, ref.y, FWD[0], FWD[1], "y");
				const g = F.conv2dBackward(x, wt, dy, opts, ctx);
				expectClose(g.dx.data, ref.grads[0], GRAD[0], GRAD[1], "dx");
				expectClose(g.dw.data, ref.grads[1], GRAD[0], GRAD[1], "dw");
				if (b) expectClose(g.db.data, ref.grads[2], GRAD[0], GRAD[1], "db");
			}),
			RUNS,
		);
	});
});

const poolArb = fc.record({
	n: fc.integer({ min: 1, max: 3 }),
	c: fc.integer({ min: 1, max: 5 }),
	kh: fc.integer({ min: 1, max: 4 }),
	kw: fc.integer({ min: 1, max: 4 }),
	sh: fc.integer({ min: 1, max: 3 }),
	sw: fc.integer({ min: 1, max: 3 }),
	padH: fc.nat(),
	padW: fc.nat(),
	extraH: fc.integer({ min: 0, max: 6 }),
	extraW: fc.integer({ min: 0, max: 6 }),
	seed: fc.integer({ min: 1, max: 1_000_000 }),
});

describe("pooling vs TensorFlow.js (floor mode; ceil mode is covered by the PyTorch oracle)", () => {
	const setup = (p: typeof poolArb extends fc.Arbitrary<infer T> ? T : never) => {
		const ph = p.padH % (Math.floor(p.kh / 2) + 1);
		const pw = p.padW % (Math.floor(p.kw / 2) + 1);
		const h = Math.max(1, p.kh - 2 * ph + p.extraH);
		const w = Math.max(1, p.kw - 2 * pw + p.extraW);
		const rng = new Rng(p.seed);
		const x = rand([p.n, p.c, h, w], rng);
		return { ph, pw, x, rng, opts: { kernel: [p.kh, p.kw] as [number, number], stride: [p.sh, p.sw] as [number, number], pad: [ph, pw] as [number, number] } };
	};

	it("max pooling forward and gradient agree", () => {
		fc.assert(
			fc.property(poolArb, (p) => {
				const { ph, pw, x, rng, opts } = setup(p);
				const y = F.maxPool2d(x, opts);
				const dy = rand(y.shape, rng);
				// −1e30 stands for −∞: every window holds at least one real value, so padding never wins.
				const f = (xx: tf.Tensor): tf.Tensor =>
					toNchw(tf.maxPool(tf.pad(toNhwc(xx), [[0, 0], [ph, ph], [pw, pw], [0, 0]], -1e30), [p.kh, p.kw], [p.sh, p.sw], "valid"));
				const ref = tfRun(f, [x], dy);
				checkShape(y.shape, ref.shape, "y");
				expectClose(y.data, ref.y, FWD[0], FWD[1], "y");
				expectClose(F.maxPool2dBackward(x, dy, opts).data, ref.grads[0], GRAD[0], GRAD[1], "dx");
			}),
			RUNS,
		);
	});

	it("average pooling forward and gradient agree, counting the padding and not", () => {
		fc.assert(
			fc.property(poolArb, fc.boolean(), (p, countIncludePad) => {
				const { ph, pw, x, rng, opts } = setup(p);
				const o = { ...opts, countIncludePad };
				const y = F.avgPool2d(x, o);
				const dy = rand(y.shape, rng);
				const pads: Array<[number, number]> = [[0, 0], [ph, ph], [pw, pw], [0, 0]];
				const f = (xx: tf.Tensor): tf.Tensor => {
					const sum = tf.avgPool(tf.pad(toNhwc(xx), pads), [p.kh, p.kw], [p.sh, p.sw], "valid");
					if (countIncludePad) return toNchw(sum);
					// Divide by the in-input count: the same pooling over a mask of ones.
					const ones = tf.onesLike(toNhwc(xx));
					const frac = tf.avgPool(tf.pad(ones, pads), [p.kh, p.kw], [p.sh, p.sw], "valid");
					return toNchw(tf.div(sum, frac));
				};
				const ref = tfRun(f, [x], dy);
				checkShape(y.shape, ref.shape, "y");
				expectClose(y.data, ref.y, FWD[0], FWD[1], "y");
				expectClose(F.avgPool2dBackward(x, dy, o).data, ref.grads[0], GRAD[0], GRAD[1], "dx");
			}),
			RUNS,
		);
	});
});

describe("dense, activations and softmax cross-entropy vs TensorFlow.js", () => {
	it("linear forward and gradients agree", () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (n, inF, outF, bias, seed) => {
				const rng = new Rng(seed);
				const x = rand([n, inF], rng);
				const w = rand([outF, inF], rng);
				const b = bias ? rand([outF], rng) : null;
				const y = F.linear(x, w, b, ctx);
				const dy = rand(y.shape, rng);
				const f = (xx: tf.Tensor, ww: tf.Tensor, bb?: tf.Tensor): tf.Tensor => {
					const m = tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D, false, true);
					return bb ? tf.add(m, bb) : m;
				};
				const ref = tfRun(f, b ? [x, w, b] : [x, w], dy);
				expectClose(y.data, ref.y, FWD[0], FWD[1], "y");
				const g = F.linearBackward(x, w, dy, ctx);
				expectClose(g.dx.data, ref.grads[0], GRAD[0], GRAD[1], "dx");
				expectClose(g.dw.data, ref.grads[1], GRAD[0], GRAD[1], "dw");
				if (b) expectClose(g.db.data, ref.grads[2], GRAD[0], GRAD[1], "db");
			}),
			RUNS,
		);
	});

	const acts: Array<[string, (x: Tensor) => Tensor, (x: Tensor, dy: Tensor) => Tensor, (x: tf.Tensor) => tf.Tensor]> = [
		["relu", F.relu, F.reluBackward, (x) => tf.relu(x)],
		["leaky relu", (x) => F.leakyRelu(x, 0.1), (x, dy) => F.leakyReluBackward(x, dy, 0.1), (x) => tf.leakyRelu(x, 0.1)],
		["sigmoid", F.sigmoid, F.sigmoidBackward, (x) => tf.sigmoid(x)],
		["tanh", F.tanh, F.tanhBackward, (x) => tf.tanh(x)],
	];
	for (const [name, fwd, bwd, ref] of acts) {
		it(`${name} forward and gradient agree (inputs scaled up to ±8)`, () => {
			fc.assert(
				fc.property(fc.integer({ min: 1, max: 200 }), fc.integer({ min: 1, max: 1e6 }), (len, seed) => {
					const rng = new Rng(seed);
					const x = rand([len], rng);
					for (let i = 0; i < len; i++) x.data[i] *= 8;
					const dy = rand([len], rng);
					const r = tfRun(ref, [x], dy);
					expectClose(fwd(x).data, r.y, FWD[0], FWD[1], "y");
					expectClose(bwd(x, dy).data, r.grads[0], GRAD[0], GRAD[1], "dx");
				}),
				RUNS,
			);
		});
	}

	it("softmax cross-entropy: mean loss, probabilities and dlogits agree", () => {
		fc.assert(
			fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 2, max: 12 }), fc.integer({ min: 1, max: 1e6 }), (n, k, seed) => {
				const rng = new Rng(seed);
				const logits = rand([n, k], rng);
				for (let i = 0; i < logits.data.length; i++) logits.data[i] *= 10;
				const labels = Array.from({ length: n }, () => rng.int(k));
				const r = F.softmaxCrossEntropy(logits, labels);
				const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), k);
				const f = (z: tf.Tensor): tf.Tensor => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(z)), 1)));
				const ref = tfRun(f, [logits], null);
				expectClose([r.loss], ref.y, FWD[0], FWD[1], "loss");
				const probs = tf.tidy(() => tf.softmax(tfOf(logits)).dataSync());
				expectClose(r.probs.data, probs, FWD[0], FWD[1], "probs");
				expectClose(r.dlogits.data, ref.grads[0], GRAD[0], GRAD[1], "dlogits");
				onehot.dispose();
			}),
			RUNS,
		);
	});
});
