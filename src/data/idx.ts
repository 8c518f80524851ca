import "../i18n/strings-data";
import { translate, type Lang } from "../i18n";
import { MAX_CLASSES, MAX_DATA_BYTES } from "./data-limits";
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
 * Refusals are worded in `lang`.
 */
export function parseIdx(buf: ArrayBuffer | Uint8Array, lang: Lang): IdxArray {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0) throw new Error(translate(lang, "data.idx.notIdx"));
	if (bytes[2] !== 0x08) throw new Error(translate(lang, "data.idx.type", { type: "0x" + bytes[2].toString(16).padStart(2, "0") }));
	const nd = bytes[3];
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	if (nd < 1 || bytes.length < 4 + 4 * nd) throw new Error(translate(lang, "data.idx.notIdx"));
	const dims: number[] = [];
	let total = 1;
	for (let i = 0; i < nd; i++) {
		const d = view.getUint32(4 + 4 * i, false);
		dims.push(d);
		total *= d;
	}
	// A 0 would give an empty set that later reads as "resized from 0×8" and a NaN loss: say it here.
	if (total === 0) throw new Error(translate(lang, "data.idx.zero", { dims: dims.join("×") }));
	const start = 4 + 4 * nd;
	if (bytes.length - start < total) throw new Error(translate(lang, "data.idx.short", { want: total, got: bytes.length - start }));
	return { dims, data: bytes.subarray(start, start + total) };
}

