/**
 * Conv kernel timings for tuning the GEMM: W1 and W2 conv forward (and a training-shaped backward) through the
 * ops the layers use, in GFLOP/s. Run: node --import tsx tests/bench/conv-kernels.ts [seconds-per-case]
 * The side-by-side comparison with ConvNetJS and TensorFlow.js is tests/bench/run.ts (npm run bench).
 */
import { convGeom, type ConvGeom } from "../../src/engine/im2col";
import { createJsBackend } from "../../src/engine/backend";
import { conv2dBackward, conv2dForward, ConvWorkspace } from "../../src/engine/ops/conv2d";

export interface ConvCase {
	id: string;
	n: number; c: number; h: number; w: number; filters: number; k: number; pad: number;
}

export const convCases: ConvCase[] = [
	{ id: "W1", n: 32, c: 1, h: 28, w: 28, filters: 8, k: 5, pad: 2 },
	{ id: "W2", n: 32, c: 16, h: 14, w: 14, filters: 32, k: 3, pad: 1 },
	{ id: "W4 conv2", n: 32, c: 8, h: 14, w: 14, filters: 16, k: 5, pad: 0 },
];

function fill(len: number, seed: number): Float32Array {
	const a = new Float32Array(len);
	let s = seed >>> 0;
	for (let i = 0; i < len; i++) {
		s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
		a[i] = s / 4294967296 - 0.5;
	}
	return a;
}

/** Multiply-adds ×2 of one forward pass. */
export function convFlops(g: ConvGeom): number {
	return 2 * g.n * g.cout * g.ho * g.wo * g.cin * g.kh * g.kw;
}

/** Milliseconds per call (best of `rounds` blocks of ~blockMs each). */
export function timeIt(fn: () => void, rounds = 5, blockMs = 300): number {
	for (let i = 0; i < 3; i++) fn();
	let best = Infinity;
	for (let r = 0; r < rounds; r++) {
		let calls = 0;
		const t0 = performance.now();
		let t = t0;
		while (t - t0 < blockMs) {
			fn();
			calls++;
			t = performance.now();
		}
		best = Math.min(best, (t - t0) / calls);
	}
	return best;
}

/** Forward and full backward (dx, dW, db) timings of one conv case. */
export function benchConv(cs: ConvCase, rounds = 5): { forwardMs: number; backwardMs: number; forwardGflops: number; backwardGflops: number } {
	const g = convGeom([cs.n, cs.c, cs.h, cs.w], [cs.filters, cs.c, cs.k, cs.k], { stride: [1, 1], pad: [cs.pad, cs.pad], dilation: [1, 1] });
	const x = fill(cs.n * cs.c * cs.h * cs.w, 1);
	const w = fill(cs.filters * cs.c * cs.k * cs.k, 2);
	const b = fill(cs.filters, 3);
	const y = new Float32Array(cs.n * cs.filters * g.ho * g.wo);
	const dy = fill(y.length, 4);
	const dx = new Float32Array(x.length);
	const dw = new Float32Array(w.length);
	const db = new Float32Array(b.length);
	const ws = new ConvWorkspace();
	const be = createJsBackend();
	const forwardMs = timeIt(() => conv2dForward(be, g, x, w, b, y, ws, false), rounds);
	conv2dForward(be, g, x, w, b, y, ws, true);
	const backwardMs = timeIt(() => conv2dBackward(be, g, x, w, dy, dx, dw, db, ws), rounds);
	const f = convFlops(g);
	return { forwardMs, backwardMs, forwardGflops: f / forwardMs / 1e6, backwardGflops: (2 * f) / backwardMs / 1e6 };
}

if (process.argv[1]?.endsWith("conv-kernels.ts")) {
	for (const cs of convCases) {
		const r = benchConv(cs);
		console.log(
			`${cs.id.padEnd(9)} forward ${r.forwardMs.toFixed(2).padStart(7)} ms ${r.forwardGflops.toFixed(2).padStart(5)} GFLOP/s | ` +
			`backward ${r.backwardMs.toFixed(2).padStart(7)} ms ${r.backwardGflops.toFixed(2).padStart(5)} GFLOP/s`,
		);
	}
}
