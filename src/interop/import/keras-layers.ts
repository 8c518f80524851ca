import type { Pair } from "../../engine/model-spec";
import { kerasSamePad } from "../export/keras";
import { arg, bool, isNone, isPositiveInt, num, numbers, pair, str, slopeArg } from "./args";
import type { NetworkBuilder } from "./builder";
import type { PyCall, PyValue } from "./python-calls";

const pairText = (p: Pair): string => (p[0] === p[1] ? String(p[0]) : `${p[0]}×${p[1]}`);

function readPair(b: NetworkBuilder, call: PyCall, v: PyValue | undefined, what: string, fallback: Pair, min: number): Pair {
	if (isNone(v)) return fallback;
	const p = pair(v);
	if (!p || !Number.isInteger(p[0]) || !Number.isInteger(p[1]) || p[0] < min || p[1] < min || p[0] > 1e9 || p[1] > 1e9) {
		b.diag(call, "error", "import.badValue", { what, name: call.name });
		return fallback;
	}
	return p;
}

/** `activation="relu"` on Conv2D / Dense: the activation as a layer of its own after it. */
function activation(b: NetworkBuilder, call: PyCall, v: PyValue | undefined): void {
	if (isNone(v)) return;
	const name = (str(v) ?? (v && v.k === "name" ? v.v.split(".").pop() ?? "" : "")).toLowerCase();
	switch (name) {
		case "relu":
			b.add({ type: "relu" }, call);
			return;
		case "sigmoid":
			b.add({ type: "sigmoid" }, call);
			return;
		case "tanh":
			b.add({ type: "tanh" }, call);
			return;
		case "softmax":
			b.add({ type: "softmax" }, call);
			return;
		case "leaky_relu":
			b.add({ type: "leakyrelu", slope: 0.2 }, call);
			return;
		case "linear":
		case "":
			if (name === "") b.diag(call, "warning", "import.activation", { name: "?" });
			return;
		default:
			b.diag(call, "warning", "import.activation", { name });
	}
}

/** Keras's padding='same' as explicit [before, after] pads, needing the input size when the stride is above 1. */
function samePads(b: NetworkBuilder, call: PyCall, kernel: Pair, stride: Pair, dilation: Pair): { pad: Pair; padEnd?: Pair } {
	const s = b.shape;
	if (!s && (stride[0] !== 1 || stride[1] !== 1)) {
		b.diag(call, "error", "import.sameNeedsInput");
	}
	const h = kerasSamePad(s ? s.h : 1e6, kernel[0], stride[0], dilation[0]);
	const w = kerasSamePad(s ? s.w : 1e6, kernel[1], stride[1], dilation[1]);
	const pad: Pair = [h[0], w[0]];
	const end: Pair = [h[1], w[1]];
	return end[0] !== pad[0] || end[1] !== pad[1] ? { pad, padEnd: end } : { pad };
}

/** Conv2D's and Conv2DTranspose's first three arguments: filters, kernel_size, strides (null: no valid filters). */
function filtersKernelStride(b: NetworkBuilder, call: PyCall): { filters: number; kernel: Pair; stride: Pair } | null {
	const filters = num(arg(call, 0, "filters"));
	if (filters === null || !isPositiveInt(filters)) {
		b.diag(call, "error", "import.badValue", { what: "filters", name: call.name });
		return null;
	}
	const kArg = arg(call, 1, "kernel_size");
	if (isNone(kArg)) b.diag(call, "error", "import.badValue", { what: "kernel_size", name: call.name });
	return { filters, kernel: readPair(b, call, kArg, "kernel_size", [1, 1], 1), stride: readPair(b, call, arg(call, 2, "strides"), "strides", [1, 1], 1) };
}

function conv(b: NetworkBuilder, call: PyCall): void {
	const first = filtersKernelStride(b, call);
	if (!first) return;
	const { filters, kernel, stride } = first;
	const dilation = readPair(b, call, arg(call, 5, "dilation_rate"), "dilation_rate", [1, 1], 1);
	const padding = (str(arg(call, 3, "padding")) ?? "valid").toLowerCase();
	if (padding !== "same" && padding !== "valid") b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
	const pads = padding === "same" ? samePads(b, call, kernel, stride, dilation) : { pad: [0, 0] as Pair };
	const bias = bool(arg(call, -1, "use_bias")) ?? true;
	if (str(arg(call, 4, "data_format")) === "channels_first") b.diag(call, "warning", "import.channelsFirst");
	b.add({ type: "conv", filters, kernel, stride, ...pads, dilation, bias }, call);
	activation(b, call, arg(call, -1, "activation"));
}

