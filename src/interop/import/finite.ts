import type { PyCall, PyValue } from "./python-calls";

/**
 * The positional parameters of the layers read, by lower-case class name, as the frameworks define them: a number
 * that is not finite is named by its parameter (`nn.Dropout(1e400)`: p), not by where it stands.
 */
const TORCH_POSITIONAL = new Map<string, readonly string[]>(
	Object.entries({
	conv2d: ["in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"],
	convtranspose2d: ["in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups", "bias", "dilation"],
	batchnorm2d: ["num_features", "eps", "momentum"],
	batchnorm1d: ["num_features", "eps", "momentum"],
	maxpool2d: ["kernel_size", "stride", "padding", "dilation"],
	avgpool2d: ["kernel_size", "stride", "padding"],
	leakyrelu: ["negative_slope"],
	linear: ["in_features", "out_features"],
	dropout: ["p"],
	dropout2d: ["p"],
	zeropad2d: ["padding"],
	adaptiveavgpool2d: ["output_size"],
	adaptivemaxpool2d: ["output_size"],
	softmax: ["dim"],
	logsoftmax: ["dim"],
	}),
);

const KERAS_POSITIONAL = new Map<string, readonly string[]>(
	Object.entries({
	conv2d: ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"],
	convolution2d: ["filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate"],
	conv2dtranspose: ["filters", "kernel_size", "strides", "padding", "output_padding"],
	convolution2dtranspose: ["filters", "kernel_size", "strides", "padding", "output_padding"],
	depthwiseconv2d: ["kernel_size", "strides", "padding", "depth_multiplier"],
	batchnormalization: ["axis", "momentum", "epsilon"],
	maxpooling2d: ["pool_size", "strides", "padding"],
	maxpool2d: ["pool_size", "strides", "padding"],
	averagepooling2d: ["pool_size", "strides", "padding"],
	avgpool2d: ["pool_size", "strides", "padding"],
	dense: ["units"],
	dropout: ["rate"],
	leakyrelu: ["negative_slope"],
	zeropadding2d: ["padding"],
	input: ["shape"],
	inputlayer: ["input_shape"],
	}),
);

/** Names Python code writes for infinity and NaN (`math.inf`, `np.nan`, `torch.inf`). */
const NON_FINITE_NAME = /^(?:math|np|numpy|torch)\.(?:inf|nan|infty|Inf|NaN|NAN|PINF|NINF)$/;
/** float("nan"), float("inf"), float("-infinity"): the strings float() reads as infinity or NaN. */
const NON_FINITE_STR = /^\s*[+-]?(?:inf|infinity|nan)\s*$/i;

/**
 * How the number was written when it (or an item of its tuple) is not finite, and whether it overflowed (a literal
 * past the largest double) rather than being written as infinity or NaN; null when every number is finite.
 */
function nonFinite(v: PyValue | undefined): { text: string; overflow: boolean } | null {
	if (!v) return null;
	if (v.k === "num") return Number.isFinite(v.v) ? null : { text: v.text ?? String(v.v), overflow: true };
	if (v.k === "name") return NON_FINITE_NAME.test(v.v) ? { text: v.v, overflow: false } : null;
	if (v.k === "call") {
		const s = v.call.args[0];
		return v.call.name === "float" && s?.k === "str" && NON_FINITE_STR.test(s.v) ? { text: `float("${s.v.trim()}")`, overflow: false } : null;
	}
	if (v.k === "seq") {
		for (const it of v.items) {
			const w = nonFinite(it);
			if (w !== null) return w;
		}
	}
	return null;
}

/**
 * The first argument of a layer call whose number is not finite (`1e400` is past the largest double and reads as
 * infinity): its parameter name and how it was written. The frameworks refuse or misread such a layer, so it is
 * said at its line rather than replaced by a default.
 */
export function nonFiniteArg(call: PyCall, word: string, framework: "pytorch" | "keras"): { what: string; text: string; overflow: boolean } | null {
	const names = (framework === "pytorch" ? TORCH_POSITIONAL : KERAS_POSITIONAL).get(word) ?? [];
	for (let i = 0; i < call.args.length; i++) {
		const bad = nonFinite(call.args[i]);
		if (bad !== null) return { what: names[i] ?? `#${i + 1}`, ...bad };
	}
	for (const [name, v] of call.kwargs) {
		const bad = nonFinite(v);
		if (bad !== null) return { what: name, ...bad };
	}
	return null;
}
