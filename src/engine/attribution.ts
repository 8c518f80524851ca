/**
 * Why the network predicts what it predicts, as PyTorch users compute it (and as the `attribution` cases of
 * pytorch-vectors-2.json define it): the saliency map ∂ logit[class] / ∂ input, and Grad-CAM on one conv
 * layer's output A [K, h, w]: ReLU(Σ_k α_k·A_k) with α_k the mean over (h, w) of ∂ logit[class] / ∂ A_k. The
 * score is the logit (before any softmax), the network runs in evaluation mode (batch norm on its running
 * statistics, no dropout), and neither map is normalised or resized.
 */
import type { Activation, Layer } from "./layer";
import type { Sequential } from "./model";
import { size, type Tensor } from "./tensor";

/** The input as a batch of one, after checking its size against the model's input. */
function oneSample(model: Sequential, input: Tensor): Tensor {
	const per = size(model.spec.input);
	if (input.data.length !== per) {
		throw new Error(`attribution: the input has ${input.data.length} values, the network takes one [${model.spec.input.join(", ")}] sample (${per})`);
	}
	return { shape: [1, ...model.spec.input], data: input.data };
}

function checkClass(model: Sequential, classIndex: number): void {
	if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= model.outputs) {
		throw new Error(`attribution: class ${classIndex} is not one of the network's ${model.outputs} outputs (0 to ${model.outputs - 1})`);
	}
}

/** Backpropagates the one-hot gradient of logit[classIndex] through layers (last, …, stop + 1]; returns ∂ logit / ∂ (output of layer stop). */
function backTo(layers: readonly Layer[], classes: number, classIndex: number, stop: number): Tensor {
	const onehot = new Float32Array(classes);
	onehot[classIndex] = 1;
	let dy: Tensor = { shape: [1, classes], data: onehot };
	for (let i = layers.length - 1; i > stop; i--) dy = layers[i].backward(dy);
	return dy;
}

/** ∂ logit[classIndex] / ∂ input, signed, in the input's shape (a new tensor). */
export function saliency(model: Sequential, input: Tensor, classIndex: number): Tensor {
	checkClass(model, classIndex);
	const x = oneSample(model, input);
	const layers = model.logitLayers;
	if (layers.length === 0) throw new Error("attribution: the network has no layers");
	model.forward(x, false);
	// The model skips the first layer's input gradient while training; here it is the answer.
	const first = layers[0];
	const had = first.needInputGrad;
	first.needInputGrad = true;
	try {
		const dx = backTo(layers, model.outputs, classIndex, -1);
		return { shape: input.shape.slice(), data: dx.data.slice(0, x.data.length) };
	} finally {
		first.needInputGrad = had;
	}
}

/** The entry at `path` in a composite layer's inner activations (searched through nested blocks). */
function findInner(list: readonly Activation[], path: string): Activation | null {
	for (const a of list) {
		if (a.path === path) return a;
		const found = a.inner ? findInner(a.inner, path) : null;
		if (found) return found;
	}
	return null;
}

/** Grad-CAM's map from feature maps A [k, h, w] and ∂ score / ∂ A: ReLU(Σ_k α_k·A_k), α_k the mean of ∂ / ∂ A_k. */
function camOf(a: Float32Array, dA: Float32Array, k: number, h: number, w: number): Tensor {
	const plane = h * w;
	const cam = new Float32Array(plane);
	for (let c = 0; c < k; c++) {
		let alpha = 0;
		for (let p = 0; p < plane; p++) alpha += dA[c * plane + p];
		alpha /= plane;
		for (let p = 0; p < plane; p++) cam[p] += alpha * a[c * plane + p];
	}
	for (let p = 0; p < plane; p++) if (cam[p] < 0) cam[p] = 0;
	return { shape: [h, w], data: cam };
}

const mapsRefusal = (where: string, shape: readonly number[]): string =>
	`attribution: Grad-CAM needs a layer with feature maps [K, h, w]; ${where} gives [${shape.join(", ")}]`;

/**
 * Grad-CAM of class classIndex on the output of layer layerIndex (an index into model.layers, as PyTorch indexes
 * the nn.Sequential; that layer's output must be [K, h, w]): a new [h, w] tensor. With `innerPath`, on an output
 * inside that layer, a residual block ("body.1", "shortcut.0", "add", "body.2.body.0": the paths its
 * innerActivations name), as a hook on that submodule would give in PyTorch.
 */
export function gradCam(model: Sequential, input: Tensor, classIndex: number, layerIndex: number, innerPath?: string): Tensor {
	checkClass(model, classIndex);
	const x = oneSample(model, input);
	const layers = model.logitLayers;
	if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= layers.length) {
		throw new Error(`attribution: Grad-CAM needs a layer from 0 to ${layers.length - 1}, got ${layerIndex}`);
	}
	const layer = layers[layerIndex];
	if (innerPath !== undefined) {
		if (!layer.innerActivations || !layer.innerGradient) {
			throw new Error(`attribution: layer ${layerIndex} (${layer.spec.type}) has no layers inside it, so Grad-CAM has no "${innerPath}" there`);
		}
		model.forward(x, false);
		const inner = findInner(layer.innerActivations(0), innerPath);
		if (!inner) throw new Error(`attribution: layer ${layerIndex} (${layer.spec.type}) has no output "${innerPath}" inside it`);
		if (inner.shape.length !== 3) throw new Error(mapsRefusal(`"${innerPath}" in layer ${layerIndex}`, inner.shape));
		// back through the block itself: it records the gradient each output inside it received
		backTo(layers, model.outputs, classIndex, layerIndex - 1);
		const dA = layer.innerGradient(innerPath, 0);
		if (!dA) throw new Error(`attribution: layer ${layerIndex} recorded no gradient for "${innerPath}"`);
		const [k, h, w] = inner.shape;
		return camOf(inner.data, dA, k, h, w);
	}
	const shape = layer.outShape;
	if (shape.length !== 3) throw new Error(mapsRefusal(`layer ${layerIndex}`, shape));
	const [k, h, w] = shape;
	let t = x;
	let a = new Float32Array(0);
	for (let i = 0; i < layers.length; i++) {
		t = layers[i].forward(t, false);
		// Copied: a later layer may hand the same buffer on (flatten shares it) and the backward reuses buffers.
		if (i === layerIndex) a = t.data.slice(0, k * h * w);
	}
	const dA = backTo(layers, model.outputs, classIndex, layerIndex).data;
	return camOf(a, dA, k, h, w);
}
