import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import type { CamTarget, Probe, ProbeResult } from "../../engine/probe";
import { valueRange, type ColormapName } from "../colormap";
import { createHeatmap, setTextIfChanged, type Heatmap } from "../heatmap";
import { toPlane } from "../training/image-grid";
import { argmax } from "./layer-range";
import { stepName } from "./block-paths";
import { LaterPieces } from "../later-pieces";

interface Figures {
	salCaption: HTMLElement;
	signed: Heatmap;
	magnitude: Heatmap;
	/** Grad-CAM over the input, when the network has a layer for it. */
	cam: { caption: HTMLElement; input: Heatmap; cam: Heatmap; flat: HTMLElement } | null;
}

/**
 * "Why this prediction": the saliency map of a class (signed, and its magnitude) and Grad-CAM on a layer the user
 * picks (default: the last conv), drawn over the input. Both as the engine computes them (src/engine/attribution.ts).
 */
export class AttributionView {
	readonly el: HTMLElement;
	private readonly classSelect: HTMLSelectElement;
	private readonly layerSelect: HTMLSelectElement | null;
	/** What the layer picker offers, by option value. */
	private readonly cams: CamTarget[];
	private readonly maps: HTMLElement;
	private heatmaps: Heatmap[] = [];
	private result: ProbeResult | null = null;
	/** −1: follow the prediction. */
	private chosenClass = -1;
	private readonly cleanups: (() => void)[] = [];
	/** The maps' hidden numbers, written one table per task once the maps are made. */
	private readonly pieces: LaterPieces;

	constructor(
		parent: HTMLElement,
		private readonly probe: Probe,
		private readonly classNames: readonly string[],
		private readonly lineText: (layer: number) => string | null,
		private readonly colormap: ColormapName,
	) {
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-why" });
		this.pieces = new LaterPieces(parent.ownerDocument.defaultView ?? window, this.el);
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.why.title") });
		const row = this.el.createDiv({ cls: "cnn-lab-explorer-sample-row" });
		const cl = row.createEl("label");
		cl.createSpan({ text: t("explorer.why.class") });
		this.classSelect = cl.createEl("select");
		this.classSelect.createEl("option", { text: t("explorer.sample.anyLabel"), attr: { value: "-1" } });
		classNames.forEach((n, i) => this.classSelect.createEl("option", { text: n, attr: { value: String(i) } }));
		const cams = (this.cams = probe.camTargets());
		if (cams.length) {
			const ll = row.createEl("label");
			ll.createSpan({ text: t("explorer.why.layer") });
			this.layerSelect = ll.createEl("select");
			cams.forEach((c, k) => this.layerSelect?.createEl("option", { text: this.camName(c), attr: { value: String(k) } }));
			this.on(this.layerSelect, "change", () => this.draw());
		} else this.layerSelect = null;
		this.el.createDiv({ cls: "cnn-lab-note", text: t("explorer.why.note") });
		this.maps = this.el.createDiv({ cls: "cnn-lab-explorer-why-maps" });
		this.on(this.classSelect, "change", () => {
			this.chosenClass = Number(this.classSelect.value);
			this.draw();
		});
	}

	/** "conv 8 3x3" as written, or for a conv inside a block "residual › body 1: conv 8 3×3". */
	private camName(c: CamTarget): string {
		const line = this.lineText(c.layer) ?? this.probe.label(c.layer);
		if (c.path === undefined) return line;
		// every step of the path: "body 2 › body 1" for a conv in a block nested at body 2
		const parts = c.path.split(".");
		const steps = Array.from({ length: parts.length / 2 }, (_, k) => stepName(parts.slice(0, 2 * k + 2).join(".")));
		return `${line} › ${t("explorer.strip.innerLayer", { where: steps.join(" › "), label: c.label })}`;
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
		this.pieces.clear();
		for (const h of this.heatmaps) h.destroy();
		this.heatmaps = [];
		this.figs = null;
		this.maps.empty();
	}

