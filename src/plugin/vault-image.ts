/**
 * Reads an image from the vault for ```cnn-conv (`input ![[cat.png]] gray 64`): resolves the link like Obsidian,
 * refuses files that are too large before decoding them, decodes, scales down to at most N pixels a side and
 * returns 0..1 planes (gray or RGB).
 */
import { normalizePath, type App, type TFile } from "obsidian";
import type { Planes } from "../spec/conv/types";
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

/** A 2D context of w×h pixels, off screen where the platform allows it. */
function context2d(w: number, h: number): Context2D | null {
	if (typeof OffscreenCanvas !== "undefined") return new OffscreenCanvas(w, h).getContext("2d");
	const c: HTMLCanvasElement = createEl("canvas", { attr: { width: w, height: h } });
	return c.getContext("2d");
}

/** Decodes with createImageBitmap (scaling while decoding where supported), else through an <img> and a Blob URL. */
async function decodeScaled(doc: Document, bytes: ArrayBuffer, w: number, h: number): Promise<Uint8ClampedArray> {
	const win = doc.defaultView;
	const blob = new Blob([bytes]);
	let source: CanvasImageSource;
	let close = (): void => {};
	if (win && typeof win.createImageBitmap === "function") {
		let bmp: ImageBitmap;
		try {
			bmp = await win.createImageBitmap(blob, { resizeWidth: w, resizeHeight: h, resizeQuality: "high" });
		} catch {
			bmp = await win.createImageBitmap(blob);
		}
		source = bmp;
		close = () => bmp.close();
	} else {
		const url = URL.createObjectURL(blob);
		close = () => URL.revokeObjectURL(url);
		const img = createEl("img");
		try {
			await new Promise<void>((resolve, reject) => {
				img.onload = () => resolve();
				img.onerror = () => reject(new VaultImageError(t("conv-img.decode")));
				img.src = url;
			});
		} catch (e) {
			close();
			throw e;
		}
		source = img;
	}
	try {
		const ctx = context2d(w, h);
		if (!ctx) throw new VaultImageError(t("conv-img.decode"));
		ctx.imageSmoothingEnabled = true;
		ctx.imageSmoothingQuality = "high";
		ctx.drawImage(source, 0, 0, w, h);
		return ctx.getImageData(0, 0, w, h).data;
	} finally {
		close();
	}
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
	let rgba: Uint8ClampedArray;
	try {
		rgba = await decodeScaled(doc, bytes, fit.width, fit.height);
	} catch (e) {
		if (e instanceof VaultImageError) throw e;
		throw new VaultImageError(t("conv-img.decode"));
	}
	return { planes: rgbaToPlanes(rgba, fit.width, fit.height, mode), width: fit.width, height: fit.height, originalWidth: size.width, originalHeight: size.height, file };
}
