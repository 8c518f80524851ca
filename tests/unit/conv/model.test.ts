import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import { namedKernel } from "../../../src/notation/conv/named-kernels";
import type { ConvBlockSpec, NumberInput } from "../../../src/notation/conv/types";
import { buildConvModel, stepInfo, type ConvModel } from "../../../src/render/conv/model";
import { stepHeading, stepMarkdown, sumLines } from "../../../src/render/conv/sum-text";
import { conv2d } from "../../../src/engine/functional";

function build(src: string): ConvModel {
	const spec = parseConvSpec(src);
	expect(spec.diagnostics).toEqual([]);
	const r = buildConvModel(spec, (spec.input as NumberInput).planes);
	expect(r.diagnostics).toEqual([]);
	return r.model!;
}

const grid = (rows: number[][]): string => rows.map((r) => r.join(" ")).join("\n");

describe("several channels: the explained sums equal the engine's conv2d", () => {
	it("for random inputs, kernels, strides, padding and dilation", () => {
		fc.assert(
			fc.property(
				fc.record({
					c: fc.integer({ min: 1, max: 3 }),
					h: fc.integer({ min: 3, max: 7 }),
					w: fc.integer({ min: 3, max: 7 }),
					k: fc.integer({ min: 1, max: 3 }),
					s: fc.integer({ min: 1, max: 3 }),
					p: fc.integer({ min: 0, max: 2 }),
					d: fc.integer({ min: 1, max: 2 }),
					bias: fc.integer({ min: -3, max: 3 }),
					seed: fc.integer({ min: 1, max: 1e6 }),
				}),
				({ c, h, w, k, s, p, d, bias, seed }) => {
					let r = seed;
					const rnd = (): number => ((r = (r * 16807) % 2147483647) % 11) - 5;
					const x = Array.from({ length: c }, () => Array.from({ length: h }, () => Array.from({ length: w }, rnd)));
					const kk = Array.from({ length: c }, () => Array.from({ length: k }, () => Array.from({ length: k }, rnd)));
					if (d * (k - 1) + 1 > Math.min(h, w) + 2 * p) return;
					const src =
						x.map((pl, i) => `${i === 0 ? "input " : ""}channel ${i + 1}\n${grid(pl)}`).join("\n") +
						"\n" +
						kk.map((pl, i) => `${i === 0 ? "kernel " : ""}channel ${i + 1}\n${grid(pl)}`).join("\n") +
						`\nstride ${s}\npad ${p}\ndilation ${d}\nbias ${bias}`;
					const m = build(src);
					// The engine on the unpadded input, with its own padding: an independent path to the same numbers.
					const y = conv2d(
						{ shape: [1, c, h, w], data: Float32Array.from(x.flat(2)) },
						{ shape: [1, c, k, k], data: Float32Array.from(kk.flat(2)) },
						{ shape: [1], data: Float32Array.from([bias]) },
						{ stride: [s, s], pad: [p, p], dilation: [d, d] },
					);
					expect(y.shape.slice(2)).toEqual([m.rows.output, m.cols.output]);
					for (let i = 0; i < m.steps; i++) {
						const st = stepInfo(m, i);
						expect(st.total).toBeCloseTo(y.data[i], 4);
						expect(st.partials.reduce((a, b) => a + b, 0) + bias).toBeCloseTo(st.total, 9);
						if (c > 1) expect(sumLines(m, st).channels).toHaveLength(c);
					}
				},
			),
			{ numRuns: 60 },
		);
	});
});

describe("1-D cross-correlation", () => {
	it("slides the kernel along one row", () => {
		const m = build("input 1 2 3 4 5\nkernel 1 0 -1");
		expect(m.is1d).toBe(true);
		expect(m.kernels[0].output).toEqual([[-2, -2, -2]]);
		expect(sumLines(m, stepInfo(m, 1)).total).toBe("2·1 + 3·0 + 4·(−1) = −2");
		expect(stepHeading(m, stepInfo(m, 1))).toBe("Step 2 of 3: output position 2 ← positions 2–4 of the input");
	});
	it("`pad 1` pads the row only", () => {
		const m = build("input 1 2 3 4 5\nkernel 1 1 1\npad 1");
		expect(m.kernels[0].output).toEqual([[3, 6, 9, 12, 9]]);
		expect(m.padded[0]).toEqual([[0, 1, 2, 3, 4, 5, 0]]);
	});
	it("with stride 2 and padding 1", () => {
		const m = build("input 1 2 3 4 5\nkernel 1 1 1\nstride 1x2\npad 0x1");
		// padded: 0 1 2 3 4 5 0 → windows at 0, 2, 4: 3, 9, 9
		expect(m.kernels[0].output).toEqual([[3, 9, 9]]);
	});
});

