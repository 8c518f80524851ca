/**
 * 2-D convolution (cross-correlation, as PyTorch) as im2col + GEMM, forward and backward. Callers pass every
 * output buffer; the column matrices live in a reusable workspace.
 *
 * The images of a batch sit side by side in one column matrix [Cin·KH·KW × n·Ho·Wo], so the forward is one
 * large GEMM rather than one small GEMM per image: the per-call costs (packing the weights, edge tiles) are paid
 * once. The backward runs per image against that matrix, reading each image's dy where it lies. Very large batches (inference
 * over a whole dataset) are cut into chunks so the matrix stays within COL_CAP floats.
 *
 * Grouped convolutions (PyTorch's `groups`; depthwise when groups = Cin) use the same column matrix: its rows are
 * ordered by input channel, so group j's rows are one contiguous band, and each product becomes one product per
 * group on that band. The direct backends and Winograd serve the plain, evenly-shaped case only.
 */
import type { Backend } from "../backend";
import { col2im, im2col, type ConvGeom } from "../im2col";
import { conv2dWinograd, winogradApplies, WinogradWorkspace } from "./winograd";

/** Largest column matrix, in floats (16 MB), before a batch is processed in chunks of images. */
export const COL_CAP = 1 << 22;

/** Column-matrix buffers for one convolution, grown on demand and then reused. */
export class ConvWorkspace {
	col = new Float32Array(0);
	/** [Cout × images·Ho·Wo]: the forward product before it is laid out as NCHW, or dy gathered for the backward. */
	big = new Float32Array(0);
	dcol = new Float32Array(0);
	/** Batch size whose columns `col` holds (whole batch, one chunk) from the last forward with keepCols, or −1. */
	keptFor = -1;
	winograd: WinogradWorkspace | null = null;
	/** The weights flipped in space with Cin and Cout swapped, for a direct input gradient. */
	flipped = new Float32Array(0);

	ensure(colLen: number, bigLen: number, dcolLen: number): void {
		if (this.col.length < colLen) this.col = new Float32Array(colLen);
		if (this.big.length < bigLen) this.big = new Float32Array(bigLen);
		if (this.dcol.length < dcolLen) this.dcol = new Float32Array(dcolLen);
	}
}

/**
 * Whether the specialised kernels (WebAssembly direct convolution, Winograd) may take this geometry: one group and
 * non-negative end padding (a transposed convolution's geometry can carry a negative one, see conv-transpose2d.ts).
 */
export function plain(g: ConvGeom): boolean {
	return g.groups === 1 && g.pb >= 0 && g.pr >= 0;
}

/** Images per chunk so that the column matrix stays under COL_CAP (at least one). */
export function chunkImages(g: ConvGeom): number {
	const perImage = g.cin * g.kh * g.kw * g.ho * g.wo;
	return Math.max(1, Math.min(g.n, Math.floor(COL_CAP / Math.max(1, perImage))));
}

/**
 * y[n, co] = b[co] + Σ w[co, ci, i, j]·xpad[n, ci, oh·sh + i·dh, ow·sw + j·dw]. With keepCols the column matrix
 * of the batch stays in the workspace for conv2dBackward (when the batch fits in one chunk). 3×3 stride-1
 * convolutions over 8 or more channels take the Winograd path instead (keeping nothing).
 */
export function conv2dForward(
	be: Backend, g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, ws: ConvWorkspace, keepCols: boolean,
): void {
	if (be.convForwardStride1 && g.sh === 1 && g.sw === 1 && plain(g)) {
		be.convForwardStride1(g, x, w, b, y);
		ws.keptFor = -1;
		return;
	}
	if (plain(g) && winogradApplies(g)) {
		// No column matrix is built, so a backward builds its own (one im2col pass, far less than the saving).
		conv2dWinograd(be, g, x, w, b, y, (ws.winograd ??= new WinogradWorkspace()));
		ws.keptFor = -1;
		return;
	}
	const K = g.cin * g.kh * g.kw;
	const P = g.ho * g.wo;
	const imgLen = g.cin * g.h * g.w;
	const cout = g.cout;
	const G = g.groups;
	const kg = K / G;
	const cg = cout / G;
	const chunk = chunkImages(g);
	ws.ensure(K * chunk * P, cout * chunk * P, 0);
	const col = ws.col;
	const big = ws.big;
	for (let s = 0; s < g.n; s += chunk) {
		const c = Math.min(chunk, g.n - s);
		const ld = c * P;
		for (let i = 0; i < c; i++) im2col(g, x, (s + i) * imgLen, col, i * P, ld);
		for (let j = 0; j < G; j++) be.gemm(cg, ld, kg, w, j * cg * kg, kg, false, col, j * kg * ld, ld, false, big, j * cg * ld, ld, false);
		// [Cout × images·P] → NCHW, adding the bias on the way.
		for (let co = 0; co < cout; co++) {
			const bias = b ? b[co] : 0;
			for (let i = 0; i < c; i++) {
				const src = co * ld + i * P;
				const dst = ((s + i) * cout + co) * P;
				for (let p = 0; p < P; p++) y[dst + p] = big[src + p] + bias;
			}
		}
	}
	ws.keptFor = keepCols && chunk >= g.n ? g.n : -1;
}

