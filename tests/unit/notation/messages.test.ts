import { describe, expect, it } from "vitest";
import { analyzeCnn, parseCnn } from "../../../src/notation/cnn/parse";
import { shapeText } from "../../../src/notation/cnn/shape";

function rowOf(src: string, line: number) {
	return analyzeCnn(src).report!.rows.find((r) => r.layer.line === line)!;
}

describe("severity: error when PyTorch refuses, warning when input is lost, info when only padding is or windows overlap", () => {
	it("AlexNet's overlapping pools (3 stride 2) are a note at their row, not a warning", () => {
		const src = "input 224x224x3\nconv 96 11x11 stride 4\nrelu\nmaxpool 3 stride 2\nconv 256 5x5 pad 2\nmaxpool 3 stride 2";
		const d = parseCnn(src).diagnostics;
		expect(d.filter((x) => x.line === 4).map((x) => x.severity)).toEqual(["info"]);
		expect(d.filter((x) => x.line === 6).map((x) => x.severity)).toEqual(["info"]);
		// the 11×11 stride 4 on 224 loses a real row and column: that one stays a warning
		expect(d.filter((x) => x.line === 2).map((x) => x.severity)).toEqual(["warning"]);
	});

	it("a pool whose windows do not overlap still warns when it drops input rows (maxpool 2 on 7×7)", () => {
		expect(parseCnn("input 7x7x1\nmaxpool 2").diagnostics.map((d) => d.severity)).toEqual(["warning"]);
	});

	it("6×6 k3 s2 p1 loses only padding: one note, said once", () => {
		const d = parseCnn("input 6x6x1\nconv 1 3x3 stride 2 pad 1").diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe("info");
	});
});

describe("fixes keep the intent of the line", () => {
	it("conv 96 11x11 stride 4 on 224: the classic input 227 first, then pad 2 (no input row lost), at most three", () => {
		const row = rowOf("input 224x224x3\nconv 96 11x11 stride 4", 2);
		// (227 − 11)/4 + 1 = 55 exactly; (224 + 4 − 11)/4 + 1 = 55.25 → 55, the one unused row being padding
		expect(row.fixes.map((f) => `${f.label} → ${f.shape}`).slice(0, 2)).toEqual(["input 227x227x3 → 55×55×96", "pad 2 → 55×55×96"]);
		expect(row.fixes.length).toBeLessThanOrEqual(3);
	});

	it("the input size is only a fix for the layer that reads the input", () => {
		const row = rowOf("input 32x32x3\nconv 8 3x3\nconv 8 4x4 stride 3", 3);
		expect(row.fixes.some((f) => f.label.startsWith("input"))).toBe(false);
	});

	it("pools get ceil before a new stride, and stride 1 (no downsampling) is never first", () => {
		const row = rowOf("input 54x54x96\nmaxpool 3 stride 2", 2);
		expect(row.fixes[0]).toMatchObject({ label: "ceil", shape: "27×27×96" });
		expect(row.fixes.length).toBeLessThanOrEqual(3);
	});

	it("a fix never repeats the failing line: conv 1 3x3 dilation 3 on 5×5", () => {
		const d = parseCnn("input 5x5x1\nconv 1 3x3 dilation 3").diagnostics.find((x) => x.line === 2)!;
		expect(d.severity).toBe("error");
		const offered = d.suggestion!.split(" or ");
		expect(offered).not.toContain("conv 1 3x3 dilation 3");
		// 3·(3 − 1) + 1 = 7 > 5; dilation 2 covers 5: it fits
		expect(offered).toContain("conv 1 3x3 dilation 2");
	});

	it("maxpool 2 stride 2 pad same on 7×7 offers ceil (4×4), what Keras's uneven 'same' gives", () => {
		const d = parseCnn("input 7x7x1\nmaxpool 2 stride 2 pad same").diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe("error");
		expect(d[0].suggestion).toBe("maxpool 2 stride 2 ceil → 4×4×1");
		expect(shapeText(analyzeCnn("input 7x7x1\nmaxpool 2 stride 2 ceil").report!.rows[0].output!)).toBe("4×4×1");
	});
});

describe("quotients are shown exactly", () => {
	it("(300 − 2)/299 + 1: 298/299 = 0.997 → ⌊1.997⌋ = 1, never a rounded 2", () => {
		const row = rowOf("input 300x300x1\nconv 1 2x2 stride 299", 2);
		expect(row.formulas).toEqual(["(300 − 2)/299 + 1: 298/299 = 0.997 → ⌊1.997⌋ = 1"]);
		expect(row.diagnostics[0].message).toContain("(300 − 2)/299 + 1 = 1.997 is not an integer");
	});

	it("no floor brackets when the division is exact", () => {
		expect(rowOf("input 28x28x1\nconv 1 4x4 stride 4", 2).formulas).toEqual(["(28 − 4)/4 + 1 = 7"]);
	});

	it("ceil mode says so with ceiling brackets", () => {
		expect(rowOf("input 7x7x1\nmaxpool 2 ceil", 2).formulas).toEqual(["(7 − 2)/2 + 1: 5/2 = 2.5 → ⌈3.5⌉ = 4 (ceil)"]);
	});
});

describe("Chinese input methods: full-width forms read as ASCII, columns on what was typed", () => {
	it("input ３２ｘ３２ｘ３ and stride：2 read as 32x32x3 and stride 2", () => {
		const a = parseCnn("input ３２ｘ３２ｘ３\nconv 8 3x3 stride：2 pad：1");
		expect(a.model).toEqual(parseCnn("input 32x32x3\nconv 8 3x3 stride 2 pad 1").model);
	});

	it("full-width commas, semicolons and × separate and multiply as their ASCII forms", () => {
		expect(parseCnn("input 32×32×3\nconv 8，3x3；stride 1").model).toEqual(parseCnn("input 32x32x3\nconv 8 3x3 stride 1").model);
	});

	it("a problem's column points at the full-width text the user typed", () => {
		const d = parseCnn("input ３２ｘ３２ｘ３\nconv ８ ４ｘ４ ｓｔｒｉｄｅ ｆｏｕｒ").diagnostics.filter((x) => x.line === 2);
		// one column a character as typed: "ｓｔｒｉｄｅ" is columns 12–17, "ｆｏｕｒ" starts at 19
		expect(d.map((x) => [x.column, x.endColumn])).toEqual([
			[12, 18],
			[19, 23],
		]);
	});
});