describe("named kernels are their textbook definitions", () => {
	const sum = (k: number[][]): number => k.flat().reduce((a, b) => a + b, 0);
	it("gaussian 3 is [1 2 1]ᵀ[1 2 1]/16; gaussian 5 uses 1 4 6 4 1", () => {
		expect(namedKernel("gaussian", 3)).toEqual([1, 2, 1].map((a) => [1, 2, 1].map((b) => (a * b) / 16)));
		expect(namedKernel("gaussian", 5)[2].map((v) => v * 256)).toEqual([6, 24, 36, 24, 6]);
		expect(sum(namedKernel("gaussian", 7))).toBeCloseTo(1, 12);
	});
	it("box N averages N² values; identity keeps the centre", () => {
		expect(namedKernel("box", 5).flat()).toEqual(new Array(25).fill(1 / 25));
		const id = namedKernel("identity", 5);
		expect(id[2][2]).toBe(1);
		expect(sum(id)).toBe(1);
	});
	it("sobel-y is sobel-x transposed; edge and laplacian sum to 0; sharpen and emboss to 1", () => {
		const sx = namedKernel("sobel-x");
		expect(namedKernel("sobel-y")).toEqual(sx[0].map((_, j) => sx.map((r) => r[j])));
		expect(sx[1]).toEqual([-2, 0, 2]);
		expect(sum(namedKernel("edge"))).toBe(0);
		expect(sum(namedKernel("laplacian"))).toBe(0);
		expect(namedKernel("laplacian")[1][1]).toBe(-4);
		expect(sum(namedKernel("sharpen"))).toBe(1);
		expect(sum(namedKernel("emboss"))).toBe(1);
	});
	it("identity with pad same returns the input; sobel-x finds a vertical edge", () => {
		const x = [
			[0, 0, 1, 1],
			[0, 0, 1, 1],
			[0, 0, 1, 1],
		];
		expect(build(`input\n${grid(x)}\nkernel identity\npad same`).kernels[0].output).toEqual(x);
		const m = build(`input\n${grid(x)}\nkernel sobel-x`);
		expect(m.kernels[0].output).toEqual([[4, 4]]);
	});
	it("a named kernel on several channels is applied to each and summed", () => {
		const m = build("input channel 1\n1 2 3\nchannel 2\n4 5 6\nkernel box 1");
		expect(m.kernels[0].planes).toHaveLength(2);
		expect(m.kernels[0].output).toEqual([[5, 7, 9]]);
		expect(sumLines(m, stepInfo(m, 2)).channels).toEqual(["channel 1: 3·1 = 3", "channel 2: 6·1 = 6"]);
	});
});

describe("copy as Markdown with LaTeX, several channels", () => {
	it("writes each channel's partial sum, then the total, aligned", () => {
		const m = build("input channel 1\n1 2\nchannel 2\n3 -4\nkernel channel 1\n1 1\nchannel 2\n2 1\nbias -1");
		expect(stepMarkdown(m, stepInfo(m, 0)).split("\n")).toEqual([
			"**Step 1 of 1: output position 1 ← positions 1–2 of the input**",
			"",
			"$$",
			"\\begin{aligned}",
			"\\text{channel 1} &: 1 \\cdot 1 + 2 \\cdot 1 = 3 \\\\",
			"\\text{channel 2} &: 3 \\cdot 2 + (-4) \\cdot 1 = 2 \\\\",
			"y_{1} &= 3 + 2 + (-1) = 4",
			"\\end{aligned}",
			"$$",
		]);
	});
});

