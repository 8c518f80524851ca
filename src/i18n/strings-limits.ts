import { addStrings } from "./index";

// Messages of the model limits (src/notation/cnn/limits.ts); the settings' names come from strings-plugin.
addStrings({
	"limits.parameters": {
		en: "The model has {n} parameters ({mb} MB); the limit is {max}.",
		zh: "模型有 {n} 个参数（{mb} MB）；上限是 {max}。",
	},
	"limits.activations": {
		en: "Training needs {n} MB of activations per batch (forward and backward); the limit is {max} MB.",
		zh: "训练每批需要 {n} MB 激活值内存（前向和反向）；上限是 {max} MB。",
	},
	"limits.macs": {
		en: "One epoch takes {n} multiply-adds (forward and backward); the limit is {max}.",
		zh: "一轮训练需要 {n} 次乘加（前向和反向）；上限是 {max}。",
	},
	"limits.seconds": {
		en: "The run would take about {n}; the limit is {max}.",
		zh: "这次训练大约需要 {n}；上限是 {max}。",
	},
	"limits.setting": { en: "Change “{setting}” in the settings to allow it.", zh: "如需允许，请在设置中修改“{setting}”。" },
});
