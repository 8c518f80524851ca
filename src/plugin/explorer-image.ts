import type { App } from "obsidian";
import { readVaultImage } from "./vault-image";

/**
 * A vault image as the explorer's input: decoded as ```cnn-conv decodes images (the same numbers on every device),
 * scaled so its longer side fits the input and centred on black (letterboxed) when its shape differs, in the
 * network's channels (gray for one channel, RGB for three). Throws VaultImageError with the block's message.
 */
export async function explorerImage(app: App, doc: Document, link: string, sourcePath: string, shape: readonly [number, number, number]): Promise<Float32Array> {
	const [c, h, w] = shape;
	const img = await readVaultImage(app, doc, link.replace(/^!?\[\[|\]\]$/g, ""), sourcePath, c === 3 ? "rgb" : "gray", Math.max(h, w));
	const out = new Float32Array(c * h * w);
	const top = Math.floor((h - img.height) / 2);
	const left = Math.floor((w - img.width) / 2);
	for (let k = 0; k < c; k++) {
		const plane = img.planes[Math.min(k, img.planes.length - 1)];
		for (let y = 0; y < img.height && y + top < h; y++)
			for (let x = 0; x < img.width && x + left < w; x++) out[(k * h + y + top) * w + x + left] = plane[y][x];
	}
	return out;
}
