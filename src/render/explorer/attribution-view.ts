import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import type { Probe, ProbeResult } from "../../engine/probe";
import { valueRange, type ColormapName } from "../colormap";
import { createHeatmap, type Heatmap } from "../heatmap";
import { toPlane } from "../training/image-grid";
import { argmax } from "./layer-range";

/**
 * "Why this prediction": the saliency map of a class (signed, and its magnitude) and Grad-CAM on a layer the user
 * picks (default: the last conv), drawn over the input. Both as the engine computes them (src/engine/attribution.ts).
 */
export class AttributionView {
	readonly el: HTMLElement;
	private readonly classSelect: HTMLSelectElement;
	private readonly layerSelect: HTMLSelectElement | null;
	private readonly maps: HTMLElement;
	private heatmaps: Heatmap[] = [];
	private result: ProbeResult | null = null;
	/** −1: follow the prediction. */
	private chosenClass = -1;
	private readonly cleanups: (() => void)[] = [];

	constructor(
		parent: HTMLElement,
		private readonly probe: Probe,
		private readonly classNames: readonly string[],
		private readonly lineText: (layer: number) => string | null,
		private readonly colormap: ColormapName,
	) {
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-why" });
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.why.title") });
		const row = this.el.createDiv({ cls: "cnn-lab-explorer-sample-row" });
		const cl = row.createEl("label");
		cl.createSpan({ text: t("explorer.why.class") });
		this.classSelect = cl.createEl("select");
		this.classSelect.createEl("option", { text: t("explorer.sample.anyLabel"), attr: { value: "-1" } });
		classNames.forEach((n, i) => this.classSelect.createEl("option", { text: n, attr: { value: String(i) } }));
		const cams = probe.camLayers();
		if (cams.length) {
			const ll = row.createEl("label");
			ll.createSpan({ text: t("explorer.why.layer") });
			this.layerSelect = ll.createEl("select");
			for (const i of cams) this.layerSelect.createEl("option", { text: lineText(i) ?? probe.label(i), attr: { value: String(i) } });
			this.on(this.layerSelect, "change", () => this.draw());
		} else this.layerSelect = null;
		this.el.createDiv({ cls: "cnn-lab-note", text: t("explorer.why.note") });
		this.maps = this.el.createDiv({ cls: "cnn-lab-explorer-why-maps" });
		this.on(this.classSelect, "change", () => {
			this.chosenClass = Number(this.classSelect.value);
			this.draw();
		});
	}

	private on(target: EventTarget, type: string, fn: (e: Event) => void): void {
		target.addEventListener(type, fn);
		this.cleanups.push(() => target.removeEventListener(type, fn));
	}

	show(r: ProbeResult | null): void {
		this.result = r;
		this.draw();
	}

	/** The class explained: the one picked, else the predicted one. */
	get explainedClass(): number {
		return this.chosenClass >= 0 || !this.result ? this.chosenClass : argmax(this.result.probs);
	}

	private clearMaps(): void {
		for (const h of this.heatmaps) h.destroy();
		this.heatmaps = [];
		this.maps.empty();
	}

	private draw(): void {
		this.clearMaps();
		const r = this.result;
		if (!r) return;
		const cls = this.explainedClass;
		if (cls < 0) return;
		const name = this.classNames[cls] ?? String(cls);
		const shape = this.probe.inputShape;
		const sal = this.probe.saliency(r.input, cls);
		const signed = toPlane(sal, shape.slice());
		const mag = new Float32Array(signed.width * signed.height);
		const [c] = shape;
		for (let i = 0; i < mag.length; i++) {
			let m = 0;
			for (let k = 0; k < c; k++) m = Math.max(m, Math.abs(sal[k * mag.length + i]));
			mag[i] = m;
		}
		const fig = (caption: string): HTMLElement => {
			const f = this.maps.createDiv({ cls: "cnn-lab-explorer-why-map" });
			f.createDiv({ cls: "cnn-lab-note", text: caption });
			return f;
		};
		const span = Math.max(Math.abs(valueRange(signed.data).min), Math.abs(valueRange(signed.data).max)) || 1;
		this.heatmaps.push(createHeatmap(fig(t("explorer.why.saliency", { name })), signed, { label: t("explorer.why.saliency", { name }), colormap: "coolwarm", range: { min: -span, max: span }, size: "m" }));
		this.heatmaps.push(createHeatmap(fig(t("explorer.why.saliencyAbs")), { width: signed.width, height: signed.height, data: mag }, { label: t("explorer.why.saliencyAbs"), colormap: "magma", size: "m" }));
		const layer = this.layerSelect ? Number(this.layerSelect.value) : -1;
		if (layer < 0) {
			this.maps.createDiv({ cls: "cnn-lab-note", text: t("explorer.why.noMaps") });
			return;
		}
		const cam = this.probe.gradCam(r.input, cls, layer);
		const layerName = this.lineText(layer) ?? this.probe.label(layer);
		const f = fig(t("explorer.why.cam", { layer: layerName, h: cam.h, w: cam.w }));
		const stack = f.createDiv({ cls: "cnn-lab-explorer-overlay" });
		const input = toPlane(r.input, shape.slice());
		this.heatmaps.push(createHeatmap(stack, input, { label: t("explorer.strip.input"), colormap: "gray", size: "m", legend: false }));
		const top = stack.createDiv({ cls: "cnn-lab-explorer-overlay-top" });
		const camRange = valueRange(cam.data);
		this.heatmaps.push(createHeatmap(top, { width: cam.w, height: cam.h, data: cam.data }, { label: t("explorer.why.cam", { layer: layerName, h: cam.h, w: cam.w }), colormap: this.colormap === "gray" ? "magma" : this.colormap, range: camRange.max > 0 ? { min: 0, max: camRange.max } : { min: 0, max: 1 }, size: "m", legend: false }));
		if (!(camRange.max > 0)) f.createDiv({ cls: "cnn-lab-note", text: t("explorer.why.camFlat", { layer: layerName, name }) });
	}

	redraw(): void {
		for (const h of this.heatmaps) h.redraw();
	}

	destroy(): void {
		this.clearMaps();
		for (const f of this.cleanups.splice(0)) f();
	}
}
