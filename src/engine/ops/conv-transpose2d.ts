/**
 * Transposed 2-D convolution (PyTorch's ConvTranspose2d), forward and backward. A transposed convolution is the
 * input gradient of the convolution it undoes, so it runs on that convolution's geometry and kernels: its forward
 * is conv2d's input gradient, its input gradient is conv2d's forward, and its weight gradient is conv2d's weight
 * gradient with the roles of input and upstream gradient swapped. The weight keeps PyTorch's layout
 * [Cin, Cout/groups, KH, KW], which is exactly the undone convolution's [Cout', Cin'/groups, KH, KW].
 */
import { type ConvGeom } from "../im2col";
import { convTransposeOutSize, convTransposeProblem } from "../shapes";
import type { Backend } from "../backend";
import { conv2dBackward, conv2dForward, type ConvWorkspace } from "./conv2d";

export interface ConvTransposeParams {
	stride: [number, number];
	pad: [number, number];
	/** Extra rows and columns on the bottom and right of the output (PyTorch's output_padding). */
	outputPad: [number, number];
	dilation: [number, number];
	groups?: number;
}

/**
 * The geometry of the convolution whose input gradient is this transposed convolution, for input [n, cin, h, w]
 * and weight [cin, cout/groups, kh, kw]: its input is the transposed output (cout channels, Ho×Wo) and its output
 * the transposed input. Its end padding is pad − outputPad, which may be negative: only the top and left padding
 * position the windows, and rows a window reaches beyond the end are skipped. Throws on what PyTorch rejects.
 */
export function convTransposeGeom(xShape: readonly number[], wShape: readonly number[], p: ConvTransposeParams): ConvGeom {
	if (xShape.length !== 4 || wShape.length !== 4) throw new Error("conv_transpose2d: input must be [N,C,H,W] and weight [Cin,Cout/groups,KH,KW]");
	const [n, cin, h, w] = xShape;
	const [wcin, coutPer, kh, kw] = wShape;
	const groups = p.groups ?? 1;
	if (!(groups >= 1) || cin % groups !== 0) throw new Error(`conv_transpose2d: ${cin} input channels must divide by groups = ${groups}`);
	if (cin !== wcin) throw new Error(`conv_transpose2d: input has ${cin} channels but the weight expects ${wcin}`);
	const [sh, sw] = p.stride;
	const [ph, pw] = p.pad;
	const [oph, opw] = p.outputPad;
	const [dh, dw] = p.dilation;
	const why = convTransposeProblem(h, kh, sh, ph, oph, dh) ?? convTransposeProblem(w, kw, sw, pw, opw, dw);
	if (why) throw new Error(`conv_transpose2d: ${why}`);
	const ho = convTransposeOutSize(h, kh, sh, ph, oph, dh);
	const wo = convTransposeOutSize(w, kw, sw, pw, opw, dw);
	return { n, cin: coutPer * groups, h: ho, w: wo, cout: cin, kh, kw, groups, sh, sw, pt: ph, pl: pw, pb: ph - oph, pr: pw - opw, dh, dw, ho: h, wo: w };
}

/** y [n, Cout, Ho, Wo] = the transposed convolution of x [n, Cin, H, W] plus the bias; y is overwritten. */
export function convTranspose2dForward(be: Backend, g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, ws: ConvWorkspace): void {
	// x is the undone convolution's upstream gradient; its "input" argument is unused without a weight gradient.
	conv2dBackward(be, g, x, w, x, y, null, null, ws);
	// Columns a previous backward kept belong to another batch's dy: the next weight gradient must rebuild them.
	ws.keptFor = -1;
	if (!b) return;
	const plane = g.h * g.w;
	for (let i = 0; i < g.n; i++)
		for (let c = 0; c < g.cin; c++) {
			const bias = b[c];
			const o = (i * g.cin + c) * plane;
			for (let p = 0; p < plane; p++) y[o + p] += bias;
		}
}

/** Gradients for upstream dy [n, Cout, Ho, Wo]: dx (when given), dw and db (when given), all overwritten. */
export function convTranspose2dBackward(
	be: Backend, g: ConvGeom, x: Float32Array, w: Float32Array, dy: Float32Array,
	dx: Float32Array | null, dw: Float32Array, db: Float32Array | null, ws: ConvWorkspace,
): void {
	if (dx) conv2dForward(be, g, dy, w, null, dx, ws, true);
	// dW[ci, co', i, j] = Σ x[ci, p]·dy[co', window p] — conv2d's weight gradient with dy as its input.
	conv2dBackward(be, g, dy, w, x, null, dw, null, ws);
	if (!db) return;
	const plane = g.h * g.w;
	db.fill(0, 0, g.cin);
	for (let i = 0; i < g.n; i++)
		for (let c = 0; c < g.cin; c++) {
			let s = 0;
			const o = (i * g.cin + c) * plane;
			for (let p = 0; p < plane; p++) s += dy[o + p];
			db[c] += s;
		}
}