/** layers.DepthwiseConv2D(kernel_size, strides, padding, depth_multiplier, …, dilation_rate, use_bias). */
function depthwise(b: NetworkBuilder, call: PyCall): void {
	const kArg = arg(call, 0, "kernel_size");
	if (isNone(kArg)) b.diag(call, "error", "import.badValue", { what: "kernel_size", name: call.name });
	const kernel = readPair(b, call, kArg, "kernel_size", [1, 1], 1);
	const stride = readPair(b, call, arg(call, 1, "strides"), "strides", [1, 1], 1);
	const multiplier = num(arg(call, 3, "depth_multiplier")) ?? 1;
	if (!isPositiveInt(multiplier)) b.diag(call, "error", "import.badValue", { what: "depth_multiplier", name: call.name });
	const dilation = readPair(b, call, arg(call, -1, "dilation_rate"), "dilation_rate", [1, 1], 1);
	const padding = (str(arg(call, 2, "padding")) ?? "valid").toLowerCase();
	if (padding !== "same" && padding !== "valid") b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
	const pads = padding === "same" ? samePads(b, call, kernel, stride, dilation) : { pad: [0, 0] as Pair };
	// A depthwise conv pads evenly; Keras's 'same' with a stride can put one more row at the end.
	if (pads.padEnd) b.diag(call, "error", "import.padUnsupported");
	b.add({ type: "depthwise", multiplier: isPositiveInt(multiplier) ? multiplier : 1, kernel, stride, pad: pads.pad, dilation, bias: bool(arg(call, -1, "use_bias")) ?? true }, call);
	activation(b, call, arg(call, -1, "activation"));
}

/**
 * layers.Conv2DTranspose(filters, kernel_size, strides, padding, output_padding, …). Keras's output length
 * (deconv_output_length) as PyTorch's padding and output_padding: 'valid' is (i − 1)·s + k when k ≥ s; 'same' is
 * i·s, which is padding ⌈(k − s)/2⌉ with output_padding making up the odd row. Keras crops that odd row at the end
 * where PyTorch crops it at the start, so for odd k − s the values sit one pixel apart: said as a warning.
 */
function convTranspose(b: NetworkBuilder, call: PyCall): void {
	const first = filtersKernelStride(b, call);
	if (!first) return;
	const { filters, kernel, stride } = first;
	const padding = (str(arg(call, 3, "padding")) ?? "valid").toLowerCase();
	const given = arg(call, 4, "output_padding");
	const dilation = readPair(b, call, arg(call, -1, "dilation_rate"), "dilation_rate", [1, 1], 1);
	if (dilation[0] !== 1 || dilation[1] !== 1) b.diag(call, "error", "import.kerasTransposedDilation");
	if (padding !== "same" && padding !== "valid") b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
	const pad: Pair = [0, 0];
	const outputPad: Pair = [0, 0];
	if (!isNone(given)) {
		// With output_padding Keras's length is (i − 1)·s + k − 2·⌊k/2⌋ ('same') or − 0 ('valid') + output_padding.
		const op = readPair(b, call, given, "output_padding", [0, 0], 0);
		for (const a of [0, 1] as const) {
			pad[a] = padding === "same" ? Math.floor(kernel[a] / 2) : 0;
			outputPad[a] = op[a];
		}
	} else {
		let shifted = false;
		for (const a of [0, 1] as const) {
			const k = kernel[a];
			const s = stride[a];
			if (padding === "same") {
				pad[a] = Math.max(0, Math.ceil((k - s) / 2));
				outputPad[a] = 2 * pad[a] - (k - s);
				shifted ||= k > s && (k - s) % 2 !== 0;
			} else outputPad[a] = Math.max(s - k, 0);
		}
		if (shifted) b.diag(call, "warning", "import.kerasTransposedSame", { k: pairText(kernel), s: pairText(stride) });
	}
	b.add({ type: "convtranspose", filters, kernel, stride, pad, outputPad, dilation, bias: bool(arg(call, -1, "use_bias")) ?? true }, call);
	activation(b, call, arg(call, -1, "activation"));
}

/**
 * layers.BatchNormalization(axis, momentum=0.99, epsilon=0.001): Keras's momentum keeps that much of the running
 * value, PyTorch's takes that much of the batch, so PyTorch's momentum is 1 − Keras's.
 */
function batchNorm(b: NetworkBuilder, call: PyCall): void {
	const m = num(arg(call, 1, "momentum")) ?? 0.99;
	const eps = num(arg(call, 2, "epsilon")) ?? 1e-3;
	if (!(m >= 0 && m <= 1) || !(eps > 0)) b.diag(call, "error", "import.badValue", { what: m >= 0 && m <= 1 ? "epsilon" : "momentum", name: call.name });
	const axis = num(arg(call, 0, "axis"));
	if (axis !== null && axis !== -1 && axis !== 3) b.diag(call, "warning", "import.channelsFirst");
	b.add({ type: "batchnorm", momentum: Math.round((1 - m) * 1e9) / 1e9, eps }, call);
}

