import type { ConvLayerSpec, ConvTransposeSpec, LayerSpec, ModelSpec, Pair, PoolSpec } from "../../engine/model-spec";
import { hasResidual, padEndOf, walkShapes, type WalkShape, type WalkStep } from "./shape-walk";
import { cannotExport, commentBlock, commentLine, pyNumber, sequentialLine, type ExportOptions } from "./python";
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

/** A residual block's module: Residual(nn.Sequential(body…), nn.Sequential(shortcut…) or nn.Identity()). */
interface TorchBlock {
	block: { body: TorchItem[]; shortcut: TorchItem[] };
	shape: number[];
	params: number;
	comment: string;
}

type TorchItem = TorchLine | TorchBlock;

/**
 * Where a CNN Lab layer's tensors are in the exported model: `index` is its module in the enclosing nn.Sequential
 * (−1 when the export writes none); a residual block's branches have maps of their own, one per branch layer.
 */
export interface TorchModule {
	index: number;
	body?: TorchModule[];
	shortcut?: TorchModule[];
}

/**
 * The modules of an nn.Sequential and, per CNN Lab layer, where its module is. A layer's own module comes last
 * among its lines: a ZeroPad2d or Flatten the export adds goes before it (so inside a block's branch a module's
 * index can differ from the layer's; the map says which is which).
 */
function torchBody(steps: WalkStep[]): { items: TorchItem[]; modules: TorchModule[] } {
	const items: TorchItem[] = [];
	const modules: TorchModule[] = [];
	for (const step of steps) {
		if (step.block) {
			const body = torchBody(step.block.body);
			const shortcut = torchBody(step.block.shortcut);
			const kind = step.block.shortcut.length ? "projection shortcut" : "identity shortcut";
			items.push({ block: { body: body.items, shortcut: shortcut.items }, shape: torchShape(step.out), params: step.params, comment: `${hwc(step.out)} = body + ${kind}` });
			modules.push({ index: items.length - 1, body: body.modules, shortcut: shortcut.modules });
			continue;
		}
		const lines = layerLines(step);
		items.push(...lines);
		modules.push({ index: lines.length ? items.length - 1 : -1 });
	}
	return { items, modules };
}

/**
 * Per layer of `model`, where its module is in the model toPyTorch writes, i.e. the "<index>." prefix of its
 * tensors in PyTorch's state_dict() (and inside a block "<index>.body.<j>." / "<index>.shortcut.<j>."). Null when
 * the model cannot be exported.
 */
export function torchModules(model: ModelSpec): TorchModule[] | null {
	const walk = walkShapes(model);
	return walk.error ? null : torchBody(walk.steps).modules;
}

/** The block class the model uses, written only when it has a residual block. */
const RESIDUAL_CLASS = [
	"class Residual(nn.Module):",
	'    """A residual block: y = body(x) + shortcut(x), the shortcut nn.Identity() or a projection (1×1 conv, batch norm)."""',
	"",
	"    def __init__(self, body, shortcut):",
	"        super().__init__()",
	"        self.body = body",
	"        self.shortcut = shortcut",
	"",
	"    def forward(self, x):",
	"        return self.body(x) + self.shortcut(x)",
];

/** The items of an nn.Sequential at `indent`, a block as Residual(nn.Sequential(…), …) over several lines. */
function sequentialItems(items: TorchItem[], indent: string): string[] {
	const out: string[] = [];
	for (const item of items) {
		if (!("block" in item)) {
			out.push(indent + sequentialLine(item.code, item.comment).trimStart());
			continue;
		}
		const { body, shortcut } = item.block;
		out.push(`${indent}Residual(  ${commentLine(item.comment)}`);
		out.push(`${indent}    nn.Sequential(  # body`, ...sequentialItems(body, indent + "        "), `${indent}    ),`);
		if (shortcut.length) out.push(`${indent}    nn.Sequential(  # shortcut`, ...sequentialItems(shortcut, indent + "        "), `${indent}    ),`);
		else out.push(`${indent}    nn.Identity(),  # shortcut`);
		out.push(`${indent}),`);
	}
	return out;
}