describe("geometry", () => {
	it("marks the rows and columns no window reaches and says why", () => {
		const m = build(`input\n${grid(Array.from({ length: 6 }, () => [1, 2, 3, 4, 5, 6]))}\nkernel box 3\nstride 2`);
		expect(m.rows.output).toBe(2);
		expect(m.rows.unused).toEqual([5]);
		expect(m.cols.unused).toEqual([5]);
		expect(m.rows.unusedNote).toBe("(6 − 3)/2 + 1 = 2.5 is not an integer; PyTorch and Keras ('valid') floor it to 2 and never use the last input row");
		expect(m.cols.unusedNote).toContain("never use the last input column");
	});
	it("a box kernel is explained over its divisor, so the shown products add up", () => {
		const m = build(`input\n${grid(Array.from({ length: 6 }, () => [1, 2, 3, 4, 5, 6]))}\nkernel box 3\nstride 2`);
		expect(sumLines(m, stepInfo(m, 0)).total).toBe("(1·1 + 2·1 + 3·1 + 1·1 + 2·1 + 3·1 + 1·1 + 2·1 + 3·1)/9 = 2");
		const g = build("input\n0 0 0\n0 16 0\n0 0 0\nkernel gaussian 3");
		expect(sumLines(g, stepInfo(g, 0)).total).toBe("(0·1 + 0·2 + 0·1 + 0·2 + 16·4 + 0·2 + 0·1 + 0·2 + 0·1)/16 = 4");
	});
	it("pad same keeps ⌈in/stride⌉, the odd padding at the end", () => {
		const m = build(`input\n${grid(Array.from({ length: 6 }, () => [1, 2, 3, 4, 5, 6]))}\nkernel box 3\nstride 2\npad same`);
		expect(m.pad).toEqual({ top: 0, bottom: 1, left: 0, right: 1 });
		expect([m.rows.output, m.cols.output]).toEqual([3, 3]);
		expect(m.rows.formula).toBe("⌊(6 + 0 + 1 − 3)/2⌋ + 1 = 3");
	});
	it("dilation spreads the window", () => {
		const x = Array.from({ length: 5 }, (_, y) => Array.from({ length: 5 }, (_, c) => y * 5 + c));
		const m = build(`input\n${grid(x)}\nkernel\n1 0 1\n0 0 0\n1 0 1\ndilation 2`);
		expect(m.rows.formula).toBe("5 − (2·(3 − 1) + 1) + 1 = 1");
		// Corners of the 5×5: 0 + 4 + 20 + 24 (the zero weights still appear as products).
		expect(m.kernels[0].output).toEqual([[48]]);
		expect(stepInfo(m, 0).terms[0].map((t) => t.x)).toEqual([0, 2, 4, 10, 12, 14, 20, 22, 24]);
	});
	it("refuses work that would block the note (over 30 million multiply-adds)", () => {
		const spec = parseConvSpec("input ![[a.png]] rgb 512\nkernel box 15, box 15");
		const img = Array.from({ length: 3 }, () => Array.from({ length: 512 }, () => new Array<number>(512).fill(0.5)));
		const r = buildConvModel(spec, img);
		expect(r.model).toBeNull();
		// 498·498 outputs · 2 kernels · 3 channels · 225 weights
		expect(r.diagnostics[0].message).toMatch(/^This convolution needs 335 million multiply-adds; a block computes at most 30 million/);
	});
	it("a kernel larger than the padded input is an error on the kernel's line", () => {
		const spec = parseConvSpec("input\n1 2\n3 4\nkernel box 5\npad 1");
		const r = buildConvModel(spec, (spec.input as NumberInput).planes);
		expect(r.model).toBeNull();
		expect(r.diagnostics[0].line).toBe(4);
		expect(r.diagnostics[0].message).toMatch(/The kernel \(5×5\) is larger than the padded input \(4×4\)/);
	});
});

describe("chain", () => {
	it("relu then maxpool 2 and avgpool 2, with their shapes", () => {
		const m = build("input\n1 -2 3 -4\n-5 6 -7 8\n9 -10 11 -12\n-13 14 -15 16\nkernel 1\nthen relu, maxpool 2");
		const [r, p] = m.kernels[0].stages;
		expect(r.grid).toEqual([
			[1, 0, 3, 0],
			[0, 6, 0, 8],
			[9, 0, 11, 0],
			[0, 14, 0, 16],
		]);
		expect(p.grid).toEqual([
			[6, 8],
			[14, 16],
		]);
		expect(p.shape).toBe("2×2");
		expect(p.formula).toBe("⌊(4 − 2)/2⌋ + 1 = 2, ⌊(4 − 2)/2⌋ + 1 = 2");
		const a = build("input\n1 2 3 4\n5 6 7 8\nkernel 1\nthen avgpool 2").kernels[0].stages[0];
		expect(a.grid).toEqual([[3.5, 5.5]]);
	});
	it("a pooling window larger than its input is an error on the `then` line", () => {
		const spec: ConvBlockSpec = parseConvSpec("input 1 2 3\nkernel 1\nthen maxpool 2");
		const r = buildConvModel(spec, (spec.input as NumberInput).planes);
		expect(r.diagnostics[0]).toMatchObject({ line: 3, severity: "error" });
	});
});
