/**
 * The cnn-conv stepper on grouped and transposed convolutions: every step's sum against a direct implementation
 * written here from the definitions (a grouped cross-correlation; the transposed convolution as the scatter
 * y[j, i·s − p + a·d] += x[c, i]·w[j][c, a], PyTorch's conv_transpose2d), and the text a reader sees.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import type { NumberInput } from "../../../src/notation/conv/types";
import { buildConvModel, stepInfo, type ConvModel } from "../../../src/render/conv/model";
import { seesLine, stepHeading, stepMarkdown, sumLines } from "../../../src/render/conv/sum-text";

type Grid = number[][];

function build(src: string): ConvModel {
	const spec = parseConvSpec(src);
	expect(spec.diagnostics).toEqual([]);
	const r = buildConvModel(spec, (spec.input as NumberInput).planes);
	expect(r.diagnostics).toEqual([]);
	return r.model!;
}

function errors(src: string): string[] {
	const spec = parseConvSpec(src);
	const parsed = spec.diagnostics.filter((d) => d.severity === "error").map((d) => d.message);
	if (parsed.length || !spec.input || spec.input.kind !== "numbers") return parsed;
	return buildConvModel(spec, spec.input.planes).diagnostics.map((d) => d.message);
}

const text = (g: Grid): string => g.map((r) => r.join(" ")).join("\n");
const planesText = (head: string, planes: Grid[]): string => planes.map((p, i) => `${i === 0 ? `${head} ` : ""}channel ${i + 1}\n${text(p)}`).join("\n");

function rng(seed: number): () => number {
	let r = seed;
	return () => ((r = (r * 16807) % 2147483647) % 9) - 4;
}
const grid = (h: number, w: number, rnd: () => number): Grid => Array.from({ length: h }, () => Array.from({ length: w }, rnd));

/** Grouped cross-correlation, straight from the definition. */
function groupedRef(x: Grid[], ks: Grid[][], g: number, s: number, p: number): Grid[] {
	const C = x.length;
	const H = x[0].length;
	const W = x[0][0].length;
	const k = ks[0][0].length;
	const oh = Math.floor((H + 2 * p - k) / s) + 1;
	const ow = Math.floor((W + 2 * p - k) / s) + 1;
	const at = (c: number, y: number, xx: number): number => (y < 0 || y >= H || xx < 0 || xx >= W ? 0 : x[c][y][xx]);
	return ks.map((kernel, j) => {
		const group = Math.floor(j / (ks.length / g));
		return Array.from({ length: oh }, (_, oy) =>
			Array.from({ length: ow }, (_, ox) => {
				let sum = 0;
				kernel.forEach((plane, local) => {
					const c = group * (C / g) + local;
					for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) sum += at(c, oy * s - p + a, ox * s - p + b) * plane[a][b];
				});
				return sum;
			}),
		);
	});
}

/** conv_transpose2d as a scatter: each input value adds its kernel, scaled, to the output at stride steps. */
function transposedRef(x: Grid[], ks: Grid[][], g: number, s: number, p: number, op: number, d: number): Grid[] {
	const C = x.length;
	const H = x[0].length;
	const W = x[0][0].length;
	const kh = ks[0][0].length;
	const kw = ks[0][0][0].length;
	// A one-row input under a one-row kernel is 1-D: padded and stretched along the row only.
	const [pv, opv] = H === 1 && kh === 1 ? [0, 0] : [p, op];
	const oh = (H - 1) * s - 2 * pv + d * (kh - 1) + opv + 1;
	const ow = (W - 1) * s - 2 * p + d * (kw - 1) + op + 1;
	return ks.map((kernel, j) => {
		const group = Math.floor(j / (ks.length / g));
		const y = Array.from({ length: oh }, () => new Array<number>(ow).fill(0));
		kernel.forEach((plane, local) => {
			const c = group * (C / g) + local;
			for (let i = 0; i < H; i++)
				for (let q = 0; q < W; q++)
					for (let a = 0; a < kh; a++)
						for (let b = 0; b < kw; b++) {
							const yy = i * s - pv + a * d;
							const xx = q * s - p + b * d;
							if (yy >= 0 && yy < oh && xx >= 0 && xx < ow) y[yy][xx] += x[c][i][q] * plane[a][b];
						}
		});
		return y;
	});
}

