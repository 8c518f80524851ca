/**
 * Reads an image from the vault for ```cnn-conv (`input ![[cat.png]] gray 64`): resolves the link like Obsidian,
 * refuses files that are too large before decoding them, decodes, scales down to at most N pixels a side and
 * returns 0..1 planes (gray or RGB).
 */
import { normalizePath, type App, type TFile } from "obsidian";
import type { Planes } from "../notation/conv/types";
import { fitSize, imageSizeFromHeader, MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, rgbaToPlanes } from "../render/conv/image-pixels";
import { t } from "../i18n";
import "../i18n/strings-conv";

const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "gif", "webp", "bmp"];

export interface VaultImage {
	planes: Planes;
	/** Size after scaling. */
	width: number;
	height: number;
	/** Size of the file's image. */
	originalWidth: number;
	originalHeight: number;
	file: TFile;
}

/** A problem the user can fix; its message is shown in the block. */
export class VaultImageError extends Error {}

function mb(bytes: number): string {
	return (bytes / (1024 * 1024)).toFixed(1);
}

/** Finds the file a link points to, as Obsidian would; refuses paths that leave the vault. */
export function resolveImage(app: App, link: string, sourcePath: string): TFile {
	const clean = link.split("|")[0].split("#")[0].trim();
	if (/^([a-z]+:)?[\\/]{1,2}|^[a-z]:[\\/]|(^|[\\/])\.\.([\\/]|$)/i.test(clean)) throw new VaultImageError(t("conv-img.outside", { link: clean }));
	const file = app.metadataCache.getFirstLinkpathDest(clean, sourcePath) ?? app.vault.getFileByPath(normalizePath(clean));
	if (!file) throw new VaultImageError(t("conv-img.missing", { link: clean }));
	if (!IMAGE_EXTENSIONS.includes(file.extension.toLowerCase())) throw new VaultImageError(t("conv-img.not-image", { name: file.path, exts: IMAGE_EXTENSIONS.join(", ") }));
	return file;
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/**
 * Images up to this many pixels are decoded at full size and averaged down here, so every platform gives the same
 * numbers (browsers' "high quality" resizers differ: Chromium's createImageBitmap and drawImage parted by up to 0.03
 * on cat.png at 96→32). Larger ones are first scaled by the platform to about this size; 4 MP stays well inside
 * iOS's canvas limit (16 MP) and is 16 MB of RGBA.
 */
const DIRECT_PIXELS = 4 * 1024 * 1024;
/** An <img> that neither loads nor fails (old WebViews under memory pressure) is given up after this long. */
export const IMG_TIMEOUT_MS = 20_000;

/**
 * A 2D context of w×h pixels, off screen where the platform allows it. Safari 16.0–16.3 (and iOS WebViews of that
 * age) have OffscreenCanvas with WebGL only: its getContext("2d") is null, so a canvas (never attached to a document:
 * which window made it does not matter) is used instead.
 */
function context2d(w: number, h: number): Context2D | null {
	if (typeof OffscreenCanvas !== "undefined") {
		let ctx: OffscreenCanvasRenderingContext2D | null = null;
		try {
			ctx = new OffscreenCanvas(w, h).getContext("2d");
		} catch {
			ctx = null;
		}
		if (ctx) return ctx;
	}
	const c: HTMLCanvasElement = createEl("canvas", { attr: { width: w, height: h } });
	return c.getContext("2d");
}

/** The size to decode to: the file's own, or (above DIRECT_PIXELS) the largest size of that area, never below the target. */
export function decodeSize(width: number, height: number, target: { width: number; height: number }): { width: number; height: number } {
	if (width * height <= DIRECT_PIXELS) return { width, height };
	const s = Math.sqrt(DIRECT_PIXELS / (width * height));
	return { width: Math.max(target.width, Math.floor(width * s)), height: Math.max(target.height, Math.floor(height * s)) };
}

/** Loads a Blob into an <img> (the decoder of platforms without createImageBitmap); the URL is revoked by the caller. */
function loadImg(doc: Document, url: string, name: string): Promise<HTMLImageElement> {
	const img = createEl("img");
	const win = doc.defaultView ?? window;
	return new Promise<HTMLImageElement>((resolve, reject) => {
		const timer = win.setTimeout(() => {
			img.onload = img.onerror = null;
			img.removeAttribute("src");
			reject(new VaultImageError(t("conv-img.decode-timeout", { name, s: IMG_TIMEOUT_MS / 1000 })));
		}, IMG_TIMEOUT_MS);
		img.onload = () => {
			win.clearTimeout(timer);
			resolve(img);
		};
		img.onerror = () => {
			win.clearTimeout(timer);
			reject(new VaultImageError(t("conv-img.decode-named", { name })));
		};
		img.src = url;
	});
}

/**
 * Decodes to RGBA at w×h (the file's size unless it is huge, see decodeSize): createImageBitmap where it exists,
 * else an <img> from a Blob URL (older iOS WebViews). Both paths draw onto a canvas unscaled or by the same
 * platform resize, so at the file's size they give the same bytes.
 */
async function decodeRgba(doc: Document, bytes: ArrayBuffer, format: string, name: string, full: { width: number; height: number }, w: number, h: number): Promise<Uint8ClampedArray> {
	const win = doc.defaultView;
	// The type lets WebKit decode a Blob URL it would otherwise have to sniff.
	const blob = new Blob([bytes], { type: `image/${format}` });
	const scaled = w !== full.width || h !== full.height;
	let source: CanvasImageSource;
	let close = (): void => {};
	if (win && typeof win.createImageBitmap === "function") {
		let bmp: ImageBitmap | null = null;
		if (scaled) {
			try {
				bmp = await win.createImageBitmap(blob, { resizeWidth: w, resizeHeight: h, resizeQuality: "high" });
			} catch {
				bmp = null; // options not supported (older Safari): decode, then let drawImage scale
			}
		}
		const b = bmp ?? (await win.createImageBitmap(blob));
		source = b;
		close = () => b.close();
	} else {
		const url = URL.createObjectURL(blob);
		close = () => URL.revokeObjectURL(url);
		try {
			source = await loadImg(doc, url, name);
		} catch (e) {
			close();
			throw e;
		}
	}
	try {
		const ctx = context2d(w, h);
		if (!ctx) throw new VaultImageError(t("conv-img.decode-named", { name }));
		ctx.imageSmoothingEnabled = true;
		ctx.imageSmoothingQuality = "high";
		ctx.drawImage(source, 0, 0, w, h);
		return ctx.getImageData(0, 0, w, h).data;
	} finally {
		close();
	}
}

/** For each of `dst` cells along an axis, the first of `src` cells it covers and the share each covered cell has. */
function coverage(src: number, dst: number): { first: number; weights: number[] }[] {
	const k = src / dst;
	const out: { first: number; weights: number[] }[] = [];
	for (let i = 0; i < dst; i++) {
		const a = i * k;
		const b = Math.min(src, (i + 1) * k);
		const first = Math.floor(a);
		const weights: number[] = [];
		for (let j = first; j < b; j++) weights.push((Math.min(b, j + 1) - Math.max(a, j)) / k);
		out.push({ first, weights });
	}
	return out;
}

/**
 * Area-average downscale of RGBA (each output pixel is the mean of the source area it covers, as PIL's reduce or
 * OpenCV's INTER_AREA). Colours are averaged premultiplied by alpha, so compositing over white afterwards equals
 * averaging the composited pixels. Returns RGBA as floats in 0..255 (no second rounding to bytes).
 */
export function areaAverage(rgba: ArrayLike<number>, sw: number, sh: number, w: number, h: number): Float32Array {
	const cols = coverage(sw, w);
	const rows = coverage(sh, h);
	// Horizontal pass: sh rows of w premultiplied pixels.
	const tmp = new Float64Array(sh * w * 4);
	for (let y = 0; y < sh; y++)
		for (let x = 0; x < w; x++) {
			const { first, weights } = cols[x];
			let r = 0, g = 0, b = 0, a = 0;
			for (let j = 0; j < weights.length; j++) {
				const o = (y * sw + first + j) * 4;
				const wa = weights[j] * rgba[o + 3];
				r += wa * rgba[o];
				g += wa * rgba[o + 1];
				b += wa * rgba[o + 2];
				a += wa;
			}
			const t4 = (y * w + x) * 4;
			tmp[t4] = r;
			tmp[t4 + 1] = g;
			tmp[t4 + 2] = b;
			tmp[t4 + 3] = a;
		}
	const out = new Float32Array(w * h * 4);
	for (let y = 0; y < h; y++) {
		const { first, weights } = rows[y];
		for (let x = 0; x < w; x++) {
			let r = 0, g = 0, b = 0, a = 0;
			for (let j = 0; j < weights.length; j++) {
				const o = ((first + j) * w + x) * 4;
				r += weights[j] * tmp[o];
				g += weights[j] * tmp[o + 1];
				b += weights[j] * tmp[o + 2];
				a += weights[j] * tmp[o + 3];
			}
			const o = (y * w + x) * 4;
			out[o] = a > 0 ? r / a : 0;
			out[o + 1] = a > 0 ? g / a : 0;
			out[o + 2] = a > 0 ? b / a : 0;
			out[o + 3] = a;
		}
	}
	return out;
}

/** Reads, checks, decodes and scales. Throws VaultImageError with a message for the block. */
export async function readVaultImage(app: App, doc: Document, link: string, sourcePath: string, mode: "gray" | "rgb", maxSide: number): Promise<VaultImage> {
	const file = resolveImage(app, link, sourcePath);
	if (file.stat.size > MAX_IMAGE_BYTES) throw new VaultImageError(t("conv-img.too-big-bytes", { name: file.name, mb: mb(file.stat.size), max: mb(MAX_IMAGE_BYTES) }));
	const bytes = await app.vault.readBinary(file);
	if (bytes.byteLength > MAX_IMAGE_BYTES) throw new VaultImageError(t("conv-img.too-big-bytes", { name: file.name, mb: mb(bytes.byteLength), max: mb(MAX_IMAGE_BYTES) }));
	const size = imageSizeFromHeader(bytes);
	if (!size) throw new VaultImageError(t("conv-img.unknown-format", { name: file.name }));
	if (size.width * size.height > MAX_IMAGE_PIXELS)
		throw new VaultImageError(t("conv-img.too-big-pixels", { name: file.name, w: size.width, h: size.height, mp: (size.width * size.height / 1e6).toFixed(0), max: MAX_IMAGE_PIXELS / 1e6 }));
	if (size.width === 0 || size.height === 0) throw new VaultImageError(t("conv-img.decode"));
	const fit = fitSize(size.width, size.height, maxSide);
	const dec = decodeSize(size.width, size.height, fit);
	let rgba: ArrayLike<number>;
	try {
		rgba = await decodeRgba(doc, bytes, size.format, file.name, size, dec.width, dec.height);
	} catch (e) {
		if (e instanceof VaultImageError) throw e;
		throw new VaultImageError(t("conv-img.decode-named", { name: file.name }));
	}
	if (dec.width !== fit.width || dec.height !== fit.height) rgba = areaAverage(rgba, dec.width, dec.height, fit.width, fit.height);
	return { planes: rgbaToPlanes(rgba, fit.width, fit.height, mode), width: fit.width, height: fit.height, originalWidth: size.width, originalHeight: size.height, file };
}
