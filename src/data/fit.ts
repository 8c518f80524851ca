import "../i18n/strings-data";
import { joinText, translate, type Lang } from "../i18n";
import { Rng } from "../engine/rng";
import { splitIndices } from "../engine/trainer";
import { assertDataFits, subset, type Dataset } from "./dataset";
import { fitChanges } from "./fit-words";

/** Per-sample [C, H, W], as the engine's InputShape. */
export type ImageShape = readonly [number, number, number];

/** How a shape is written in a cnn block's input line: H×W×C. */
export function inputWords(s: ImageShape): string {
	return `${s[1]}x${s[2]}x${s[0]}`;
}

function dims(s: ImageShape): string {
	return `${s[1]}×${s[2]}×${s[0]}`;
}

/**
 * Every image resized to h×w with bilinear interpolation on pixel centres (PyTorch's align_corners = false), so
 * an 8×8 digit becomes a smooth 16×16 one and a 28×28 image can shrink to 14×14. A set too big once resized is
 * refused in `lang`.
 */
export function resizeImages(ds: Dataset, h: number, w: number, lang: Lang): Dataset {
	const [c, ih, iw] = ds.shape;
	if (ih === h && iw === w) return ds;
	assertDataFits(ds.name, ds.n, [c, h, w], lang);
	const inPlane = ih * iw;
	const outPlane = h * w;
	const x = new Float32Array(ds.n * c * outPlane);
	// The two source rows/columns and weights of each output row/column, computed once.
	const prep = (outN: number, inN: number): { i0: Int32Array; i1: Int32Array; f: Float32Array } => {
		const i0 = new Int32Array(outN);
		const i1 = new Int32Array(outN);
		const f = new Float32Array(outN);
		const scale = inN / outN;
		for (let o = 0; o < outN; o++) {
			let s = (o + 0.5) * scale - 0.5;
			if (s < 0) s = 0;
			const a = Math.min(Math.floor(s), inN - 1);
			i0[o] = a;
			i1[o] = Math.min(a + 1, inN - 1);
			f[o] = s - a;
		}
		return { i0, i1, f };
	};
	const ry = prep(h, ih);
	const rx = prep(w, iw);
	for (let p = 0; p < ds.n * c; p++) {
		const src = p * inPlane;
		const dst = p * outPlane;
		for (let oy = 0; oy < h; oy++) {
			const r0 = src + ry.i0[oy] * iw;
			const r1 = src + ry.i1[oy] * iw;
			const fy = ry.f[oy];
			for (let ox = 0; ox < w; ox++) {
				const a = rx.i0[ox];
				const b = rx.i1[ox];
				const fx = rx.f[ox];
				const top = ds.x[r0 + a] + (ds.x[r0 + b] - ds.x[r0 + a]) * fx;
				const bot = ds.x[r1 + a] + (ds.x[r1 + b] - ds.x[r1 + a]) * fx;
				x[dst + oy * w + ox] = top + (bot - top) * fy;
			}
		}
	}
	return { ...ds, x, shape: [c, h, w] };
}

/** One channel copied into each of `channels`, or three (RGB) averaged to gray with the usual luma weights; refusals in `lang`. */
export function convertChannels(ds: Dataset, channels: number, lang: Lang): Dataset {
	const [c, h, w] = ds.shape;
	if (c === channels) return ds;
	assertDataFits(ds.name, ds.n, [channels, h, w], lang);
	const plane = h * w;
	const x = new Float32Array(ds.n * channels * plane);
	if (c === 1) {
		for (let i = 0; i < ds.n; i++) {
			const img = ds.x.subarray(i * plane, (i + 1) * plane);
			for (let k = 0; k < channels; k++) x.set(img, (i * channels + k) * plane);
		}
	} else if (c === 3 && channels === 1) {
		for (let i = 0; i < ds.n; i++) {
			const b = i * 3 * plane;
			for (let p = 0; p < plane; p++) x[i * plane + p] = 0.299 * ds.x[b + p] + 0.587 * ds.x[b + plane + p] + 0.114 * ds.x[b + 2 * plane + p];
		}
	} else {
		throw new Error(translate(lang, "data.fit.channelsImpossible", { from: c, to: channels }));
	}
	return { ...ds, x, shape: [channels, h, w] };
}

