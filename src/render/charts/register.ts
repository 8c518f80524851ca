import {
	Chart,
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
		// No Filler (no series is filled) and no CategoryScale (both axes are linear): ~10 KB less in main.js.
		Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip);
		registered = true;
	}
	return Chart;
}

/** Live charts, for cleanup checks: every chart CNN Lab created and has not destroyed yet. */
export function liveChartCount(): number {
	return Object.keys(Chart.instances).length;
}