function expectSteps(m: ConvModel, want: Grid[]): void {
	expect(m.kernels.map((k) => [k.output.length, k.output[0].length])).toEqual(want.map((w) => [w.length, w[0].length]));
	for (let i = 0; i < m.steps; i++) {
		const st = stepInfo(m, i);
		expect(st.total).toBeCloseTo(want[st.kernel][st.oy][st.ox], 9);
		// The engine's maps (another path: conv2d with groups, or conv_transpose2d on the unstretched input) agree.
		expect(m.kernels[st.kernel].output[st.oy][st.ox]).toBeCloseTo(st.total, 4);
	}
}

describe("grouped convolutions in the stepper", () => {
	it("sums each filter over its group's channels only, for random inputs, groups, strides and padding", () => {
		fc.assert(
			fc.property(
				fc.record({ g: fc.constantFrom(1, 2, 4), per: fc.integer({ min: 1, max: 2 }), f: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 3, max: 6 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 2 }), p: fc.integer({ min: 0, max: 1 }), seed: fc.integer({ min: 1, max: 1e6 }) }),
				({ g, per, f, h, k, s, p, seed }) => {
					const rnd = rng(seed);
					const C = g * per;
					const K = g * f;
					if (C > 8 || K > 8) return;
					const x = Array.from({ length: C }, () => grid(h, h, rnd));
					const ks = Array.from({ length: K }, () => Array.from({ length: per }, () => grid(k, k, rnd)));
					const src = [planesText("input", x), ...ks.map((kk) => planesText("kernel", kk)), `stride ${s}`, `pad ${p}`, `groups ${g}`].join("\n");
					const m = build(src);
					expect(m.groups).toBe(g);
					expectSteps(m, groupedRef(x, ks, g, s, p));
				},
			),
			{ numRuns: 40 },
		);
	});

	it("says which channels each filter sees, and names them in the sums", () => {
		const x = [1, 2, 3, 4].map((c) => grid(3, 3, () => c));
		const ks = [0, 1, 2, 3].map((j) => [grid(2, 2, () => j + 1), grid(2, 2, () => -(j + 1))]);
		const m = build([planesText("input", x), ...ks.map((kk) => planesText("kernel", kk)), "groups 2"].join("\n"));
		expect(m.kernels.map((k) => k.channels)).toEqual([[0, 1], [0, 1], [2, 3], [2, 3]]);
		expect(seesLine(m, 0)).toBe("kernel 1 sees channels 1, 2 of 4 (group 1 of 2); the other channels are not in its sum.");
		expect(seesLine(m, 3)).toBe("kernel 4 sees channels 3, 4 of 4 (group 2 of 2); the other channels are not in its sum.");
		// kernel 3 at the first step: channel 3 (all 3s) times 3s, channel 4 (all 4s) times −3s
		const st = stepInfo(m, 2 * m.positions);
		const lines = sumLines(m, st, 0);
		expect(lines.channels).toEqual(["channel 3: 3·3 + 3·3 + 3·3 + 3·3 = 36", "channel 4: 4·(−3) + 4·(−3) + 4·(−3) + 4·(−3) = −48"]);
		expect(lines.total).toBe("total: 36 + (−48) = −12");
		expect(stepMarkdown(m, st, 0)).toContain("\\text{channel 3} &:");
		// no groups: no line
		expect(seesLine(build("input 1 2 3\nkernel 1 1"), 0)).toBeNull();
	});

	it("depthwise: one group per channel, a single named kernel used on each channel", () => {
		const x = [grid(4, 4, rng(3)), grid(4, 4, rng(5)), grid(4, 4, rng(7))];
		const m = build(`${planesText("input", x)}\nkernel sobel-x\ndepthwise`);
		expect(m.groups).toBe(3);
		expect(m.kernels.map((k) => k.label)).toEqual(["sobel-x, group 1", "sobel-x, group 2", "sobel-x, group 3"]);
		const sobel = [[[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]];
		expectSteps(m, groupedRef(x, [sobel, sobel, sobel], 3, 1, 0));
		expect(seesLine(m, 1)).toBe("sobel-x, group 2 sees channel 2 of 3 only (depthwise: one channel a filter).");
		// one channel a filter: one line of products, no per-channel lines
		expect(sumLines(m, stepInfo(m, 0)).channels).toEqual([]);
	});

	it("refuses groups that do not divide the channels or the kernels, and kernels of the wrong depth, with the fix", () => {
		const x3 = planesText("input", [grid(3, 3, rng(1)), grid(3, 3, rng(2)), grid(3, 3, rng(3))]);
		expect(errors(`${x3}\nkernel sobel-x\ngroups 2`)[0]).toBe("groups 2 does not divide the input's 3 channels: each group needs the same number of channels. Try `groups 3`.");
		const x4 = planesText("input", [1, 2, 3, 4].map((c) => grid(3, 3, () => c)));
		const k2 = (n: number): string => planesText("kernel", [grid(2, 2, () => n), grid(2, 2, () => n)]);
		expect(errors(`${x4}\n${k2(1)}\n${k2(2)}\n${k2(3)}\ngroups 2`)[0]).toContain("groups 2 needs a multiple of 2 kernels");
		const deep = planesText("kernel", [1, 2, 3, 4].map((c) => grid(2, 2, () => c)));
		expect(errors(`${x4}\n${deep}\ngroups 2`)[0]).toBe("With 2 groups each kernel sees 2 of the 4 channels: write 2 grid(s) per kernel, not 4.");
		expect(errors(`${x4}\nkernel sobel-x\ngroups two`)[0]).toContain("`groups` takes a whole number");
	});
});

