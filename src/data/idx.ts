import "../i18n/strings-data";
import { t } from "../i18n";
import type { Dataset } from "./dataset";

/** Classes of Fashion-MNIST, in label order. */
export const FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

export interface IdxArray {
	dims: number[];
	data: Uint8Array;
}

/**
 * Reads an IDX file (MNIST, Fashion-MNIST): two zero bytes, a type byte (only 0x08, unsigned bytes, is used by
 * those sets), the number of dimensions, then each dimension as a big-endian 32-bit integer, then the data.
 */
export function parseIdx(buf: ArrayBuffer | Uint8Array): IdxArray {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(t("data.idx.notIdx"));
	if (bytes[2] !== 0x08) throw new Error(t("data.idx.type", { type: "0x" + bytes[2].toString(16).padStart(2, "0") }));
	const nd = bytes[3];
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (nd < 1 || bytes.length < 4 + 4 * nd) throw new Error(t("data.idx.notIdx"));
	const dims: number[] = [];
	let total = 1;
	for (let i = 0; i < nd; i++) {
		const d = view.getUint32(4 + 4 * i, false);
		dims.push(d);
		total *= d;
	}
	const start = 4 + 4 * nd;
	if (bytes.length - start < total) throw new Error(t("data.idx.short", { want: total, got: bytes.length - start }));
	return { dims, data: bytes.subarray(start, start + total) };
}

export function isGzip(bytes: Uint8Array): boolean {
	return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates gzip bytes with the platform's DecompressionStream (browsers, workers, Node 18+). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
	const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The bytes, inflated when they are gzip. */
export async function maybeGunzip(buf: ArrayBuffer | Uint8Array): Promise<Uint8Array> {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	return isGzip(bytes) ? gunzip(bytes) : bytes;
}

export interface IdxOptions {
	name: string;
	classNames?: string[];
	credit?: string;
}

/** An image IDX ([N, H, W] or [N, H, W, C]) and a label IDX ([N]) as a dataset, pixels /255. */
export function idxToDataset(images: IdxArray, labels: IdxArray, opts: IdxOptions): Dataset {
	if (images.dims.length !== 3 && images.dims.length !== 4) throw new Error(t("data.idx.imageDims", { dims: images.dims.join("×") }));
	if (labels.dims.length !== 1) throw new Error(t("data.idx.labelDims", { dims: labels.dims.join("×") }));
	const [n, h, w] = images.dims;
	const c = images.dims.length === 4 ? images.dims[3] : 1;
	if (labels.dims[0] !== n) throw new Error(t("data.idx.count", { images: n, labels: labels.dims[0] }));
	const plane = h * w;
	const x = new Float32Array(n * c * plane);
	const src = images.data;
	if (c === 1) {
		for (let i = 0; i < x.length; i++) x[i] = src[i] / 255;
	} else {
		// IDX stores channels last; the engine wants them first.
		for (let i = 0; i < n; i++)
			for (let p = 0; p < plane; p++)
				for (let ch = 0; ch < c; ch++) x[(i * c + ch) * plane + p] = src[(i * plane + p) * c + ch] / 255;
	}
	const y = labels.data.slice();
	let maxLabel = 0;
	for (let i = 0; i < n; i++) if (y[i] > maxLabel) maxLabel = y[i];
	const classes = Math.max(maxLabel + 1, opts.classNames?.length ?? 0);
	const classNames = opts.classNames && opts.classNames.length >= classes ? opts.classNames.slice(0, classes) : Array.from({ length: classes }, (_, i) => String(i));
	return { x, y, n, shape: [c, h, w], classes, classNames, name: opts.name, credit: opts.credit };
}

/** Images and labels files (plain or .gz) to a dataset. */
export async function loadIdx(images: ArrayBuffer | Uint8Array, labels: ArrayBuffer | Uint8Array, opts: IdxOptions): Promise<Dataset> {
	const [im, lb] = await Promise.all([maybeGunzip(images), maybeGunzip(labels)]);
	return idxToDataset(parseIdx(im), parseIdx(lb), opts);
}
