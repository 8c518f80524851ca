/**
 * Pricing a model before anything is built: parameters, activation memory, multiply-adds and a time estimate,
 * all as doubles from the spec alone (no arrays, no allocation), so `input 100000x100000x3` or `dense 1e9` is
 * priced in microseconds and refused with its numbers before a single buffer exists.
 */
import type { LayerSpec, ModelSpec } from "../../engine/model-spec";
import { t, type Key } from "../../i18n";
import "../../i18n/strings-limits";
import "../../i18n/strings-plugin";
import { fmtBytes } from "./shape";

/**
 * Training throughput of the CNN Lab engine in multiply-adds per second (forward + backward), measured with
 * `npx tsx scripts/measure-engine-rate.ts` (2026-11-25, 2 shared cores, Node 20, batch 32, Adam): LeNet-5 on
 * 32×32×1 trained at 0.97 G/s (778 samples/s), the digits net at 0.87 G/s. Set at about half of that, so the
 * estimate errs long on a busier machine or a phone.
 */
export const ENGINE_MACS_PER_SECOND = 5e8;

/** A training step costs about three forward passes: the forward, the gradient to the input, the gradient to the weights. */
export const TRAIN_PASSES = 3;

const BYTES_PER_FLOAT = 4;

/**
 * Floats one column matrix may hold before a convolution cuts its batch into chunks: src/engine/ops/conv2d.ts's
 * COL_CAP (notation code may not import the engine's values; tests/unit/limits checks the two agree).
 */
export const CONV_COL_CAP = 1 << 22;

export interface ModelPrice {
	parameters: number;
	/** Bytes of every layer's output for a batch, and as much again for their gradients. */
	activationBytesPerBatch: number;
	/**
	 * Bytes the convolutions' working buffers take for a batch: each layer's column matrices (the im2col path, in
	 * chunks of CONV_COL_CAP floats) and, for the widest stride-1 layer, the padded input and output laid out whole
	 * (the WebAssembly direct path). `conv 1 3x3 dilation 1000 pad 1000` on 8×8 images has tiny outputs but pads
	 * each image to 2008×2008.
	 */
	workspaceBytesPerBatch: number;
	/** Convolution and dense multiply-adds of one forward pass of one sample. */
	multiplyAddsPerSample: number;
	/** Training multiply-adds of one epoch: TRAIN_PASSES × forward × samples. */
	multiplyAddsPerEpoch: number;
	/** The training epochs and a test set's one evaluation pass (priceModel's testSamples), at ENGINE_MACS_PER_SECOND. */
	estimatedSeconds: number;
	/** False when some layer's output size is 0 or less (the shape table says which). */
	shapesValid: boolean;
}

export interface Limits {
	maxParameters: number;
	maxActivationMB: number;
	maxMultiplyAddsPerEpoch: number;
	maxRunSeconds: number;
}

export interface LimitProblem {
	key: keyof Limits;
	/** The setting's name as the settings tab shows it. */
	setting: string;
	message: string;
	/** "Change “…” in the settings to allow it" when the model is near the limit; "" when it is far over. */
	advice: string;
	/** Beyond what any setting could allow (an 18-year run): raising the limit is no advice; the network must shrink. */
	far: boolean;
	value: number;
	limit: number;
}

/**
 * Beyond these, raising a limit is no advice: no browser tab holds the model or its batch, or the run would
 * not finish this week. Below them the limit is the user's choice and the message names the setting to change.
 */
const BEYOND_ANY_SETTING: Record<keyof Limits, number> = {
	maxParameters: 1e9,
	maxActivationMB: 16_000,
	maxMultiplyAddsPerEpoch: 1e15,
	maxRunSeconds: 7 * 86400,
};