/** The expected shapes as a Python list; a block as a dict of its output shape, parameter count and branches' lists. */
function expectedItems(items: TorchItem[], indent: string): string[] {
	const out: string[] = [];
	for (const item of items) {
		if (!("block" in item)) {
			out.push(`${indent}(${item.shape.join(", ")}),`);
			continue;
		}
		out.push(`${indent}{"out": (${item.shape.join(", ")}), "parameters": ${item.params}, "body": [`);
		out.push(...expectedItems(item.block.body, indent + "    "));
		if (item.block.shortcut.length === 0) {
			out.push(`${indent}], "shortcut": []},  # identity`);
			continue;
		}
		out.push(`${indent}], "shortcut": [`);
		out.push(...expectedItems(item.block.shortcut, indent + "    "));
		out.push(`${indent}]},`);
	}
	return out;
}

/** The plain stack's check: each module's output shape in turn. */
const FLAT_CHECK = [
	"model.eval()",
	"X_SHAPE",
	"with torch.no_grad():",
	"    for i, (layer, want) in enumerate(zip(model, expected)):",
	"        x = layer(x)",
	'        print(f"{i:2d} {layer.__class__.__name__:<10} {tuple(x.shape)}")',
	'        assert tuple(x.shape) == want, f"layer {i}: {tuple(x.shape)} != {want}"',
];

/** With blocks: the same walk, into each block's body and shortcut, then the block's sum and parameter count. */
const BLOCK_CHECK = [
	"def check(modules, x, expected, where):",
	'    assert len(modules) == len(expected), f"{where}: {len(modules)} modules, the table has {len(expected)}"',
	"    for i, (layer, want) in enumerate(zip(modules, expected)):",
	"        if isinstance(layer, Residual):",
	`            check(layer.body, x, want["body"], f"{where}{i}.body.")`,
	`            if want["shortcut"]:`,
	`                check(layer.shortcut, x, want["shortcut"], f"{where}{i}.shortcut.")`,
	"            count = sum(p.numel() for p in layer.parameters())",
	`            assert count == want["parameters"], f"block {where}{i}: {count} parameters != {want['parameters']}"`,
	"            x = layer(x)",
	`            want = want["out"]`,
	"        else:",
	"            x = layer(x)",
	'        print(f"{where + str(i):<14} {layer.__class__.__name__:<10} {tuple(x.shape)}")',
	'        assert tuple(x.shape) == want, f"layer {where}{i}: {tuple(x.shape)} != {want}"',
	"    return x",
	"",
	"model.eval()",
	"X_SHAPE",
	"with torch.no_grad():",
	'    check(model, x, expected, "")',
];

/**
 * A runnable PyTorch script: the model as nn.Sequential (a residual block as an item of a small Residual class), then
 * a shape check that pushes a zero input through each module (and each block's branches), prints and asserts its
 * output shape, and asserts the parameter count the CNN Lab table shows (per block too).
 */
export function toPyTorch(model: ModelSpec, opts: ExportOptions = {}): string {
	const walk = walkShapes(model);
	const header = commentBlock(opts, "PyTorch");
	if (walk.error) {
		return cannotExport(header, walk.error.index, walk.error.message);
	}
	const { items } = torchBody(walk.steps);
	const blocks = hasResidual(model.layers);
	const [c, h, w] = model.input;
	const out: string[] = [header.trimEnd(), "", "import torch", "import torch.nn as nn", ""];
	if (blocks) out.push(...RESIDUAL_CLASS, "", "");
	out.push("model = nn.Sequential(", ...sequentialItems(items, "    "), ")");
	if (opts.shapeCheck === false) return out.join("\n") + "\n";
	out.push("");
	out.push(`# Shape check: the output of every module for one input, as the CNN Lab table shows them${blocks ? " (inside each block too)" : ""}.`);
	out.push("expected = [", ...expectedItems(items, "    "), "]");
	const xLine = `x = torch.zeros(1, ${c}, ${h}, ${w})`;
	if (blocks) out.push("");
	out.push(...(blocks ? BLOCK_CHECK : FLAT_CHECK).map((l) => (l === "X_SHAPE" ? xLine : l)));
	out.push("parameters = sum(p.numel() for p in model.parameters())");
	out.push('print("parameters:", parameters)');
	out.push(`assert parameters == ${walk.parameters}, parameters`);
	if (opts.train) out.push("", ...torchTrainingLines(opts.train));
	if (writesAugment(opts.train?.augment)) out.push("", ...augmentLines(opts.train.augment, model.input, false));
	return out.join("\n") + "\n";
}
