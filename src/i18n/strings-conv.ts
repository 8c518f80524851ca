import { addStrings } from "./index";

addStrings({
	"heatmap.label": { en: "{label}, {h}×{w} heatmap", zh: "{label}，{h}×{w} 热力图" },
	"heatmap.readout": { en: "row {row}, column {col}: {value}", zh: "第 {row} 行，第 {col} 列：{value}" },
	"heatmap.summary": { en: "{label}: {h}×{w} values from {min} to {max}", zh: "{label}：{h}×{w} 个值，从 {min} 到 {max}" },
	"conv.channel": { en: "channel {n}", zh: "通道 {n}" },
	"conv.total": { en: "total", zh: "合计" },
	"conv.step-heading": {
		en: "Step {step} of {steps}: {kernel}output row {row}, column {col} ← rows {rows}, columns {cols} of the padded input",
		zh: "第 {step} 步，共 {steps} 步：{kernel}输出第 {row} 行第 {col} 列 ← 填充后输入的第 {rows} 行、第 {cols} 列",
	},
	"conv.step-heading-1d": {
		en: "Step {step} of {steps}: {kernel}output position {col} ← positions {cols} of the padded input",
		zh: "第 {step} 步，共 {steps} 步：{kernel}输出位置 {col} ← 填充后输入的位置 {cols}",
	},
});
