/**
 * A fixed layer in the syntax its line was written in: a row read from pasted PyTorch or Keras code is offered
 * `nn.Conv2d(8, 8, 3)` or `MaxPooling2D((2, 2), padding="same")`, not `conv 8 3x3 stride 1 pad 0` (the importer's
 * explicit defaults read back as notation). Any other row keeps the notation's formatLayer.
 */
import type { Pair } from "../../engine/model-spec";
import { formatLayer, type Fix, type FixChange } from "./fixes";
import type { RawLayer } from "./raw-layer";
import { shapeText, type Shape } from "./shape";
import { spatialGeometry } from "./spatial";

// the class call a pasted line starts with, and the module prefix it was written with (`nn.`, `layers.`)
const CALL = /^\s*((?:[A-Za-z_]\w*\.)*)(Conv2d|Conv2D|Convolution2D|MaxPool2d|AvgPool2d|MaxPooling2D|MaxPool2D|AveragePooling2D|AvgPool2D)\s*\(/;

const one = (p: Pair): string => (p[0] === p[1] ? String(p[0]) : `(${p[0]}, ${p[1]})`);
const tuple = (p: Pair): string => `(${p[0]}, ${p[1]})`;
const isOne = (p: Pair | undefined): boolean => !p || (p[0] === 1 && p[1] === 1);
const isZero = (p: Pair | undefined): boolean => !p || (p[0] === 0 && p[1] === 0);
const same = (a: Pair | undefined, b: Pair | undefined): boolean => (!a && !b) || (!!a && !!b && a[0] === b[0] && a[1] === b[1]);

function torch(prefix: string, cls: string, L: RawLayer, inChannels: number): string {
	const k = L.kernel ?? [3, 3];
	const args: string[] = [];
	const pad = Array.isArray(L.pad) ? L.pad : undefined;
	if (cls === "Conv2d") {
		args.push(String(inChannels), String(L.filters ?? 1), one(k));
		if (!isOne(L.stride)) args.push(`stride=${one(L.stride!)}`);
		if (L.pad === "same") args.push(`padding="same"`);
		else if (!isZero(pad)) args.push(`padding=${one(pad!)}`);
		if (!isOne(L.dilation)) args.push(`dilation=${one(L.dilation!)}`);
		if (L.groups !== undefined && L.groups !== 1) args.push(`groups=${L.groups}`);
		if (L.bias === false) args.push("bias=False");
	} else {
		args.push(one(k));
		// PyTorch's pooling stride defaults to the window
		if (L.stride && !same(L.stride, k)) args.push(`stride=${one(L.stride)}`);
		if (!isZero(pad)) args.push(`padding=${one(pad!)}`);
		if (L.ceil) args.push("ceil_mode=True");
	}
	return `${prefix}${cls}(${args.join(", ")})`;
}

function keras(prefix: string, cls: string, L: RawLayer): string {
	const k = L.kernel ?? [3, 3];
	const args: string[] = [];
	if (/^Conv/.test(cls)) args.push(String(L.filters ?? 1), tuple(k));
	else args.push(tuple(k));
	const defaultStride: Pair = /^Conv/.test(cls) ? [1, 1] : k;
	if (L.stride && !same(L.stride, defaultStride)) args.push(`strides=${tuple(L.stride)}`);
	// Keras pads only 'same' or 'valid': a padding that makes the window fit is its 'same'
	if (L.pad === "same" || (Array.isArray(L.pad) && !isZero(L.pad)) || L.ceil) args.push(`padding="same"`);
	if (!isOne(L.dilation)) args.push(`dilation_rate=${tuple(L.dilation!)}`);
	return `${prefix}${cls}(${args.join(", ")})`;
}

/** `variant` written as the row's own line was: PyTorch or Keras for a pasted call, the notation otherwise. */
export function formatAsWritten(original: RawLayer, variant: RawLayer, inChannels: number): string {
	const m = CALL.exec(original.text);
	if (!m) return formatLayer(variant);
	const [, prefix, cls] = m;
	// a pool whose stride was its window (the frameworks' default, made explicit by the importer) keeps it so
	// with a new window: `MaxPooling2D((1, 1))`, not `MaxPooling2D((1, 1), strides=(2, 2))`
	const v = !/^Conv/.test(cls) && same(original.stride, original.kernel) && !same(variant.kernel, original.kernel) ? { ...variant, stride: variant.kernel } : variant;
	return /2d$/.test(cls) ? torch(prefix, cls, v, inChannels) : keras(prefix, cls, v);
}

/** A change in PyTorch's argument words: `padding=1`, `stride=2`, `kernel_size=5`, `dilation=2`, `ceil_mode=True`. */
function torchLabel(c: FixChange): string {
	if (c.kind === "ceil") return "ceil_mode=True";
	if (c.kind === "input") return "";
	return `${{ pad: "padding", stride: "stride", kernel: "kernel_size", dilation: "dilation" }[c.kind]}=${one(c.value)}`;
}

/** A change in Keras's words: `padding="same"` (Keras pads no other way), `strides=(2, 2)`, `pool_size=(3, 3)`. */
function kerasLabel(c: FixChange, conv: boolean): string {
	if (c.kind === "ceil" || c.kind === "pad") return `padding="same"`;
	if (c.kind === "input") return "";
	return `${{ stride: "strides", kernel: conv ? "kernel_size" : "pool_size", dilation: "dilation_rate" }[c.kind]}=${tuple(c.value)}`;
}

/**
 * A row's fixes in the words its line was written in: for a pasted PyTorch call `ceil_mode=True`, `padding=1`;
 * for a Keras call `padding="same"` (its only padding: a padding or ceil fix becomes 'same', the shape then
 * Keras's ⌈W/S⌉), each with the whole call as the line. A notation row's fixes are returned as they are.
 */
export function fixesAsWritten(original: RawLayer, fixes: Fix[], input: Shape): Fix[] {
	const m = CALL.exec(original.text);
	if (!m) return fixes;
	const cls = m[2];
	const torchCall = /2d$/.test(cls);
	const conv = /^Conv/.test(cls);
	const originalLine = formatAsWritten(original, original, input.c);
	const out: Fix[] = [];
	for (const f of fixes) {
		// a framework pool's stride is its window unless written: a new window moves the stride with it, so the
		// kernel fix (worked out at the old stride) is not what the call would do (the notation skips it too)
		if (!conv && f.change.kind === "kernel" && same(original.stride, original.kernel)) continue;
		if (f.change.kind === "input") {
			out.push(f);
			continue;
		}
		const keep = torchCall || (f.change.kind !== "pad" && f.change.kind !== "ceil");
		const variant: RawLayer = keep ? f.variant : { ...f.variant, pad: "same", padEnd: undefined, ceil: false };
		const g = keep ? null : spatialGeometry(variant, input);
		if (g && !g.out) continue;
		const line = formatAsWritten(original, variant, input.c);
		const label = torchCall ? torchLabel(f.change) : kerasLabel(f.change, conv);
		if (line === originalLine || out.some((o) => o.label === label || o.line === line)) continue;
		out.push({ ...f, label, line, variant, shape: g?.out ? shapeText(g.out) : f.shape });
	}
	return out;
}
