import type { ConvLayerSpec, ConvTransposeSpec, ModelSpec, Pair, PoolSpec } from "../../engine/model-spec";
import { kerasTrainingLines } from "./keras-training";
import { hasResidual, padEndOf, poolOut, walkShapes, type WalkShape, type WalkStep } from "./shape-walk";
import { augmentLines, writesAugment } from "./augment-py";
import { cannotExport, commentBlock, commentLine, pyNumber, sequentialLine, type ExportOptions } from "./python";

interface KerasLine {
	code: string;
	/** Per-sample output shape, channels last. */
	shape: number[];
	comment: string;
}

function pair(p: Pair): string {
	return `(${p[0]}, ${p[1]})`;
}

function kShape(s: WalkShape): number[] {
	return s.flat ? [s.c] : [s.h, s.w, s.c];
}

function hwc(s: WalkShape): string {
	return s.flat ? String(s.c) : `${s.h}×${s.w}×${s.c}`;
}

/** Keras's 'same' padding along one axis for an input of length n: total = max((⌈n/s⌉ − 1)·s + d·(k − 1) + 1 − n, 0), the odd pixel at the end. */
export function kerasSamePad(n: number, k: number, s: number, d: number): Pair {
	const out = Math.ceil(n / s);
	const total = Math.max((out - 1) * s + d * (k - 1) + 1 - n, 0);
	const before = Math.floor(total / 2);
	return [before, total - before];
}

function zeroPadding(top: number, bottom: number, left: number, right: number, shape: WalkShape, why: string): KerasLine {
	return { code: `layers.ZeroPadding2D(((${top}, ${bottom}), (${left}, ${right})))`, shape: kShape(shape), comment: why };
}

/** Conv2D, or DepthwiseConv2D when a depth multiplier is given (the same padding, no filter count). */
function convLines(l: ConvLayerSpec, inShape: WalkShape, out: WalkShape, depthMultiplier?: number): KerasLine[] {
	const end = padEndOf(l.pad, l.padEnd);
	const sameH = kerasSamePad(inShape.h, l.kernel[0], l.stride[0], l.dilation[0]);
	const sameW = kerasSamePad(inShape.w, l.kernel[1], l.stride[1], l.dilation[1]);
	const lines: KerasLine[] = [];
	let padding = "valid";
	const anyPad = l.pad[0] + l.pad[1] + end[0] + end[1] > 0;
	if (anyPad && l.pad[0] === sameH[0] && end[0] === sameH[1] && l.pad[1] === sameW[0] && end[1] === sameW[1]) {
		padding = "same";
	} else if (anyPad) {
		const padded: WalkShape = { c: inShape.c, h: inShape.h + l.pad[0] + end[0], w: inShape.w + l.pad[1] + end[1], flat: false };
		lines.push(zeroPadding(l.pad[0], end[0], l.pad[1], end[1], padded, "explicit padding"));
	}
	const args = depthMultiplier === undefined ? [String(l.filters), pair(l.kernel)] : [pair(l.kernel)];
	if (l.stride[0] !== 1 || l.stride[1] !== 1) args.push(`strides=${pair(l.stride)}`);
	args.push(`padding="${padding}"`);
	if (l.dilation[0] !== 1 || l.dilation[1] !== 1) args.push(`dilation_rate=${pair(l.dilation)}`);
	if ((l.groups ?? 1) !== 1) args.push(`groups=${l.groups}`);
	if (depthMultiplier !== undefined && depthMultiplier !== 1) args.push(`depth_multiplier=${depthMultiplier}`);
	if (!l.bias) args.push("use_bias=False");
	let comment = hwc(out);
	if ((l.dilation[0] !== 1 || l.dilation[1] !== 1) && (l.stride[0] !== 1 || l.stride[1] !== 1)) {
		comment += " (Keras refuses a stride > 1 together with a dilation > 1; PyTorch allows it)";
	}
	lines.push({ code: `layers.${depthMultiplier === undefined ? "Conv2D" : "DepthwiseConv2D"}(${args.join(", ")})`, shape: kShape(out), comment });
	return lines;
}

