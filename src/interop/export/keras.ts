import type { ConvLayerSpec, ConvTransposeSpec, ModelSpec, Pair, PoolSpec } from "../../engine/model-spec";
import { kerasTrainingLines } from "./keras-training";
import { padEndOf, poolOut, walkShapes, type WalkShape } from "./shape-walk";
import { augmentLines, writesAugment } from "./augment-py";
import { cannotExport, commentBlock, pyNumber, sequentialLine, type ExportOptions } from "./python";

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

/** A Keras script: keras.Sequential, channels last, the summary, then asserts of every output shape and the parameter count. */
export function toKeras(model: ModelSpec, opts: ExportOptions = {}): string {
	const walk = walkShapes(model);
	const header = commentBlock(opts, "Keras");
	if (walk.error) return cannotExport(header, walk.error.index, walk.error.message);
	const body: KerasLine[] = [];
	for (const step of walk.steps) {
		const l = step.layer;
		const shape = kShape(step.out);
		const comment = hwc(step.out);
		switch (l.type) {
			case "conv":
				body.push(...convLines(l, step.in, step.out));
				break;
			case "maxpool":
			case "avgpool":
				body.push(...poolLines(l, step.in, step.out));
				break;
			case "relu":
				body.push({ code: "layers.ReLU()", shape, comment });
				break;
			case "leakyrelu":
				body.push({ code: `layers.LeakyReLU(${pyNumber(l.slope)})`, shape, comment });
				break;
			case "sigmoid":
			case "tanh":
				body.push({ code: `layers.Activation("${l.type}")`, shape, comment });
				break;
			case "flatten":
				body.push({ code: "layers.Flatten()", shape, comment });
				break;
			case "dropout":
				body.push({ code: `layers.Dropout(${pyNumber(l.p)})`, shape, comment });
				break;
			case "softmax":
				body.push({ code: "layers.Softmax()", shape, comment });
				break;
			case "depthwise": {
				const conv: ConvLayerSpec = { type: "conv", filters: step.out.c, kernel: l.kernel, stride: l.stride, pad: l.pad, dilation: l.dilation, bias: l.bias };
				body.push(...convLines(conv, step.in, step.out, l.multiplier));
				break;
			}
			case "convtranspose":
				if ((l.groups ?? 1) !== 1) return cannotExport(header, step.index, "Keras's Conv2DTranspose has no groups");
				body.push(...transposedLines(l, step.in, step.out));
				break;
			case "batchnorm":
				// Keras's momentum is what PyTorch calls 1 − momentum; its epsilon defaults to 1e-3, PyTorch's to 1e-5
				body.push({ code: `layers.BatchNormalization(momentum=${pyNumber(1 - (l.momentum ?? 0.1))}, epsilon=${pyNumber(l.eps ?? 1e-5)})`, shape, comment });
				break;
			case "gap":
				body.push({ code: "layers.GlobalAveragePooling2D()", shape, comment });
				break;
			case "adaptiveavgpool": {
				// Keras has no adaptive pooling; when the size divides, PyTorch's bins are plain windows
				const kh = step.in.h / l.size[0];
				const kw = step.in.w / l.size[1];
				if (!Number.isInteger(kh) || !Number.isInteger(kw)) return cannotExport(header, step.index, `Keras has no adaptive pooling, and ${step.in.h}×${step.in.w} does not divide into ${l.size[0]}×${l.size[1]} windows`);
				body.push({ code: `layers.AveragePooling2D((${kh}, ${kw}), strides=(${kh}, ${kw}))`, shape, comment });
				break;
			}
			case "dense": {
				if (step.implicitFlatten) {
					const fin = step.in.c * step.in.h * step.in.w;
					body.push({ code: "layers.Flatten()", shape: [fin], comment: `${fin} (added: Dense needs a flat input)` });
				}
				body.push({ code: `layers.Dense(${l.units}${l.bias ? "" : ", use_bias=False"})`, shape, comment });
				break;
			}
		}
	}
	const [c, h, w] = model.input;
	const out: string[] = [header.trimEnd(), "", "import keras", "from keras import layers", ""];
	out.push("model = keras.Sequential([");
	out.push(`    keras.Input(shape=(${h}, ${w}, ${c})),`);
	for (const b of body) out.push(sequentialLine(b.code, b.comment));
	out.push("])");
	out.push("model.summary()");
	if (opts.shapeCheck === false) return out.join("\n") + "\n";
	out.push("");
	out.push("# Shape check: every layer's output (channels last), as the CNN Lab table shows them.");
	out.push("expected = [");
	for (const b of body) out.push(`    (${b.shape.join(", ")}${b.shape.length === 1 ? "," : ""}),`);
	out.push("]");
	out.push("for layer, want in zip(model.layers, expected):");
	out.push("    got = tuple(layer.output.shape)[1:]");
	out.push('    assert got == want, f"{layer.name}: {got} != {want}"');
	// count_params() counts batch norm's moving mean and variance too (Keras's non-trainable parameters)
	out.push(`assert model.count_params() == ${walk.parameters + walk.nonTrainable}, model.count_params()`);
	out.push('print("parameters:", model.count_params())');
	if (opts.train) out.push("", ...kerasTrainingLines(opts.train));
	if (writesAugment(opts.train?.augment)) out.push("", ...augmentLines(opts.train.augment, model.input, true));
	return out.join("\n") + "\n";
}
