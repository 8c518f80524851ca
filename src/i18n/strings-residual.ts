/** The ```cnn notation's residual blocks: `residual [project] … end`, their shortcut and add rows, and their problems. */
import { addStrings, type Entry } from "./index";

export const residualStrings = {
	"res.startExtra": { en: "`{word}` is ignored here: a block starts with `residual` or `residual project`", zh: "这里忽略 `{word}`：残差块以 `residual` 或 `residual project` 开始" },
	"res.endExtra": { en: "`{word}` is ignored here: `end` closes the residual block above it and takes nothing else", zh: "这里忽略 `{word}`：`end` 只结束上面的残差块，后面不接别的" },
	"res.tooDeep": {
		en: "residual blocks nest {max} level deep at most: this one is inside a block inside a block",
		zh: "残差块最多嵌套 {max} 层：这个块在块中块里",
	},
	"res.tooDeepFix": { en: "close the outer blocks first (`end`), or write this block's layers without `residual`", zh: "先用 `end` 结束外层的块，或者去掉这个块的 `residual`" },
	"res.strayEnd": { en: "`end` with no open residual block", zh: "`end` 前面没有未结束的残差块" },
	"res.strayEndIndented": {
		en: " (the block at line {line} already ended where its indentation did: write `end` at the `residual` line's indentation, or indent the lines between)",
		zh: "（第 {line} 行的块在缩进结束处已经结束：把 `end` 写在与 `residual` 相同的缩进处，或者把中间的行缩进）",
	},
	"res.strayEndFix": { en: "start the block with `residual` above it, or delete this line", zh: "在上面用 `residual` 开始一个块，或者删掉这一行" },
	"res.unclosed": {
		en: "the residual block at line {line} has no `end`: its body is not indented, so only `end` says where the add is",
		zh: "第 {line} 行的残差块没有 `end`：块体没有缩进，只有 `end` 能说明在哪里相加",
	},
	"res.empty": { en: "this residual block has no layers: y = x + x only doubles its input", zh: "这个残差块里没有层：y = x + x 只是把输入翻倍" },
	"res.emptyFix": { en: "put the body's layers between `residual` and `end`, indented", zh: "把块体的层写在 `residual` 和 `end` 之间，并缩进" },
	"res.identity": { en: "shortcut: identity, the block's input {shape} unchanged", zh: "捷径：恒等，块的输入 {shape} 不变" },
	"res.projectConv": {
		en: "shortcut: 1×1 conv, stride {s}, {f} filters, no bias: {calc}",
		zh: "捷径：1×1 卷积，步长 {s}，{f} 个卷积核，无偏置：{calc}",
	},
	"res.projectBn": { en: "then batch norm over its {c} channels (the body has one)", zh: "然后对它的 {c} 个通道做批归一化（块体里有批归一化）" },
	"res.add": { en: "add: {body} + {shortcut} = {out}", zh: "相加：{body} + {shortcut} = {out}" },
	"res.rfLarger": {
		en: "receptive field after the add: {rf}, the larger of the two branches' (body {body}, shortcut {shortcut})",
		zh: "相加之后的感受野：{rf}，取两个分支中较大的（块体 {body}，捷径 {shortcut}）",
	},
	"res.addImplicit": { en: "(end of the indented block)", zh: "（缩进块结束）" },
	"res.mismatch": {
		en: "the branches differ at the add: the body gives {body}, the shortcut {shortcut}. {cause}PyTorch would stop here with \u201cThe size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {dim}\u201d",
		zh: "两个分支在相加处形状不同：块体得到 {body}，捷径得到 {shortcut}。{cause}PyTorch 会在这里报错“The size of tensor a ({a}) must match the size of tensor b ({b}) at non-singleton dimension {dim}”",
	},
	"res.changesChannels": { en: "`{layer}` (line {line}) changes the channels {from} → {to}. ", zh: "`{layer}`（第 {line} 行）把通道数从 {from} 变成 {to}。" },
	"res.changesSize": { en: "`{layer}` (line {line}) changes the size {from} → {to}. ", zh: "`{layer}`（第 {line} 行）把尺寸从 {from} 变成 {to}。" },
	"res.changesBoth": {
		en: "`{layer}` (line {line}) changes the channels {from} → {to} and the size {fromSize} → {toSize}. ",
		zh: "`{layer}`（第 {line} 行）把通道数从 {from} 变成 {to}，尺寸从 {fromSize} 变成 {toSize}。",
	},
	"res.flatBranch": { en: "the branches differ at the add: the body gives {body}, the shortcut {shortcut}", zh: "两个分支在相加处形状不同：块体得到 {body}，捷径得到 {shortcut}" },
	"res.projectFlat": {
		en: "a projection shortcut is a 1×1 conv and needs images, but the body gives the vector {body}",
		zh: "投影捷径是 1×1 卷积，需要图像输入，但块体得到的是向量 {body}",
	},
	"res.projectCannot": {
		en: "no 1×1 conv with a stride turns {input} into the body's {body}: {cause}a projection matches only what a stride does",
		zh: "没有带步长的 1×1 卷积能把 {input} 变成块体的 {body}：{cause}投影只能对应步长带来的变化",
	},
	"res.projectNotNeeded": {
		en: "the shapes agree without the projection: `residual` (identity) would do, without its {n} parameters",
		zh: "不用投影形状也一致：写 `residual`（恒等捷径）就够了，还省下它的 {n} 个参数",
	},
	"res.pastedBlock": {
		en: "`{name}(…)` looks like a residual block class: residual blocks in pasted PyTorch code are not read; write them as `residual … end`",
		zh: "`{name}(…)` 看起来是残差块类：粘贴的 PyTorch 代码里的残差块不会被读取；请写成 `residual … end`",
	},
} satisfies Record<string, Entry>;

addStrings(residualStrings);
