import { describe, expect, it } from "vitest";
import { analyzeCnn, parseCnn } from "../../../src/notation/cnn/parse";
import { shapeText } from "../../../src/notation/cnn/shape";

/** Output shapes of every layer row, in order, as the notes write them. */
function shapes(src: string): string[] {
	return (analyzeCnn(src).report?.rows ?? []).map((r) => (r.output ? shapeText(r.output) : "?"));
}

function diag(src: string, line: number) {
	return parseCnn(src).diagnostics.filter((d) => d.line === line);
}

describe("acceptance: shapes and formulas", () => {
	it("#1 32x32x3, conv 8 4x4 stride 3: 10.33 is flagged on that line, PyTorch gives 10×10×8, fixes pad 1 / stride 4 / stride 2", () => {
		const src = "input 32x32x3\nconv 8 4x4 stride 3";
		expect(shapes(src)).toEqual(["10×10×8"]);
		const d = diag(src, 2);
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe("warning");
		expect(d[0].message).toContain("(32 − 4)/3 + 1 = 10.33 is not an integer");
		expect(d[0].message).toContain("floor it to 10");
		expect(d[0].message).toContain("the last input row and column");
		expect(d[0].suggestion).toContain("pad 1 → 11×11×8");
		expect(d[0].suggestion).toContain("stride 4 → 8×8×8");
		expect(d[0].suggestion).toContain("stride 2 → 15×15×8");
		const row = analyzeCnn(src).report!.rows[0];
		expect(row.fixes.map((f) => f.line)).toContain("conv 8 4x4 stride 3 pad 1");
		// the model is still usable (PyTorch would accept it), only flagged
		expect(parseCnn(src).model).not.toBeNull();
	});

	it("#2 pad 1: ((32 + 2·1 − 4)/3) + 1 = 11, filter 4×4×3, 392 parameters", () => {
		const src = "input 32x32x3\nconv 8 4x4 stride 3 pad 1";
		const a = analyzeCnn(src);
		const row = a.report!.rows[0];
		expect(shapeText(row.output!)).toBe("11×11×8");
		expect(row.formulas).toEqual(["((32 + 2·1 − 4)/3) + 1 = 11"]);
		expect(row.filter).toBe("4×4×3 × 8");
		expect(row.params).toBe(8 * 4 * 4 * 3 + 8);
		expect(a.parsed.diagnostics).toEqual([]);
		expect(a.parsed.model).toEqual({
			input: [3, 32, 32],
			layers: [{ type: "conv", filters: 8, kernel: [4, 4], stride: [3, 3], pad: [1, 1], dilation: [1, 1], bias: true }],
		});
	});

	it("#3 stride 2: 15×15×8, valid", () => {
		const src = "input 32x32x3\nconv 8 4x4 stride 2";
		expect(shapes(src)).toEqual(["15×15×8"]);
		expect(parseCnn(src).diagnostics).toEqual([]);
	});

	it("#4 conv 16 3x3x1 on 3 channels: an error on that line naming both numbers, with both fixes", () => {
		const src = "input 32x32x3\nconv 16 3x3x1";
		const d = diag(src, 2);
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe("error");
		expect(d[0].message).toContain("the filter depth (1) must equal the input's channels (3)");
		expect(d[0].suggestion).toContain("conv 16 3x3`");
		expect(d[0].suggestion).toContain("conv 16 3x3x3");
		expect(d[0].column).toBe(9);
		expect(parseCnn(src).model).toBeNull();
		expect(parseCnn("input 32x32x3\nconv 16 3x3x3").diagnostics).toEqual([]);
	});

	it("#5 stride 3x2 pad 1 on 32x32x1: vertical 3, horizontal 2 → 11×16×4; without padding the vertical axis is flagged", () => {
		expect(shapes("input 32x32x1\nconv 4 4x4 stride 3x2 pad 1")).toEqual(["11×16×4"]);
		const d = diag("input 32x32x1\nconv 4 4x4 stride 3x2", 2);
		expect(d).toHaveLength(1);
		expect(d[0].message).toContain("vertical (32 − 4)/3 + 1 = 10.33");
		expect(d[0].message).not.toContain("horizontal");
		expect(d[0].message).toContain("the last input row");
		expect(d[0].message).not.toContain("column");
	});

	it("#6 LeNet-5: shapes, 61 706 parameters, receptive field 5, 6, 14, 16", () => {
		const src = "input 32x32x1\nconv 6 5x5\nrelu\nmaxpool 2\nconv 16 5x5\nrelu\nmaxpool 2\nflatten\ndense 120\nrelu\ndense 84\nrelu\ndense 10";
		const a = analyzeCnn(src);
		const rows = a.report!.rows;
		const main = [0, 2, 3, 5, 6, 7, 9, 11].map((i) => shapeText(rows[i].output!));
		expect(main).toEqual(["28×28×6", "14×14×6", "10×10×16", "5×5×16", "400", "120", "84", "10"]);
		expect(rows.reduce((s, r) => s + r.params, 0)).toBe(61706);
		expect([0, 2, 3, 5].map((i) => rows[i].rf!.size[0])).toEqual([5, 6, 14, 16]);
		expect([0, 2, 3, 5].map((i) => rows[i].rf!.jump[0])).toEqual([1, 2, 2, 4]);
		expect(a.parsed.diagnostics).toEqual([]);
		expect(a.parsed.model?.layers).toHaveLength(12);
	});

	it("#7 dilation 2: the 3×3 kernel covers 5×5, 24×24×4", () => {
		const a = analyzeCnn("input 28x28x1\nconv 4 3x3 dilation 2");
		const row = a.report!.rows[0];
		expect(shapeText(row.output!)).toBe("24×24×4");
		expect(row.formulas.join(" ")).toContain("covers 5×5");
		expect(row.rf!.size).toEqual([5, 5]);
	});

	it("#8 maxpool 2 on 7×7: 3×3 (floor, flagged), 4×4 with ceil", () => {
		expect(shapes("input 7x7x1\nmaxpool 2")).toEqual(["3×3×1"]);
		expect(diag("input 7x7x1\nmaxpool 2", 2)[0].message).toContain("floor it to 3");
		expect(diag("input 7x7x1\nmaxpool 2", 2)[0].suggestion).toContain("ceil → 4×4×1");
		expect(shapes("input 7x7x1\nmaxpool 2 ceil")).toEqual(["4×4×1"]);
		expect(parseCnn("input 7x7x1\nmaxpool 2 ceil").diagnostics).toEqual([]);
	});

	it("#9 pad same: pad 1, 32×32×8; with stride 2 Keras's ceil(32/2) = 16 with uneven padding, said", () => {
		const a = analyzeCnn("input 32x32x3\nconv 8 3x3 pad same");
		expect(shapeText(a.report!.rows[0].output!)).toBe("32×32×8");
		expect(a.parsed.model!.layers[0]).toMatchObject({ pad: [1, 1] });
		const b = analyzeCnn("input 32x32x3\nconv 8 3x3 pad same stride 2");
		expect(shapeText(b.report!.rows[0].output!)).toBe("16×16×8");
		const d = b.parsed.diagnostics.find((x) => x.line === 2)!;
		expect(d.message).toContain("⌈32/2⌉ = 16");
		expect(d.message).toContain("Keras");
		expect(d.message).toMatch(/padding 0 on the top\/left and 1 on the bottom\/right/);
		expect(b.parsed.model!.layers[0]).toMatchObject({ pad: [0, 0], padEnd: [1, 1] });
	});

	it("#10 32*32*3 and 32 × 32 × 3 read as 32x32x3", () => {
		const ref = parseCnn("input 32x32x3\nconv 8 3x3").model;
		for (const s of ["input 32*32*3", "input 32 × 32 × 3", "input 32×32×3", "input 32 * 32 * 3", "input 32 x 32 x 3", "Input: 32X32X3"]) {
			expect(parseCnn(`${s}\nconv 8 3x3`).model, s).toEqual(ref);
		}
	});
});

