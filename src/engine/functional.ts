/**
 * The functional layer: every op on plain {shape, data} tensors (NCHW images, [N, F] features), forward and
 * backward, each call allocating its results. Semantics are PyTorch's; spatial pairs are [h, w]. The ops with
 * products (conv2d, linear) take an optional engine context last: its backend runs them (default: the stateless
 * TypeScript kernels).
 */
import { TS_CONTEXT, type EngineContext } from "./context";
import { convGeom, type ConvGeom, type ConvParams } from "./im2col";
import {
	leakyReluBackward as leakyBack, leakyReluForward, reluBackward as reluBack, reluForward,
	sigmoidBackward as sigmoidBack, sigmoidForward, tanhBackward as tanhBack, tanhForward,
} from "./ops/activations";
import { adaptiveAvgPoolBackward, adaptiveAvgPoolForward, type AdaptivePoolGeom } from "./ops/adaptive-avg-pool";
import { batchNormBackward as bnBack, batchNormEvalForward, batchNormTrainForward, type BatchNormGeom } from "./ops/batch-norm";
import { conv2dBackward as convBack, conv2dForward, ConvWorkspace } from "./ops/conv2d";
import { convTranspose2dBackward as convTBack, convTranspose2dForward, convTransposeGeom } from "./ops/conv-transpose2d";
import { denseBackward, denseForward } from "./ops/dense";
import { dropoutBackward as dropBack, dropoutForward } from "./ops/dropout";
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolGeom, type PoolGeom } from "./ops/pool";
import { softmaxBackward as smBack, softmaxCrossEntropy as sce, softmaxForward } from "./ops/softmax-cross-entropy";
import type { Rng } from "./rng";
import { size, type Tensor } from "./tensor";

export type { ConvParams } from "./im2col";

type Pair = [number, number];

/** Pooling hyper-parameters; stride defaults to the kernel, pad to [0, 0], ceil to false, countIncludePad to true. */
export interface PoolOptions {
	kernel: Pair;
	stride?: Pair;
	pad?: Pair;
	ceil?: boolean;
	/** Average pooling only. */
	countIncludePad?: boolean;
}

/** Conv hyper-parameters with defaults: stride [1, 1], pad [0, 0], dilation [1, 1], groups 1. */
export interface ConvOptions {
	stride?: Pair;
	pad?: Pair;
	padEnd?: Pair;
	dilation?: Pair;
	/** Channel groups; the weight is then [Cout, Cin/groups, KH, KW] (depthwise: groups = Cin). */
	groups?: number;
}

function convParams(o: ConvOptions): ConvParams {
	return { stride: o.stride ?? [1, 1], pad: o.pad ?? [0, 0], padEnd: o.padEnd, dilation: o.dilation ?? [1, 1], groups: o.groups ?? 1 };
}

function empty(shape: number[]): Tensor {
	return { shape, data: new Float32Array(size(shape)) };
}

function same(x: Tensor): Tensor {
	return empty(x.shape.slice());
}

function checkSame(a: Tensor, b: Tensor, what: string): void {
	if (a.data.length !== b.data.length) throw new Error(`${what}: shapes [${a.shape.join(", ")}] and [${b.shape.join(", ")}] differ`);
}

/** conv2d(x [N,Cin,H,W], w [Cout,Cin/groups,KH,KW], b [Cout] | null, options) → y [N,Cout,Ho,Wo] (cross-correlation). */
export function conv2d(x: Tensor, w: Tensor, b: Tensor | null, options: ConvOptions = {}, ctx: EngineContext = TS_CONTEXT): Tensor {
	const g = convGeom(x.shape, w.shape, convParams(options));
	const y = empty([g.n, g.cout, g.ho, g.wo]);
	conv2dForward(ctx.backend, g, x.data, w.data, b ? b.data : null, y.data, new ConvWorkspace(), false);
	return y;
}

