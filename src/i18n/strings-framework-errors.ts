import { addStrings, type Entry } from "./index";

// A framework's shape error pasted into a cnn block, explained on the pasted network (src/notation/cnn/framework-errors.ts).
export const frameworkErrorsStrings = {
	"fe.fromFlatten": { en: "the flatten gives {c}·{h}·{w} = {n}", zh: "Flatten 给出 {c}·{h}·{w} = {n}" },
	"fe.hint.paste": {
		en: "Paste the network (with its input line) above the error to see which layer broke and why.",
		zh: "把网络（连同输入行）粘贴在报错上方，即可看到是哪一层出错、为什么。",
	},
	"fe.hint.notHere": {
		en: "The network in this block, on input {input}, has no such layer: was the code run on another input size, or does it differ from what is pasted here?",
		zh: "这个块里的网络在输入 {input} 上没有这样的层：代码运行时的输入尺寸是否不同，或者与这里粘贴的代码不一样？",
	},
	"fe.fromBefore": { en: "the layer before gives {n} features", zh: "上一层给出 {n} 个特征" },
	"fe.matmul.row": {
		en: "PyTorch's error (line {line}) comes from this layer: {bad} must be {good}: {because}.",
		zh: "PyTorch 的报错（第 {line} 行）出在这一层：{bad} 应改为 {good}：{because}。",
	},
	"fe.matmul.alone": {
		en: "PyTorch's error: a Linear layer built for {want} features got {got} per sample (a batch of {batch}), so {bad} must be {good}. {hint}",
		zh: "PyTorch 的报错：一个按 {want} 个特征建的 Linear 层每个样本收到 {got} 个（批大小 {batch}），所以 {bad} 应改为 {good}。{hint}",
	},
	"fe.channels.fromData1": {
		en: "the data has 1 channel (input{shape}); or give the images {want} channels",
		zh: "数据只有 1 个通道（input{shape}）；或者让图像有 {want} 个通道",
	},
	"fe.channels.fromData": {
		en: "the data has {n} channels (input{shape}); or give the images {want} channels",
		zh: "数据有 {n} 个通道（input{shape}）；或者让图像有 {want} 个通道",
	},
	"fe.channels.fromBefore": { en: "the layer before gives {n} channels", zh: "上一层给出 {n} 个通道" },
	"fe.channels.row": {
		en: "PyTorch's error (line {line}) comes from this layer: {bad} must be {good}: {because}.",
		zh: "PyTorch 的报错（第 {line} 行）出在这一层：{bad} 应改为 {good}：{because}。",
	},
	"fe.channels.alone": {
		en: "PyTorch's error: a convolution built for {want} input channels got input{shape} with {got}, so {bad} must be {good} (or the data must have {want} channels). {hint}",
		zh: "PyTorch 的报错：一个按 {want} 个输入通道建的卷积收到了 {got} 个通道的 input{shape}，所以 {bad} 应改为 {good}（或让数据有 {want} 个通道）。{hint}",
	},
	"fe.window.shrink": { en: " The layers before shrink {from} to {to}.", zh: "前面的层把 {from} 缩小到了 {to}。" },
	"fe.window.row": {
		en: "{framework}'s error (line {line}) comes from this layer: its {kernel} window is larger than the {size} it gets.{shrink} Pad the layers before it, drop a pooling, use a smaller window or a larger input.",
		zh: "{framework} 的报错（第 {line} 行）出在这一层：它的 {kernel} 窗口比收到的 {size} 还大。{shrink}请给前面的层加填充、去掉一个池化、用更小的窗口或更大的输入。",
	},
	"fe.window.alone": {
		en: "{framework}'s error: a layer's {kernel} window is larger than the {size} it gets. {hint}",
		zh: "{framework} 的报错：某一层的 {kernel} 窗口比它收到的 {size} 还大。{hint}",
	},
	"fe.rank.row": {
		en: "{framework}'s error (line {line}) comes from this layer: it wants batches of images with {expected} dimensions, the data has {found}, {received}: images without their channel axis or flattened ones. Reshape the data: {fix}.",
		zh: "{framework} 的报错（第 {line} 行）出在这一层：它要 {expected} 维的图像批次，数据只有 {found} 维 {received}，即缺少通道轴或已被展平的图像。请改变数据的形状：{fix}。",
	},
	"fe.rank.alone": {
		en: "{framework}'s error: a convolution wants batches of images with {expected} dimensions, the data has {found}, {received}: images without their channel axis or flattened ones. Reshape the data: {fix}.",
		zh: "{framework} 的报错：卷积要 {expected} 维的图像批次，数据只有 {found} 维 {received}，即缺少通道轴或已被展平的图像。请改变数据的形状：{fix}。",
	},
} satisfies Record<string, Entry>;

addStrings(frameworkErrorsStrings);
