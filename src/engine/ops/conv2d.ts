/**
 * 2-D convolution (cross-correlation, as PyTorch) as im2col + GEMM, forward and backward. Callers pass every
 * output buffer; the column matrices live in a reusable workspace.
 */
import { gemm } from "../gemm";
import { col2im, im2col, type ConvGeom } from "../im2col";

/** Column-matrix buffers for one convolution, grown on demand and then reused. */
export class ConvWorkspace {
	col = new Float32Array(0);
	dcol = new Float32Array(0);
	/** Batch size whose columns `col` holds from the last forward with keepCols, or −1. */
	keptFor = -1;

	ensure(colLen: number, dcolLen: number): void {
		if (this.col.length < colLen) this.col = new Float32Array(colLen);
		if (this.dcol.length < dcolLen) this.dcol = new Float32Array(dcolLen);
	}
}

/** A 1×1, stride-1, unpadded convolution reads the image itself as its column matrix. */
function isDirect(g: ConvGeom): boolean {
	return g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && g.pt === 0 && g.pl === 0 && g.pb === 0 && g.pr === 0;
}

/**
 * y[n, co] = b[co] + Σ w[co, ci, i, j]·xpad[n, ci, oh·sh + i·dh, ow·sw + j·dw]. With keepCols the column matrices
 * of the whole batch stay in the workspace for conv2dBackward.
 */
export function conv2dForward(
	g: ConvGeom, x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, ws: ConvWorkspace, keepCols: boolean,
): void {
	const K = g.cin * g.kh * g.kw;
	const P = g.ho * g.wo;
	const direct = isDirect(g);
	if (!direct) ws.ensure(keepCols ? g.n * K * P : K * P, 0);
	const col = ws.col;
	for (let n = 0; n < g.n; n++) {
		const yOff = n * g.cout * P;
		let B: Float32Array = col;
		let bOff = keepCols ? n * K * P : 0;
		if (direct) {
			B = x;
			bOff = n * g.cin * g.h * g.w;
		} else {
			im2col(g, x, n * g.cin * g.h * g.w, col, bOff);
		}
		if (b) {
			for (let co = 0; co < g.cout; co++) y.fill(b[co], yOff + co * P, yOff + (co + 1) * P);
		}
		gemm(g.cout, P, K, w, 0, K, false, B, bOff, P, false, y, yOff, P, b !== null);
	}
	ws.keptFor = keepCols && !direct ? g.n : -1;
}

/**
 * Gradients of a convolution for upstream dy: dw and db are overwritten, dx (when given) is overwritten.
 * Reuses the forward's column matrices when the workspace kept them for this batch size.
 */
export function conv2dBackward(
	g: ConvGeom, x: Float32Array, w: Float32Array, dy: Float32Array,
	dx: Float32Array | null, dw: Float32Array, db: Float32Array | null, ws: ConvWorkspace,
): void {
	const K = g.cin * g.kh * g.kw;
	const P = g.ho * g.wo;
	const direct = isDirect(g);
	const kept = ws.keptFor === g.n;
	ws.ensure(kept ? 0 : K * P, dx && !direct ? K * P : 0);
	const imgLen = g.cin * g.h * g.w;
	if (db) {
		db.fill(0);
		for (let n = 0; n < g.n; n++) {
			for (let co = 0; co < g.cout; co++) {
				const off = (n * g.cout + co) * P;
				let s = 0;
				for (let p = 0; p < P; p++) s += dy[off + p];
				db[co] += s;
			}
		}
	}
	if (dx) dx.fill(0);
	for (let n = 0; n < g.n; n++) {
		const dyOff = n * g.cout * P;
		let B: Float32Array = ws.col;
		let bOff = kept ? n * K * P : 0;
		if (direct) {
			B = x;
			bOff = n * imgLen;
		} else if (!kept) {
			im2col(g, x, n * imgLen, ws.col, 0);
		}
		// dW[co, k] += Σ_p dy[co, p]·col[k, p]
		gemm(g.cout, K, P, dy, dyOff, P, false, B, bOff, P, true, dw, 0, K, n > 0);
		if (dx) {
			// dcol[k, p] = Σ_co w[co, k]·dy[co, p]
			if (direct) {
				gemm(K, P, g.cout, w, 0, K, true, dy, dyOff, P, false, dx, n * imgLen, P, false);
			} else {
				gemm(K, P, g.cout, w, 0, K, true, dy, dyOff, P, false, ws.dcol, 0, P, false);
				col2im(g, ws.dcol, 0, dx, n * imgLen);
			}
		}
	}
}