/** Gradients of conv2d for upstream dy: {dx like x, dw like w, db [Cout]}. */
export function conv2dBackward(
	x: Tensor, w: Tensor, dy: Tensor, options: ConvOptions = {}, ctx: EngineContext = TS_CONTEXT,
): { dx: Tensor; dw: Tensor; db: Tensor } {
	const g = convGeom(x.shape, w.shape, convParams(options));
	if (dy.data.length !== g.n * g.cout * g.ho * g.wo) throw new Error(`conv2dBackward: dy must be [${g.n}, ${g.cout}, ${g.ho}, ${g.wo}]`);
	const dx = same(x);
	const dw = same(w);
	const db = empty([g.cout]);
	convBack(ctx.backend, g, x.data, w.data, dy.data, dx.data, dw.data, db.data, new ConvWorkspace());
	return { dx, dw, db };
}

function pool(x: Tensor, o: PoolOptions): PoolGeom {
	return poolGeom(x.shape, { kernel: o.kernel, stride: o.stride ?? o.kernel, pad: o.pad ?? [0, 0], ceil: o.ceil ?? false });
}

/** maxPool2d(x [N,C,H,W], options) → y [N,C,Ho,Wo]; padding counts as −∞. */
export function maxPool2d(x: Tensor, options: PoolOptions): Tensor {
	const g = pool(x, options);
	const y = empty([g.n, g.c, g.ho, g.wo]);
	maxPoolForward(g, x.data, y.data, new Int32Array(y.data.length));
	return y;
}

/** Gradient of maxPool2d: dy goes to each window's max, summed where windows overlap. */
export function maxPool2dBackward(x: Tensor, dy: Tensor, options: PoolOptions): Tensor {
	const g = pool(x, options);
	const n = g.n * g.c * g.ho * g.wo;
	if (dy.data.length !== n) throw new Error("maxPool2dBackward: dy does not match the pooled shape");
	const y = new Float32Array(n);
	const arg = new Int32Array(n);
	maxPoolForward(g, x.data, y, arg);
	const dx = same(x);
	maxPoolBackward(g, dy.data, arg, dx.data);
	return dx;
}

/** avgPool2d(x [N,C,H,W], options) → y [N,C,Ho,Wo], PyTorch divisor rules. */
export function avgPool2d(x: Tensor, options: PoolOptions): Tensor {
	const g = pool(x, options);
	const y = empty([g.n, g.c, g.ho, g.wo]);
	avgPoolForward(g, x.data, y.data, options.countIncludePad ?? true);
	return y;
}

/** Gradient of avgPool2d. */
export function avgPool2dBackward(x: Tensor, dy: Tensor, options: PoolOptions): Tensor {
	const g = pool(x, options);
	if (dy.data.length !== g.n * g.c * g.ho * g.wo) throw new Error("avgPool2dBackward: dy does not match the pooled shape");
	const dx = same(x);
	avgPoolBackward(g, dy.data, dx.data, options.countIncludePad ?? true);
	return dx;
}

/** relu(x) = max(x, 0). */
export function relu(x: Tensor): Tensor {
	const y = same(x);
	reluForward(x.data, y.data, y.data.length);
	return y;
}

/** Gradient of relu (0 at x = 0). */
export function reluBackward(x: Tensor, dy: Tensor): Tensor {
	checkSame(x, dy, "reluBackward");
	const dx = same(x);
	reluBack(x.data, dy.data, dx.data, dx.data.length);
	return dx;
}

/** leakyRelu(x) = x for x > 0, slope·x otherwise. */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
	const y = same(x);
	leakyReluForward(x.data, y.data, y.data.length, slope);
	return y;
}

/** Gradient of leakyRelu (slope at x = 0). */
export function leakyReluBackward(x: Tensor, dy: Tensor, slope = 0.01): Tensor {
	checkSame(x, dy, "leakyReluBackward");
	const dx = same(x);
	leakyBack(x.data, dy.data, dx.data, dx.data.length, slope);
	return dx;
}

