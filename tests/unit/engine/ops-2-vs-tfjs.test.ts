import * as tf from "@tensorflow/tfjs-core";
import fc from "fast-check";
import { beforeAll, describe, it } from "vitest";
import * as F from "../../../src/engine/functional";
import { Rng } from "../../../src/engine/rng";
import { ctx } from "../../support/engine";
import { expectClose } from "../../support/oracle";
import { checkShape, rand, tfRun, toNchw, toNhwc } from "../../support/tfjs-ref";

// TensorFlow.js as an independent implementation of the second wave's ops; tolerances as in ops-vs-tfjs.
const FWD = [1e-5, 1e-4] as const;
const GRAD = [1e-4, 1e-4] as const;
const RUNS = { numRuns: 20, seed: 20261202 };

type Pair = [number, number];

beforeAll(async () => {
	await tf.setBackend("cpu");
	await tf.ready();
});

describe("depthwise conv2d (groups = channels, a channel multiplier) vs tf.depthwiseConv2d", () => {
	it("forward and all gradients agree", () => {
		fc.assert(
			fc.property(
				fc.record({
					n: fc.integer({ min: 1, max: 2 }), c: fc.integer({ min: 1, max: 4 }), mult: fc.integer({ min: 1, max: 3 }),
					kh: fc.integer({ min: 1, max: 4 }), kw: fc.integer({ min: 1, max: 4 }), s: fc.integer({ min: 1, max: 2 }),
					pt: fc.integer({ min: 0, max: 2 }), pl: fc.integer({ min: 0, max: 2 }), pb: fc.integer({ min: 0, max: 2 }), pr: fc.integer({ min: 0, max: 2 }),
					extraH: fc.integer({ min: 0, max: 5 }), extraW: fc.integer({ min: 0, max: 5 }), bias: fc.boolean(), seed: fc.integer({ min: 1, max: 1_000_000 }),
				}),
				(p) => {
					const rng = new Rng(p.seed);
					const h = Math.max(1, p.kh - p.pt - p.pb + p.extraH);
					const w = Math.max(1, p.kw - p.pl - p.pr + p.extraW);
					const x = rand([p.n, p.c, h, w], rng);
					// PyTorch's depthwise weight [C·M, 1, KH, KW]: output channel c·M + m reads input channel c.
					const wt = rand([p.c * p.mult, 1, p.kh, p.kw], rng);
					const b = p.bias ? rand([p.c * p.mult], rng) : null;
					const opts = { stride: [p.s, p.s] as Pair, pad: [p.pt, p.pl] as Pair, padEnd: [p.pb, p.pr] as Pair, groups: p.c };
					const y = F.conv2d(x, wt, b, opts, ctx);
					const f = (xx: tf.Tensor, ww: tf.Tensor, bb?: tf.Tensor): tf.Tensor => {
						// tfjs's filter [KH, KW, C, M] holds the same output channel c·M + m.
						const filter = tf.transpose(tf.reshape(ww, [p.c, p.mult, p.kh, p.kw]), [2, 3, 0, 1]) as tf.Tensor4D;
						const padded = tf.pad(toNhwc(xx), [[0, 0], [p.pt, p.pb], [p.pl, p.pr], [0, 0]]);
						let out: tf.Tensor = tf.depthwiseConv2d(padded, filter, p.s, "valid");
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
				},
			),
			RUNS,
		);
	});
});

describe("transposed conv2d vs tf.conv2dTranspose", () => {
	it("forward and all gradients agree, output padding included", () => {
		fc.assert(
			fc.property(
				fc.record({
					n: fc.integer({ min: 1, max: 2 }), cin: fc.integer({ min: 1, max: 4 }), cout: fc.integer({ min: 1, max: 4 }),
					h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 4 }),
					s: fc.integer({ min: 1, max: 3 }), p: fc.nat(), op: fc.nat(), bias: fc.boolean(), seed: fc.integer({ min: 1, max: 1_000_000 }),
				}),
				(r) => {
					const rng = new Rng(r.seed);
					// PyTorch's rules: output padding < stride (no dilation here); keep the output at least 1×1.
					const op = r.op % r.s;
					const pad = r.p % r.k;
					const ho = (r.h - 1) * r.s - 2 * pad + r.k + op;
					const wo = (r.w - 1) * r.s - 2 * pad + r.k + op;
					fc.pre(ho >= 1 && wo >= 1);
					const x = rand([r.n, r.cin, r.h, r.w], rng);
					const wt = rand([r.cin, r.cout, r.k, r.k], rng);
					const b = r.bias ? rand([r.cout], rng) : null;
					const opts = { stride: [r.s, r.s] as Pair, pad: [pad, pad] as Pair, outputPad: [op, op] as Pair };
					const y = F.convTranspose2d(x, wt, b, opts, ctx);
					const f = (xx: tf.Tensor, ww: tf.Tensor, bb?: tf.Tensor): tf.Tensor => {
						// tfjs's filter [KH, KW, outDepth, inDepth]; the output shape it is told fixes the output padding.
						const filter = tf.transpose(ww as tf.Tensor4D, [2, 3, 1, 0]);
						let out: tf.Tensor = tf.conv2dTranspose(toNhwc(xx), filter, [r.n, ho, wo, r.cout], r.s, pad);
						if (bb) out = tf.add(out, bb);
						return toNchw(out);
					};
					const dy = rand(y.shape, rng);
					const ref = tfRun(f, b ? [x, wt, b] : [x, wt], dy);
					checkShape(y.shape, ref.shape, "y");
					expectClose(y.data, ref.y, FWD[0], FWD[1], "y");
					const g = F.convTranspose2dBackward(x, wt, dy, opts, ctx);
					expectClose(g.dx.data, ref.grads[0], GRAD[0], GRAD[1], "dx");
					expectClose(g.dw.data, ref.grads[1], GRAD[0], GRAD[1], "dw");
					if (b) expectClose(g.db.data, ref.grads[2], GRAD[0], GRAD[1], "db");
				},
			),
			RUNS,
		);
	});
});

