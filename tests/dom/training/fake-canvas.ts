/** jsdom has no canvas: a 2D context that accepts every call, enough for chart.js and the heatmaps. */
export function installFakeCanvas(): void {
	const fake = (canvas: HTMLCanvasElement): CanvasRenderingContext2D =>
		new Proxy({} as Record<string | symbol, unknown>, {
			get(target, prop) {
				if (prop === "canvas") return canvas;
				if (prop in target) return target[prop];
				if (typeof prop !== "string" || prop === "length" || prop === "then" || /^\d+$/.test(prop)) return undefined;
				if (prop === "measureText") return (s: string) => ({ width: s.length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
				if (prop === "getImageData" || prop === "createImageData") return (w = 1, h = 1) => ({ data: new Uint8ClampedArray(Math.max(1, w * h) * 4), width: w, height: h });
				if (prop === "getLineDash") return () => [];
				return () => undefined;
			},
			set(target, prop, v) {
				target[prop] = v;
				return true;
			},
		}) as unknown as CanvasRenderingContext2D;
	HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
		return fake(this);
	} as unknown as HTMLCanvasElement["getContext"];
}
