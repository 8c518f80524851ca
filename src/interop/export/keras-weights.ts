/**
 * The Keras export with trained weights: after the model (toKeras), NumPy code that reads the safetensors file
 * (PyTorch state_dict names, as CNN Lab and PyTorch save it) and puts each tensor into its Keras layer in Keras's
 * channels-last order: a conv kernel OIHW → HWIO, a depthwise one (C·m, 1, kh, kw) → (kh, kw, C, m), a transposed
 * one (in, out, kh, kw) → (kh, kw, out, in), a dense one (out, in) → (in, out). A Flatten of a C×H×W map orders the
 * features C, H, W in PyTorch and H, W, C in Keras, so the first dense layer (and a batch norm) after it has its
 * inputs permuted. The layers with weights are taken in order (Keras's ZeroPadding2D, Cropping2D and Flatten
 * have none), so no layer index is guessed.
 */
import type { ModelSpec } from "../../engine/model-spec";
import type { ExportOptions } from "./python";
import { toKeras } from "./keras";
import { torchModules } from "./pytorch";
import { walkShapes } from "./shape-walk";

const PLAIN_NAME = /^[A-Za-z0-9 _.-]{1,120}$/;

const READER = [
	"def read_safetensors(path):",
	"    try:",
	"        from safetensors.numpy import load_file",
	"        return load_file(path)",
	"    except ImportError:",
	"        pass",
	"    # The format: 8 bytes of little-endian header length, a JSON header, then the raw little-endian tensors.",
	'    dtypes = {"F32": "<f4", "F64": "<f8", "F16": "<f2", "I64": "<i8", "I32": "<i4"}',
	'    with open(path, "rb") as f:',
	'        n = struct.unpack("<Q", f.read(8))[0]',
	"        header = json.loads(f.read(n))",
	"        data = f.read()",
	"    tensors = {}",
	"    for name, t in header.items():",
	'        if name == "__metadata__":',
	"            continue",
	'        begin, end = t["data_offsets"]',
	'        tensors[name] = np.frombuffer(data[begin:end], dtype=dtypes[t["dtype"]]).reshape(t["shape"])',
	"    return tensors",
	"",
	"",
	"def conv_kernel(w):",
	"    # PyTorch (out, in / groups, kh, kw) → Keras (kh, kw, in / groups, out)",
	"    return np.transpose(w, (2, 3, 1, 0))",
	"",
	"",
	"def depthwise_kernel(w, channels, multiplier):",
	"    # PyTorch (channels · multiplier, 1, kh, kw) → Keras DepthwiseConv2D (kh, kw, channels, multiplier)",
	"    return np.transpose(w.reshape(channels, multiplier, w.shape[2], w.shape[3]), (2, 3, 0, 1))",
	"",
	"",
	"def transposed_kernel(w):",
	"    # PyTorch ConvTranspose2d (in, out, kh, kw) → Keras Conv2DTranspose (kh, kw, out, in)",
	"    return np.transpose(w, (2, 3, 1, 0))",
	"",
	"",
	"def hwc_features(v, chw):",
	"    # A vector over the features of a flattened C×H×W map: PyTorch's C, H, W order → Keras's H, W, C order",
	"    c, h, w = chw",
	"    return np.transpose(v.reshape(c, h, w), (1, 2, 0)).reshape(-1)",
	"",
	"",
	"def dense_kernel(w, chw=None):",
	"    # PyTorch (out, in) → Keras (in, out); after a Flatten of a C×H×W map the inputs go from C, H, W to H, W, C order",
	"    if chw is not None:",
	"        c, h, wd = chw",
	"        w = np.transpose(w.reshape(w.shape[0], c, h, wd), (0, 2, 3, 1)).reshape(w.shape[0], -1)",
	"    return w.T",
];

