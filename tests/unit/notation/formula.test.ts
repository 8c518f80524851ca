import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { convOutSize, poolOutSize } from "../../../src/engine/shapes";
import { axisOut } from "../../../src/notation/cnn/formula";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { oracleCases } from "../../support/oracle";

/** Counts window positions by sliding one, the way a reader would on paper: an oracle independent of any formula. */
function slide(size: number, k: number, s: number, pb: number, pe: number, d: number): { count: number; lastEnd: number } {
	const eff = d * (k - 1) + 1;
	let count = 0;
	let lastEnd = -1;
	for (let start = 0; start + eff <= size + pb + pe; start += s) {
		count++;
		lastEnd = start + eff;
	}
	return { count, lastEnd };
}

describe("output size of one axis", () => {
	it("agrees with sliding a window: the count, whether it lands exactly, and the rows never reached", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 60 }),
				fc.integer({ min: 1, max: 9 }),
				fc.integer({ min: 1, max: 6 }),
				fc.integer({ min: 0, max: 4 }),
				fc.integer({ min: 0, max: 4 }),
				fc.integer({ min: 1, max: 3 }),
				(size, k, s, pb, pe, d) => {
					const r = axisOut({ size, kernel: k, stride: s, padBegin: pb, padEnd: pe, dilation: d, ceil: false });
					const w = slide(size, k, s, pb, pe, d);
					if (w.count === 0) {
						expect(r.out).toBeLessThanOrEqual(0);
						return;
					}
					expect(r.out).toBe(w.count);
					const padded = size + pb + pe;
					expect(r.fits).toBe(w.lastEnd === padded);
					expect(r.unusedPadded).toBe(padded - w.lastEnd);
					expect(r.unusedInput).toBe(Math.max(0, padded - w.lastEnd - pe));
					expect(r.exact).toBeCloseTo((padded - (d * (k - 1) + 1)) / s + 1, 10);
				},
			),
			{ seed: 42, numRuns: 400 },
		);
	});

	it("agrees with the engine's PyTorch arithmetic (conv, and pooling in floor and ceil mode)", () => {
		fc.assert(
			fc.property(
				fc.integer({ min: 1, max: 80 }),
				fc.integer({ min: 1, max: 9 }),
				fc.integer({ min: 1, max: 6 }),
				fc.integer({ min: 0, max: 4 }),
				fc.integer({ min: 1, max: 3 }),
				fc.boolean(),
				(size, k, s, p, d, ceil) => {
					const conv = axisOut({ size, kernel: k, stride: s, padBegin: p, padEnd: p, dilation: d, ceil: false });
					const e = convOutSize(size, k, s, p, p, d);
					if (e >= 1) expect(conv.out).toBe(e);
					else expect(conv.out).toBeLessThanOrEqual(0);
					if (p <= Math.floor(k / 2)) {
						const pool = axisOut({ size, kernel: k, stride: s, padBegin: p, padEnd: p, dilation: 1, ceil });
						const ep = poolOutSize(size, k, s, p, ceil);
						if (ep >= 1) expect(pool.out).toBe(ep);
						else expect(pool.out).toBeLessThanOrEqual(0);
					}
				},
			),
			{ seed: 7, numRuns: 400 },
		);
	});

	it("writes the formula in the user's numbers", () => {
		const f = (size: number, k: number, s: number, p: number, d = 1) => axisOut({ size, kernel: k, stride: s, padBegin: p, padEnd: p, dilation: d, ceil: false }).formula;
		expect(f(32, 4, 3, 1)).toBe("((32 + 2·1 − 4)/3) + 1 = 11");
		expect(f(32, 4, 3, 0)).toBe("(32 − 4)/3 + 1: 28/3 = 9.33 → ⌊10.33⌋ = 10");
		expect(f(32, 4, 2, 0)).toBe("(32 − 4)/2 + 1 = 15");
		expect(f(32, 5, 1, 0)).toBe("32 − 5 + 1 = 28");
		expect(f(28, 3, 1, 0, 2)).toBe("28 − 5 + 1 = 24");
	});
});

/** The parameters of the oracle's conv and pooling cases, as the generator writes them. */
interface WindowParams {
	kernel_size: [number, number];
	stride: [number, number];
	padding: [number, number];
	dilation?: [number, number];
	ceil_mode?: boolean;
	out_channels?: number;
}

describe("PyTorch oracle: every conv and pooling case's output shape", () => {
	// The oracle beside the repository (../shared), found the way every oracle test finds it; absent is an error.
	const cases = oracleCases().filter((c) => ["conv2d", "max_pool2d", "avg_pool2d"].includes(c.op));
	it("has the cases", () => expect(cases.length).toBeGreaterThan(80));
	it("the block shows the shape PyTorch computed", () => {
		for (const c of cases) {
			const [, C, H, W] = c.inputs.x!.shape;
			const p = c.params as unknown as WindowParams;
			const pair = (v: [number, number]) => `${v[0]}x${v[1]}`;
			let line: string;
			if (c.op === "conv2d") {
				line = `conv ${p.out_channels} ${pair(p.kernel_size)} stride ${pair(p.stride)} pad ${pair(p.padding)} dilation ${pair(p.dilation ?? [1, 1])}`;
			} else {
				line = `${c.op === "max_pool2d" ? "maxpool" : "avgpool"} ${pair(p.kernel_size)} stride ${pair(p.stride)} pad ${pair(p.padding)}${p.ceil_mode ? " ceil" : ""}`;
			}
			const a = analyzeCnn(`input ${H}x${W}x${C}\n${line}`);
			const out = a.report!.rows[0].output;
			const [, oc, oh, ow] = c.outputs.y.shape;
			expect(out, c.id).not.toBeNull();
			expect([out!.h, out!.w, out!.c], `${c.id}: ${line}`).toEqual([oh, ow, oc]);
			expect(a.parsed.diagnostics.filter((d) => d.severity === "error"), c.id).toEqual([]);
		}
	});
});