/**
 * Keras's Conv2DTranspose with 'valid' padding and an explicit output_padding gives (i − 1)·s + d·(k − 1) + op + 1,
 * PyTorch's size without its padding; PyTorch's padding p then crops p rows and columns on each side.
 */
function transposedLines(l: ConvTransposeSpec, inShape: WalkShape, out: WalkShape): KerasLine[] {
	const args = [String(l.filters), pair(l.kernel), `strides=${pair(l.stride)}`, `padding="valid"`, `output_padding=${pair(l.outputPad)}`];
	if (l.dilation[0] !== 1 || l.dilation[1] !== 1) args.push(`dilation_rate=${pair(l.dilation)}`);
	if (!l.bias) args.push("use_bias=False");
	const uncropped: WalkShape = { c: out.c, h: out.h + 2 * l.pad[0], w: out.w + 2 * l.pad[1], flat: false };
	const lines: KerasLine[] = [{ code: `layers.Conv2DTranspose(${args.join(", ")})`, shape: kShape(uncropped), comment: hwc(uncropped) }];
	if (l.pad[0] + l.pad[1] > 0) {
		lines.push({ code: `layers.Cropping2D(((${l.pad[0]}, ${l.pad[0]}), (${l.pad[1]}, ${l.pad[1]})))`, shape: kShape(out), comment: `${hwc(out)} (PyTorch's padding ${pair(l.pad)})` });
	}
	return lines;
}

/**
 * Keras pools have no padding argument and no ceil mode: both become zero padding in front of a 'valid' pool,
 * which gives the same shapes (a max pool then sees zeros where PyTorch ignores the border; after a ReLU the
 * values agree too).
 */
function poolLines(l: PoolSpec, inShape: WalkShape, out: WalkShape): KerasLine[] {
	const lines: KerasLine[] = [];
	const extra = (n: number, k: number, s: number, p: number, o: number): number => Math.max(0, (o - 1) * s + k - (n + 2 * p));
	let bottom = l.pad[0];
	let right = l.pad[1];
	if (l.ceil) {
		bottom += extra(inShape.h, l.kernel[0], l.stride[0], l.pad[0], out.h);
		right += extra(inShape.w, l.kernel[1], l.stride[1], l.pad[1], out.w);
	}
	if (l.pad[0] + l.pad[1] + bottom + right > 0) {
		const padded: WalkShape = { c: inShape.c, h: inShape.h + l.pad[0] + bottom, w: inShape.w + l.pad[1] + right, flat: false };
		const why = l.ceil ? "padding for PyTorch's ceil_mode" : "pool padding";
		lines.push(zeroPadding(l.pad[0], bottom, l.pad[1], right, padded, why));
		// The zero-padded 'valid' pool must land on the same size; floor never overshoots, so check the formula.
		const check = poolOut(padded.h, l.kernel[0], l.stride[0], 0, false);
		if (check !== out.h) lines[lines.length - 1].comment += ` (gives ${check} rows, PyTorch ${out.h})`;
	}
	const name = l.type === "maxpool" ? "layers.MaxPooling2D" : "layers.AveragePooling2D";
	let comment = hwc(out);
	if (l.type === "avgpool" && !l.countIncludePad && lines.length > 0) comment += " (Keras averages the zero padding in)";
	lines.push({ code: `${name}(${pair(l.kernel)}, strides=${pair(l.stride)})`, shape: kShape(out), comment });
	return lines;
}