/**
 * The `limit` images the trainer would keep (the same stratified draw as its split, from the same seed), in the
 * data's order; the set itself when the limit keeps everything. Taken before a resize or a channel copy, so
 * `input 400x400x1 … limit 20` enlarges 20 images, not all 1 797.
 */
export function limitImages(ds: Dataset, limit: number | null | undefined, seed: number): Dataset {
	const kept = limitIndices(ds, limit, seed);
	return kept ? subset(ds, kept) : ds;
}

/** The indices limitImages keeps, sorted; null when the limit keeps everything (the exported training script maps its split through them). */
export function limitIndices(ds: Pick<Dataset, "y" | "n" | "classes">, limit: number | null | undefined, seed: number): Int32Array | null {
	if (limit == null || !(limit > 0) || limit >= ds.n) return null;
	return splitIndices(ds.y, ds.n, ds.classes, 0, limit, new Rng(seed).fork()).train.sort();
}

/**
 * The dataset brought to the network's input shape (channels, then size), with what was done in plain words (in
 * `lang`); with a `limit`, only the images the run keeps are converted (see limitImages).
 */
export function fitToInput(ds: Dataset, input: ImageShape, lang: Lang, limit?: { count: number | null; seed: number }): { dataset: Dataset; changes: string[] } {
	let out = limit ? limitImages(ds, limit.count, limit.seed) : ds;
	if (out.shape[0] !== input[0]) out = convertChannels(out, input[0], lang);
	if (out.shape[1] !== input[1] || out.shape[2] !== input[2]) out = resizeImages(out, input[1], input[2], lang);
	return { dataset: out, changes: fitChanges(ds.shape, input, lang) };
}

/**
 * Why a dataset does not fit a network and how to fix it, in plain words (in `lang`); null when it fits. `outputs`
 * is the number of units of the last layer (the class scores), when known.
 */
export function explainMismatch(ds: Pick<Dataset, "shape" | "classes" | "name">, input: ImageShape, lang: Lang, outputs?: number): string | null {
	const problems: string[] = [];
	const sameSize = ds.shape[1] === input[1] && ds.shape[2] === input[2];
	const sameChannels = ds.shape[0] === input[0];
	if (!sameSize || !sameChannels) {
		const convertible = sameChannels || ds.shape[0] === 1 || (ds.shape[0] === 3 && input[0] === 1);
		const vars = { name: ds.name, data: dims(ds.shape), input: dims(input), words: inputWords(ds.shape) };
		problems.push(translate(lang, "data.fit.shape", vars));
		const how: string[] = [];
		if (!sameChannels) how.push(convertible ? translate(lang, ds.shape[0] === 1 ? "data.fit.howReplicate" : "data.fit.howGray", { from: ds.shape[0], to: input[0] }) : translate(lang, "data.fit.channelsImpossible", { from: ds.shape[0], to: input[0] }));
		if (!sameSize) how.push(translate(lang, input[1] * input[2] > ds.shape[1] * ds.shape[2] ? "data.fit.howUpscale" : "data.fit.howDownscale", { from: `${ds.shape[1]}×${ds.shape[2]}`, to: `${input[1]}×${input[2]}` }));
		problems.push(translate(lang, "data.fit.fix", { words: inputWords(ds.shape), how: joinText(how, lang) }));
	}
	if (outputs !== undefined && outputs !== ds.classes) {
		problems.push(translate(lang, "data.fit.classes", { outputs, name: ds.name, classes: ds.classes }));
	}
	return problems.length ? joinText(problems, lang) : null;
}