/** sigmoid(x) = 1 / (1 + e^−x), overflow-free. */
export function sigmoid(x: Tensor): Tensor {
	const y = same(x);
	sigmoidForward(x.data, y.data, y.data.length);
	return y;
}

/** Gradient of sigmoid at x. */
export function sigmoidBackward(x: Tensor, dy: Tensor): Tensor {
	checkSame(x, dy, "sigmoidBackward");
	const y = sigmoid(x);
	sigmoidBack(y.data, dy.data, y.data, y.data.length);
	return y;
}

/** tanh(x). */
export function tanh(x: Tensor): Tensor {
	const y = same(x);
	tanhForward(x.data, y.data, y.data.length);
	return y;
}

/** Gradient of tanh at x. */
export function tanhBackward(x: Tensor, dy: Tensor): Tensor {
	checkSame(x, dy, "tanhBackward");
	const y = tanh(x);
	tanhBack(y.data, dy.data, y.data, y.data.length);
	return y;
}

function linearDims(x: Tensor, w: Tensor): [number, number, number] {
	if (w.shape.length !== 2) throw new Error("linear: weight must be [out, in]");
	const [outF, inF] = w.shape;
	const n = x.shape[0];
	if (x.data.length !== n * inF) throw new Error(`linear: input [${x.shape.join(", ")}] does not have ${inF} features per row`);
	return [n, inF, outF];
}

/** linear(x [N,in], w [out,in], b [out] | null) → x·wᵀ + b, [N,out]. */
export function linear(x: Tensor, w: Tensor, b: Tensor | null, ctx: EngineContext = TS_CONTEXT): Tensor {
	const [n, inF, outF] = linearDims(x, w);
	const y = empty([n, outF]);
	denseForward(ctx.backend, n, inF, outF, x.data, w.data, b ? b.data : null, y.data);
	return y;
}

/** Gradients of linear for upstream dy [N,out]: {dx like x, dw like w, db [out]}. */
export function linearBackward(x: Tensor, w: Tensor, dy: Tensor, ctx: EngineContext = TS_CONTEXT): { dx: Tensor; dw: Tensor; db: Tensor } {
	const [n, inF, outF] = linearDims(x, w);
	if (dy.data.length !== n * outF) throw new Error(`linearBackward: dy must be [${n}, ${outF}]`);
	const dx = same(x);
	const dw = same(w);
	const db = empty([outF]);
	denseBackward(ctx.backend, n, inF, outF, x.data, w.data, dy.data, dx.data, dw.data, db.data);
	return { dx, dw, db };
}

/** softmax over the last dimension of x [N, K]. */
export function softmax(x: Tensor): Tensor {
	const n = x.shape[0];
	const y = same(x);
	softmaxForward(n, n > 0 ? x.data.length / n : 0, x.data, y.data);
	return y;
}

/** Gradient of softmax at x for upstream dy. */
export function softmaxBackward(x: Tensor, dy: Tensor): Tensor {
	checkSame(x, dy, "softmaxBackward");
	const n = x.shape[0];
	const y = softmax(x);
	const dx = same(x);
	smBack(n, x.data.length / n, y.data, dy.data, dx.data);
	return dx;
}

/**
 * softmaxCrossEntropy(logits [N,K], labels (N integers)) → mean loss, per-row losses, probabilities, and dlogits =
 * d(mean loss)/d logits.
 */
export function softmaxCrossEntropy(logits: Tensor, labels: ArrayLike<number> | Tensor): { loss: number; losses: Tensor; probs: Tensor; dlogits: Tensor } {
	if (logits.shape.length !== 2) throw new Error("softmaxCrossEntropy: logits must be [N, K]");
	const [n, k] = logits.shape;
	const lab = "data" in labels ? labels.data : labels;
	if (lab.length !== n) throw new Error(`softmaxCrossEntropy: ${lab.length} labels for ${n} rows`);
	const probs = same(logits);
	const losses = empty([n]);
	const dlogits = same(logits);
	const loss = sce(n, k, logits.data, lab, probs.data, losses.data, dlogits.data);
	return { loss, losses, probs, dlogits };
}