describe("transposed convolutions in the stepper", () => {
	it("steps over the stretched input and gives conv_transpose2d's output, for random sizes, strides, pads, outpads, dilations and groups", () => {
		fc.assert(
			fc.property(
				fc.record({ g: fc.constantFrom(1, 2), h: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 3 }), s: fc.integer({ min: 1, max: 3 }), p: fc.integer({ min: 0, max: 2 }), op: fc.integer({ min: 0, max: 2 }), d: fc.integer({ min: 1, max: 2 }), seed: fc.integer({ min: 1, max: 1e6 }) }),
				({ g, h, k, s, p, op, d, seed }) => {
					if (!(op < s || op < d) || p > d * (k - 1)) return;
					if ((h - 1) * s - 2 * p + d * (k - 1) + op + 1 <= 0) return;
					const rnd = rng(seed);
					const x = Array.from({ length: 2 }, () => grid(h, h, rnd));
					const ks = Array.from({ length: 2 }, () => Array.from({ length: 2 / g }, () => grid(k, k, rnd)));
					const src = [planesText("input", x), ...ks.map((kk) => planesText("kernel", kk)), `stride ${s}`, `pad ${p}`, `dilation ${d}`, "transposed", ...(op ? [`outpad ${op}`] : []), ...(g > 1 ? [`groups ${g}`] : [])].join("\n");
					const m = build(src);
					expectSteps(m, transposedRef(x, ks, g, s, p, op, d));
				},
			),
			{ numRuns: 60 },
		);
	});

	it("draws the 3×3 → 6×6 of issue 16 (k3 s2 p1 outpad 1) as Dumoulin & Visin do: zeros between values, a border, the rotated kernel", () => {
		const m = build("input\n1 2 3\n4 5 6\n7 8 9\nkernel\n1 2 0\n0 1 0\n0 0 -1\nstride 2\npad 1\ntransposed\noutpad 1");
		expect(m.transposed).toMatchObject({ stretched: [5, 5], border: [1, 1], outpad: [1, 1] });
		// 1 zero border + stretched 5 + 1 border + 1 outpad = 8 a side; the kernel steps with stride 1 to 6×6
		expect(m.padded[0]).toEqual([
			[0, 0, 0, 0, 0, 0, 0, 0],
			[0, 1, 0, 2, 0, 3, 0, 0],
			[0, 0, 0, 0, 0, 0, 0, 0],
			[0, 4, 0, 5, 0, 6, 0, 0],
			[0, 0, 0, 0, 0, 0, 0, 0],
			[0, 7, 0, 8, 0, 9, 0, 0],
			[0, 0, 0, 0, 0, 0, 0, 0],
			[0, 0, 0, 0, 0, 0, 0, 0],
		]);
		expect(m.insertedRows).toEqual([2, 4]);
		expect(m.insertedCols).toEqual([2, 4]);
		expect(m.kernels[0].planes[0]).toEqual([[-1, 0, 0], [0, 1, 0], [0, 2, 1]]);
		expect(m.rows.formula).toBe("(3 − 1)·2 − 2·1 + (3 − 1) + 1 + 1 = 6");
		expect(m.rows.output).toBe(6);
		expectSteps(m, transposedRef([[[1, 2, 3], [4, 5, 6], [7, 8, 9]]], [[[[1, 2, 0], [0, 1, 0], [0, 0, -1]]]], 1, 2, 1, 1, 1));
		expect(stepHeading(m, stepInfo(m, 7))).toBe("Step 8 of 36: output row 2, column 2 ← rows 2–4, columns 2–4 of the stretched input");
	});

	it("refuses what PyTorch refuses (outpad not below stride or dilation), a border that would be negative, outpad alone and pad same", () => {
		const base = "input\n1 2\n3 4\nkernel\n1 1\n1 1\n";
		expect(errors(`${base}stride 2\ntransposed\noutpad 2`)[0]).toBe("outpad 2 must be smaller than the stride (2) or the dilation (1), as PyTorch requires: it only picks between output sizes the stride leaves open.");
		expect(errors(`${base}pad 2\ntransposed`)[0]).toContain("pad 2 is more than d·(k − 1) = 1·(2 − 1) = 1");
		expect(errors(`${base}outpad 1`)[0]).toBe("`outpad` belongs to a transposed convolution: add a `transposed` line.");
		expect(errors(`${base}pad same\ntransposed`)[0]).toContain("has no `same`");
		expect(errors(`${base}transposed 2`)[0]).toBe("`transposed` stands alone on its line (no value after it).");
		// 1 value, k 3, pad 2: (1 − 1)·1 − 2·2 + (3 − 1) + 1 = −1, which PyTorch refuses as well
		expect(errors("input 5\nkernel\n1 1 1\n1 1 1\n1 1 1\npad 2\ntransposed")[0]).toBe("The transposed convolution has no output: (1 − 1) − 2·2 + (3 − 1) + 1 = −1. Use less padding (PyTorch refuses it too).");
	});

	it("a 1-D transposed convolution stretches the row only", () => {
		const m = build("input 1 2 3\nkernel 1 -1\nstride 2\ntransposed");
		expect(m.padded[0]).toEqual([[0, 1, 0, 2, 0, 3, 0]]);
		expectSteps(m, transposedRef([[[1, 2, 3]]], [[[[1, -1]]]], 1, 2, 0, 0, 1));
		expect(m.cols.formula).toBe("(3 − 1)·2 + (2 − 1) + 1 = 6");
		expect(stepHeading(m, stepInfo(m, 0))).toBe("Step 1 of 6: output position 1 ← positions 1–2 of the stretched input");
	});
});