describe("the textbook check beyond the acceptance cases", () => {
	it("when the windows miss only zero padding, it is a note (info), not a warning, and still offers exact settings", () => {
		// 32 + 2·2 − 4 = 32, not a multiple of 3: the last 2 padded rows are never reached, both of them padding
		const d = parseCnn("input 32x32x3\nconv 8 4x4 stride 3 pad 2").diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe("info");
		expect(d[0].message).toContain("no input row or column is lost");
		expect(d[0].suggestion).toContain("pad 1 → 11×11×8");
	});

	it("the unused rows count the real input only: 33 with k4 s3 pad 1 loses 1 row, of which 1 is padding", () => {
		// (33 + 2 − 4) = 31, 31 mod 3 = 1 → the last padded row is unused; it is padding
		expect(parseCnn("input 33x33x1\nconv 1 4x4 stride 3 pad 1").diagnostics[0].severity).toBe("info");
		// (34 − 4) = 30 fits; (35 − 4) = 31 leaves 1 real row and column
		expect(parseCnn("input 34x34x1\nconv 1 4x4 stride 3").diagnostics).toEqual([]);
		expect(parseCnn("input 35x35x1\nconv 1 4x4 stride 3").diagnostics[0].message).toContain("the last input row and column");
		expect(parseCnn("input 36x36x1\nconv 1 4x4 stride 3").diagnostics[0].message).toContain("the last 2 input rows and columns");
	});
});