export function isGzip(bytes: Uint8Array): boolean {
	return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Bytes an IDX header of these first bytes announces (header included), or null while the header is incomplete. */
export function idxSizeFromHeader(head: Uint8Array): number | null {
	if (head.length < 4) return null;
	if (head[0] !== 0 || head[1] !== 0) return Infinity;
	const nd = head[3];
	if (head.length < 4 + 4 * nd) return null;
	const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
	let values = 1;
	for (let i = 0; i < nd; i++) values *= view.getUint32(4 + 4 * i, false);
	return 4 + 4 * nd + values;
}

export interface GunzipOptions {
	/** The file's name, for the messages. */
	name: string;
	/** The language of the messages. */
	lang: Lang;
	/** Most bytes inflated; more is refused (a 3 MB bomb inflates to 3 GiB). */
	maxBytes?: number;
	/** Stop at the size the first bytes announce (an IDX header): the rest is never inflated. */
	expectedSize?: (head: Uint8Array) => number | null;
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
	const out = new Uint8Array(total);
	let at = 0;
	for (const c of chunks) {
		const n = Math.min(c.length, total - at);
		out.set(c.subarray(0, n), at);
		at += n;
		if (at >= total) break;
	}
	return out;
}

/**
 * Inflates gzip bytes with the platform's DecompressionStream (browsers, workers, Node 18+), chunk by chunk: it
 * stops at `maxBytes` and at the size the header announces, so memory stays bounded whatever the file claims.
 */
export async function gunzip(bytes: Uint8Array, opts: GunzipOptions): Promise<Uint8Array> {
	const max = opts.maxBytes ?? MAX_DATA_BYTES;
	// Older iOS WebViews have no DecompressionStream: say what to do instead of "DecompressionStream is not defined".
	if (typeof DecompressionStream === "undefined") throw new Error(translate(opts.lang, "data.gzip.unsupported", { name: opts.name }));
	const reader = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip")).getReader();
	const chunks: Uint8Array[] = [];
	let total = 0;
	let want: number | null = null;
	const tooBig = (mb: string): Error => new Error(translate(opts.lang, "data.gzip.tooBig", { name: opts.name, mb, max: Math.round(max / 1048576) }));
	try {
		for (;;) {
			let next: ReadableStreamReadResult<Uint8Array>;
			try {
				next = await reader.read();
			} catch (e) {
				throw new Error(translate(opts.lang, "data.gzip.broken", { name: opts.name, why: e instanceof Error ? e.message : String(e) }));
			}
			if (next.done) break;
			chunks.push(next.value);
			total += next.value.length;
			if (want === null && opts.expectedSize) {
				want = opts.expectedSize(concat(chunks, Math.min(total, 4 + 4 * 255)));
				if (want !== null && want > max) throw tooBig(String(Math.round(want / 1048576)));
			}
			if (want !== null && total >= want) return concat(chunks, want);
			if (total > max) throw tooBig(`> ${Math.round(max / 1048576)}`);
		}
	} finally {
		void reader.cancel().catch(() => undefined);
	}
	return concat(chunks, total);
}

/**
 * The bytes, inflated when they are gzip (an IDX file: inflation stops where its header says the data ends). An
 * images header ([N, H, W] or [N, H, W, C]) whose values would take more than the data cap as floats is refused
 * from the header, in the first chunk: inflating its bytes (up to 1 GiB) would only end in that refusal.
 */
export async function maybeGunzip(buf: ArrayBuffer | Uint8Array, name: string, lang: Lang): Promise<Uint8Array> {
	const bytes = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
	if (!isGzip(bytes)) return bytes;
	const expectedSize = (head: Uint8Array): number | null => {
		const size = idxSizeFromHeader(head);
		const nd = head[3];
		// (bytes over the inflate cap are gunzip's to refuse, in its words: "inflates to 3072 MB")
		if (size !== null && size <= MAX_DATA_BYTES && (nd === 3 || nd === 4)) {
			const floatBytes = (size - 4 - 4 * nd) * 4;
			if (floatBytes > MAX_DATA_BYTES) throw new Error(translate(lang, "data.tooBig", { name, mb: Math.round(floatBytes / 1048576), max: Math.round(MAX_DATA_BYTES / 1048576) }));
		}
		return size;
	};
	return gunzip(bytes, { name, lang, expectedSize });
}

export interface IdxOptions {
	name: string;
	/** The two files' names, for the messages (default: "the images file", "the labels file"). */
	files?: [string, string];
	classNames?: string[];
	credit?: string;
	/** The language of the refusals. */
	lang: Lang;
}

/** An image IDX ([N, H, W] or [N, H, W, C]) and a label IDX ([N]) as a dataset, pixels /255. */
export function idxToDataset(images: IdxArray, labels: IdxArray, opts: IdxOptions): Dataset {
	// With the files' names given, each refusal starts with the file it is about (as parseIdx's do in loadIdx).
	const [imagesFile, labelsFile] = opts.files ? [`${opts.files[0]}: `, `${opts.files[1]}: `] : ["", ""];
	if (images.dims.length !== 3 && images.dims.length !== 4) throw new Error(imagesFile + translate(opts.lang, "data.idx.imageDims", { dims: images.dims.join("×") }));
	if (labels.dims.length !== 1) throw new Error(labelsFile + translate(opts.lang, "data.idx.labelDims", { dims: labels.dims.join("×") }));
	const [n, h, w] = images.dims;
	const c = images.dims.length === 4 ? images.dims[3] : 1;
	if (labels.dims[0] !== n) throw new Error((opts.files ? `${opts.files[0]}, ${opts.files[1]}: ` : "") + translate(opts.lang, "data.idx.count", { images: n, labels: labels.dims[0] }));
	const plane = h * w;
	// Priced before the Float32Array: 4 bytes a value, however many the header announced.
	if (n * c * plane * 4 > MAX_DATA_BYTES) throw new Error(translate(opts.lang, "data.tooBig", { name: opts.name, mb: Math.round((n * c * plane * 4) / 1048576), max: Math.round(MAX_DATA_BYTES / 1048576) }));
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
	const classes = Math.max(maxLabel + 1, Math.min(opts.classNames?.length ?? 0, MAX_CLASSES));
	const classNames = opts.classNames && opts.classNames.length >= classes ? opts.classNames.slice(0, classes) : Array.from({ length: classes }, (_, i) => String(i));
	return { x, y, n, shape: [c, h, w], classes, classNames, name: opts.name, credit: opts.credit };
}

/** Images and labels files (plain or .gz) to a dataset. */
export async function loadIdx(images: ArrayBuffer | Uint8Array, labels: ArrayBuffer | Uint8Array, opts: IdxOptions): Promise<Dataset> {
	const [imagesName, labelsName] = opts.files ?? [translate(opts.lang, "data.idx.imagesFile"), translate(opts.lang, "data.idx.labelsFile")];
	const [im, lb] = await Promise.all([maybeGunzip(images, imagesName, opts.lang), maybeGunzip(labels, labelsName, opts.lang)]);
	return idxToDataset(named(imagesName, () => parseIdx(im, opts.lang)), named(labelsName, () => parseIdx(lb, opts.lang)), opts);
}

/** Runs `read`, putting the file's name in front of what it refuses. */
function named<T>(name: string, read: () => T): T {
	try {
		return read();
	} catch (e) {
		throw new Error(`${name}: ${e instanceof Error ? e.message : String(e)}`);
	}
}
