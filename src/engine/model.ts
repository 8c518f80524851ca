import { createEngineContext, type EngineContext } from "./context";
import { initParams } from "./init";
import type { Activation, Layer, LayerState, Param } from "./layer";
import { layerLabel } from "./layer-label";
import { createLayer } from "./layers";
import { softmaxCrossEntropy, softmaxRows } from "./metrics";
import { Rng } from "./rng";
import type { ModelSpec } from "./model-spec";
import { size, type Tensor } from "./tensor";

export type { Activation } from "./layer";
export { layerLabel } from "./layer-label";

/**
 * A stack of layers trained with softmax cross-entropy. A trailing softmax layer is kept for prediction but skipped
 * while training, where the loss fuses it (the stable form). Buffers belong to the layers and are reused while the
 * batch size stays the same; the loss gradient buffer here likewise.
 */
export class Sequential {
	readonly spec: ModelSpec;
	/** Where the model computes (its layers' kernels) and the language its callers word messages in. */
	readonly ctx: EngineContext;
	readonly layers: Layer[];
	/** Layers up to the logits (without a trailing softmax). */
	private readonly body: Layer[];
	private readonly allParams: Param[];
	private readonly allState: LayerState[];
	private readonly classes: number;
	private dlogits: Float32Array = new Float32Array(0);
	private dlogitsShape: number[] = [];

	private constructor(spec: ModelSpec, layers: Layer[], ctx: EngineContext) {
		this.spec = spec;
		this.ctx = ctx;
		this.layers = layers;
		const last = layers[layers.length - 1];
		this.body = last && last.spec.type === "softmax" ? layers.slice(0, -1) : layers.slice();
		this.allParams = layers.flatMap((l) => l.params);
		this.allState = layers.flatMap((l) => l.state ?? []);
		const out = this.body.length ? this.body[this.body.length - 1].outShape : spec.input;
		this.classes = size(out);
	}

	/**
	 * Builds the layers for `spec` and initialises their parameters (He / Glorot / zeros as each layer asks), all
	 * from `seed`: the same seed gives the same weights and the same dropout masks. The layers compute on
	 * `ctx.backend`; without a context the model gets TypeScript kernels of its own.
	 */
	static build(spec: ModelSpec, seed: number, ctx: EngineContext = createEngineContext()): Sequential {
		const rng = new Rng(seed);
		const initRng = rng.fork();
		let shape: number[] = spec.input.slice();
		const layers: Layer[] = [];
		for (const ls of spec.layers) {
			const layer = createLayer(ls, shape, rng.fork(), ctx);
			layers.push(layer);
			shape = layer.outShape;
		}
		// Nothing upstream of the first layer wants its input gradient.
		if (layers.length > 0) layers[0].needInputGrad = false;
		const model = new Sequential(spec, layers, ctx);
		initParams(model.allParams, initRng);
		return model;
	}

	/** The layers up to the logits: every layer but a trailing softmax (what training and attribution run through). */
	get logitLayers(): readonly Layer[] {
		return this.body;
	}

	/** Per-sample output shape of the logits. */
	get outputShape(): number[] {
		return this.body.length ? this.body[this.body.length - 1].outShape : this.spec.input.slice();
	}

	/** Number of class scores the model produces. */
	get outputs(): number {
		return this.classes;
	}

	params(): Param[] {
		return this.allParams;
	}

	/** Non-trainable state (batch norm's running statistics), in layer order. */
	state(): LayerState[] {
		return this.allState;
	}

	/** Trainable parameters: what the optimiser updates and PyTorch's model.parameters() counts. */
	paramCount(): number {
		let n = 0;
		for (const p of this.allParams) n += p.value.length;
		return n;
	}

	/**
	 * Parameters split as Keras's summary and torchinfo split them: trainable ones and the non-trainable running
	 * statistics (batch norm's mean and variance per channel; its batch counter is bookkeeping, not counted).
	 */
	paramCounts(): { trainable: number; nonTrainable: number } {
		let nonTrainable = 0;
		for (const s of this.allState) if (s.shape.length > 0) nonTrainable += s.value.length;
		return { trainable: this.paramCount(), nonTrainable };
	}

