import { readPalette, type Palette } from "../theme";

/** CSS pixels per bar: wide enough for a class name under it, or a thin bar with every fourth unit numbered. */
const NAMED_SLOT = 34;
const PLAIN_SLOT = 12;
const BAR_HEIGHT = 44;
const LABEL_HEIGHT = 14;

/**
 * A dense layer's units as a bar chart on ONE canvas: up from a zero line for positive values, down for negative,
 * the picked unit outlined. A stroke moves every bar every frame; a hundred bars as elements were most of a
 * stroke's style and layout, a redrawn canvas has none. The names and values a screen reader reads are the row's
 * hidden list (layer-strip.ts); a click maps the pointer's x to the unit.
 */
export class UnitBars {
	readonly canvas: HTMLCanvasElement;
	private ctx: CanvasRenderingContext2D | null | undefined;
	private palette: Palette;
	private data: ArrayLike<number>;
	private picked = -1;
	/** The unit whose hidden button has the keyboard's focus (−1: none): ringed on the canvas, not the whole chart. */
	private focused = -1;
	private readonly slot: number;
	private readonly cssWidth: number;
	private readonly cssHeight: number;

	constructor(parent: HTMLElement, private readonly names: readonly string[], data: ArrayLike<number>, named: boolean, onPick: (unit: number) => void) {
		this.slot = named ? NAMED_SLOT : PLAIN_SLOT;
		this.cssWidth = names.length * this.slot;
		this.cssHeight = BAR_HEIGHT + LABEL_HEIGHT;
		// The canvas is a picture: the hidden list beside it is what assistive technology reads and what a keyboard uses.
		this.canvas = parent.createEl("canvas", { cls: "cnn-lab-explorer-unit-bars", attr: { "aria-hidden": "true" } });
		this.canvas.setCssProps({ "--cnn-lab-units-width": `${this.cssWidth}px` });
		this.palette = readPalette(parent);
		this.data = data;
		this.canvas.addEventListener("click", (e) => {
			const u = this.unitAt(e.clientX);
			if (u >= 0) onPick(u);
		});
		this.draw();
	}

	/** The unit under a pointer's x (the canvas may be scaled down to fit a narrow pane), or −1. */
	unitAt(clientX: number): number {
		const box = this.canvas.getBoundingClientRect();
		if (box.width <= 0) return -1;
		const u = Math.floor(((clientX - box.left) / box.width) * this.names.length);
		return u >= 0 && u < this.names.length ? u : -1;
	}

	update(data: ArrayLike<number>): void {
		this.data = data;
		this.draw();
	}

	mark(unit: number): void {
		if (unit === this.picked) return;
		this.picked = unit;
		this.draw();
	}

	/** The keyboard's focus moved to `unit`'s hidden button (−1: left the chart). */
	focus(unit: number): void {
		if (unit === this.focused) return;
		this.focused = unit;
		this.draw();
	}

	/** The theme changed: its colours read again. */
	redraw(): void {
		this.palette = readPalette(this.canvas.parentElement ?? this.canvas);
		this.draw();
	}

	private draw(): void {
		const dpr = this.canvas.ownerDocument.defaultView?.devicePixelRatio || 1;
		// Setting a canvas's size clears and reallocates it: done once (and when the pane moves to another screen).
		const w = Math.round(this.cssWidth * dpr);
		const h = Math.round(this.cssHeight * dpr);
		if (this.canvas.width !== w) this.canvas.width = w;
		if (this.canvas.height !== h) this.canvas.height = h;
		if (this.ctx === undefined) {
			try {
				this.ctx = this.canvas.getContext("2d");
			} catch {
				this.ctx = null;
			}
		}
		const ctx = this.ctx;
		if (!ctx) return;
		const p = this.palette;
		ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
		ctx.clearRect(0, 0, this.cssWidth, this.cssHeight);
		const n = this.names.length;
		let lo = 0;
		let hi = 0;
		for (let u = 0; u < n; u++) {
			const v = this.data[u];
			if (v < lo) lo = v;
			if (v > hi) hi = v;
		}
		// Zero where the values put it: at the bottom when none is negative, in between when both signs occur.
		const span = hi - lo || 1;
		const zero = 1 + ((BAR_HEIGHT - 2) * hi) / span;
		const scale = (BAR_HEIGHT - 2) / span;
		const gap = this.slot >= NAMED_SLOT ? 6 : 2;
		const [negative, positive] = [p.series[0], p.series[1]];
		for (let u = 0; u < n; u++) {
			const v = this.data[u];
			const x = u * this.slot + gap / 2;
			const len = Math.max(Math.abs(v) * scale, v === 0 ? 0 : 1);
			ctx.fillStyle = p.border;
			ctx.fillRect(x, 1, this.slot - gap, BAR_HEIGHT - 2);
			ctx.fillStyle = v < 0 ? negative : positive;
			ctx.fillRect(x, v < 0 ? zero : zero - len, this.slot - gap, len);
		}
		ctx.fillStyle = p.muted;
		ctx.fillRect(0, Math.round(zero) - 0.5, this.cssWidth, 1);
		if (this.picked >= 0 && this.picked < n) {
			ctx.strokeStyle = p.accent;
			ctx.lineWidth = 2;
			ctx.strokeRect(this.picked * this.slot + 1, 1, this.slot - 2, BAR_HEIGHT - 2);
		}
		// The focus ring: around the focused unit's bar and label, in the text colour, apart from the picked outline.
		if (this.focused >= 0 && this.focused < n) {
			ctx.strokeStyle = p.text;
			ctx.lineWidth = 2;
			ctx.setLineDash([3, 2]);
			ctx.strokeRect(this.focused * this.slot + 1, 1, this.slot - 2, this.cssHeight - 2);
			ctx.setLineDash([]);
		}
		// Labels only where they are readable: every class name under a wide bar, every fourth unit under thin ones.
		ctx.fillStyle = p.muted;
		ctx.font = "10px sans-serif";
		ctx.textAlign = "center";
		ctx.textBaseline = "top";
		const every = this.slot >= NAMED_SLOT ? 1 : 4;
		for (let u = 0; u < n; u++) {
			if (u % every !== 0) continue;
			const name = this.slot >= NAMED_SLOT ? this.names[u] : String(u + 1);
			ctx.fillText(name.length > 5 ? `${name.slice(0, 4)}…` : name, u * this.slot + this.slot / 2, BAR_HEIGHT + 2, every === 1 ? this.slot - 2 : this.slot * every - 2);
		}
	}
}
