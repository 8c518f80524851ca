/**
 * chart.js is used as a set of parts: the charts register only the controllers, elements, scales and plugins they
 * draw with (src/render/charts/chart-frame.ts), not chart.js/auto's whole set. What is registered is read back from
 * chart.js's own registry after the frame's module is loaded.
 */
import { describe, expect, it } from "vitest";
import { Chart } from "chart.js";
import "../../../src/render/charts/chart-frame";

/** The ids in one of chart.js's typed registries (its `items` object, keyed by id). */
function ids(registry: unknown): string[] {
	const items = (registry as { items?: Record<string, unknown> }).items ?? {};
	return Object.keys(items).sort();
}

describe("the chart.js parts the charts register", () => {
	it("line and bar charts on linear, log and category scales, with the tooltip and the decimation plugin only", () => {
		const r = Chart.registry as unknown as Record<"controllers" | "elements" | "scales" | "plugins", unknown>;
		expect(ids(r.controllers)).toEqual(["bar", "line"]);
		expect(ids(r.elements)).toEqual(["bar", "line", "point"]);
		expect(ids(r.scales)).toEqual(["category", "linear", "logarithmic"]);
		// no legend, title or filler: the legend is the charts' own HTML buttons, the titles are the blocks' text
		expect(ids(r.plugins)).toEqual(["decimation", "tooltip"]);
	});
});
