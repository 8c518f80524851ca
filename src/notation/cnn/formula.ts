/**
 * Output-size arithmetic for one spatial axis, PyTorch's semantics (floor, ceil mode for pooling, dilation,
 * asymmetric padding), with the formula written out in the user's numbers and the textbook check:
 * is (W + 2P − d(K − 1) − 1) a multiple of the stride?
 */

export interface AxisInput {
	size: number;
	kernel: number;
	stride: number;
	padBegin: number;
	padEnd: number;
	dilation: number;
	/** Pooling in ceil mode. */
	ceil: boolean;
}

export interface AxisResult {
	/** What PyTorch / Keras compute (floor, or ceil mode for pooling). */
	out: number;
	/** The exact quotient + 1, e.g. 10.333…; equals `out` when the numbers fit. */
	exact: number;
	/** True when (W + Pb + Pe − Keff) is a multiple of the stride. */
	fits: boolean;
	/** Effective kernel: d·(k − 1) + 1. */
	effKernel: number;
	/** W + Pb + Pe − Keff: negative when the kernel is larger than the padded input. */
	span: number;
	/** Rows (or columns) at the far end of the padded input that no window reaches (floor mode). */
	unusedPadded: number;
	/** Of those, rows of the real input (not padding). */
	unusedInput: number;
	/**
	 * The formula with the numbers and its exact working: "((32 + 2·1 − 4)/3) + 1 = 11" when the division is
	 * exact, "(32 − 4)/3 + 1: 28/3 = 9.33 → ⌊10.33⌋ = 10" when it is not.
	 */
	formula: string;
	/** The formula and its exact value only, "(32 − 4)/3 + 1 = 10.33", for a message that says it is not an integer. */
	claim: string;
}

const MINUS = "−";

/**
 * A result as the formulas print it: 10.333… → "10.33", 15.5 → "15.5", 11 → "11", and never a rounding that
 * looks whole when it is not (1.9967 → "1.997", not "2"). A negative one takes the formula's minus sign (−).
 */
export function fmtReal(x: number): string {
	let s = String(x);
	if (!Number.isInteger(x)) {
		for (let digits = 2; digits <= 12; digits++) {
			s = x.toFixed(digits).replace(/0+$/, "").replace(/\.$/, "");
			if (!Number.isInteger(Number(s))) break;
		}
	}
	return s.replace(/^-/, "\u2212");
}

function padTerm(pb: number, pe: number): string {
	if (pb === 0 && pe === 0) return "";
	if (pb === pe) return ` + 2·${pb}`;
	return ` + ${pb} + ${pe}`;
}

/** The left side of the formula: "(32 − 4)/3 + 1", "((32 + 2·1 − 4)/3) + 1", "28 − 5 + 1". */
export function formulaLeft(a: AxisInput): string {
	const k = a.dilation > 1 ? a.dilation * (a.kernel - 1) + 1 : a.kernel;
	const inner = `${a.size}${padTerm(a.padBegin, a.padEnd)} ${MINUS} ${k}`;
	if (a.stride === 1) return `${inner} + 1`;
	if (a.padBegin === 0 && a.padEnd === 0) return `(${inner})/${a.stride} + 1`;
	return `((${inner})/${a.stride}) + 1`;
}

export function axisOut(a: AxisInput): AxisResult {
	const effKernel = a.dilation * (a.kernel - 1) + 1;
	const span = a.size + a.padBegin + a.padEnd - effKernel;
	const exact = span / a.stride + 1;
	const rem = span >= 0 ? span % a.stride : 0;
	const fits = span >= 0 && rem === 0;
	let out: number;
	if (a.ceil) {
		out = Math.ceil(span / a.stride) + 1;
		// PyTorch: the last window must start inside the input or its left padding
		if (out > 1 && (out - 1) * a.stride >= a.size + a.padBegin) out--;
	} else {
		out = Math.floor(span / a.stride) + 1;
	}
	const unusedPadded = fits || a.ceil ? 0 : rem;
	const unusedInput = Math.max(0, unusedPadded - a.padEnd);
	const left = formulaLeft(a);
	const claim = `${left} = ${fmtReal(exact)}`;
	let formula = claim;
	if (!fits && span >= 0) {
		// the exact quotient, then the rounding PyTorch applies to it
		const working = `${left}: ${span}/${a.stride} = ${fmtReal(span / a.stride)} → `;
		if (!a.ceil) formula = `${working}⌊${fmtReal(exact)}⌋ = ${out}`;
		else if (out === Math.ceil(exact)) formula = `${working}⌈${fmtReal(exact)}⌉ = ${out} (ceil)`;
		else formula = `${working}${out} (ceil)`; // PyTorch drops a last window that would start in the padding
	}
	return { out, exact, fits, effKernel, span, unusedPadded, unusedInput, formula, claim };
}

/** Keras 'same': out = ⌈W/S⌉ with the total padding split, the extra row at the end. */
export function samePadding(size: number, kernel: number, stride: number, dilation: number): { out: number; begin: number; end: number } {
	const eff = dilation * (kernel - 1) + 1;
	const out = Math.ceil(size / stride);
	const total = Math.max((out - 1) * stride + eff - size, 0);
	const begin = Math.floor(total / 2);
	return { out, begin, end: total - begin };
}

/*
 * The second lesson's arithmetic, as src/engine/shapes.ts computes it (page code may not import the engine's code;
 * tests/unit/notation/new-layers.test.ts checks the two agree).
 */

/** Transposed-convolution output along one axis: (i − 1)·s − 2p + d·(k − 1) + outputPad + 1. */
export function transposedOut(inSize: number, k: number, s: number, p: number, outputPad: number, d: number): number {
	return (inSize - 1) * s - 2 * p + d * (k - 1) + outputPad + 1;
}

/** Adaptive pooling's bin i along one axis, PyTorch's: [⌊i·in/out⌋, ⌈(i + 1)·in/out⌉). */
export function adaptiveBin(i: number, inSize: number, outSize: number): [number, number] {
	return [Math.floor((i * inSize) / outSize), Math.ceil(((i + 1) * inSize) / outSize)];
}

/** Weights and biases of a (grouped) convolution from C to F channels: F·(C/groups)·kh·kw + F. */
export function convParams(channels: number, filters: number, kernel: [number, number], groups: number, bias: boolean): number {
	return filters * (channels / groups) * kernel[0] * kernel[1] + (bias ? filters : 0);
}
