// @vitest-environment jsdom
// The <img> fallback of src/plugin/vault-image.ts (platforms without createImageBitmap, e.g. old iOS WebViews).
// jsdom decodes no image, so an <img> that "loads", "fails" or never answers is faked, and a canvas whose
// getImageData hands back known pixels; the browser check (tests/e2e) runs the same path with real decoding.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App, Vault } from "../../support/obsidian-stub";
import { pngHeader } from "../../support/fake-images";
import type { App as ObsidianApp } from "obsidian";
import { areaAverage, decodeSize, IMG_TIMEOUT_MS, readVaultImage, VaultImageError } from "../../../src/plugin/vault-image";


type ImgOutcome = "load" | "error" | "never";
let outcome: ImgOutcome = "load";
/** RGBA the fake canvas returns, row-major, for the size drawn. */
let pixels: number[] = [];
const draws: { source: unknown; args: number[] }[] = [];
const made: Blob[] = [];
const revoked: string[] = [];
const srcDescriptor = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
const originalGetContext = HTMLCanvasElement.prototype.getContext;

beforeEach(() => {
	outcome = "load";
	pixels = [];
	draws.length = 0;
	made.length = 0;
	revoked.length = 0;
	delete (window as unknown as { createImageBitmap?: unknown }).createImageBitmap;
	let n = 0;
	URL.createObjectURL = (b: Blob): string => {
		made.push(b);
		return `blob:fake/${++n}`;
	};
	URL.revokeObjectURL = (u: string): void => void revoked.push(u);
	Object.defineProperty(HTMLImageElement.prototype, "src", {
		configurable: true,
		get(this: HTMLImageElement) {
			return this.getAttribute("src") ?? "";
		},
		set(this: HTMLImageElement, v: string) {
			this.setAttribute("src", v);
			// A real <img> answers after the current task.
			if (outcome === "load") setTimeout(() => this.onload?.(new Event("load")), 0);
			if (outcome === "error") setTimeout(() => this.onerror?.(new Event("error")), 0);
		},
	});
	HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
		return {
			canvas: this,
			imageSmoothingEnabled: false,
			imageSmoothingQuality: "low",
			drawImage: (source: unknown, ...args: number[]) => void draws.push({ source, args }),
			getImageData: (_x: number, _y: number, w: number, h: number) => {
				expect(pixels).toHaveLength(w * h * 4);
				return { data: Uint8ClampedArray.from(pixels) };
			},
		} as unknown as CanvasRenderingContext2D;
	} as unknown as HTMLCanvasElement["getContext"];
});

afterEach(() => {
	vi.useRealTimers();
	if (srcDescriptor) Object.defineProperty(HTMLImageElement.prototype, "src", srcDescriptor);
	HTMLCanvasElement.prototype.getContext = originalGetContext;
});

function appWith(files: Record<string, Uint8Array>): ObsidianApp {
	return new App(new Vault(files)) as unknown as ObsidianApp;
}

