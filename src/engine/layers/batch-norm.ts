import type { Layer, LayerState, Param } from "../layer";
import { batchNormBackward, batchNormEvalForward, batchNormTrainForward, type BatchNormGeom, type BatchNormStats } from "../ops/batch-norm";
import type { BatchNormSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** PyTorch's BatchNorm defaults. */
export const BN_MOMENTUM = 0.1;
export const BN_EPS = 1e-5;

/**
 * BatchNorm2d over the channels of [C, H, W] samples, or BatchNorm1d over the features of [F] ones. Training
 * normalises with the batch and moves the running statistics; evaluation normalises with them. γ ("weight") and
 * β ("bias") are trained; running_mean, running_var and num_batches_tracked are state, named as PyTorch names them.
 */
export class BatchNormLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[];
	readonly state: LayerState[];
	needInputGrad = true;
	private readonly gamma: Param;
	private readonly beta: Param;
	private readonly runningMean: LayerState;
	private readonly runningVar: LayerState;
	private readonly batches: LayerState;
	private readonly stats: BatchNormStats;
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private geom: BatchNormGeom;
	private lastX: Tensor | null = null;
	private trained = false;

	constructor(readonly spec: BatchNormSpec, inShape: number[]) {
		if (inShape.length !== 3 && inShape.length !== 1) throw new Error(`batchnorm: needs a [C, H, W] or [F] input, got [${inShape.join(", ")}]`);
		const c = inShape[0];
		this.inShape = inShape.slice();
		this.outShape = inShape.slice();
		this.geom = { n: 0, c, s: inShape.length === 3 ? inShape[1] * inShape[2] : 1 };
		const param = (name: string, init: Param["init"]): Param => ({ name, shape: [c], value: new Float32Array(c), grad: new Float32Array(c), fanIn: 1, fanOut: 1, init });
		this.gamma = param("weight", "ones");
		this.beta = param("bias", "zeros");
		this.params = [this.gamma, this.beta];
		this.runningMean = { name: "running_mean", shape: [c], value: new Float32Array(c) };
		this.runningVar = { name: "running_var", shape: [c], value: new Float32Array(c).fill(1) };
		this.batches = { name: "num_batches_tracked", shape: [], value: new Float32Array(1) };
		this.state = [this.runningMean, this.runningVar, this.batches];
		this.stats = { mean: new Float32Array(c), invStd: new Float32Array(c) };
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor, training: boolean): Tensor {
		const n = batchOf(x, this.inShape, "batchnorm");
		if (this.geom.n !== n) this.geom = { ...this.geom, n };
		const y = this.out.forBatch(n);
		const eps = this.spec.eps ?? BN_EPS;
		if (training) {
			batchNormTrainForward(this.geom, x.data, this.gamma.value, this.beta.value, y.data, this.runningMean.value, this.runningVar.value, this.spec.momentum ?? BN_MOMENTUM, eps, this.stats);
			this.batches.value[0]++;
		} else {
			batchNormEvalForward(this.geom, x.data, this.gamma.value, this.beta.value, y.data, this.runningMean.value, this.runningVar.value, eps, this.stats);
		}
		this.trained = training;
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		const x = this.lastX;
		if (!x) throw new Error("batchnorm: backward before forward");
		const dx = this.dIn.forBatch(this.geom.n);
		batchNormBackward(this.geom, x.data, this.gamma.value, dy.data, this.stats, this.trained, this.needInputGrad ? dx.data : null, this.gamma.grad, this.beta.grad);
		return dx;
	}
}
