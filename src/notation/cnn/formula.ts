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
	/** The formula with the numbers, e.g. "((32 + 2·1 − 4)/3) + 1 = 11". */
	formula: string;
}

const MINUS = "−";

/** 10.333… → "10.33", 15.5 → "15.5", 11 → "11". */
/** A result as the formulas print it; a negative one with the same minus sign (−) as the formula's terms. */
export function fmtReal(x: number): string {
	const s = Number.isInteger(x) ? String(x) : (Math.round(x * 100) / 100).toFixed(2).replace(/0+$/, "").replace(/\.$/, "");
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
	let formula: string;
	if (fits) formula = `${left} = ${fmtReal(exact)}`;
	else if (span < 0) formula = `${left} = ${fmtReal(exact)}`;
	else if (a.ceil) formula = `${left} = ${fmtReal(exact)} → ${out} (ceil)`;
	else formula = `${left} = ${fmtReal(exact)} → ${out}`;
	return { out, exact, fits, effKernel, span, unusedPadded, unusedInput, formula };
}

/** Keras 'same': out = ⌈W/S⌉ with the total padding split, the extra row at the end. */
export function samePadding(size: number, kernel: number, stride: number, dilation: number): { out: number; begin: number; end: number } {
	const eff = dilation * (kernel - 1) + 1;
	const out = Math.ceil(size / stride);
	const total = Math.max((out - 1) * stride + eff - size, 0);
	const begin = Math.floor(total / 2);
	return { out, begin, end: total - begin };
}
