import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import { padToInput, type Stroke } from "../../data/pad-input";
import { createHeatmap, type Heatmap } from "../heatmap";

/** Stroke widths offered, in pad units (a fraction of the pad's side). */
const WIDTH_MIN = 0.04;
const WIDTH_MAX = 0.16;
const WIDTH_DEFAULT = 0.09;

/**
 * A square pad to draw an input on, with mouse, pen or touch (Pointer Events), a Clear button and a stroke width,
 * and beside it the downsampled input the network actually sees. `onInput` gets that input after every change
 * (at most once per animation frame while drawing), or null when the pad is empty.
 */
export class DrawPad {
	readonly el: HTMLElement;
	private readonly canvas: HTMLCanvasElement;
	private readonly seen: Heatmap;
	private readonly seenCaption: HTMLElement;
	private strokes: { x: number; y: number }[][] = [];
	private current: { x: number; y: number }[] | null = null;
	private width = WIDTH_DEFAULT;
	private frame = 0;
	private readonly win: Window;
	private readonly cleanups: (() => void)[] = [];

	constructor(
		parent: HTMLElement,
		private readonly shape: [number, number, number],
		private readonly onInput: (x: Float32Array | null) => void,
	) {
		this.win = parent.ownerDocument.defaultView ?? window;
		this.el = parent.createDiv({ cls: "cnn-lab-explorer-pad" });
		const left = this.el.createDiv({ cls: "cnn-lab-explorer-pad-draw" });
		this.canvas = left.createEl("canvas", { cls: "cnn-lab-explorer-pad-canvas", attr: { width: "256", height: "256", role: "img", "aria-label": t("explorer.pad.aria"), tabindex: "0" } });
		const tools = left.createDiv({ cls: "cnn-lab-explorer-pad-tools" });
		const clear = tools.createEl("button", { text: t("explorer.pad.clear") });
		this.on(clear, "click", () => this.clear());
		const wLabel = tools.createEl("label", { cls: "cnn-lab-explorer-pad-width" });
		wLabel.createSpan({ text: t("explorer.pad.width") });
		const slider = wLabel.createEl("input", { attr: { type: "range", min: String(WIDTH_MIN), max: String(WIDTH_MAX), step: "0.01", value: String(WIDTH_DEFAULT) } });
		this.on(slider, "input", () => {
			this.width = Number(slider.value) || WIDTH_DEFAULT;
			this.changed();
		});
		const right = this.el.createDiv({ cls: "cnn-lab-explorer-pad-seen" });
		const [, h, w] = shape;
		this.seenCaption = right.createDiv({ cls: "cnn-lab-note", text: t("explorer.pad.empty") });
		this.seen = createHeatmap(right, { width: w, height: h, data: new Float32Array(h * w) }, { label: t("explorer.pad.seen", { shape: `${h}×${w}` }), colormap: "gray", range: { min: 0, max: 1 }, size: "s", legend: false });
		this.on(this.canvas, "pointerdown", (e) => this.down(e as PointerEvent));
		this.on(this.canvas, "pointermove", (e) => this.move(e as PointerEvent));
		this.on(this.canvas, "pointerup", () => this.up());
		this.on(this.canvas, "pointercancel", () => this.up());
		this.on(this.canvas, "keydown", (e) => {
			if ((e as KeyboardEvent).key === "Escape" || (e as KeyboardEvent).key === "Delete") this.clear();
		});
		this.paint();
	}

	/** Replaces the drawing (tests, and "draw again" after a reload). */
	setStrokes(strokes: readonly Stroke[]): void {
		this.strokes = strokes.map((s) => s.map((p) => ({ x: p.x, y: p.y })));
		this.current = null;
		this.changed();
	}

	get strokeCount(): number {
		return this.strokes.length;
	}

	clear(): void {
		this.strokes = [];
		this.current = null;
		this.changed();
	}

	private on(target: EventTarget, type: string, fn: (e: Event) => void): void {
		target.addEventListener(type, fn);
		this.cleanups.push(() => target.removeEventListener(type, fn));
	}

	private point(e: PointerEvent): { x: number; y: number } | null {
		const box = this.canvas.getBoundingClientRect();
		if (box.width <= 0 || box.height <= 0) return null;
		return { x: Math.max(0, Math.min(1, (e.clientX - box.left) / box.width)), y: Math.max(0, Math.min(1, (e.clientY - box.top) / box.height)) };
	}

	private down(e: PointerEvent): void {
		const p = this.point(e);
		if (!p) return;
		e.preventDefault();
		try {
			this.canvas.setPointerCapture(e.pointerId);
		} catch {
			// jsdom and old WebViews: the stroke still works while the pointer stays over the pad
		}
		this.current = [p];
		this.strokes.push(this.current);
		this.changed();
	}

	private move(e: PointerEvent): void {
		if (!this.current) return;
		const p = this.point(e);
		if (!p) return;
		e.preventDefault();
		this.current.push(p);
		this.changed();
	}

	private up(): void {
		this.current = null;
	}

	/** Redraws and recomputes once per frame, however many pointer events came in it. */
	private changed(): void {
		if (this.frame) return;
		const raf = this.win.requestAnimationFrame?.bind(this.win);
		if (!raf) return this.flush();
		this.frame = raf(() => {
			this.frame = 0;
			this.flush();
		});
	}

	/** Draws and tells the owner now (also what the frame callback does). */
	flush(): void {
		// A frame already asked for would only do it again.
		if (this.frame) this.win.cancelAnimationFrame?.(this.frame);
		this.frame = 0;
		this.paint();
		const x = padToInput(this.strokes, this.width, this.shape);
		const [, h, w] = this.shape;
		this.seen.update({ width: w, height: h, data: x ? x.subarray(0, h * w) : new Float32Array(h * w) }, { min: 0, max: 1 });
		this.seenCaption.setText(x ? t("explorer.pad.seen", { shape: `${h}×${w}` }) : t("explorer.pad.empty"));
		this.onInput(x);
	}

	private paint(): void {
		let ctx: CanvasRenderingContext2D | null = null;
		try {
			ctx = this.canvas.getContext("2d");
		} catch {
			ctx = null;
		}
		if (!ctx) return;
		const side = this.canvas.width;
		ctx.fillStyle = "#000";
		ctx.fillRect(0, 0, side, side);
		ctx.strokeStyle = "#fff";
		ctx.fillStyle = "#fff";
		ctx.lineCap = "round";
		ctx.lineJoin = "round";
		ctx.lineWidth = this.width * side;
		for (const s of this.strokes) {
			if (s.length === 1) {
				ctx.beginPath();
				ctx.arc(s[0].x * side, s[0].y * side, (this.width * side) / 2, 0, Math.PI * 2);
				ctx.fill();
				continue;
			}
			ctx.beginPath();
			s.forEach((p, i) => (i === 0 ? ctx.moveTo(p.x * side, p.y * side) : ctx.lineTo(p.x * side, p.y * side)));
			ctx.stroke();
		}
	}

	destroy(): void {
		if (this.frame) this.win.cancelAnimationFrame?.(this.frame);
		this.frame = 0;
		for (const f of this.cleanups.splice(0)) f();
		this.seen.destroy();
	}
}