/**
 * Gradients of a convolution for upstream dy: dw and db (when given) are overwritten, dx (when given) is
 * overwritten. Reuses the forward's column matrix when the workspace kept it for this batch size. Without dw, x is
 * not read (a transposed convolution's forward is this input gradient alone).
 */
export function conv2dBackward(
	be: Backend, g: ConvGeom, x: Float32Array, w: Float32Array, dy: Float32Array,
	dx: Float32Array | null, dw: Float32Array | null, db: Float32Array | null, ws: ConvWorkspace,
): void {
	const K = g.cin * g.kh * g.kw;
	const P = g.ho * g.wo;
	const imgLen = g.cin * g.h * g.w;
	const cout = g.cout;
	const G = g.groups;
	const kg = K / G;
	const cg = cout / G;
	const chunk = chunkImages(g);
	const kept = ws.keptFor === g.n && chunk >= g.n;
	// With a direct stride-1 backend, dx is itself a stride-1 convolution of dy with the flipped weights.
	const direct = dx !== null && be.convForwardStride1 !== null && transposedGeom(g) !== null;
	// The JS GEMM reads its operands in place, so it runs per image on dy as it lies; a GEMM that copies its
	// operands (WebAssembly) pays per call, so it gets dy gathered into one [Cout × images·P] matrix per chunk.
	const perImage = be.gemmReadsInPlace;
	const dcolLen = !dx || direct ? 0 : perImage ? K * P : K * chunk * P;
	ws.ensure(K * chunk * P, perImage ? 0 : cout * chunk * P, dcolLen);
	const col = ws.col;
	if (db) {
		db.fill(0, 0, cout);
		for (let i = 0; i < g.n; i++)
			for (let co = 0; co < cout; co++) {
				let sum = 0;
				const src = (i * cout + co) * P;
				for (let p = 0; p < P; p++) sum += dy[src + p];
				db[co] += sum;
			}
	}
	if (dx && direct) inputGradDirect(be, g, w, dy, dx, ws);
	else if (dx) dx.fill(0, 0, g.n * imgLen);
	if (!dw && (dx === null || direct)) return;
	if (dw && be.convWeightGradStride1 && g.sh === 1 && g.sw === 1 && plain(g) && (dx === null || direct)) {
		be.convWeightGradStride1(g, x, dy, dw);
		ws.keptFor = -1;
		return;
	}
	const dcol = ws.dcol;
	if (!perImage) {
		backwardGathered(be, g, x, w, dy, direct ? null : dx, dw, ws, kept);
		if (!kept) ws.keptFor = -1;
		return;
	}
	// One product per image, reading dy where it lies (an image's dy is [Cout × P] with rows P apart), rather than
	// first gathering the batch's dy into one [Cout × images·P] matrix: that copy cost as much as the packing.
	for (let s = 0; s < g.n; s += chunk) {
		const c = Math.min(chunk, g.n - s);
		const ld = c * P;
		if (dw && !kept) for (let i = 0; i < c; i++) im2col(g, x, (s + i) * imgLen, col, i * P, ld);
		for (let i = 0; i < c; i++) {
			const dyOff = (s + i) * cout * P;
			// dW[co, k] (+)= Σ_p dy[co, p]·col[k, p], within each group's band of rows
			if (dw) for (let j = 0; j < G; j++) be.gemm(cg, kg, P, dy, dyOff + j * cg * P, P, false, col, i * P + j * kg * ld, ld, true, dw, j * cg * kg, kg, s > 0 || i > 0);
			if (dx && !direct) {
				// dcol[k, p] = Σ_co w[co, k]·dy[co, p], then scattered back onto the image.
				for (let j = 0; j < G; j++) be.gemm(kg, P, cg, w, j * cg * kg, kg, true, dy, dyOff + j * cg * P, P, false, dcol, j * kg * P, P, false);
				col2im(g, dcol, 0, P, dx, (s + i) * imgLen);
			}
		}
	}
	// The column matrix now holds the last chunk only.
	if (!kept) ws.keptFor = -1;
}

