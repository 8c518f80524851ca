/**
 * jsdom has no canvas: a 2D context that accepts every call, enough for the charts and the heatmaps. Every call and
 * every property set is recorded per canvas (canvasLog), so a test can check what was drawn and with which style.
 */
export interface CanvasCall {
	/** A method name, or "=prop" for a property assignment. */
	op: string;
	args: unknown[];
}

const logs = new WeakMap<HTMLCanvasElement, CanvasCall[]>();
/** Keeps a long-lived canvas (a chart through a whole training run) from growing without end. */
const MAX_LOG = 50_000;

export function canvasLog(canvas: HTMLCanvasElement): CanvasCall[] {
	let l = logs.get(canvas);
	if (!l) logs.set(canvas, (l = []));
	return l;
}

function record(canvas: HTMLCanvasElement, op: string, args: unknown[]): void {
	const l = canvasLog(canvas);
	if (l.length >= MAX_LOG) l.length = 0;
	l.push({ op, args });
}

export function installFakeCanvas(): void {
	const fake = (canvas: HTMLCanvasElement): CanvasRenderingContext2D =>
		new Proxy({} as Record<string | symbol, unknown>, {
			get(target, prop) {
				if (prop === "canvas") return canvas;
				if (prop in target) return target[prop];
				if (typeof prop !== "string" || prop === "length" || prop === "then" || /^\d+$/.test(prop)) return undefined;
				if (prop === "measureText") return (s: string) => ({ width: s.length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
				// createImageData(w, h); getImageData(x, y, w, h)
				if (prop === "createImageData") return (w = 1, h = 1) => ({ data: new Uint8ClampedArray(Math.max(1, w * h) * 4), width: w, height: h });
				if (prop === "getImageData") return (...a: number[]) => ({ data: new Uint8ClampedArray(Math.max(1, (a[2] ?? 1) * (a[3] ?? 1)) * 4), width: a[2] ?? 1, height: a[3] ?? 1 });
				if (prop === "getLineDash") return () => [];
				return (...args: unknown[]) => record(canvas, prop, args);
			},
			set(target, prop, v) {
				target[prop] = v;
				if (typeof prop === "string") record(canvas, `=${prop}`, [v]);
				return true;
			},
		}) as unknown as CanvasRenderingContext2D;
	// One context per canvas, as in a browser.
	const contexts = new WeakMap<HTMLCanvasElement, CanvasRenderingContext2D>();
	HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
		let c = contexts.get(this);
		if (!c) contexts.set(this, (c = fake(this)));
		return c;
	} as unknown as HTMLCanvasElement["getContext"];
}

/**
 * The strokes drawn on a canvas since `from` (an index into its log), each with the stroke style, line width and dash
 * in effect and the number of segments (lineTo calls) in its path.
 */
export function strokes(canvas: HTMLCanvasElement, from = 0): { color: unknown; width: unknown; dash: unknown; segments: number }[] {
	const out: { color: unknown; width: unknown; dash: unknown; segments: number }[] = [];
	let color: unknown;
	let width: unknown;
	let dash: unknown = [];
	let segments = 0;
	const log = canvasLog(canvas);
	for (let i = 0; i < log.length; i++) {
		const c = log[i];
		if (c.op === "=strokeStyle") color = c.args[0];
		else if (c.op === "=lineWidth") width = c.args[0];
		else if (c.op === "setLineDash") dash = c.args[0];
		else if (c.op === "beginPath") segments = 0;
		else if (c.op === "lineTo") segments++;
		else if (c.op === "stroke" && i >= from) out.push({ color, width, dash, segments });
	}
	return out;
}
