// @vitest-environment jsdom
import { describe, expect, it, vi } from "vitest";
import type { Component as ObsidianComponent } from "obsidian";
import { Component } from "../../support/obsidian-stub";
import { registerPrintSnapshots } from "../../../src/plugin/print";
import { BarChartView } from "../../../src/render/charts/bar-chart";
import { installFakeCanvas } from "../training/fake-canvas";
import { chartOf, drawnBars } from "../../support/drawn-bars";

function blockWithCanvas(): HTMLCanvasElement {
	const block = document.body.createDiv({ cls: "block-language-cnn" });
	const canvas = block.createEl("canvas");
	canvas.width = 40;
	canvas.height = 20;
	canvas.setAttribute("aria-label", "Loss per epoch");
	// jsdom has no canvas backend; a data URL is what a real canvas gives.
	canvas.toDataURL = () => "data:image/png;base64,AAAA";
	return canvas;
}

describe("print snapshots", () => {
	it("puts an image copy after each block canvas before printing and removes it afterwards", () => {
		document.body.empty();
		const canvas = blockWithCanvas();
		const outside = document.body.createEl("canvas");
		outside.toDataURL = () => "data:image/png;base64,BBBB";
		const owner = new Component();
		owner.load();
		registerPrintSnapshots(owner as unknown as ObsidianComponent, window);

		window.dispatchEvent(new Event("beforeprint"));
		const img = canvas.nextElementSibling as HTMLImageElement;
		expect(img?.tagName).toBe("IMG");
		expect(img.getAttribute("src")).toBe("data:image/png;base64,AAAA");
		expect(img.getAttribute("alt")).toBe("Loss per epoch");
		expect(img.classList.contains("cnn-lab-print-snapshot")).toBe(true);
		expect(canvas.classList.contains("cnn-lab-print-hidden")).toBe(true);
		// Only CNN Lab's canvases are copied.
		expect(document.querySelectorAll("img").length).toBe(1);

		// A second beforeprint (print dialog reopened) does not pile up copies.
		window.dispatchEvent(new Event("beforeprint"));
		expect(document.querySelectorAll("img").length).toBe(1);

		window.dispatchEvent(new Event("afterprint"));
		expect(document.querySelectorAll("img").length).toBe(0);
		expect(canvas.classList.contains("cnn-lab-print-hidden")).toBe(false);
		owner.unload();
	});

	it("stops listening when the plugin unloads", () => {
		document.body.empty();
		blockWithCanvas();
		const owner = new Component();
		owner.load();
		const remove = vi.spyOn(window, "removeEventListener");
		registerPrintSnapshots(owner as unknown as ObsidianComponent, window);
		owner.unload();
		expect(remove.mock.calls.map((c) => c[0]).sort()).toEqual(["afterprint", "beforeprint"]);
		window.dispatchEvent(new Event("beforeprint"));
		expect(document.querySelectorAll("img").length).toBe(0);
		remove.mockRestore();
	});

	it("a chart waiting off screen (an explorer's dense layer) is made and drawn before its canvas is copied", async () => {
		document.body.empty();
		installFakeCanvas();
		const w = window as unknown as { IntersectionObserver?: unknown };
		const saved = w.IntersectionObserver;
		// Scrolled out of sight: the observer reports it off screen.
		w.IntersectionObserver = class {
			constructor(private readonly cb: (e: { isIntersecting: boolean }[]) => void) {}
			observe(): void {
				queueMicrotask(() => this.cb([{ isIntersecting: false }]));
			}
			disconnect(): void {}
		};
		const block = document.body.createDiv({ cls: "block-language-cnn" });
		const bars = new BarChartView(block, { title: "dense 10: units", xLabel: "unit", yLabel: "value", signed: true, compact: true, deferOffscreen: true });
		bars.setData(["1", "2", "3"], [0.5, -1, 2]);
		bars.drawNow();
		await new Promise((r) => setTimeout(r, 150));
		expect(bars.chart).toBeNull();
		bars.canvas.toDataURL = () => "data:image/png;base64,CCCC";
		const owner = new Component();
		owner.load();
		registerPrintSnapshots(owner as unknown as ObsidianComponent, window);
		window.dispatchEvent(new Event("beforeprint"));
		chartOf(bars.canvas);
		expect(drawnBars(bars.canvas).map((b) => b.value)).toEqual([0.5, -1, 2]);
		expect((bars.canvas.nextElementSibling as HTMLImageElement | null)?.getAttribute("src")).toBe("data:image/png;base64,CCCC");
		owner.unload();
		bars.destroy();
		w.IntersectionObserver = saved;
	});
});