/** Inverted dropout with drop probability p; returns the output and the mask (0 or 1/(1−p)) for the backward. */
export function dropout(x: Tensor, p: number, rng: Rng): { y: Tensor; mask: Tensor } {
	const y = same(x);
	const mask = same(x);
	dropoutForward(x.data, y.data, mask.data, y.data.length, p, rng);
	return { y, mask };
}

/** Gradient of dropout: dy ⊙ mask. */
export function dropoutBackward(dy: Tensor, mask: Tensor): Tensor {
	checkSame(dy, mask, "dropoutBackward");
	const dx = same(dy);
	dropBack(dy.data, mask.data, dx.data, dx.data.length);
	return dx;
}

/** flatten(x [N, ...]) → [N, rest] sharing x's data (as torch.flatten(x, 1)). */
export function flatten(x: Tensor): Tensor {
	const n = x.shape[0];
	return { shape: [n, n > 0 ? x.data.length / n : 0], data: x.data };
}

/** Transposed-conv hyper-parameters with defaults: stride [1, 1], pad [0, 0], outputPad [0, 0], dilation [1, 1], groups 1. */
export interface ConvTransposeOptions {
	stride?: Pair;
	pad?: Pair;
	outputPad?: Pair;
	dilation?: Pair;
	groups?: number;
}

function convTGeom(x: Tensor, w: Tensor, o: ConvTransposeOptions): ConvGeom {
	return convTransposeGeom(x.shape, w.shape, {
		stride: o.stride ?? [1, 1], pad: o.pad ?? [0, 0], outputPad: o.outputPad ?? [0, 0], dilation: o.dilation ?? [1, 1], groups: o.groups ?? 1,
	});
}

/**
 * convTranspose2d(x [N,Cin,H,W], w [Cin,Cout/groups,KH,KW], b [Cout] | null) → y [N,Cout,Ho,Wo] with
 * Ho = (H − 1)·s − 2p + d·(k − 1) + outputPad + 1, as PyTorch's conv_transpose2d.
 */
export function convTranspose2d(x: Tensor, w: Tensor, b: Tensor | null, options: ConvTransposeOptions = {}, ctx: EngineContext = TS_CONTEXT): Tensor {
	const g = convTGeom(x, w, options);
	const y = empty([g.n, g.cin, g.h, g.w]);
	convTranspose2dForward(ctx.backend, g, x.data, w.data, b ? b.data : null, y.data, new ConvWorkspace());
	return y;
}

/** Gradients of convTranspose2d for upstream dy: {dx like x, dw like w, db [Cout]}. */
export function convTranspose2dBackward(
	x: Tensor, w: Tensor, dy: Tensor, options: ConvTransposeOptions = {}, ctx: EngineContext = TS_CONTEXT,
): { dx: Tensor; dw: Tensor; db: Tensor } {
	const g = convTGeom(x, w, options);
	if (dy.data.length !== g.n * g.cin * g.h * g.w) throw new Error(`convTranspose2dBackward: dy must be [${g.n}, ${g.cin}, ${g.h}, ${g.w}]`);
	const dx = same(x);
	const dw = same(w);
	const db = empty([g.cin]);
	convTBack(ctx.backend, g, x.data, w.data, dy.data, dx.data, dw.data, db.data, new ConvWorkspace());
	return { dx, dw, db };
}

/** Batch-norm options: training (batch statistics) or evaluation (running statistics); momentum 0.1, eps 1e-5. */
export interface BatchNormOptions {
	training: boolean;
	momentum?: number;
	eps?: number;
}

