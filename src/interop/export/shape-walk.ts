import type { LayerSpec, ModelSpec, Pair } from "../../engine/model-spec";

/**
 * Per-sample shapes as PyTorch computes them, for the exporters and importers. A flat shape (after flatten or
 * dense) keeps its feature count in `c` with h = w = 1.
 */
export interface WalkShape {
	c: number;
	h: number;
	w: number;
	flat: boolean;
}

export interface WalkStep {
	layer: LayerSpec;
	index: number;
	in: WalkShape;
	out: WalkShape;
	params: number;
	/** A dense layer met a spatial input: the frameworks need an explicit flatten before it. */
	implicitFlatten: boolean;
	/** A residual block's two branches, walked from the block's input (`params` above counts both). */
	block?: { body: WalkStep[]; shortcut: WalkStep[] };
}

export interface Walk {
	steps: WalkStep[];
	/** The first layer whose output cannot be computed (size 0 or less, conv after flatten), if any. */
	error: { index: number; message: string } | null;
	parameters: number;
	/** Batch norm's running mean and variance: Keras's count_params() counts them, PyTorch's parameters() does not. */
	nonTrainable: number;
}

/** Output length of a convolution along one axis: floor((n + p0 + p1 − d·(k − 1) − 1) / s) + 1. */
export function convOut(n: number, k: number, s: number, p0: number, p1: number, d: number): number {
	return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

/** Output length of a pooling window along one axis, PyTorch's rule for ceil mode included. */
export function poolOut(n: number, k: number, s: number, p: number, ceil: boolean): number {
	if (!ceil) return Math.floor((n + 2 * p - k) / s) + 1;
	let o = Math.ceil((n + 2 * p - k) / s) + 1;
	// PyTorch drops a last window that would start inside the right padding only.
	if ((o - 1) * s >= n + p) o -= 1;
	return o;
}

/** Transposed-convolution output along one axis: (n − 1)·s − 2p + d·(k − 1) + outputPad + 1. */
export function transposedOut(n: number, k: number, s: number, p: number, outputPad: number, d: number): number {
	return (n - 1) * s - 2 * p + d * (k - 1) + outputPad + 1;
}

/** Weights and biases of a (grouped) conv from C to F channels: F·(C/groups)·kh·kw + F (a transposed one has as many). */
function convParams(channels: number, filters: number, kernel: Pair, groups: number, bias: boolean): number {
	return filters * (channels / groups) * kernel[0] * kernel[1] + (bias ? filters : 0);
}

export function padEndOf(pad: Pair, padEnd: Pair | undefined): Pair {
	return padEnd ?? pad;
}

function flatSize(s: WalkShape): number {
	return s.flat ? s.c : s.c * s.h * s.w;
}

export interface StepResult {
	out: WalkShape;
	params: number;
	implicitFlatten: boolean;
	error: string | null;
}

/** One layer's effect on a per-sample shape. */
export function stepShape(cur: WalkShape, layer: LayerSpec): StepResult {
	let out: WalkShape = cur;
	let params = 0;
	let implicitFlatten = false;
	switch (layer.type) {
		case "conv": {
			if (cur.flat) return { out, params, implicitFlatten, error: "a convolution after flatten" };
			const end = padEndOf(layer.pad, layer.padEnd);
			const h = convOut(cur.h, layer.kernel[0], layer.stride[0], layer.pad[0], end[0], layer.dilation[0]);
			const w = convOut(cur.w, layer.kernel[1], layer.stride[1], layer.pad[1], end[1], layer.dilation[1]);
			out = { c: layer.filters, h, w, flat: false };
			params = convParams(cur.c, layer.filters, layer.kernel, layer.groups ?? 1, layer.bias);
			break;
		}
		case "depthwise": {
			if (cur.flat) return { out, params, implicitFlatten, error: "a convolution after flatten" };
			const h = convOut(cur.h, layer.kernel[0], layer.stride[0], layer.pad[0], layer.pad[0], layer.dilation[0]);
			const w = convOut(cur.w, layer.kernel[1], layer.stride[1], layer.pad[1], layer.pad[1], layer.dilation[1]);
			const f = cur.c * layer.multiplier;
			out = { c: f, h, w, flat: false };
			params = convParams(cur.c, f, layer.kernel, cur.c, layer.bias);
			break;
		}
		case "convtranspose": {
			if (cur.flat) return { out, params, implicitFlatten, error: "a convolution after flatten" };
			const h = transposedOut(cur.h, layer.kernel[0], layer.stride[0], layer.pad[0], layer.outputPad[0], layer.dilation[0]);
			const w = transposedOut(cur.w, layer.kernel[1], layer.stride[1], layer.pad[1], layer.outputPad[1], layer.dilation[1]);
			out = { c: layer.filters, h, w, flat: false };
			// the weight is [C, F/groups, kh, kw]: as many numbers as a conv from C to F with those groups
			params = convParams(cur.c, layer.filters, layer.kernel, layer.groups ?? 1, layer.bias);
			break;
		}
		case "adaptiveavgpool":
			if (cur.flat) return { out, params, implicitFlatten, error: "a pooling layer after flatten" };
			out = { c: cur.c, h: layer.size[0], w: layer.size[1], flat: false };
			break;
		case "gap":
			if (cur.flat) return { out, params, implicitFlatten, error: "a pooling layer after flatten" };
			out = { c: cur.c, h: 1, w: 1, flat: true };
			break;
		case "maxpool":
		case "avgpool": {
			if (cur.flat) return { out, params, implicitFlatten, error: "a pooling layer after flatten" };
			const h = poolOut(cur.h, layer.kernel[0], layer.stride[0], layer.pad[0], layer.ceil);
			const w = poolOut(cur.w, layer.kernel[1], layer.stride[1], layer.pad[1], layer.ceil);
			out = { c: cur.c, h, w, flat: false };
			break;
		}
		case "flatten":
			out = { c: flatSize(cur), h: 1, w: 1, flat: true };
			break;
		case "batchnorm":
			// γ and β per channel (or feature); the running statistics are buffers, not parameters.
			params = 2 * cur.c;
			break;
		case "dense": {
			implicitFlatten = !cur.flat;
			out = { c: layer.units, h: 1, w: 1, flat: true };
			params = flatSize(cur) * layer.units + (layer.bias ? layer.units : 0);
			break;
		}
		case "residual": {
			// the walk of the block alone: its branches' parameters and the shape they meet in
			const w = walkLayers(cur, [layer]);
			return { out: w.out, params: w.parameters, implicitFlatten: false, error: w.error?.message ?? null };
		}
		default:
			break;
	}
	const error = out.h <= 0 || out.w <= 0 || out.c <= 0 ? `the output would be ${out.h}×${out.w}×${out.c}` : null;
	return { out, params, implicitFlatten, error };
}

const SPATIAL_ONLY = ["conv", "depthwise", "convtranspose", "maxpool", "avgpool", "adaptiveavgpool", "gap"];

function shapeText(s: WalkShape): string {
	return s.flat ? String(s.c) : `${s.h}×${s.w}×${s.c}`;
}

/** Walks `layers` from `start`; a residual block walks its two branches and requires them to meet in one shape. */
function walkLayers(start: WalkShape, layers: LayerSpec[]): Walk & { out: WalkShape } {
	const steps: WalkStep[] = [];
	let cur = start;
	let parameters = 0;
	let nonTrainable = 0;
	const stop = (index: number, message: string): Walk & { out: WalkShape } => ({ steps, error: { index, message }, parameters, nonTrainable, out: cur });
	for (let i = 0; i < layers.length; i++) {
		const layer = layers[i];
		if (layer.type === "residual") {
			const body = walkLayers(cur, layer.body);
			if (body.error) return stop(i, `layer ${body.error.index + 1} of the residual block fails: ${body.error.message}`);
			const shortcut = walkLayers(cur, layer.shortcut);
			if (shortcut.error) return stop(i, `layer ${shortcut.error.index + 1} of the block's shortcut fails: ${shortcut.error.message}`);
			const a = body.out;
			const b = shortcut.out;
			if (a.flat !== b.flat || a.c !== b.c || a.h !== b.h || a.w !== b.w) {
				return stop(i, `the residual block's body gives ${shapeText(a)} but its shortcut ${shapeText(b)}: they cannot be added`);
			}
			const params = body.parameters + shortcut.parameters;
			steps.push({ layer, index: i, in: cur, out: a, params, implicitFlatten: false, block: { body: body.steps, shortcut: shortcut.steps } });
			parameters += params;
			nonTrainable += body.nonTrainable + shortcut.nonTrainable;
			cur = a;
			continue;
		}
		const r = stepShape(cur, layer);
		if (r.error && cur.flat && SPATIAL_ONLY.includes(layer.type)) return stop(i, r.error);
		steps.push({ layer, index: i, in: cur, out: r.out, params: r.params, implicitFlatten: r.implicitFlatten });
		parameters += r.params;
		if (layer.type === "batchnorm") nonTrainable += 2 * cur.c;
		if (r.error) return stop(i, r.error);
		cur = r.out;
	}
	return { steps, error: null, parameters, nonTrainable, out: cur };
}

/** The model's per-layer shapes and parameter count; a residual block's step carries its branches' steps. */
export function walkShapes(model: ModelSpec): Walk {
	const { steps, error, parameters, nonTrainable } = walkLayers({ c: model.input[0], h: model.input[1], w: model.input[2], flat: false }, model.layers);
	return { steps, error, parameters, nonTrainable };
}

/** Whether the model holds a residual block anywhere (the exports then write a block class or the functional API). */
export function hasResidual(layers: LayerSpec[]): boolean {
	return layers.some((l) => l.type === "residual");
}