/** dW (and dx, already zeroed, when given) with dy gathered per chunk: one product per chunk, direction and group. */
function backwardGathered(
	be: Backend, g: ConvGeom, x: Float32Array, w: Float32Array, dy: Float32Array, dx: Float32Array | null, dw: Float32Array | null, ws: ConvWorkspace, kept: boolean,
): void {
	const K = g.cin * g.kh * g.kw;
	const P = g.ho * g.wo;
	const imgLen = g.cin * g.h * g.w;
	const cout = g.cout;
	const G = g.groups;
	const kg = K / G;
	const cg = cout / G;
	const chunk = chunkImages(g);
	const { col, big, dcol } = ws;
	for (let s = 0; s < g.n; s += chunk) {
		const c = Math.min(chunk, g.n - s);
		const ld = c * P;
		if (dw && !kept) for (let i = 0; i < c; i++) im2col(g, x, (s + i) * imgLen, col, i * P, ld);
		// dy (NCHW) → [Cout × images·P]
		for (let co = 0; co < cout; co++)
			for (let i = 0; i < c; i++) {
				const src = ((s + i) * cout + co) * P;
				const dst = co * ld + i * P;
				for (let p = 0; p < P; p++) big[dst + p] = dy[src + p];
			}
		// dW[co, k] (+)= Σ_p dy[co, p]·col[k, p]
		if (dw) for (let j = 0; j < G; j++) be.gemm(cg, kg, ld, big, j * cg * ld, ld, false, col, j * kg * ld, ld, true, dw, j * cg * kg, kg, s > 0);
		if (dx) {
			// dcol[k, p] = Σ_co w[co, k]·dy[co, p], then scattered back onto the images.
			for (let j = 0; j < G; j++) be.gemm(kg, ld, cg, w, j * cg * kg, kg, true, big, j * cg * ld, ld, false, dcol, j * kg * ld, ld, false);
			for (let i = 0; i < c; i++) col2im(g, dcol, i * P, ld, dx, (s + i) * imgLen);
		}
	}
}

/**
 * For stride 1, dx[ci, y, x] = Σ w[co, ci, i, j]·dy[co, y + pt − i·dh, x + pl − j·dw]: a stride-1 convolution of dy
 * (Cout channels) with the weights flipped in space and with Cin and Cout swapped, padded by d·(k − 1) − pad on each
 * side. Null where that padding would be negative (a padding wider than the dilated kernel).
 */
export function transposedGeom(g: ConvGeom): ConvGeom | null {
	if (g.sh !== 1 || g.sw !== 1 || !plain(g)) return null;
	const eh = g.dh * (g.kh - 1);
	const ew = g.dw * (g.kw - 1);
	const pt = eh - g.pt;
	const pb = eh - g.pb;
	const pl = ew - g.pl;
	const pr = ew - g.pr;
	if (pt < 0 || pb < 0 || pl < 0 || pr < 0) return null;
	return { n: g.n, cin: g.cout, h: g.ho, w: g.wo, cout: g.cin, kh: g.kh, kw: g.kw, groups: 1, sh: 1, sw: 1, pt, pl, pb, pr, dh: g.dh, dw: g.dw, ho: g.h, wo: g.w };
}

function inputGradDirect(be: Backend, g: ConvGeom, w: Float32Array, dy: Float32Array, dx: Float32Array, ws: ConvWorkspace): void {
	const t = transposedGeom(g);
	const direct = be.convForwardStride1;
	if (!t || !direct) return;
	const { cin, cout, kh, kw } = g;
	const len = cout * cin * kh * kw;
	if (ws.flipped.length < len) ws.flipped = new Float32Array(len);
	const f = ws.flipped;
	for (let co = 0; co < cout; co++)
		for (let ci = 0; ci < cin; ci++)
			for (let i = 0; i < kh; i++)
				for (let j = 0; j < kw; j++) f[((ci * cout + co) * kh + (kh - 1 - i)) * kw + (kw - 1 - j)] = w[((co * cin + ci) * kh + i) * kw + j];
	direct(t, dy, f, null, dx);
}
