import { describe, expect, it } from "vitest";
import { markdownTable } from "../../../src/notation/cnn/markdown-table";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize } from "../../../src/notation/cnn/summary";

const LENET = "input 32x32x1\nconv 6 5x5\nrelu\nmaxpool 2\nconv 16 5x5\nrelu\nmaxpool 2\nflatten\ndense 120\nrelu\ndense 84\nrelu\ndense 10\ntrain digits batch 32";

describe("summary", () => {
	it("an activation written on its layer's line is a row named for it, not a second copy of the line", () => {
		const rows = (src: string) => summarize(analyzeCnn(src)).rows.map((r) => `${r.line} ${r.layer} ${r.output}`);
		expect(rows("input 28x28x1\nconv 8 3x3 relu\nflatten\ndense 10 softmax")).toEqual([
			"2 conv 8 3x3 relu 26×26×8",
			"2 ↳ relu, this line's activation 26×26×8",
			"3 flatten 5408",
			"4 dense 10 softmax 10",
			"4 ↳ softmax, this line's activation 10",
		]);
		expect(rows("model = keras.Sequential([\n  layers.Input((28, 28, 1)),\n  layers.Conv2D(32, 3, activation='relu'),\n])")).toEqual([
			"3 layers.Conv2D(32, 3, activation='relu') 26×26×32",
			"3 ↳ relu, this line's activation 26×26×32",
		]);
		// a relu on a line of its own keeps its text
		expect(rows("input 28x28x1\nconv 8 3x3\nrelu")[1]).toBe("3 relu 26×26×8");
	});
	it("large flat sizes read with grouped digits, like the other counts", () => {
		const s = summarize(analyzeCnn("input 64x64x3\nflatten\ndense 20000"));
		// 64·64·3 = 12 288 values flattened, into 20 000 units
		expect(s.rows.map((r) => r.output)).toEqual(["12 288", "20 000"]);
		expect(s.rows[1].filter).toBe("12 288 × 20 000");
	});
	it("LeNet-5 totals: parameters, multiply-adds, activation and parameter memory", () => {
		const s = summarize(analyzeCnn(LENET));
		expect(s.totals.params).toBe(61706);
		// by hand: each conv output value costs K·K·Cin multiply-adds, each dense output one per input
		expect(s.totals.macs).toBe(28 * 28 * 6 * 25 + 10 * 10 * 16 * 150 + 400 * 120 + 120 * 84 + 84 * 10);
		const acts = 32 * 32 + 2 * 28 * 28 * 6 + 14 * 14 * 6 + 2 * 10 * 10 * 16 + 5 * 5 * 16 + 400 + 2 * 120 + 2 * 84 + 10;
		expect(s.totals.activationsPerSample).toBe(acts);
		expect(s.totals.activationBytesPerSample).toBe(acts * 4);
		expect(s.totals.batch).toBe(32);
		expect(s.totals.batchBytes).toBe(acts * 4 * 2 * 32);
		expect(s.totals.paramBytes).toBe(61706 * 4);
		expect(s.rows.map((r) => r.rf)).toEqual([
			"5 (jump 1)",
			"5 (jump 1)",
			"6 (jump 2)",
			"14 (jump 2)",
			"14 (jump 2)",
			"16 (jump 4)",
			"",
			"",
			"",
			"",
			"",
			"",
		]);
		expect(s.rows[0]).toMatchObject({ line: 2, layer: "conv 6 5x5", output: "28×28×6", filter: "5×5×1 × 6", params: 156, macs: 117600, severity: null });
		expect(s.input).toEqual({ line: 1, text: "input 32x32x1", shape: "32×32×1" });
	});

	it("rows after an impossible layer have no shape and add nothing to the totals", () => {
		const s = summarize(analyzeCnn("input 4x4x1\nconv 2 5x5\nflatten\ndense 3"));
		expect(s.rows.map((r) => r.output)).toEqual(["?", "?", "?"]);
		expect(s.rows[0].severity).toBe("error");
		expect(s.totals.params).toBe(0);
	});
});

describe("markdown table", () => {
	it("has a header, the input row, one row a layer with its formula and the totals", () => {
		const md = markdownTable(summarize(analyzeCnn("input 32x32x3\nconv 8 4x4 stride 3\nrelu")));
		const lines = md.trim().split("\n");
		expect(lines[0]).toBe("| Line | Layer | Output | Formula | Filter | Parameters | Multiply-adds | Receptive field |");
		expect(lines[1]).toBe("| ---: | --- | --- | --- | --- | ---: | ---: | --- |");
		expect(lines[2]).toBe("| 1 | input 32x32x3 | 32×32×3 |  |  |  |  |  |");
		expect(lines[3]).toBe("| 2 | conv 8 4x4 stride 3 | 10×10×8 ⚠ | (32 − 4)/3 + 1: 28/3 = 9.33 → ⌊10.33⌋ = 10; inputs 31, 32, 33 all give 10 here (stride 3 floors them): a transposed conv's outpad chooses between them | 4×4×3 × 8 | 392 | 38 400 | 4 (jump 3) |");
		expect(lines[4]).toBe("| 3 | relu | 10×10×8 |  |  | 0 | 0 | 4 (jump 3) |");
		expect(lines[6]).toMatch(/^\*\*Total\*\*: 392 parameters \(1\.53 KB as float32\) · 38 400 multiply-adds per sample/);
	});

	it("escapes pipes the user typed", () => {
		const md = markdownTable(summarize(analyzeCnn("input 8x8x1 | 2\nrelu # a comment")));
		expect(md).toContain("| 1 | input 8x8x1 \\| 2 | 8×8×1 |");
		expect(md).toContain("| 2 | relu | 8×8×1 |");
	});
});
