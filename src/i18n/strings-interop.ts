import { addStrings, type Entry } from "./index";

// Words of the PyTorch / Keras importer and exporter.
export const interopStrings = {
	"import.internal": { en: "The pasted code could not be read ({message}).", zh: "无法读取粘贴的代码（{message}）。" },
	"import.tooLarge": {
		en: "The pasted code is {n} characters long; framework code over 1 000 000 characters is not read.",
		zh: "粘贴的代码有 {n} 个字符；超过 1 000 000 个字符的框架代码不予读取。",
	},
	"import.badInput": { en: "The input size could not be read from this line.", zh: "无法从这一行读出输入尺寸。" },
	"import.noInputTorch": {
		en: "PyTorch code does not say the input size. Add a line with the height × width × channels.",
		zh: "PyTorch 代码没有给出输入尺寸。请加一行写明 高 × 宽 × 通道数。",
	},
	"import.noInputKeras": {
		en: "No input shape: give the first layer input_shape=(H, W, C), add keras.Input(shape=(H, W, C)), or add a line with the height × width × channels.",
		zh: "没有输入形状：给第一层加 input_shape=(H, W, C)，或加 keras.Input(shape=(H, W, C))，或加一行写明 高 × 宽 × 通道数。",
	},
	"import.badSlope": {
		en: "{name}: the slope must be a number of at most 1000 in size; the layer is not read.",
		zh: "{name}：斜率必须是绝对值不超过 1000 的数；这一层未被读取。",
	},
	"import.slopeNotFinite": {
		en: "{name}: the slope {what}={text} is not a finite number{why}; the layer is not read.",
		zh: "{name}：斜率 {what}={text} 不是有限数{why}；这一层未被读取。",
	},
	"import.notFinite": {
		en: "{name}: {what}={text} is not a finite number{why}; the layer is not read.",
		zh: "{name}：{what}={text} 不是有限数{why}；这一层未被读取。",
	},
	"import.inputNotFinite": {
		en: "{name}: a size of {text} is not a finite number{why}; the input size is not read from it.",
		zh: "{name}：尺寸 {text} 不是有限数{why}；不从这里读取输入尺寸。",
	},
	"import.overflows": { en: " (past about 1.8e308 a number reads as infinity)", zh: "（超过约 1.8e308 的数会被读成无穷大）" },
	"import.forward": {
		en: "The layers are read in the order they are defined, not from forward(); check that the order is the same.",
		zh: "层按定义的顺序读取，而不是按 forward() 的顺序；请确认两者一致。",
	},
	"import.unsupported": { en: "{name} is not a layer CNN Lab has; it was left out.", zh: "CNN Lab 没有 {name} 这种层，已略去。" },
	"import.bracket.stray": { en: "This {close} closes no bracket: the code above it is already closed.", zh: "这个 {close} 没有要闭合的括号：它上面的代码已经闭合。" },
	"import.bracket.mismatch": {
		en: "This {close} closes the {open} opened on line {line}: a bracket between them is missing or extra.",
		zh: "这个 {close} 闭合的是第 {line} 行的 {open}：两者之间少了或多了一个括号。",
	},
	"import.bracket.unclosedBefore": {
		en: "This {open} is never closed: line {line} starts a new line at its indentation while it is still open.",
		zh: "这个 {open} 没有闭合：它还未闭合时，第 {line} 行就以同样的缩进开始了新的一行。",
	},
	"import.bracket.extra": {
		en: "This {close} is one too many: it closes the {open} of line {line} while the lines after it are still indented inside.",
		zh: "这个 {close} 多了一个：它闭合了第 {line} 行的 {open}，而后面的行仍缩进在里面。",
	},
	"import.bracket.unclosed": {
		en: "This {open} is never closed: a bracket is missing, and Python would refuse the code.",
		zh: "这个 {open} 没有闭合：缺少一个括号，Python 会拒绝这段代码。",
	},
	"import.missingComma": {
		en: "A comma is missing between {a} and {b}: Python would refuse the code as written.",
		zh: "{a} 和 {b} 之间缺少一个逗号：这样写 Python 会拒绝这段代码。",
	},
	"import.missingCommaLine": {
		en: "The {open} opened on line {line} is still open when line {bLine} goes on with {b}: a {close} or a comma is missing after {a} on line {aLine}.",
		zh: "第 {line} 行的 {open} 到第 {bLine} 行的 {b} 时仍未闭合：第 {aLine} 行的 {a} 后面缺少 {close} 或逗号。",
	},
	"import.missingCommaEnd": {
		en: "A comma is missing at the end of line {aLine}, before {b} on line {bLine}: Python would refuse the code as written.",
		zh: "第 {aLine} 行末尾缺少一个逗号（在第 {bLine} 行的 {b} 之前）：这样写 Python 会拒绝这段代码。",
	},
	"import.empty": { en: "No layer was found in the pasted code.", zh: "粘贴的代码中没有找到任何层。" },
	"import.badValue": { en: "{name}: {what} is missing or not a valid number.", zh: "{name}：{what} 缺失或不是有效的数。" },
	"import.torchSameStride": {
		en: "PyTorch accepts padding='same' only with stride 1.",
		zh: "PyTorch 只在步幅为 1 时接受 padding='same'。",
	},
	"import.groupsDivide": {
		en: "groups={g}: the input channels ({c}) and the output channels ({f}) must both divide by it, as PyTorch requires.",
		zh: "groups={g}：输入通道数（{c}）和输出通道数（{f}）都必须能被它整除，这是 PyTorch 的要求。",
	},
	"import.bnOptions": {
		en: "{name}: affine=False / track_running_stats=False are read as the defaults (learned γ and β, running statistics).",
		zh: "{name}：affine=False / track_running_stats=False 按默认处理（学习 γ 和 β，保留滑动统计量）。",
	},
	"import.bnFeatures": {
		en: "This batch norm expects {want} channels (features), but the layer before gives {got}.",
		zh: "这个批归一化需要 {want} 个通道（特征），但前一层给出 {got} 个。",
	},
	"import.bnDims": { en: "{name} does not fit here: the layer before gives {want}'s input.", zh: "{name} 不适合这里：前一层的输出应接 {want}。" },
	"import.kerasTransposedSame": {
		en: "Conv2DTranspose 'same' with kernel {k} and stride {s}: Keras crops the odd row at the end, PyTorch at the start, so the maps sit one pixel apart (the shape is the same).",
		zh: "Conv2DTranspose 'same'，卷积核 {k}、步长 {s}：Keras 在末尾裁掉多出的一行，PyTorch 在开头裁，所以特征图错开一个像素（形状相同）。",
	},
	"import.kerasTransposedDilation": {
		en: "Conv2DTranspose with dilation_rate is not read (Keras's output length rule with dilation differs from PyTorch's).",
		zh: "不读取带 dilation_rate 的 Conv2DTranspose（带膨胀时 Keras 的输出长度规则与 PyTorch 不同）。",
	},
	"import.padMode": { en: "padding_mode='{mode}' is read as zero padding.", zh: "padding_mode='{mode}' 按零填充处理。" },
	"import.inChannels": {
		en: "This convolution expects {want} input channels, but the layer before gives {got}.",
		zh: "这个卷积需要 {want} 个输入通道，但上一层给出 {got} 个。",
	},
	"import.inFeatures": {
		en: "This layer expects {want} input features, but the layer before gives {got}.",
		zh: "这一层需要 {want} 个输入特征，但上一层给出 {got} 个。",
	},
	"import.poolDilation": { en: "Pooling with dilation is not supported.", zh: "不支持带膨胀的池化。" },
	"import.approx": { en: "{name} is read as {as}.", zh: "{name} 按 {as} 处理。" },
	"import.activation": { en: "The activation '{name}' is not one CNN Lab has; it was left out.", zh: "CNN Lab 没有激活函数 '{name}'，已略去。" },
	"import.sameNeedsInput": {
		en: "padding='same' with a stride needs the input size; give the input shape.",
		zh: "带步幅的 padding='same' 需要知道输入尺寸；请给出输入形状。",
	},
	"import.padAlone": {
		en: "Explicit padding must be followed by a convolution or a pooling layer.",
		zh: "显式填充之后必须是卷积层或池化层。",
	},
	"import.padUnsupported": {
		en: "This padding before a pooling layer cannot be expressed in CNN Lab (use a symmetric padding).",
		zh: "池化层前的这种填充在 CNN Lab 中无法表示（请使用对称填充）。",
	},
	"import.denseSpatial": {
		en: "A dense layer on a {shape} input: the frameworks apply it to the last axis only. Add a Flatten before it.",
		zh: "全连接层的输入是 {shape}：框架只会作用在最后一维。请在它之前加 Flatten。",
	},
	"import.needsInput": { en: "This layer needs the input size; give the input shape.", zh: "这一层需要知道输入尺寸；请给出输入形状。" },
	"import.adaptive": {
		en: "Adaptive pooling from {h}×{w} to {oh}×{ow} has no fixed window; CNN Lab reads it only when the sizes divide evenly.",
		zh: "从 {h}×{w} 到 {oh}×{ow} 的自适应池化没有固定窗口；只有尺寸能整除时 CNN Lab 才能读取。",
	},
	"import.channelsFirst": {
		en: "data_format='channels_first': CNN Lab reads input_shape as (H, W, C) all the same; check the input line.",
		zh: "data_format='channels_first'：CNN Lab 仍按 (H, W, C) 读取 input_shape；请核对输入行。",
	},
	"import.badShape": { en: "The shape stops working here: {why}.", zh: "形状在这里不成立：{why}。" },
	// A block's `weights [[model.safetensors]]` line (src/plugin/runs/block-weights.ts).
	"weights.atLine": { en: "Line {line}: weights {path}: {message}", zh: "第 {line} 行：weights {path}：{message}" },
	"weights.fileMissing": { en: "no such file in the vault", zh: "仓库里没有这个文件" },
	"weights.tooBig": { en: "the file is {mb} MB; CNN Lab reads at most {max} MB", zh: "文件有 {mb} MB；CNN Lab 最多读取 {max} MB" },
	"weights.notSafetensors": { en: "not a safetensors file ({why})", zh: "不是 safetensors 文件（{why}）" },
	"weights.missing": { en: "{name}: missing from the file (layer {layer} needs {need})", zh: "{name}：文件里没有（第 {layer} 层需要 {need}）" },
	"weights.unexpected": { en: "{name}: in the file ({has}), but the network has no such tensor", zh: "{name}：文件里有（{has}），但网络没有这个张量" },
	"weights.shape": { en: "{name}: the file has {has}, the network needs {need}", zh: "{name}：文件里是 {has}，网络需要 {need}" },
	"weights.dtype": { en: "{name}: the file stores {dtype} (integers), the network needs floating point (F32)", zh: "{name}：文件存的是 {dtype}（整数），网络需要浮点数（F32）" },
	"weights.more": { en: "and {n} more", zh: "另有 {n} 处" },
	"weights.scalar": { en: "a scalar", zh: "标量" },
	"weights.shown": {
		en: "Line {line}: weights from {name}: the explorer, the filters and the feature maps show this network (Train starts afresh)",
		zh: "第 {line} 行：权重来自 {name}：探索器、卷积核和特征图显示的是这个网络（点“训练”会从头训练）",
	},
} satisfies Record<string, Entry>;

addStrings(interopStrings);