function pool(b: NetworkBuilder, call: PyCall, type: "maxpool" | "avgpool"): void {
	const kernel = readPair(b, call, arg(call, 0, "pool_size"), "pool_size", [2, 2], 1);
	const stride = readPair(b, call, arg(call, 1, "strides"), "strides", kernel, 1);
	const padding = (str(arg(call, 2, "padding")) ?? "valid").toLowerCase();
	if (padding === "same") {
		// Keras's 'same' pool pads (the odd pixel at the end) and ignores the padding: PyTorch's padding + ceil mode.
		const s = b.shape;
		if (!s) {
			b.diag(call, "error", "import.sameNeedsInput");
			b.add({ type, kernel, stride, pad: [0, 0], ceil: true, countIncludePad: false }, call);
			return;
		}
		const h = kerasSamePad(s.h, kernel[0], stride[0], 1);
		const w = kerasSamePad(s.w, kernel[1], stride[1], 1);
		const ceil = h[0] !== h[1] || w[0] !== w[1];
		b.add({ type, kernel, stride, pad: [h[0], w[0]], ceil, countIncludePad: false }, call);
		return;
	}
	if (padding !== "valid") b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
	b.add({ type, kernel, stride, pad: [0, 0], ceil: false, countIncludePad: true }, call);
}

function zeroPad(b: NetworkBuilder, call: PyCall): void {
	const v = arg(call, 0, "padding");
	if (isNone(v)) {
		b.padBefore(call, 1, 1, 1, 1);
		return;
	}
	const flat = numbers(v);
	if (flat && flat.length === 1) return b.padBefore(call, flat[0], flat[0], flat[0], flat[0]);
	if (flat && flat.length === 2) return b.padBefore(call, flat[0], flat[0], flat[1], flat[1]);
	if (v && v.k === "seq" && v.items.length === 2) {
		const a = numbers(v.items[0]);
		const c = numbers(v.items[1]);
		if (a && c && a.length === 2 && c.length === 2) return b.padBefore(call, a[0], a[1], c[0], c[1]);
	}
	b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
}

/** Adds the layer a keras.layers call stands for; false when it is not a layer CNN Lab knows. */
export function addKerasLayer(b: NetworkBuilder, call: PyCall, word: string): boolean {
	switch (word) {
		case "conv2d":
		case "convolution2d":
			conv(b, call);
			return true;
		case "depthwiseconv2d":
			depthwise(b, call);
			return true;
		case "conv2dtranspose":
		case "convolution2dtranspose":
			convTranspose(b, call);
			return true;
		case "batchnormalization":
			batchNorm(b, call);
			return true;
		case "maxpooling2d":
		case "maxpool2d":
			pool(b, call, "maxpool");
			return true;
		case "averagepooling2d":
		case "avgpool2d":
			pool(b, call, "avgpool");
			return true;
		case "dense": {
			const units = num(arg(call, 0, "units"));
			if (units === null || !isPositiveInt(units)) {
				b.diag(call, "error", "import.badValue", { what: "units", name: call.name });
				return true;
			}
			b.add({ type: "dense", units, bias: bool(arg(call, -1, "use_bias")) ?? true }, call);
			activation(b, call, arg(call, 1, "activation"));
			return true;
		}
		case "flatten":
			b.add({ type: "flatten" }, call);
			return true;
		case "dropout": {
			const p = num(arg(call, 0, "rate")) ?? 0.5;
			if (p < 0 || p >= 1) b.diag(call, "error", "import.badValue", { what: "rate", name: call.name });
			b.add({ type: "dropout", p: Math.min(Math.max(p, 0), 0.99) }, call);
			return true;
		}
		case "activation":
			activation(b, call, arg(call, 0, "activation"));
			return true;
		case "relu":
			if (!isNone(arg(call, 0, "max_value"))) b.diag(call, "warning", "import.approx", { name: call.name, as: "relu" });
			b.add({ type: "relu" }, call);
			return true;
		case "leakyrelu":
			// Keras 3's default slope is 0.2 (tf.keras 2 used 0.3).
			{
				const slope = slopeArg(arg(call, 0, "negative_slope", "alpha"), 0.2);
				if (slope === null) b.diag(call, "error", "import.badSlope", { name: call.name }, "layers.LeakyReLU(0.2)");
				else b.add({ type: "leakyrelu", slope }, call);
			}
			return true;
		case "softmax":
			b.add({ type: "softmax" }, call);
			return true;
		case "zeropadding2d":
			zeroPad(b, call);
			return true;
		case "globalaveragepooling2d":
		case "globalavgpool2d":
			// Keras's global pools return a flat vector (CNN Lab's gap), unless keepdims=True (a 1×1 map).
			if (bool(arg(call, -1, "keepdims")) ?? false) b.add({ type: "adaptiveavgpool", size: [1, 1] }, call);
			else b.add({ type: "gap" }, call);
			return true;
		case "globalmaxpooling2d":
		case "globalmaxpool2d":
			b.adaptivePool(call, "maxpool", [1, 1], !(bool(arg(call, -1, "keepdims")) ?? false));
			return true;
		case "input":
		case "inputlayer":
			return true;
		default:
			return false;
	}
}
