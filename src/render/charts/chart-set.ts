/** Charts drawn into a part of a view that is emptied and redrawn as a whole: destroy() ends all of them at once. */
export class ChartSet {
	private readonly charts: { destroy(): void }[] = [];

	add<C extends { destroy(): void }>(chart: C): C {
		this.charts.push(chart);
		return chart;
	}

	get size(): number {
		return this.charts.length;
	}

	destroy(): void {
		for (const c of this.charts.splice(0)) c.destroy();
	}
}
