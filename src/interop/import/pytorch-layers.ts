import type { Pair } from "../../engine/model-spec";
import { arg, bool, isNone, isPositiveInt, num, numbers, pair, str, slopeArg } from "./args";
import type { NetworkBuilder } from "./builder";
import type { PyCall } from "./python-calls";

function readPair(b: NetworkBuilder, call: PyCall, v: ReturnType<typeof arg>, what: string, fallback: Pair, min: number): Pair {
	if (isNone(v)) return fallback;
	const p = pair(v);
	if (!p || !Number.isInteger(p[0]) || !Number.isInteger(p[1]) || p[0] < min || p[1] < min || p[0] > 1e9 || p[1] > 1e9) {
		b.diag(call, "error", "import.badValue", { what, name: call.name });
		return fallback;
	}
	return p;
}

function conv(b: NetworkBuilder, call: PyCall): void {
	const inC = num(arg(call, 0, "in_channels"));
	const outC = num(arg(call, 1, "out_channels"));
	if (outC === null || !isPositiveInt(outC)) {
		b.diag(call, "error", "import.badValue", { what: "out_channels", name: call.name });
		return;
	}
	const kernel = readPair(b, call, arg(call, 2, "kernel_size"), "kernel_size", [1, 1], 1);
	if (isNone(arg(call, 2, "kernel_size"))) b.diag(call, "error", "import.badValue", { what: "kernel_size", name: call.name });
	const stride = readPair(b, call, arg(call, 3, "stride"), "stride", [1, 1], 1);
	const dilation = readPair(b, call, arg(call, 5, "dilation"), "dilation", [1, 1], 1);
	const padArg = arg(call, 4, "padding");
	let pad: Pair = [0, 0];
	let padEnd: Pair | undefined;
	const padWord = str(padArg);
	if (padWord !== null) {
		if (padWord === "same") {
			if (stride[0] !== 1 || stride[1] !== 1) b.diag(call, "error", "import.torchSameStride");
			// PyTorch puts the odd pixel of 'same' at the end, as Keras does.
			const tot: Pair = [dilation[0] * (kernel[0] - 1), dilation[1] * (kernel[1] - 1)];
			pad = [Math.floor(tot[0] / 2), Math.floor(tot[1] / 2)];
			const end: Pair = [tot[0] - pad[0], tot[1] - pad[1]];
			if (end[0] !== pad[0] || end[1] !== pad[1]) padEnd = end;
		} else if (padWord !== "valid") {
			b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
		}
	} else {
		pad = readPair(b, call, padArg, "padding", [0, 0], 0);
	}
	const groups = readGroups(b, call, num(arg(call, 6, "groups")), inC, outC);
	const mode = str(arg(call, -1, "padding_mode"));
	if (mode !== null && mode !== "zeros") b.diag(call, "warning", "import.padMode", { mode });
	const bias = bool(arg(call, 7, "bias")) ?? true;
	if (inC !== null && b.shape && !b.shape.flat && inC !== b.shape.c) {
		b.diag(call, "error", "import.inChannels", { want: inC, got: b.shape.c }, `nn.Conv2d(${b.shape.c}, ${outC}, …)`);
	}
	const grouped = groups > 1 ? { groups } : {};
	b.add(padEnd ? { type: "conv", filters: outC, kernel, stride, pad, padEnd, dilation, bias, ...grouped } : { type: "conv", filters: outC, kernel, stride, pad, dilation, bias, ...grouped }, call);
}

/** `groups=`: both channel counts must divide by it, as PyTorch checks when it builds the layer. */
function readGroups(b: NetworkBuilder, call: PyCall, g: number | null, inC: number | null, outC: number): number {
	if (g === null || g === 1) return 1;
	const c = inC ?? (b.shape && !b.shape.flat ? b.shape.c : null);
	if (!isPositiveInt(g) || outC % g !== 0 || (c !== null && c % g !== 0)) {
		b.diag(call, "error", "import.groupsDivide", { g, c: c ?? "?", f: outC });
		return 1;
	}
	return g;
}

