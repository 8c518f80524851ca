/** The ```cnn notation's words for the second lesson's layers: batch norm, global / adaptive pooling, grouped, depthwise and transposed convolutions. */
import { addStrings, type Entry } from "./index";

export const layersStrings = {
	"layers.depthwiseNeedsKernel": { en: "depthwise needs a kernel size", zh: "depthwise 需要卷积核大小" },
	"layers.adaptiveNeedsSize": { en: "adaptiveavgpool needs the output size it pools to", zh: "adaptiveavgpool 需要池化后的输出大小" },
	"layers.badMomentum": { en: "batch norm's momentum must be between 0 and 1, not {value}", zh: "批归一化的 momentum 必须在 0 到 1 之间，而不是 {value}" },
	"layers.badEps": { en: "batch norm's eps must be a small positive number, not {value}", zh: "批归一化的 eps 必须是一个小的正数，而不是 {value}" },
	"layers.groupsProblem": {
		en: "groups {g} must divide both the input channels ({c}) and the filters ({f}): each group of filters sees {c}/{g} channels",
		zh: "groups {g} 必须同时整除输入通道数（{c}）和卷积核个数（{f}）：每组卷积核只看 {c}/{g} 个通道",
	},
	"layers.groupsSee": {
		en: "{g} groups: filters {fFrom}–{fTo} see channels {cFrom}–{cTo}, and so on ({per} channels each)",
		zh: "{g} 组：卷积核 {fFrom}–{fTo} 只看通道 {cFrom}–{cTo}，依此类推（每组 {per} 个通道）",
	},
	"layers.depthwiseSee1": { en: "one filter per input channel: filter 1 sees channel 1 only, filter 2 channel 2, … ({c} in all)", zh: "每个输入通道一个卷积核：卷积核 1 只看通道 1，卷积核 2 只看通道 2，……（共 {c} 个）" },
	"layers.depthwiseSee": { en: "{m} filters per input channel: filters 1–{m} see channel 1 only, the next {m} channel 2, … ({c} channels)", zh: "每个输入通道 {m} 个卷积核：卷积核 1–{m} 只看通道 1，接下来 {m} 个只看通道 2，……（共 {c} 个通道）" },
	"layers.vsPlain": {
		en: "a plain conv here: {plainParams} parameters, {plainMacs} multiply-adds; this one: {params} and {macs} ({ratio}× fewer)",
		zh: "这里用普通卷积：{plainParams} 个参数、{plainMacs} 次乘加；这一层：{params} 和 {macs}（少 {ratio} 倍）",
	},
	"layers.separable": {
		en: "with a 1×1 conv to {f} filters after it (MobileNet's separable conv): {params} parameters, {macs} multiply-adds in all",
		zh: "后面再接一个 {f} 个卷积核的 1×1 卷积（MobileNet 的可分离卷积）：共 {params} 个参数、{macs} 次乘加",
	},
	"layers.stridedSame": {
		en: "inputs {sizes} all give {out} here (stride {s} floors them): a transposed conv's outpad chooses between them",
		zh: "输入 {sizes} 在这里都得到 {out}（步长 {s} 向下取整）：转置卷积的 outpad 在它们之间选择",
	},
	"layers.outpadRule": {
		en: "outpad {op} must be smaller than the stride ({s}) or the dilation ({d}), as PyTorch requires",
		zh: "outpad {op} 必须小于步长（{s}）或扩张率（{d}），这是 PyTorch 的要求",
	},
	"layers.transposedSame": { en: "a transposed conv takes its padding as numbers, not `{pad}`", zh: "转置卷积的填充要写成数字，不能写 `{pad}`" },
	"layers.transposedEmpty": { en: "the padding removes the whole output: {formula}", zh: "填充去掉了整个输出：{formula}" },
	"layers.undoes": { en: "it undoes a conv: {conv}; transposed{op} → {back}", zh: "它是某个卷积的逆向：{conv}；转置{op} → {back}" },
	"layers.undoesOp": { en: " with outpad {op}", zh: "，outpad {op}" },
	"layers.outpadChoice": { en: "that conv maps {sizes} to {i}: outpad 0–{max} picks which", zh: "该卷积把 {sizes} 都映射到 {i}：outpad 0–{max} 决定是哪一个" },
	"layers.bn2d": {
		en: "BatchNorm2d over {c} channels: y = γ·(x − mean)/√(var + {eps}) + β; γ, β: 2·{c} trainable; running mean, var: 2·{c} non-trainable",
		zh: "BatchNorm2d，{c} 个通道：y = γ·(x − mean)/√(var + {eps}) + β；γ、β：2·{c} 个可训练；running mean、var：2·{c} 个不可训练",
	},
	"layers.bn1d": {
		en: "BatchNorm1d over {c} features: y = γ·(x − mean)/√(var + {eps}) + β; γ, β: 2·{c} trainable; running mean, var: 2·{c} non-trainable",
		zh: "BatchNorm1d，{c} 个特征：y = γ·(x − mean)/√(var + {eps}) + β；γ、β：2·{c} 个可训练；running mean、var：2·{c} 个不可训练",
	},
	"layers.bnWrongDims": { en: "{typed} gets a {shape} input: PyTorch needs {right} here; read as {right}", zh: "{typed} 的输入是 {shape}：PyTorch 这里需要 {right}；已按 {right} 读取" },
	"layers.gapFormula": { en: "the mean of each {h}×{w} map: {shape} → {c}, already flat (no flatten needed)", zh: "每个 {h}×{w} 特征图取平均：{shape} → {c}，已是向量（不需要 flatten）" },
	"layers.adaptiveBins": { en: "{out} bins over {in}: start ⌊i·{in}/{out}⌋, end ⌈(i + 1)·{in}/{out}⌉: {bins}", zh: "{in} 分成 {out} 个区间：起点 ⌊i·{in}/{out}⌋，终点 ⌈(i + 1)·{in}/{out}⌉：{bins}" },
	"layers.adaptiveUniform": { en: "the same as avgpool {k} here ({in}/{out} = {k})", zh: "这里等同于 avgpool {k}（{in}/{out} = {k}）" },
	"layers.nonTrainableCell": { en: "+ {n} non-trainable", zh: "+ {n} 个不可训练" },
	"layers.totals.params": {
		en: "{total} parameters: {trainable} trainable, {non} non-trainable (batch norm's running mean / var) ({bytes} as float32)",
		zh: "{total} 个参数：{trainable} 个可训练，{non} 个不可训练（批归一化的 running mean / var）（float32 占 {bytes}）",
	},
} satisfies Record<string, Entry>;

addStrings(layersStrings);
