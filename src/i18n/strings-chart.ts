import { addStrings } from "./index";

addStrings({
	"chart.summary.low": {
		en: "{label}: {n} points, last {last} ({x} {lastX}), lowest {best} ({x} {bestX})",
		zh: "{label}：{n} 个点，最新 {last}（{x} {lastX}），最低 {best}（{x} {bestX}）",
	},
	"chart.summary.one": { en: "{label}: 1 point, {last} ({x} {lastX})", zh: "{label}：1 个点，{last}（{x} {lastX}）" },
	"chart.summary.high": {
		en: "{label}: {n} points, last {last} ({x} {lastX}), highest {best} ({x} {bestX})",
		zh: "{label}：{n} 个点，最新 {last}（{x} {lastX}），最高 {best}（{x} {bestX}）",
	},
});