function convLen(n: number, k: number, s: number, p0: number, p1: number, d: number): number {
	return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

function poolLen(n: number, k: number, s: number, p: number, ceil: boolean): number {
	if (!ceil) return Math.floor((n + 2 * p - k) / s) + 1;
	const o = Math.ceil((n + 2 * p - k) / s) + 1;
	return (o - 1) * s >= n + p ? o - 1 : o;
}

function nonNegative(n: number): number {
	return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Floats of one convolution's column matrices (col, its gradient, the product) for a batch of b, in chunks. */
function columnFloats(k: number, p: number, filters: number, b: number): number {
	const perImage = k * p;
	const chunk = Math.max(1, Math.min(b, Math.floor(CONV_COL_CAP / Math.max(1, perImage))));
	return (2 * perImage + filters * p) * chunk;
}

/** What pricing accumulates over the layers: the running shape and every total so far. */
interface PriceAcc {
	b: number;
	c: number;
	h: number;
	w: number;
	parameters: number;
	macs: number;
	activations: number;
	columns: number;
	padded: number;
	shapesValid: boolean;
}

/** Prices `layers` from the shape in `a` onwards, adding to its totals (a residual block prices its branches so). */
function priceLayers(layers: readonly LayerSpec[], a: PriceAcc): void {
	for (let i = 0; i < layers.length; i++) {
		const l = layers[i];
		switch (l.type) {
			case "conv":
			case "depthwise": {
				// a depthwise conv is a conv with one group per input channel, `multiplier` filters each
				const groups = l.type === "depthwise" ? Math.max(1, a.c) : nonNegative(l.groups ?? 1) || 1;
				const end = l.type === "conv" ? (l.padEnd ?? l.pad) : l.pad;
				const oh = convLen(a.h, l.kernel[0], l.stride[0], l.pad[0], end[0], l.dilation[0]);
				const ow = convLen(a.w, l.kernel[1], l.stride[1], l.pad[1], end[1], l.dilation[1]);
				const outC = l.type === "depthwise" ? a.c * nonNegative(l.multiplier) : l.filters;
				const perOut = (l.kernel[0] * l.kernel[1] * a.c) / groups;
				a.parameters += outC * perOut + (l.bias ? outC : 0);
				const hp = a.h + l.pad[0] + end[0];
				const wp = a.w + l.pad[1] + end[1];
				const filters = nonNegative(outC);
				const p = nonNegative(oh) * nonNegative(ow);
				a.columns += columnFloats(perOut, p, filters, a.b);
				// the direct path lays out the whole batch padded, for the input and (in the backward) the output's gradient
				if (l.stride[0] === 1 && l.stride[1] === 1) a.padded = Math.max(a.padded, a.b * (a.c + filters) * nonNegative(hp) * nonNegative(wp));
				a.c = filters;
				a.h = nonNegative(oh);
				a.w = nonNegative(ow);
				if (a.h === 0 || a.w === 0) a.shapesValid = false;
				a.macs += a.h * a.w * a.c * perOut;
				break;
			}
			case "convtranspose": {
				// (i − 1)·s − 2p + d·(k − 1) + output_padding + 1; every input value spreads over a k×k window of each
				// of its group's filters, through a column matrix of (F/g)·k·k rows by the input's pixels
				const groups = nonNegative(l.groups ?? 1) || 1;
				const oh = (a.h - 1) * l.stride[0] - 2 * l.pad[0] + l.dilation[0] * (l.kernel[0] - 1) + l.outputPad[0] + 1;
				const ow = (a.w - 1) * l.stride[1] - 2 * l.pad[1] + l.dilation[1] * (l.kernel[1] - 1) + l.outputPad[1] + 1;
				const filters = nonNegative(l.filters);
				const perIn = (filters / groups) * l.kernel[0] * l.kernel[1];
				a.parameters += a.c * perIn + (l.bias ? filters : 0);
				a.columns += columnFloats(perIn, a.h * a.w, a.c, a.b);
				a.macs += a.h * a.w * a.c * perIn;
				a.c = filters;
				a.h = nonNegative(oh);
				a.w = nonNegative(ow);
				if (a.h === 0 || a.w === 0) a.shapesValid = false;
				break;
			}
			case "batchnorm":
				// γ and β per channel; the running mean and variance are buffers, not parameters. One multiply-add a
				// value (x̂·γ + β), as the shape table counts it.
				a.parameters += 2 * a.c;
				a.macs += a.c * a.h * a.w;
				break;
			case "adaptiveavgpool":
				a.h = nonNegative(l.size[0]);
				a.w = nonNegative(l.size[1]);
				break;
			case "gap":
				a.h = 1;
				a.w = 1;
				break;
			case "maxpool":
			case "avgpool":
				a.h = nonNegative(poolLen(a.h, l.kernel[0], l.stride[0], l.pad[0], l.ceil));
				a.w = nonNegative(poolLen(a.w, l.kernel[1], l.stride[1], l.pad[1], l.ceil));
				if (a.h === 0 || a.w === 0) a.shapesValid = false;
				break;
			case "flatten":
				a.c = a.c * a.h * a.w;
				a.h = 1;
				a.w = 1;
				break;
			case "dense": {
				const fin = a.c * a.h * a.w;
				const units = nonNegative(l.units);
				a.parameters += fin * units + (l.bias ? units : 0);
				a.macs += fin * units;
				a.c = units;
				a.h = 1;
				a.w = 1;
				break;
			}
			case "residual": {
				// both branches from the block's input; the add's output is counted below as any layer's output
				const from = { c: a.c, h: a.h, w: a.w };
				priceLayers(l.body, a);
				const body = { c: a.c, h: a.h, w: a.w };
				Object.assign(a, from);
				priceLayers(l.shortcut, a);
				if (a.c !== body.c || a.h !== body.h || a.w !== body.w) a.shapesValid = false;
				Object.assign(a, body);
				break;
			}
			default:
				break;
		}
		a.activations += a.c * a.h * a.w;
	}
}

export function priceModel(model: ModelSpec, batch: number, samplesPerEpoch: number, epochs: number, testSamples = 0): ModelPrice {
	const b = nonNegative(batch);
	const c = nonNegative(model.input[0]);
	const h = nonNegative(model.input[1]);
	const w = nonNegative(model.input[2]);
	const a: PriceAcc = { b, c, h, w, parameters: 0, macs: 0, activations: c * h * w, columns: 0, padded: 0, shapesValid: c > 0 && h > 0 && w > 0 };
	priceLayers(model.layers, a);
	const perEpoch = TRAIN_PASSES * a.macs * nonNegative(samplesPerEpoch);
	// A test set is evaluated once, after the last epoch: one forward pass per image, in the run's time.
	const test = a.macs * nonNegative(testSamples);
	return {
		parameters: a.parameters,
		activationBytesPerBatch: 2 * BYTES_PER_FLOAT * a.activations * b,
		workspaceBytesPerBatch: BYTES_PER_FLOAT * (a.columns + a.padded),
		multiplyAddsPerSample: a.macs,
		multiplyAddsPerEpoch: perEpoch,
		estimatedSeconds: (perEpoch * nonNegative(epochs) + test) / ENGINE_MACS_PER_SECOND,
		shapesValid: a.shapesValid,
	};
}

/** A number people can read: 61 706, 3.2 × 10⁹ for the absurd ones. */
export function readable(n: number): string {
	if (!Number.isFinite(n)) return String(n);
	const a = Math.abs(n);
	// Fractions keep their digits so "needs 512.7 MB; the limit is 512 MB" and "(0.006 MB)" do not read as equal or nothing.
	if (a > 0 && a < 1) return String(Number(n.toPrecision(2)));
	if (a < 1000 && !Number.isInteger(n)) return String(Number(n.toFixed(1)));
	if (a < 1e7) return Math.round(n).toLocaleString("en-US").replace(/,/g, " ");
	let e = Math.floor(Math.log10(a));
	let m = (n / Math.pow(10, e)).toFixed(1);
	// 9.98e15 rounds to "10.0": carry into the exponent.
	if (Math.abs(Number(m)) >= 10) {
		e++;
		m = (n / Math.pow(10, e)).toFixed(1);
	}
	return `${m}e${e}`;
}

function duration(seconds: number): string {
	if (!Number.isFinite(seconds)) return String(seconds);
	if (seconds < 120) return t("limits.unit.s", { n: Math.round(seconds) });
	if (seconds < 7200) return t("limits.unit.min", { n: Math.round(seconds / 60) });
	if (seconds < 86400 * 3) return t("limits.unit.h", { n: (seconds / 3600).toFixed(1) });
	if (seconds < 86400 * 365 * 3) return t("limits.unit.days", { n: Math.round(seconds / 86400) });
	return t("limits.unit.years", { n: readable(seconds / (86400 * 365)) });
}

const MB = 1e6;

/** Megabytes in the limit's own unit below a gigabyte (512.4 MB must read as over 512 MB), the table's units above. */
function mbText(mb: number): string {
	return mb < 1000 ? `${readable(mb)} MB` : fmtBytes(mb * MB);
}

/** The limit as the message says it (named with its setting when far over, where no advice names it) and the advice. */
function verdict(key: keyof Limits, value: number, limitText: string, setting: string): { max: string; advice: string; far: boolean } {
	const far = !(value <= BEYOND_ANY_SETTING[key]);
	return far ? { max: t("limits.named", { max: limitText, setting }), advice: "", far } : { max: limitText, advice: t("limits.setting", { setting }), far };
}

/** Every limit the price goes over, each with both numbers and the setting that governs it; empty when it fits. */
export function checkLimits(price: ModelPrice, limits: Limits): LimitProblem[] {
	const out: LimitProblem[] = [];
	const add = (key: keyof Limits, settingKey: Key, value: number, limit: number, limitText: string, message: (max: string) => string): void => {
		const setting = t(settingKey);
		const v = verdict(key, value, limitText, setting);
		out.push({ key, setting, value, limit, message: message(v.max), advice: v.advice, far: v.far });
	};
	if (!(price.parameters <= limits.maxParameters)) {
		// bytes in the shape table's units (fmtBytes), so the two totals read alike
		add("maxParameters", "settings.maxParameters.name", price.parameters, limits.maxParameters, readable(limits.maxParameters), (max) =>
			t("limits.parameters", { n: readable(price.parameters), max, bytes: fmtBytes(price.parameters * BYTES_PER_FLOAT) }),
		);
	}
	// The activations and the convolutions' workspace live together; both are priced against the one memory limit.
	// compared in the setting's unit, 10⁶ bytes (512.4 MB is over 512 MB); said in the shape table's units once
	// that is a gigabyte or more, so the message and the table's "… for a training batch" read alike
	const act = price.activationBytesPerBatch / MB;
	const ws = price.workspaceBytesPerBatch / MB;
	const mb = act + ws;
	if (!(mb <= limits.maxActivationMB)) {
		add("maxActivationMB", "settings.maxActivation.name", mb, limits.maxActivationMB, `${readable(limits.maxActivationMB)} MB`, (max) =>
			// Both parts named whenever there is a workspace: the activations alone are the shape table's total.
			ws > 0 ? t("limits.workspace", { n: mbText(mb), act: mbText(act), ws: mbText(ws), max }) : t("limits.activations", { n: mbText(mb), max }),
		);
	}
	if (!(price.multiplyAddsPerEpoch <= limits.maxMultiplyAddsPerEpoch)) {
		add("maxMultiplyAddsPerEpoch", "settings.maxMacs.name", price.multiplyAddsPerEpoch, limits.maxMultiplyAddsPerEpoch, readable(limits.maxMultiplyAddsPerEpoch), (max) =>
			t("limits.macs", { n: readable(price.multiplyAddsPerEpoch), max }),
		);
	}
	if (!(price.estimatedSeconds <= limits.maxRunSeconds)) {
		add("maxRunSeconds", "settings.maxSeconds.name", price.estimatedSeconds, limits.maxRunSeconds, duration(limits.maxRunSeconds), (max) =>
			t("limits.seconds", { n: duration(price.estimatedSeconds), max }),
		);
	}
	return out;
}
