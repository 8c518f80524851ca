import { describe, expect, it } from "vitest";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import { buildConvModel, stepInfo } from "../../../src/render/conv/model";
import { stepHeading, stepMarkdown, sumLines } from "../../../src/render/conv/sum-text";

const SOURCE = `input
  1 2 3 0 1
  0 1 2 3 1
  3 0 1 2 2
  2 3 0 1 0
  1 0 2 1 3
kernel
  1 0 -1
  1 0 -1
  1 0 -1
stride 2x1     # vertical 2, horizontal 1
pad 1`;

const INPUT = [
	[1, 2, 3, 0, 1],
	[0, 1, 2, 3, 1],
	[3, 0, 1, 2, 2],
	[2, 3, 0, 1, 0],
	[1, 0, 2, 1, 3],
];

/** Evaluates "a·b + c·(−d) + … = r" independently of the code under test: returns [left side, right side]. */
function evaluate(line: string): [number, number] {
	const [lhs, rhs] = line.split(" = ");
	const n = (s: string): number => Number(s.replace(/[()]/g, "").replace("−", "-"));
	const left = lhs.split(" + ").reduce((acc, term) => acc + term.split("·").map(n).reduce((a, b) => a * b, 1), 0);
	return [left, n(rhs)];
}

describe("acceptance: 5×5 input, kernel 1 0 −1 ×3, stride 2x1, pad 1", () => {
	const spec = parseConvSpec(SOURCE);
	it("parses without diagnostics", () => {
		expect(spec.diagnostics).toEqual([]);
		expect(spec.stride).toEqual([2, 1]);
		expect(spec.pad).toEqual({ kind: "fixed", top: 1, bottom: 1, left: 1, right: 1 });
	});
	const { model } = buildConvModel(spec, (spec.input as { planes: number[][][] }).planes);
	it("gives the 3×5 output of the acceptance case", () => {
		expect(model).not.toBeNull();
		expect(model!.kernels[0].output).toEqual([
			[-3, -4, 0, 3, 3],
			[-4, 2, -2, 0, 6],
			[-3, 1, 1, -1, 2],
		]);
		expect(model!.rows.formula).toBe("⌊(5 + 2·1 − 3)/2⌋ + 1 = 3");
		expect(model!.cols.formula).toBe("5 + 2·1 − 3 + 1 = 5");
		expect(model!.rows.unusedNote).toBeNull();
	});
	it("visits 15 windows, each with a sum of the window's own numbers that adds up", () => {
		expect(model!.steps).toBe(15);
		const expected = [-3, -4, 0, 3, 3, -4, 2, -2, 0, 6, -3, 1, 1, -1, 2];
		for (let i = 0; i < 15; i++) {
			const s = stepInfo(model!, i);
			const oy = Math.floor(i / 5);
			const ox = i % 5;
			expect([s.oy, s.ox]).toEqual([oy, ox]);
			expect(s.top).toBe(2 * oy);
			expect(s.left).toBe(ox);
			// The window's numbers, read straight from the unpadded input (zero outside it).
			const xs: number[] = [];
			for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) xs.push(INPUT[2 * oy + r - 1]?.[ox + c - 1] ?? 0);
			expect(s.terms[0].map((tm) => tm.x)).toEqual(xs);
			const line = sumLines(model!, s).total;
			expect(line.split(" + ")).toHaveLength(9);
			const [left, right] = evaluate(line);
			expect(left).toBe(expected[i]);
			expect(right).toBe(expected[i]);
		}
	});
	it("writes the first and a middle step as a reader would check them", () => {
		expect(sumLines(model!, stepInfo(model!, 0)).total).toBe("0·1 + 0·0 + 0·(−1) + 0·1 + 1·0 + 2·(−1) + 0·1 + 0·0 + 1·(−1) = −3");
		expect(sumLines(model!, stepInfo(model!, 6)).total).toBe("0·1 + 1·0 + 2·(−1) + 3·1 + 0·0 + 1·(−1) + 2·1 + 3·0 + 0·(−1) = 2");
		expect(stepHeading(model!, stepInfo(model!, 6))).toBe("Step 7 of 15: output row 2, column 2 ← rows 3–5, columns 2–4 of the padded input");
	});
	it("copies a step as Markdown with LaTeX", () => {
		const md = stepMarkdown(model!, stepInfo(model!, 6));
		expect(md).toContain("**Step 7 of 15");
		expect(md).toContain("$$y_{2,2} = 0 \\cdot 1 + 1 \\cdot 0 + 2 \\cdot (-1) + 3 \\cdot 1");
		expect(md).toContain("= 2$$");
	});
});