describe("vault images without createImageBitmap", () => {
	it("decodes through an <img> from a Blob URL of the file's type, draws it unscaled and revokes the URL", async () => {
		const file = pngHeader(4, 2);
		// Gray levels 0, 51, 102, … 255 and one half-transparent black pixel (over white: 1 − 0.5 = 0.5).
		const levels = [0, 51, 102, 153, 204, 255, 0, 0];
		pixels = levels.flatMap((v, i) => (i === 7 ? [0, 0, 0, 128] : [v, v, v, 255]));
		const img = await readVaultImage(appWith({ "pics/a.png": file }), document, "a.png", "note.md", "gray", 64);
		expect(img.planes[0]).toEqual([
			[0, 0.2, 0.4, 0.6],
			[0.8, 1, 0, 0.498],
		]);
		expect([img.width, img.height, img.originalWidth, img.originalHeight]).toEqual([4, 2, 4, 2]);
		expect(made).toHaveLength(1);
		expect(made[0].type).toBe("image/png");
		expect(made[0].size).toBe(file.byteLength);
		expect(draws).toHaveLength(1);
		expect(draws[0].source).toBeInstanceOf(HTMLImageElement);
		expect((draws[0].source as HTMLImageElement).getAttribute("src")).toBe("blob:fake/1");
		expect(draws[0].args).toEqual([0, 0, 4, 2]);
		expect(revoked).toEqual(["blob:fake/1"]);
	});

	it("an OffscreenCanvas without a 2D context (Safari 16.0–16.3) falls back to a canvas", async () => {
		const g = globalThis as unknown as { OffscreenCanvas?: unknown };
		const asked: string[] = [];
		g.OffscreenCanvas = class {
			constructor(
				readonly width: number,
				readonly height: number,
			) {}
			getContext(kind: string): null {
				asked.push(kind);
				return null;
			}
		};
		try {
			pixels = [0, 0, 0, 255, 255, 255, 255, 255];
			const img = await readVaultImage(appWith({ "c.png": pngHeader(2, 1) }), document, "c.png", "", "gray", 8);
			expect(asked).toEqual(["2d"]);
			expect(img.planes[0]).toEqual([[0, 1]]);
			expect(draws).toHaveLength(1);
			expect(draws[0].args).toEqual([0, 0, 2, 1]);
		} finally {
			delete g.OffscreenCanvas;
		}
	});

	it("scales down by averaging each area, transparent pixels weighed by their alpha", async () => {
		// 6×4 → at most 3 a side → 3×2: each output pixel is the mean of a 2×2 tile (worked by hand below).
		const px: number[][] = [];
		for (let i = 0; i < 24; i++) px.push([0, 0, 0, 255]);
		const set = (x: number, y: number, rgba: number[]): void => void (px[y * 6 + x] = rgba);
		// tile (0,0): two white, two black → 0.5
		set(0, 0, [255, 255, 255, 255]);
		set(1, 1, [255, 255, 255, 255]);
		// tile (1,0): two transparent *red* pixels and two opaque black: over white, the mean of 1, 1, 0, 0 = 0.5 in
		// every channel (a plain RGB average would give red 0.75).
		set(2, 0, [255, 0, 0, 0]);
		set(3, 0, [255, 0, 0, 0]);
		// tile (2,1): all four 200 → 200/255
		for (const [x, y] of [[4, 2], [5, 2], [4, 3], [5, 3]]) set(x, y, [200, 100, 50, 255]);
		pixels = px.flat();
		const img = await readVaultImage(appWith({ "b.png": pngHeader(6, 4) }), document, "b.png", "", "rgb", 3);
		expect([img.width, img.height]).toEqual([3, 2]);
		expect(draws[0].args).toEqual([0, 0, 6, 4]);
		const [r, g, b] = img.planes;
		expect([r[0][0], g[0][0], b[0][0]]).toEqual([0.5, 0.5, 0.5]);
		expect([r[0][1], g[0][1], b[0][1]]).toEqual([0.5, 0.5, 0.5]);
		expect([r[1][2], g[1][2], b[1][2]]).toEqual([Math.round((200 / 255) * 1000) / 1000, Math.round((100 / 255) * 1000) / 1000, Math.round((50 / 255) * 1000) / 1000]);
		expect([r[0][2], r[1][0], r[1][1]]).toEqual([0, 0, 0]);
	});

	it("an image the platform cannot decode gives a message with the file's name, and the URL is revoked", async () => {
		outcome = "error";
		const p = readVaultImage(appWith({ "photos/broken.png": pngHeader(4, 4) }), document, "broken.png", "", "gray", 8);
		await expect(p).rejects.toBeInstanceOf(VaultImageError);
		await expect(p).rejects.toThrow(/^broken\.png could not be decoded/);
		expect(revoked).toEqual(["blob:fake/1"]);
		expect(draws).toHaveLength(0);
	});

	it("an <img> that never answers is given up after the timeout, with the file's name", async () => {
		vi.useFakeTimers();
		outcome = "never";
		const p = readVaultImage(appWith({ "slow.png": pngHeader(4, 4) }), document, "slow.png", "", "gray", 8);
		const settled = vi.fn();
		p.then(settled, settled);
		await vi.advanceTimersByTimeAsync(IMG_TIMEOUT_MS - 100);
		expect(settled).not.toHaveBeenCalled();
		await vi.advanceTimersByTimeAsync(200);
		await expect(p).rejects.toThrow(`slow.png was still decoding after ${IMG_TIMEOUT_MS / 1000} s`);
		expect(revoked).toEqual(["blob:fake/1"]);
		expect(draws).toHaveLength(0);
	});
});

describe("the plugin's own downscale", () => {
	it("a ratio that is not whole (5 → 2) gives the pixel on the border half to each side", () => {
		// One row of gray levels 10, 20, 30, 40, 50: output 0 covers 10, 20 and half of 30 over 2.5 pixels.
		const row = [10, 20, 30, 40, 50].flatMap((v) => [v, v, v, 255]);
		const out = Array.from(areaAverage(row, 5, 1, 2, 1));
		expect(out[0]).toBeCloseTo((10 + 20 + 15) / 2.5, 10);
		expect(out[4]).toBeCloseTo((15 + 40 + 50) / 2.5, 10);
		expect([out[3], out[7]]).toEqual([255, 255]);
	});

	it("a fully transparent area stays transparent (white once composited), with no division by zero", () => {
		const out = Array.from(areaAverage([9, 9, 9, 0, 7, 7, 7, 0], 2, 1, 1, 1));
		expect(out).toEqual([0, 0, 0, 0]);
	});

	it("decodes whole up to 4 MP; larger images are first brought to about 4 MP, never below the target", () => {
		expect(decodeSize(2048, 2048, { width: 64, height: 64 })).toEqual({ width: 2048, height: 2048 });
		const d = decodeSize(4000, 3000, { width: 64, height: 48 });
		expect(d.width * d.height).toBeLessThanOrEqual(4 * 1024 * 1024);
		expect(d.width * d.height).toBeGreaterThan(4 * 1024 * 1024 * 0.99);
		expect(Math.abs(d.width / d.height - 4 / 3)).toBeLessThan(0.01);
		// A 40 000 × 200 strip: the long side shrinks, the short side keeps the target's 1 pixel at least.
		const s = decodeSize(40000, 200, { width: 512, height: 3 });
		expect(s.height).toBeGreaterThanOrEqual(3);
		expect(s.width).toBeGreaterThanOrEqual(512);
	});
});
