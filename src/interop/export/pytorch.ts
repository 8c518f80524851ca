import type { ConvLayerSpec, ConvTransposeSpec, LayerSpec, ModelSpec, Pair, PoolSpec } from "../../engine/model-spec";
import { padEndOf, walkShapes, type WalkShape, type WalkStep } from "./shape-walk";
import { cannotExport, commentBlock, pyNumber, sequentialLine, type ExportOptions } from "./python";
import { torchTrainingLines } from "./torch-training";
import { augmentLines, writesAugment } from "./augment-py";

/** One PyTorch expression of the Sequential, the shape it must give and where it came from. */
interface TorchLine {
	code: string;
	shape: number[];
	comment: string;
}

function pair(p: Pair): string {
	return p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`;
}

function torchShape(s: WalkShape): number[] {
	return s.flat ? [1, s.c] : [1, s.c, s.h, s.w];
}

function hwc(s: WalkShape): string {
	return s.flat ? String(s.c) : `${s.h}×${s.w}×${s.c}`;
}

function convLines(l: ConvLayerSpec, inC: number, out: WalkShape, padded: WalkShape): TorchLine[] {
	const end = padEndOf(l.pad, l.padEnd);
	const lines: TorchLine[] = [];
	let pad: Pair = l.pad;
	if (end[0] !== l.pad[0] || end[1] !== l.pad[1]) {
		// nn.Conv2d pads both sides alike; an uneven padding (Keras's 'same' with a stride) goes in front.
		lines.push({
			code: `nn.ZeroPad2d((${l.pad[1]}, ${end[1]}, ${l.pad[0]}, ${end[0]}))`,
			shape: torchShape(padded),
			comment: "uneven padding: left, right, top, bottom",
		});
		pad = [0, 0];
	}
	const args = [String(inC), String(l.filters), `kernel_size=${pair(l.kernel)}`];
	if (l.stride[0] !== 1 || l.stride[1] !== 1) args.push(`stride=${pair(l.stride)}`);
	if (pad[0] !== 0 || pad[1] !== 0) args.push(`padding=${pair(pad)}`);
	if (l.dilation[0] !== 1 || l.dilation[1] !== 1) args.push(`dilation=${pair(l.dilation)}`);
	// Grouped conv: without it the weight PyTorch makes is [F, C, k, k] and a grouped net's weights do not load.
	if ((l.groups ?? 1) !== 1) args.push(`groups=${l.groups}`);
	if (!l.bias) args.push("bias=False");
	lines.push({ code: `nn.Conv2d(${args.join(", ")})`, shape: torchShape(out), comment: hwc(out) });
	return lines;
}

function transposedLine(l: ConvTransposeSpec, inC: number, out: WalkShape): TorchLine {
	const args = [String(inC), String(l.filters), `kernel_size=${pair(l.kernel)}`];
	if (l.stride[0] !== 1 || l.stride[1] !== 1) args.push(`stride=${pair(l.stride)}`);
	if (l.pad[0] !== 0 || l.pad[1] !== 0) args.push(`padding=${pair(l.pad)}`);
	if (l.outputPad[0] !== 0 || l.outputPad[1] !== 0) args.push(`output_padding=${pair(l.outputPad)}`);
	if ((l.groups ?? 1) !== 1) args.push(`groups=${l.groups}`);
	if (!l.bias) args.push("bias=False");
	if (l.dilation[0] !== 1 || l.dilation[1] !== 1) args.push(`dilation=${pair(l.dilation)}`);
	return { code: `nn.ConvTranspose2d(${args.join(", ")})`, shape: torchShape(out), comment: hwc(out) };
}

function poolLine(l: PoolSpec, out: WalkShape): TorchLine {
	const name = l.type === "maxpool" ? "nn.MaxPool2d" : "nn.AvgPool2d";
	const args = [`kernel_size=${pair(l.kernel)}`];
	if (l.stride[0] !== l.kernel[0] || l.stride[1] !== l.kernel[1]) args.push(`stride=${pair(l.stride)}`);
	if (l.pad[0] !== 0 || l.pad[1] !== 0) args.push(`padding=${pair(l.pad)}`);
	if (l.ceil) args.push("ceil_mode=True");
	if (l.type === "avgpool" && !l.countIncludePad) args.push("count_include_pad=False");
	return { code: `${name}(${args.join(", ")})`, shape: torchShape(out), comment: hwc(out) };
}

function simpleLine(l: LayerSpec, inShape: WalkShape, out: WalkShape): TorchLine[] {
	const shape = torchShape(out);
	const comment = hwc(out);
	switch (l.type) {
		case "relu":
			return [{ code: "nn.ReLU()", shape, comment }];
		case "leakyrelu":
			return [{ code: `nn.LeakyReLU(${pyNumber(l.slope)})`, shape, comment }];
		case "sigmoid":
			return [{ code: "nn.Sigmoid()", shape, comment }];
		case "tanh":
			return [{ code: "nn.Tanh()", shape, comment }];
		case "flatten":
			return [{ code: "nn.Flatten()", shape, comment }];
		case "dropout":
			return [{ code: `nn.Dropout(${pyNumber(l.p)})`, shape, comment }];
		case "batchnorm": {
			const args = [String(inShape.c)];
			if (l.eps !== undefined && l.eps !== 1e-5) args.push(`eps=${pyNumber(l.eps)}`);
			if (l.momentum !== undefined && l.momentum !== 0.1) args.push(`momentum=${pyNumber(l.momentum)}`);
			return [{ code: `nn.BatchNorm${inShape.flat ? "1" : "2"}d(${args.join(", ")})`, shape, comment }];
		}
		case "adaptiveavgpool":
			return [{ code: `nn.AdaptiveAvgPool2d(${pair(l.size)})`, shape, comment }];
		case "gap":
			// the mean of each map, then the flat vector CNN Lab's gap gives (the Flatten is the layer's module)
			return [
				{ code: "nn.AdaptiveAvgPool2d(1)", shape: [1, inShape.c, 1, 1], comment: `1×1×${inShape.c}` },
				{ code: "nn.Flatten()", shape, comment: `${comment} (global average pooling)` },
			];
		case "softmax":
			// The softmax of the class scores; for training, nn.CrossEntropyLoss wants the scores without it.
			return [{ code: "nn.Softmax(dim=1)", shape, comment }];
		case "dense": {
			const fin = inShape.flat ? inShape.c : inShape.c * inShape.h * inShape.w;
			const lines: TorchLine[] = [];
			if (!inShape.flat) lines.push({ code: "nn.Flatten()", shape: [1, fin], comment: `${fin} (added: Linear needs a flat input)` });
			const bias = l.bias ? "" : ", bias=False";
			lines.push({ code: `nn.Linear(${fin}, ${l.units}${bias})`, shape, comment });
			return lines;
		}
		default:
			return [];
	}
}

function layerLines(step: WalkStep): TorchLine[] {
	const l = step.layer;
	if (l.type === "conv") {
		const end = padEndOf(l.pad, l.padEnd);
		const padded: WalkShape = { c: step.in.c, h: step.in.h + l.pad[0] + end[0], w: step.in.w + l.pad[1] + end[1], flat: false };
		return convLines(l, step.in.c, step.out, padded);
	}
	if (l.type === "depthwise") {
		// a depthwise conv is PyTorch's Conv2d with one group per input channel
		const conv: ConvLayerSpec = { type: "conv", filters: step.out.c, kernel: l.kernel, stride: l.stride, pad: l.pad, dilation: l.dilation, bias: l.bias, groups: step.in.c };
		return convLines(conv, step.in.c, step.out, step.in);
	}
	if (l.type === "convtranspose") return [transposedLine(l, step.in.c, step.out)];
	if (l.type === "maxpool" || l.type === "avgpool") return [poolLine(l, step.out)];
	return simpleLine(l, step.in, step.out);
}

/**
 * The modules of the nn.Sequential and, per CNN Lab layer, the index of the module that is that layer (−1 when the
 * export writes none). A layer's own module comes last among its lines: a ZeroPad2d or Flatten the export adds
 * goes before it.
 */
function torchBody(steps: WalkStep[]): { body: TorchLine[]; moduleOf: number[] } {
	const body: TorchLine[] = [];
	const moduleOf: number[] = [];
	for (const step of steps) {
		const lines = layerLines(step);
		body.push(...lines);
		moduleOf.push(lines.length ? body.length - 1 : -1);
	}
	return { body, moduleOf };
}

/**
 * Per layer of `model`, the index of its module in the nn.Sequential toPyTorch writes, i.e. the "<index>." prefix
 * of its tensors in PyTorch's state_dict(); −1 for a layer the export has no module for. Null when the model
 * cannot be exported.
 */
export function torchModuleIndices(model: ModelSpec): number[] | null {
	const walk = walkShapes(model);
	return walk.error ? null : torchBody(walk.steps).moduleOf;
}

/**
 * A runnable PyTorch script: the model as nn.Sequential, then a shape check that pushes a zero input through each
 * module, prints and asserts its output shape, and asserts the parameter count the CNN Lab table shows.
 */
export function toPyTorch(model: ModelSpec, opts: ExportOptions = {}): string {
	const walk = walkShapes(model);
	const header = commentBlock(opts, "PyTorch");
	if (walk.error) {
		return cannotExport(header, walk.error.index, walk.error.message);
	}
	const { body } = torchBody(walk.steps);
	const [c, h, w] = model.input;
	const out: string[] = [header.trimEnd(), "", "import torch", "import torch.nn as nn", ""];
	out.push("model = nn.Sequential(");
	for (const b of body) out.push(sequentialLine(b.code, b.comment));
	out.push(")");
	if (opts.shapeCheck === false) return out.join("\n") + "\n";
	out.push("");
	out.push("# Shape check: the output of every module for one input, as the CNN Lab table shows them.");
	out.push("expected = [");
	for (const b of body) out.push(`    (${b.shape.join(", ")}),`);
	out.push("]");
	out.push("model.eval()");
	out.push(`x = torch.zeros(1, ${c}, ${h}, ${w})`);
	out.push("with torch.no_grad():");
	out.push("    for i, (layer, want) in enumerate(zip(model, expected)):");
	out.push("        x = layer(x)");
	out.push('        print(f"{i:2d} {layer.__class__.__name__:<10} {tuple(x.shape)}")');
	out.push('        assert tuple(x.shape) == want, f"layer {i}: {tuple(x.shape)} != {want}"');
	out.push("parameters = sum(p.numel() for p in model.parameters())");
	out.push('print("parameters:", parameters)');
	out.push(`assert parameters == ${walk.parameters}, parameters`);
	if (opts.train) out.push("", ...torchTrainingLines(opts.train));
	if (writesAugment(opts.train?.augment)) out.push("", ...augmentLines(opts.train.augment, model.input, false));
	return out.join("\n") + "\n";
}
