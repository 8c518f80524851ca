/**
 * The DOM test files share one window (the dom project runs with isolate: false), so a stand-in one file puts on it
 * (an IntersectionObserver that never reports, a createImageBitmap, a canvas context) would change what the next
 * file's views do, and a test's result would depend on the order files happen to run in (two explorer tests timed
 * out in a clean clone's CI run that way). This setup file, run around each file, puts back the window's globals
 * that tests replace, as they were before the file.
 */
import { afterAll, beforeAll } from "vitest";

const GLOBALS = ["IntersectionObserver", "ResizeObserver", "createImageBitmap", "OffscreenCanvas", "matchMedia", "requestAnimationFrame", "cancelAnimationFrame", "Worker"] as const;

let saved: Map<string, PropertyDescriptor | undefined> | null = null;
let getContext: HTMLCanvasElement["getContext"] | null = null;

beforeAll(() => {
	if (typeof window === "undefined") return;
	saved = new Map(GLOBALS.map((k) => [k, Object.getOwnPropertyDescriptor(window, k)]));
	getContext = HTMLCanvasElement.prototype.getContext;
});

afterAll(() => {
	if (typeof window === "undefined" || !saved) return;
	const w = window as unknown as Record<string, unknown>;
	for (const [k, d] of saved) {
		if (d) Object.defineProperty(window, k, d);
		else delete w[k];
	}
	if (getContext) HTMLCanvasElement.prototype.getContext = getContext;
});