/** One CNN Lab layer as Keras layers, or why Keras cannot write it. */
function stepLines(step: WalkStep): KerasLine[] | { error: string } {
	const l = step.layer;
	const shape = kShape(step.out);
	const comment = hwc(step.out);
	switch (l.type) {
		case "conv":
			return convLines(l, step.in, step.out);
		case "maxpool":
		case "avgpool":
			return poolLines(l, step.in, step.out);
		case "relu":
			return [{ code: "layers.ReLU()", shape, comment }];
		case "leakyrelu":
			return [{ code: `layers.LeakyReLU(${pyNumber(l.slope)})`, shape, comment }];
		case "sigmoid":
		case "tanh":
			return [{ code: `layers.Activation("${l.type}")`, shape, comment }];
		case "flatten":
			return [{ code: "layers.Flatten()", shape, comment }];
		case "dropout":
			return [{ code: `layers.Dropout(${pyNumber(l.p)})`, shape, comment }];
		case "softmax":
			return [{ code: "layers.Softmax()", shape, comment }];
		case "depthwise": {
			const conv: ConvLayerSpec = { type: "conv", filters: step.out.c, kernel: l.kernel, stride: l.stride, pad: l.pad, dilation: l.dilation, bias: l.bias };
			return convLines(conv, step.in, step.out, l.multiplier);
		}
		case "convtranspose":
			if ((l.groups ?? 1) !== 1) return { error: "Keras's Conv2DTranspose has no groups" };
			return transposedLines(l, step.in, step.out);
		case "batchnorm":
			// Keras's momentum is what PyTorch calls 1 − momentum; its epsilon defaults to 1e-3, PyTorch's to 1e-5
			return [{ code: `layers.BatchNormalization(momentum=${pyNumber(1 - (l.momentum ?? 0.1))}, epsilon=${pyNumber(l.eps ?? 1e-5)})`, shape, comment }];
		case "gap":
			return [{ code: "layers.GlobalAveragePooling2D()", shape, comment }];
		case "adaptiveavgpool": {
			// Keras has no adaptive pooling; when the size divides, PyTorch's bins are plain windows
			const kh = step.in.h / l.size[0];
			const kw = step.in.w / l.size[1];
			if (!Number.isInteger(kh) || !Number.isInteger(kw)) return { error: `Keras has no adaptive pooling, and ${step.in.h}×${step.in.w} does not divide into ${l.size[0]}×${l.size[1]} windows` };
			return [{ code: `layers.AveragePooling2D((${kh}, ${kw}), strides=(${kh}, ${kw}))`, shape, comment }];
		}
		case "dense": {
			const lines: KerasLine[] = [];
			if (step.implicitFlatten) {
				const fin = step.in.c * step.in.h * step.in.w;
				lines.push({ code: "layers.Flatten()", shape: [fin], comment: `${fin} (added: Dense needs a flat input)` });
			}
			lines.push({ code: `layers.Dense(${l.units}${l.bias ? "" : ", use_bias=False"})`, shape, comment });
			return lines;
		}
		case "residual":
			// written by functionalLines, never as a single layer
			return { error: "a residual block needs Keras's functional API" };
	}
}

/** A Python tuple of a per-sample shape (a 1-tuple keeps its comma). */
function tuple(shape: number[]): string {
	return `(${shape.join(", ")}${shape.length === 1 ? "," : ""})`;
}

/** Where the functional model's lines go, and whether each layer's output shape is asserted as it is built. */
interface Functional {
	out: string[];
	check: boolean;
}

/**
 * The layers as functional-API calls on the tensor `v`: `v = layers.X(…)(v)`; a residual block keeps its input in a
 * shortcut tensor (one name per nesting depth), runs the body on `v` and the shortcut's layers on the kept tensor,
 * then adds the two. Returns the index and reason of the first layer Keras cannot write, if any.
 */
function functionalLines(steps: WalkStep[], v: string, depth: number, f: Functional): { index: number; message: string } | null {
	for (const step of steps) {
		if (step.block) {
			const s = depth === 0 ? "shortcut" : `shortcut${depth + 1}`;
			const kind = step.block.shortcut.length ? "projection shortcut" : "identity shortcut";
			f.out.push(`# Residual block: ${hwc(step.out)} = body + ${kind}`, `${s} = ${v}`);
			const body = functionalLines(step.block.body, v, depth + 1, f);
			if (body) return { index: step.index, message: `layer ${body.index + 1} of the residual block fails: ${body.message}` };
			const shortcut = functionalLines(step.block.shortcut, s, depth + 1, f);
			if (shortcut) return { index: step.index, message: `layer ${shortcut.index + 1} of the block's shortcut fails: ${shortcut.message}` };
			f.out.push(`${v} = layers.Add()([${v}, ${s}])  ${commentLine(`${hwc(step.out)} (end of the block)`)}`);
			if (f.check) f.out.push(`expect(${v}, ${tuple(kShape(step.out))})`);
			continue;
		}
		const lines = stepLines(step);
		if ("error" in lines) return { index: step.index, message: lines.error };
		for (const b of lines) {
			f.out.push(`${v} = ${b.code}(${v})  ${commentLine(b.comment)}`);
			if (f.check) f.out.push(`expect(${v}, ${tuple(b.shape)})`);
		}
	}
	return null;
}

