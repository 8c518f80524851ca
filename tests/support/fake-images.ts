/**
 * Images for jsdom, which decodes none: a PNG's first bytes (its signature and IHDR size, enough for the size check
 * that runs before decoding) and a stand-in decoder whose bitmaps read back as opaque grey pixels.
 */

/** The first bytes of a PNG of w×h pixels. */
export function pngHeader(w: number, h: number): Uint8Array {
	const b = new Uint8Array(64);
	b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
	new DataView(b.buffer).setUint32(16, w);
	new DataView(b.buffer).setUint32(20, h);
	return b;
}

/**
 * Installs createImageBitmap (a bitmap of `size`×`size`) and wraps the canvas's getContext so that getImageData reads
 * back the grey level `grey()` gives for each call; returns what puts both back (the DOM files share one window).
 */
export function fakeImageDecoding(size: number, grey: () => number): () => void {
	Object.defineProperty(window, "createImageBitmap", { configurable: true, value: async () => ({ width: size, height: size, close: () => {} }) });
	const fake = HTMLCanvasElement.prototype.getContext;
	HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, ...args: unknown[]) {
		const ctx = (fake as (...a: unknown[]) => CanvasRenderingContext2D | null).apply(this, args);
		if (ctx) ctx.getImageData = (_x: number, _y: number, w: number, h: number) => ({ data: new Uint8ClampedArray(w * h * 4).fill(grey()), width: w, height: h, colorSpace: "srgb" }) as ImageData;
		return ctx;
	} as HTMLCanvasElement["getContext"];
	return () => {
		HTMLCanvasElement.prototype.getContext = fake;
		delete (window as unknown as { createImageBitmap?: unknown }).createImageBitmap;
	};
}
