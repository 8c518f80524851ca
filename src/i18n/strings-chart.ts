import { addStrings, type Entry } from "./index";

export const chartStrings = {
	"chart.summary.low": {
		en: "{label}: {n} points, last {last} ({x} {lastX}), lowest {best} ({x} {bestX})",
		zh: "{label}：{n} 个点，最新 {last}（{x} {lastX}），最低 {best}（{x} {bestX}）",
	},
	"chart.summary.one": { en: "{label}: 1 point, {last} ({x} {lastX})", zh: "{label}：1 个点，{last}（{x} {lastX}）" },
	"chart.summary.high": {
		en: "{label}: {n} points, last {last} ({x} {lastX}), highest {best} ({x} {bestX})",
		zh: "{label}：{n} 个点，最新 {last}（{x} {lastX}），最高 {best}（{x} {bestX}）",
	},

	"chart.smoothing": { en: "Smoothing", zh: "平滑" },
	"chart.smoothing.aria": { en: "Smoothing of {title}", zh: "{title}的平滑程度" },
	"chart.log": { en: "Log scale", zh: "对数坐标" },
	"chart.fullRange": { en: "0–100 %", zh: "0–100 %" },
	"chart.xSteps": { en: "Steps", zh: "按步" },
	"chart.axis.step": { en: "step", zh: "步" },
	"chart.rawValue": { en: "raw {v}", zh: "原始 {v}" },
	"chart.csv": { en: "Download CSV", zh: "下载 CSV" },
	"chart.csv.aria": { en: "Download the data of {title} as CSV", zh: "将{title}的数据下载为 CSV" },
	"chart.bar.summary": { en: "{label}: {value}", zh: "{label}：{value}" },
	"chart.bar.extremes": { en: "{title}: highest {high} ({highValue}), lowest {low} ({lowValue})", zh: "{title}：最高 {high}（{highValue}），最低 {low}（{lowValue}）" },

	"chart.classAcc.title": { en: "Per-class accuracy", zh: "各类别准确率" },
	"chart.classAcc.x": { en: "class", zh: "类别" },
	"chart.classAcc.y": { en: "accuracy", zh: "准确率" },
} satisfies Record<string, Entry>;

addStrings(chartStrings);
