import { addStrings } from "./index";

addStrings({
	"heatmap.label": { en: "{label}, {h}×{w} heatmap", zh: "{label}，{h}×{w} 热力图" },
	"heatmap.readout": { en: "row {row}, column {col}: {value}", zh: "第 {row} 行，第 {col} 列：{value}" },
	"heatmap.summary": { en: "{label}: {h}×{w} values from {min} to {max}", zh: "{label}：{h}×{w} 个值，从 {min} 到 {max}" },
});
