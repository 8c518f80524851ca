/**
 * Output-size arithmetic for one axis of a convolution, with the explanation in the user's numbers
 * (the same wording as the ```cnn check), and which input rows / columns no window reaches.
 */
import type { PadSpec } from "../../notation/conv/types";
import { t, type Key } from "../../i18n";
import "../../i18n/strings-spec";

export interface Pad4 {
	top: number;
	bottom: number;
	left: number;
	right: number;
}

export interface AxisGeometry {
	input: number;
	padBegin: number;
	padEnd: number;
	kernel: number;
	dilation: number;
	/** d·(k − 1) + 1 */
	effective: number;
	stride: number;
	output: number;
	/** "⌊(5 + 2·1 − 3)/2⌋ + 1 = 3" */
	formula: string;
	/** Padded positions (0-based, in the padded grid) that no window covers, at the end of the axis. */
	unused: number[];
	/** Why they are unused, or null when the windows fit exactly. */
	unusedNote: string | null;
}

function num(n: number): string {
	return n < 0 ? `−${-n}` : String(n);
}

/** Resolves `pad same` like TensorFlow / Keras: output = ⌈in / stride⌉, the odd pixel of padding at the end. */
export function resolvePad(pad: PadSpec, inH: number, inW: number, effH: number, effW: number, strideH: number, strideW: number): Pad4 {
	if (pad.kind === "fixed") return { top: pad.top, bottom: pad.bottom, left: pad.left, right: pad.right };
	const total = (n: number, e: number, s: number): number => Math.max((Math.ceil(n / s) - 1) * s + e - n, 0);
	const th = total(inH, effH, strideH);
	const tw = total(inW, effW, strideW);
	return { top: Math.floor(th / 2), bottom: th - Math.floor(th / 2), left: Math.floor(tw / 2), right: tw - Math.floor(tw / 2) };
}

/** The padding part of the formula: "2·1" when symmetric, "1 + 2" otherwise, "" when none. */
function padTerm(b: number, e: number): string {
	if (b === 0 && e === 0) return "";
	if (b === e) return ` + 2·${b}`;
	return ` + ${b} + ${e}`;
}

function kernelTerm(k: number, d: number): string {
	return d === 1 ? ` − ${k}` : ` − (${d}·(${k} − 1) + 1)`;
}

/**
 * One axis. `what` names the lines of this axis for the note ("row" / "column"). Output ≤ 0 gives output 0
 * (the caller reports the kernel as larger than the padded input).
 */
export function axisGeometry(input: number, padBegin: number, padEnd: number, kernel: number, dilation: number, stride: number, what: "row" | "column"): AxisGeometry {
	const effective = dilation * (kernel - 1) + 1;
	const padded = input + padBegin + padEnd;
	const span = padded - effective;
	const output = span < 0 ? 0 : Math.floor(span / stride) + 1;
	const inside = `${input}${padTerm(padBegin, padEnd)}${kernelTerm(kernel, dilation)}`;
	const formula = stride === 1 ? `${inside} + 1 = ${num(span + 1)}` : `⌊(${inside})/${stride}⌋ + 1 = ${num(output)}`;
	const unused: number[] = [];
	let unusedNote: string | null = null;
	if (output > 0) {
		const lastCovered = (output - 1) * stride + effective - 1;
		for (let p = lastCovered + 1; p < padded; p++) unused.push(p);
		if (span % stride !== 0) {
			const exact = Math.round((span / stride + 1) * 100) / 100;
			// Padding cells at the end are unused too; count only the real input lines no window reaches.
			const realUnused = unused.filter((p) => p >= padBegin && p < padBegin + input).length;
			const key: Key = realUnused === 0 ? "spec.unused.padOnly" : `spec.unused.${what === "row" ? "row" : "col"}${realUnused === 1 ? "" : "s"}`;
			unusedNote = t("spec.notInteger", { formula: `(${inside})/${stride} + 1 = ${exact}`, out: output, unused: t(key, { n: realUnused }) });
		}
	}
	return { input, padBegin, padEnd, kernel, dilation, effective, stride, output, formula, unused, unusedNote };
}

/** Pooling output size (PyTorch, floor mode, no padding). */
export function poolAxis(input: number, size: number, stride: number): number {
	return input < size ? 0 : Math.floor((input - size) / stride) + 1;
}