/** The model with a residual block: Keras's functional API, each layer's output shape asserted as it is built. */
function functionalModel(steps: WalkStep[], input: [number, number, number], check: boolean): string[] | { index: number; message: string } {
	const [c, h, w] = input;
	const out: string[] = [];
	if (check) {
		out.push(
			"# Shape check: each layer's output (channels last, without the batch) is asserted as the model is built.",
			"def expect(tensor, want):",
			"    got = tuple(tensor.shape)[1:]",
			'    assert got == want, f"{got} != {want}"',
			"",
		);
	}
	out.push(`inputs = keras.Input(shape=(${h}, ${w}, ${c}))`, "x = inputs");
	const error = functionalLines(steps, "x", 0, { out, check });
	if (error) return error;
	out.push("model = keras.Model(inputs, x)", "model.summary()");
	return out;
}

/**
 * A Keras script, channels last: keras.Sequential for a stack, the functional API (keras.Input, layers called on
 * tensors, layers.Add at each block's end) for a model with residual blocks; the summary, then asserts of every
 * output shape and the parameter count.
 */
export function toKeras(model: ModelSpec, opts: ExportOptions = {}): string {
	const walk = walkShapes(model);
	const header = commentBlock(opts, "Keras");
	if (walk.error) return cannotExport(header, walk.error.index, walk.error.message);
	const check = opts.shapeCheck !== false;
	const out: string[] = [header.trimEnd(), "", "import keras", "from keras import layers", ""];
	if (hasResidual(model.layers)) {
		const lines = functionalModel(walk.steps, model.input, check);
		if (!Array.isArray(lines)) return cannotExport(header, lines.index, lines.message);
		out.push(...lines);
		if (!check) return out.join("\n") + "\n";
		out.push("");
	} else {
		const body: KerasLine[] = [];
		for (const step of walk.steps) {
			const lines = stepLines(step);
			if ("error" in lines) return cannotExport(header, step.index, lines.error);
			body.push(...lines);
		}
		out.push(...sequentialModel(body, model.input));
		if (!check) return out.join("\n") + "\n";
		out.push("");
		out.push("# Shape check: every layer's output (channels last), as the CNN Lab table shows them.");
		out.push("expected = [");
		for (const b of body) out.push(`    ${tuple(b.shape)},`);
		out.push("]");
		out.push("for layer, want in zip(model.layers, expected):");
		out.push("    got = tuple(layer.output.shape)[1:]");
		out.push('    assert got == want, f"{layer.name}: {got} != {want}"');
	}
	// count_params() counts batch norm's moving mean and variance too (Keras's non-trainable parameters)
	out.push(`assert model.count_params() == ${walk.parameters + walk.nonTrainable}, model.count_params()`);
	out.push('print("parameters:", model.count_params())');
	if (opts.train) out.push("", ...kerasTrainingLines(opts.train));
	if (writesAugment(opts.train?.augment)) out.push("", ...augmentLines(opts.train.augment, model.input, true));
	return out.join("\n") + "\n";
}

/** keras.Sequential with its input and one item per line. */
function sequentialModel(body: KerasLine[], input: [number, number, number]): string[] {
	const [c, h, w] = input;
	const out = ["model = keras.Sequential([", `    keras.Input(shape=(${h}, ${w}, ${c})),`];
	for (const b of body) out.push(sequentialLine(b.code, b.comment));
	out.push("])", "model.summary()");
	return out;
}
