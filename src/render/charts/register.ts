import {
	Chart,
	CategoryScale,
	Filler,
	Legend,
	LinearScale,
	LineController,
	LineElement,
	PointElement,
	Tooltip,
} from "chart.js";

let registered = false;

/** Registers only the chart.js parts CNN Lab draws with (line charts on linear axes), once per load. */
export function ensureChartParts(): typeof Chart {
	if (!registered) {
		Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Filler);
		registered = true;
	}
	return Chart;
}

/** Live charts, for cleanup checks: every chart CNN Lab created and has not destroyed yet. */
export function liveChartCount(): number {
	return Object.keys(Chart.instances).length;
}