	/** Length of what exportWeights writes: every parameter, then every state array. */
	weightCount(): number {
		let n = this.paramCount();
		for (const s of this.allState) n += s.value.length;
		return n;
	}

	/** The logits for a batch (a trailing softmax is not applied). The result is a layer's buffer: copy to keep. */
	forward(x: Tensor, training: boolean): Tensor {
		let t = x;
		for (const l of this.body) t = l.forward(t, training);
		return t;
	}

	/** Class probabilities for a batch (N × classes), in a new array. */
	predict(x: Tensor): Tensor {
		const logits = this.forward(x, false);
		const n = x.shape[0];
		const out = new Float32Array(n * this.classes);
		softmaxRows(logits.data, n, this.classes, out);
		return { shape: [n, this.classes], data: out };
	}

	/**
	 * One forward and backward pass on a batch: the mean cross-entropy, the number classified correctly, and every
	 * parameter's `grad` written. `labels` holds at least N class indices.
	 */
	lossAndGrad(x: Tensor, labels: ArrayLike<number>): { loss: number; correct: number } {
		const n = x.shape[0];
		const k = this.classes;
		const logits = this.forward(x, true);
		if (this.dlogits.length !== n * k) {
			this.dlogits = new Float32Array(n * k);
			this.dlogitsShape = [n, k];
		}
		const r = softmaxCrossEntropy(logits.data, labels, n, k, this.dlogits);
		let dy: Tensor = { shape: this.dlogitsShape, data: this.dlogits };
		for (let i = this.body.length - 1; i >= 0; i--) dy = this.body[i].backward(dy);
		return r;
	}

	/** Loss, correct count and (optionally) predicted classes for a batch, without gradients. */
	evaluateBatch(x: Tensor, labels: ArrayLike<number>, predictions?: Uint8Array): { loss: number; correct: number } {
		const logits = this.forward(x, false);
		return softmaxCrossEntropy(logits.data, labels, x.shape[0], this.classes, null, predictions);
	}

	/**
	 * Every layer's output for one sample ([C, H, W] or [F]), copied, for feature-map views: one entry per item of
	 * `layers`; a residual block's entry is its output and lists the outputs inside it in `inner`.
	 */
	activations(x: Tensor): Activation[] {
		const one: Tensor = x.shape.length === this.spec.input.length ? { shape: [1, ...x.shape], data: x.data } : x;
		if (one.shape[0] !== 1) throw new Error(`activations: expected one sample, got a batch of ${one.shape[0]}`);
		const out: Activation[] = [];
		let t = one;
		for (const l of this.layers) {
			t = l.forward(t, false);
			const a: Activation = { label: layerLabel(l.spec), shape: l.outShape.slice(), data: t.data.slice(0, size(l.outShape)) };
			// a residual block's entry is its sum; the outputs inside it (body, shortcut, add) ride along
			const inner = l.innerActivations?.(0);
			if (inner) a.inner = inner;
			out.push(a);
		}
		return out;
	}

	/**
	 * All parameters in layer order, then the state arrays in layer order, as one array (for saving a run's
	 * weights; a model without state writes exactly its parameters, as before state existed).
	 */
	exportWeights(): Float32Array {
		const w = new Float32Array(this.weightCount());
		let o = 0;
		for (const p of [...this.allParams, ...this.allState]) {
			w.set(p.value, o);
			o += p.value.length;
		}
		return w;
	}

	/** Loads what exportWeights wrote for the same architecture. */
	importWeights(w: Float32Array): void {
		const n = this.weightCount();
		if (w.length !== n) throw new Error(`importWeights: ${w.length} values for a model with ${n} weights and running statistics`);
		let o = 0;
		for (const p of [...this.allParams, ...this.allState]) {
			p.value.set(w.subarray(o, o + p.value.length));
			o += p.value.length;
		}
	}
}