	/**
	 * The figures, made on the first result and then redrawn in place (a stroke, another class or layer): new
	 * numbers in the same canvases and hidden tables, new words in the same captions.
	 */
	private figs: Figures | null = null;

	private figures(): Figures {
		if (this.figs) return this.figs;
		const fig = (): { el: HTMLElement; caption: HTMLElement } => {
			const el = this.maps.createDiv({ cls: "cnn-lab-explorer-why-map" });
			return { el, caption: el.createDiv({ cls: "cnn-lab-note" }) };
		};
		const [, h, w] = this.probe.inputShape;
		const blank = { width: w, height: h, data: new Float32Array(h * w) };
		const map = (parent: HTMLElement, label: string, colormap: ColormapName, legend = true): Heatmap => {
			// Redrawn a task after every stroke while the user draws: the hidden numbers follow when the drawing pauses.
			// Made, each map's hidden numbers are a piece of their own (four tables of 28×28 at once were one long layout).
			const hm = createHeatmap(parent, blank, { label, colormap, size: "m", legend, range: { min: 0, max: 1 }, deferNumbers: true, numbersLater: this.pieces.addHidden });
			this.heatmaps.push(hm);
			return hm;
		};
		const sal = fig();
		const abs = fig();
		abs.caption.setText(t("explorer.why.saliencyAbs"));
		const figs: Figures = { salCaption: sal.caption, signed: map(sal.el, "", "coolwarm"), magnitude: map(abs.el, t("explorer.why.saliencyAbs"), "magma"), cam: null };
		if (this.layerSelect) {
			const f = fig();
			const stack = f.el.createDiv({ cls: "cnn-lab-explorer-overlay" });
			const input = map(stack, t("explorer.strip.input"), "gray", false);
			const top = stack.createDiv({ cls: "cnn-lab-explorer-overlay-top" });
			const cam = map(top, "", this.colormap === "gray" ? "magma" : this.colormap, false);
			figs.cam = { caption: f.caption, input, cam, flat: f.el.createDiv({ cls: "cnn-lab-note" }) };
		} else this.maps.createDiv({ cls: "cnn-lab-note", text: t("explorer.why.noMaps") });
		this.figs = figs;
		return figs;
	}

	private draw(): void {
		const r = this.result;
		const cls = this.explainedClass;
		if (!r || cls < 0) return this.clearMaps();
		const figs = this.figures();
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
		const salText = t("explorer.why.saliency", { name });
		setTextIfChanged(figs.salCaption, salText);
		figs.signed.setLabel(salText);
		const sr = valueRange(signed.data);
		const span = Math.max(Math.abs(sr.min), Math.abs(sr.max)) || 1;
		figs.signed.update(signed, { min: -span, max: span });
		figs.magnitude.update({ width: signed.width, height: signed.height, data: mag });
		const target = this.layerSelect ? this.cams[Number(this.layerSelect.value)] : undefined;
		if (!figs.cam || !target) return;
		const cam = this.probe.gradCam(r.input, cls, target.layer, target.path);
		const layerName = this.camName(target);
		const camText = t("explorer.why.cam", { layer: layerName, h: cam.h, w: cam.w });
		setTextIfChanged(figs.cam.caption, camText);
		figs.cam.input.update(toPlane(r.input, shape.slice()));
		figs.cam.cam.setLabel(camText);
		const camRange = valueRange(cam.data);
		figs.cam.cam.update({ width: cam.w, height: cam.h, data: cam.data }, camRange.max > 0 ? { min: 0, max: camRange.max } : { min: 0, max: 1 });
		setTextIfChanged(figs.cam.flat, camRange.max > 0 ? "" : t("explorer.why.camFlat", { layer: layerName, name }));
	}

	redraw(): void {
		for (const h of this.heatmaps) h.redraw();
	}

	destroy(): void {
		this.clearMaps();
		for (const f of this.cleanups.splice(0)) f();
	}
}