/** nn.ConvTranspose2d(in, out, kernel, stride, padding, output_padding, groups, bias, dilation). */
function convTranspose(b: NetworkBuilder, call: PyCall): void {
	const inC = num(arg(call, 0, "in_channels"));
	const outC = num(arg(call, 1, "out_channels"));
	if (outC === null || !isPositiveInt(outC)) {
		b.diag(call, "error", "import.badValue", { what: "out_channels", name: call.name });
		return;
	}
	if (isNone(arg(call, 2, "kernel_size"))) b.diag(call, "error", "import.badValue", { what: "kernel_size", name: call.name });
	const kernel = readPair(b, call, arg(call, 2, "kernel_size"), "kernel_size", [1, 1], 1);
	const stride = readPair(b, call, arg(call, 3, "stride"), "stride", [1, 1], 1);
	const pad = readPair(b, call, arg(call, 4, "padding"), "padding", [0, 0], 0);
	const outputPad = readPair(b, call, arg(call, 5, "output_padding"), "output_padding", [0, 0], 0);
	const groups = readGroups(b, call, num(arg(call, 6, "groups")), inC, outC);
	const bias = bool(arg(call, 7, "bias")) ?? true;
	const dilation = readPair(b, call, arg(call, 8, "dilation"), "dilation", [1, 1], 1);
	if (inC !== null && b.shape && !b.shape.flat && inC !== b.shape.c) {
		b.diag(call, "error", "import.inChannels", { want: inC, got: b.shape.c }, `nn.ConvTranspose2d(${b.shape.c}, ${outC}, …)`);
	}
	b.add({ type: "convtranspose", filters: outC, kernel, stride, pad, outputPad, dilation, bias, ...(groups > 1 ? { groups } : {}) }, call);
}

/** nn.BatchNorm2d / BatchNorm1d(num_features, eps=1e-5, momentum=0.1, affine=True, track_running_stats=True). */
function batchNorm(b: NetworkBuilder, call: PyCall, dims: 1 | 2): void {
	const features = num(arg(call, 0, "num_features"));
	const eps = num(arg(call, 1, "eps")) ?? 1e-5;
	const momentum = num(arg(call, 2, "momentum")) ?? 0.1;
	if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) b.diag(call, "error", "import.badValue", { what: eps > 0 ? "momentum" : "eps", name: call.name });
	if (bool(arg(call, 3, "affine")) === false || bool(arg(call, 4, "track_running_stats")) === false) b.diag(call, "warning", "import.bnOptions", { name: call.name });
	const s = b.shape;
	if (s && features !== null) {
		const got = s.flat ? s.c : s.c;
		if (features !== got) b.diag(call, "error", "import.bnFeatures", { want: features, got }, `nn.BatchNorm${dims}d(${got})`);
		if ((dims === 2) === s.flat) b.diag(call, "error", "import.bnDims", { name: call.name, want: s.flat ? "nn.BatchNorm1d" : "nn.BatchNorm2d" });
	}
	b.add({ type: "batchnorm", ...(momentum !== 0.1 ? { momentum } : {}), ...(eps !== 1e-5 ? { eps } : {}) }, call);
}

function pool(b: NetworkBuilder, call: PyCall, type: "maxpool" | "avgpool"): void {
	const kArg = arg(call, 0, "kernel_size");
	if (isNone(kArg)) b.diag(call, "error", "import.badValue", { what: "kernel_size", name: call.name });
	const kernel = readPair(b, call, kArg, "kernel_size", [2, 2], 1);
	const stride = readPair(b, call, arg(call, 1, "stride"), "stride", kernel, 1);
	const pad = readPair(b, call, arg(call, 2, "padding"), "padding", [0, 0], 0);
	if (type === "maxpool") {
		const dil = pair(arg(call, 3, "dilation"));
		if (dil && (dil[0] !== 1 || dil[1] !== 1)) b.diag(call, "error", "import.poolDilation");
		const ceil = bool(arg(call, 5, "ceil_mode")) ?? false;
		b.add({ type, kernel, stride, pad, ceil, countIncludePad: true }, call);
	} else {
		const ceil = bool(arg(call, 3, "ceil_mode")) ?? false;
		const countIncludePad = bool(arg(call, 4, "count_include_pad")) ?? true;
		b.add({ type, kernel, stride, pad, ceil, countIncludePad }, call);
	}
}