/** One `keras_layers[k].set_weights([...])` line per CNN Lab layer with weights; null when the network has none to convert. */
export function kerasWeightLines(model: ModelSpec): string[] | null {
	const walk = walkShapes(model);
	const modules = torchModules(model);
	if (walk.error || !modules) return null;
	const lines: string[] = [];
	// The C×H×W map a flat vector was flattened from, while its features are in PyTorch's order (until a dense layer).
	let chw: [number, number, number] | null = null;
	let k = 0;
	const s = (m: number, name: string): string => `state["${m}.${name}"]`;
	for (const step of walk.steps) {
		const l = step.layer;
		const m = modules[step.index]?.index ?? -1;
		const spatial = !step.in.flat && step.in.h * step.in.w > 1 ? ([step.in.c, step.in.h, step.in.w] as [number, number, number]) : null;
		const set = (values: string[], why = ""): void => {
			lines.push(`keras_layers[${k}].set_weights([${values.join(", ")}])${why ? `  # ${why}` : ""}`);
			k++;
		};
		switch (l.type) {
			// a residual network is exported with Keras's functional API, whose layers this order does not follow
			case "residual":
				return null;
			case "flatten":
				chw = spatial;
				break;
			case "gap":
				chw = null;
				break;
			case "conv":
				set([`conv_kernel(${s(m, "weight")})`, ...(l.bias ? [s(m, "bias")] : [])]);
				break;
			case "depthwise":
				set([`depthwise_kernel(${s(m, "weight")}, ${step.in.c}, ${l.multiplier})`, ...(l.bias ? [s(m, "bias")] : [])]);
				break;
			case "convtranspose":
				set([`transposed_kernel(${s(m, "weight")})`, ...(l.bias ? [s(m, "bias")] : [])]);
				break;
			case "batchnorm": {
				const names = ["weight", "bias", "running_mean", "running_var"].map((n) => s(m, n));
				if (step.in.flat && chw) set(names.map((v) => `hwc_features(${v}, (${chw?.join(", ")}))`), "features of a flattened map: C, H, W → H, W, C");
				else set(names);
				break;
			}
			case "dense": {
				const from = step.implicitFlatten ? spatial : step.in.flat ? chw : null;
				const bias = l.bias ? [s(m, "bias")] : [];
				if (from) set([`dense_kernel(${s(m, "weight")}, (${from.join(", ")}))`, ...bias], "inputs of a flattened map: C, H, W → H, W, C");
				else set([`dense_kernel(${s(m, "weight")})`, ...bias]);
				chw = null;
				break;
			}
		}
	}
	return lines;
}

/**
 * A Keras script that builds the model and loads `weightsFile` (its name, beside the script; a first argument
 * names another file) into it, converted to channels last.
 */
export function toKerasWithWeights(model: ModelSpec, weightsFile: string, opts: ExportOptions = {}): string {
	const base = toKeras(model, opts);
	const sets = kerasWeightLines(model);
	if (!/^model = keras\.Sequential\(/m.test(base))
		return base.trimEnd() + "\n\n# Loading the safetensors weights is written for keras.Sequential models only (not yet for residual blocks).\n";
	if (!sets) return base;
	const name = weightsFile.split(/[\\/]/).pop() ?? "";
	const out = [base.trimEnd(), "", "# Trained weights: PyTorch state_dict names, converted to Keras's channels-last order.", "import json", "import os", "import struct", "import sys", "import numpy as np", "", "", ...READER, "", ""];
	if (PLAIN_NAME.test(name)) out.push(`weights_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), ${JSON.stringify(name)})`);
	else out.push("if len(sys.argv) < 2:", '    sys.exit("usage: python3 this_script.py WEIGHTS.safetensors")', "weights_path = sys.argv[1]");
	out.push("state = {k: v.astype(np.float32) for k, v in read_safetensors(weights_path).items() if not k.endswith(\"num_batches_tracked\")}");
	out.push("keras_layers = [layer for layer in model.layers if layer.weights]");
	out.push(`assert len(keras_layers) == ${sets.length}, f"{len(keras_layers)} Keras layers with weights, CNN Lab has ${sets.length}"`);
	out.push(...sets);
	out.push('print("weights loaded:", weights_path)');
	return out.join("\n") + "\n";
}
