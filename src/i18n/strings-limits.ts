import { addStrings, type Entry } from "./index";

// Messages of the model limits (src/notation/cnn/limits.ts); the settings' names come from strings-plugin.
export const limitsStrings = {
	"limits.parameters": {
		en: "The model has {n} parameters ({bytes}); the limit is {max}.",
		zh: "模型有 {n} 个参数（{bytes}）；上限是 {max}。",
	},
	"limits.activations": {
		en: "Training needs {n} of activations per batch (forward and backward); the limit is {max}.",
		zh: "训练每批需要 {n} 激活值内存（前向和反向）；上限是 {max}。",
	},
	"limits.workspace": {
		en: "Training needs {n} per batch: {act} of activations (forward and backward) and {ws} for the convolutions' padded inputs and column matrices; the limit is {max}.",
		zh: "训练每批需要 {n} 内存：激活值 {act}（前向和反向），卷积的填充输入和列矩阵 {ws}；上限是 {max}。",
	},
	"limits.macs": {
		en: "One epoch takes {n} multiply-adds (forward and backward); the limit is {max}.",
		zh: "一轮训练需要 {n} 次乘加（前向和反向）；上限是 {max}。",
	},
	"limits.seconds": {
		en: "The run would take about {n}; the limit is {max}.",
		zh: "这次训练大约需要 {n}；上限是 {max}。",
	},
	"limits.named": { en: "{max} (“{setting}”)", zh: "{max}（“{setting}”）" },
	"limits.shrink": { en: "Make the network smaller (fewer filters or units, or a smaller input).", zh: "请把网络改小（更少的卷积核或单元，或更小的输入）。" },
	"limits.unit.s": { en: "{n} s", zh: "{n} 秒" },
	"limits.unit.min": { en: "{n} min", zh: "{n} 分钟" },
	"limits.unit.h": { en: "{n} h", zh: "{n} 小时" },
	"limits.unit.days": { en: "{n} days", zh: "{n} 天" },
	"limits.unit.years": { en: "{n} years", zh: "{n} 年" },
	"limits.setting": { en: "Change “{setting}” in the settings to allow it.", zh: "如需允许，请在设置中修改“{setting}”。" },
} satisfies Record<string, Entry>;

addStrings(limitsStrings);