describe("batch norm vs tf.batchNorm (with tf.moments for the training mode)", () => {
	it("forward and gradients agree in both modes, on [N, C, H, W] and [N, F]", () => {
		fc.assert(
			fc.property(
				fc.record({
					n: fc.integer({ min: 2, max: 4 }), c: fc.integer({ min: 1, max: 4 }), h: fc.integer({ min: 1, max: 4 }), w: fc.integer({ min: 1, max: 4 }),
					flat: fc.boolean(), training: fc.boolean(), seed: fc.integer({ min: 1, max: 1_000_000 }),
				}),
				(p) => {
					const rng = new Rng(p.seed);
					const shape = p.flat ? [p.n, p.c] : [p.n, p.c, p.h, p.w];
					const x = rand(shape, rng);
					const gamma = rand([p.c], rng);
					const beta = rand([p.c], rng);
					const rm = rand([p.c], rng);
					const rv = { shape: [p.c], data: rand([p.c], rng).data.map((v) => 0.5 + Math.abs(v)) };
					const opts = { training: p.training };
					const r = F.batchNorm(x, gamma, beta, rm, rv, opts);
					const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Tensor => {
						// Channels last, so γ, β and the statistics broadcast over the last axis.
						const xl = p.flat ? xx : toNhwc(xx);
						const axes = p.flat ? [0] : [0, 1, 2];
						const m = p.training ? tf.moments(xl, axes) : { mean: tf.tensor1d(rm.data), variance: tf.tensor1d(rv.data) };
						const y = tf.batchNorm(xl, m.mean, m.variance, bb, gg, 1e-5);
						return p.flat ? y : toNchw(y);
					};
					const dy = rand(shape, rng);
					const ref = tfRun(f, [x, gamma, beta], dy);
					checkShape(r.y.shape, ref.shape, "y");
					expectClose(r.y.data, ref.y, FWD[0], FWD[1], "y");
					const g = F.batchNormBackward(x, gamma, beta, rm, rv, dy, opts);
					expectClose(g.dx.data, ref.grads[0], GRAD[0], GRAD[1], "dx");
					expectClose(g.dgamma.data, ref.grads[1], GRAD[0], GRAD[1], "dgamma");
					expectClose(g.dbeta.data, ref.grads[2], GRAD[0], GRAD[1], "dbeta");
				},
			),
			RUNS,
		);
	});
});