function linear(b: NetworkBuilder, call: PyCall): void {
	const fin = num(arg(call, 0, "in_features"));
	const units = num(arg(call, 1, "out_features"));
	if (units === null || !isPositiveInt(units)) {
		b.diag(call, "error", "import.badValue", { what: "out_features", name: call.name });
		return;
	}
	if (fin !== null && b.shape) {
		const got = b.shape.flat ? b.shape.c : b.shape.c * b.shape.h * b.shape.w;
		if (got !== fin) b.diag(call, "error", "import.inFeatures", { want: fin, got }, `nn.Linear(${got}, ${units})`);
	}
	b.add({ type: "dense", units, bias: bool(arg(call, 2, "bias")) ?? true }, call);
}

function zeroPad(b: NetworkBuilder, call: PyCall): void {
	const v = numbers(arg(call, 0, "padding"));
	if (v && v.length === 1) b.padBefore(call, v[0], v[0], v[0], v[0]);
	else if (v && v.length === 4) b.padBefore(call, v[2], v[3], v[0], v[1]);
	else b.diag(call, "error", "import.badValue", { what: "padding", name: call.name });
}

/** Adds the layer a torch.nn call stands for; returns false when the name is not a layer CNN Lab knows. */
export function addTorchLayer(b: NetworkBuilder, call: PyCall, word: string): boolean {
	switch (word) {
		case "conv2d":
			conv(b, call);
			return true;
		case "convtranspose2d":
			convTranspose(b, call);
			return true;
		case "batchnorm2d":
		case "batchnorm1d":
			batchNorm(b, call, word === "batchnorm2d" ? 2 : 1);
			return true;
		case "maxpool2d":
			pool(b, call, "maxpool");
			return true;
		case "avgpool2d":
			pool(b, call, "avgpool");
			return true;
		case "relu":
		case "relu6":
			if (word === "relu6") b.diag(call, "warning", "import.approx", { name: call.name, as: "relu" });
			b.add({ type: "relu" }, call);
			return true;
		case "leakyrelu": {
			const slope = slopeArg(arg(call, 0, "negative_slope"), 0.01);
			if (slope === null) b.diag(call, "error", "import.badSlope", { name: call.name }, "nn.LeakyReLU(0.01)");
			else b.add({ type: "leakyrelu", slope }, call);
			return true;
		}
		case "sigmoid":
			b.add({ type: "sigmoid" }, call);
			return true;
		case "tanh":
			b.add({ type: "tanh" }, call);
			return true;
		case "flatten":
			b.add({ type: "flatten" }, call);
			return true;
		case "linear":
			linear(b, call);
			return true;
		case "dropout":
		case "dropout2d": {
			const p = num(arg(call, 0, "p")) ?? 0.5;
			if (p < 0 || p >= 1) b.diag(call, "error", "import.badValue", { what: "p", name: call.name });
			b.add({ type: "dropout", p: Math.min(Math.max(p, 0), 0.99) }, call);
			return true;
		}
		case "softmax":
		case "logsoftmax":
			if (word === "logsoftmax") b.diag(call, "warning", "import.approx", { name: call.name, as: "softmax" });
			b.add({ type: "softmax" }, call);
			return true;
		case "zeropad2d":
			zeroPad(b, call);
			return true;
		case "identity":
			return true;
		case "adaptiveavgpool2d": {
			// PyTorch's own bins (any sizes), as the engine computes them.
			const out = pair(arg(call, 0, "output_size"));
			if (!out || !isPositiveInt(out[0]) || !isPositiveInt(out[1])) b.diag(call, "error", "import.badValue", { what: "output_size", name: call.name });
			else b.add({ type: "adaptiveavgpool", size: out }, call);
			return true;
		}
		case "adaptivemaxpool2d": {
			// No adaptive max pool in the engine: a plain pool where the sizes divide.
			const out = pair(arg(call, 0, "output_size"));
			if (!out) b.diag(call, "error", "import.badValue", { what: "output_size", name: call.name });
			else b.adaptivePool(call, "maxpool", out, false);
			return true;
		}
		default:
			return false;
	}
}