function bnGeom(x: Tensor, gamma: Tensor): BatchNormGeom {
	if (x.shape.length !== 2 && x.shape.length !== 4) throw new Error("batchNorm: input must be [N,C] or [N,C,H,W]");
	const [n, c] = x.shape;
	if (gamma.data.length !== c) throw new Error(`batchNorm: ${gamma.data.length} weights for ${c} channels`);
	return { n, c, s: x.shape.length === 4 ? x.shape[2] * x.shape[3] : 1 };
}

function bnRun(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, o: BatchNormOptions) {
	const g = bnGeom(x, gamma);
	const y = same(x);
	const mean = new Float32Array(g.c);
	const vari = new Float32Array(g.c);
	mean.set(runningMean.data);
	vari.set(runningVar.data);
	const stats = { mean: new Float32Array(g.c), invStd: new Float32Array(g.c) };
	const eps = o.eps ?? 1e-5;
	if (o.training) batchNormTrainForward(g, x.data, gamma.data, beta.data, y.data, mean, vari, o.momentum ?? 0.1, eps, stats);
	else batchNormEvalForward(g, x.data, gamma.data, beta.data, y.data, mean, vari, eps, stats);
	return { g, y, stats, runningMean: { shape: [g.c], data: mean }, runningVar: { shape: [g.c], data: vari } };
}

/**
 * batchNorm(x [N,C] or [N,C,H,W], γ, β, running mean and variance) → y and the running statistics after the
 * call (new arrays; the inputs are not changed). Training uses the batch statistics and moves the running ones.
 */
export function batchNorm(x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, options: BatchNormOptions): { y: Tensor; runningMean: Tensor; runningVar: Tensor } {
	const r = bnRun(x, gamma, beta, runningMean, runningVar, options);
	return { y: r.y, runningMean: r.runningMean, runningVar: r.runningVar };
}

/** Gradients of batchNorm (in the mode of `options`) for upstream dy: {dx like x, dgamma, dbeta}. */
export function batchNormBackward(
	x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, dy: Tensor, options: BatchNormOptions,
): { dx: Tensor; dgamma: Tensor; dbeta: Tensor } {
	checkSame(x, dy, "batchNormBackward");
	const r = bnRun(x, gamma, beta, runningMean, runningVar, options);
	const dx = same(x);
	const dgamma = same(gamma);
	const dbeta = same(gamma);
	bnBack(r.g, x.data, gamma.data, dy.data, r.stats, options.training, dx.data, dgamma.data, dbeta.data);
	return { dx, dgamma, dbeta };
}

function adaptiveGeom(x: Tensor, out: Pair): AdaptivePoolGeom {
	if (x.shape.length !== 4) throw new Error("adaptiveAvgPool2d: input must be [N,C,H,W]");
	if (!(out[0] >= 1 && out[1] >= 1)) throw new Error("adaptiveAvgPool2d: the output size must be at least 1×1");
	const [n, c, h, w] = x.shape;
	return { n, c, h, w, oh: out[0], ow: out[1] };
}

/** adaptiveAvgPool2d(x [N,C,H,W], [oh, ow]) → [N,C,oh,ow] with PyTorch's bins; [1, 1] is global average pooling. */
export function adaptiveAvgPool2d(x: Tensor, outSize: Pair): Tensor {
	const g = adaptiveGeom(x, outSize);
	const y = empty([g.n, g.c, g.oh, g.ow]);
	adaptiveAvgPoolForward(g, x.data, y.data);
	return y;
}

/** Gradient of adaptiveAvgPool2d. */
export function adaptiveAvgPool2dBackward(x: Tensor, dy: Tensor, outSize: Pair): Tensor {
	const g = adaptiveGeom(x, outSize);
	if (dy.data.length !== g.n * g.c * g.oh * g.ow) throw new Error("adaptiveAvgPool2dBackward: dy does not match the pooled shape");
	const dx = same(x);
	adaptiveAvgPoolBackward(g, dy.data, dx.data);
	return dx;
}
