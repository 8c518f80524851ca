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
		// the message says why with the numbers, and does not ask for "a symmetric padding" beside a ceil fix
		expect(d[0].message).toBe("'same' here pads 0 on the top/left and 1 on the bottom/right; PyTorch's pooling pads every side alike, so it cannot build this layer");
		expect(shapeText(analyzeCnn("input 7x7x1\nmaxpool 2 stride 2 ceil").report!.rows[0].output!)).toBe("4×4×1");
	});
});

describe("a pasted framework call's fixes are said in that framework's words", () => {
	const said = (src: string, line: number) => rowOf(src, line).fixes.map((f) => `${f.label} → ${f.shape} | ${f.line}`);

	it("nn.MaxPool2d(2) on 7×7: ceil_mode=True and padding=1, not `ceil` and `pad 1`", () => {
		// (7 − 2)/2 + 1 = 3.5; ceil → 4; (7 + 2 − 2)/2 + 1 = 4.5 → padding 1 loses nothing: 4
		const src = "input 7x7x1\nmodel = nn.Sequential(\n  nn.MaxPool2d(2),\n)";
		expect(said(src, 3).slice(0, 2)).toEqual(["ceil_mode=True → 4×4×1 | nn.MaxPool2d(2, ceil_mode=True)", "padding=1 → 4×4×1 | nn.MaxPool2d(2, padding=1)"]);
		const d = parseCnn(src).diagnostics.find((x) => x.line === 3)!;
		expect(d.suggestion).toContain("ceil_mode=True → 4×4×1");
		expect(d.suggestion).not.toMatch(/\bceil →|\bpad 1\b/);
	});

	it('Keras MaxPooling2D((2, 2)) on 7×7: padding="same" once (ceil and pad are the same to Keras), ⌈7/2⌉ = 4', () => {
		const src = "model = keras.Sequential([\n  layers.Input(shape=(7, 7, 1)),\n  layers.MaxPooling2D((2, 2)),\n])";
		const fixes = said(src, 3);
		expect(fixes[0]).toBe('padding="same" → 4×4×1 | layers.MaxPooling2D((2, 2), padding="same")');
		expect(fixes.filter((f) => f.startsWith('padding="same"'))).toHaveLength(1);
		for (const f of fixes) expect(f).not.toMatch(/^(ceil|pad |stride |kernel )/);
	});

	it("conv fixes too: nn.Conv2d(3, 8, 4, stride=3) on 32 (acceptance case 1) and its Keras Conv2D", () => {
		// (32 + 2 − 4)/3 + 1 = 11, (32 − 4)/4 + 1 = 8, (32 − 4)/2 + 1 = 15
		const torch = said("input 32x32x3\nmodel = nn.Sequential(\n  nn.Conv2d(3, 8, 4, stride=3),\n)", 3);
		expect(torch).toEqual(["padding=1 → 11×11×8 | nn.Conv2d(3, 8, 4, stride=3, padding=1)", "stride=4 → 8×8×8 | nn.Conv2d(3, 8, 4, stride=4)", "stride=2 → 15×15×8 | nn.Conv2d(3, 8, 4, stride=2)"]);
		// Keras pads only 'same': ⌈32/3⌉ = 11
		const keras = said("model = keras.Sequential([\n  layers.Input(shape=(32, 32, 3)),\n  layers.Conv2D(8, (4, 4), strides=(3, 3)),\n])", 3);
		expect(keras).toEqual(['padding="same" → 11×11×8 | layers.Conv2D(8, (4, 4), strides=(3, 3), padding="same")', "strides=(4, 4) → 8×8×8 | layers.Conv2D(8, (4, 4), strides=(4, 4))", "strides=(2, 2) → 15×15×8 | layers.Conv2D(8, (4, 4), strides=(2, 2))"]);
	});

	it("a pasted pool padded more than half its window is offered the call with the largest padding PyTorch takes", () => {
		const d = parseCnn("input 8x8x1\nmodel = nn.Sequential(\n  nn.MaxPool2d(2, padding=2),\n)").diagnostics.find((x) => x.line === 3)!;
		expect(d.suggestion).toBe("nn.MaxPool2d(2, padding=1)");
		expect(parseCnn("input 8x8x1\nmaxpool 2 pad 2").diagnostics[0].suggestion).toBe("maxpool 2 pad 1");
	});

	it("the notation's own rows keep the notation's words", () => {
		expect(said("input 7x7x1\nmaxpool 2", 2)[0]).toBe("ceil → 4×4×1 | maxpool 2 ceil");
	});
});

describe("quotients are shown exactly", () => {
	it("(300 − 2)/299 + 1: 298/299 = 0.997 → ⌊1.997⌋ = 1, never a rounded 2", () => {
		const row = rowOf("input 300x300x1\nconv 1 2x2 stride 299", 2);
		expect(row.formulas[0]).toBe("(300 − 2)/299 + 1: 298/299 = 0.997 → ⌊1.997⌋ = 1");
		// every input from 2 to 300 floors to 1 here, and the note says so
		expect(row.formulas[1]).toContain("inputs 2–300 all give 1");
		expect(row.diagnostics[0].message).toContain("(300 − 2)/299 + 1 = 1.997 is not an integer");
	});

	it("no floor brackets when the division is exact", () => {
		expect(rowOf("input 28x28x1\nconv 1 4x4 stride 4", 2).formulas).toEqual(["(28 − 4)/4 + 1 = 7"]);
	});

	it("ceil mode says so with ceiling brackets", () => {
		expect(rowOf("input 7x7x1\nmaxpool 2 ceil", 2).formulas).toEqual(["(7 − 2)/2 + 1: 5/2 = 2.5 → ⌈3.5⌉ = 4 (ceil)"]);
	});
});

describe("outputs that do not cover the dataset's classes: an error at the last layer's row when the block renders", () => {
	const err = (src: string) => parseCnn(src).diagnostics.filter((d) => d.severity === "error");
	it("dense 4 + train shapes (8 classes): at the dense row, the fix `dense 8`", () => {
		const e = err("input 32x32x1\nconv 4 3x3\nflatten\ndense 4\nsoftmax\ntrain shapes");
		expect(e).toEqual([expect.objectContaining({ line: 4, message: "The network ends with 4 outputs but shapes has 8 classes: it needs one output per class.", suggestion: "dense 8" })]);
		expect(parseCnn("input 32x32x1\nconv 4 3x3\nflatten\ndense 4\ntrain shapes").model).toBeNull();
	});
	it("pasted code gets its fix in its own syntax: nn.Linear(3600, 8), layers.Dense(8, …)", () => {
		const torch = err("model = nn.Sequential(\n  nn.Conv2d(1, 4, 3),\n  nn.Flatten(),\n  nn.Linear(3600, 4),\n)\ninput 32x32x1\ntrain shapes");
		expect(torch.map((d) => [d.line, d.suggestion])).toEqual([[4, "nn.Linear(3600, 8)"]]);
		const keras = err("model = keras.Sequential([\n  layers.Input((32, 32, 1)),\n  layers.Flatten(),\n  layers.Dense(4, activation='softmax'),\n])\ntrain shapes");
		expect(keras.map((d) => [d.line, d.suggestion])).toEqual([[4, "layers.Dense(8, activation='softmax')"]]);
	});
});

describe("more ways students type a line", () => {
	it("`conv16 3x3`, `maxpool2`, `dense10`: read as meant, said once as a warning, no false second problem", () => {
		const src = "input 28x28x1\nconv16 3x3\nmaxpool2\nflatten\ndense10";
		expect(shapes(src)).toEqual(["2:26×26×16", "3:13×13×16", "4:2704", "5:10"]);
		const d = parseCnn(src).diagnostics;
		expect(d.map((x) => [x.line, x.severity, x.message, x.suggestion])).toEqual([
			[2, "warning", "`conv16` is read as `conv 16`: a space goes between the layer and its number", "conv 16 3x3"],
			[3, "warning", "`maxpool2` is read as `maxpool 2`: a space goes between the layer and its number", "maxpool 2"],
			[5, "warning", "`dense10` is read as `dense 10`: a space goes between the layer and its number", "dense 10"],
		]);
		// a warning, not an error: the network still builds and trains
		expect(parseCnn(src).model).not.toBeNull();
	});

	it("a size written as Python's tuple, `(3, 3)` or `(28, 28, 1)`, is a size", () => {
		const a = parseCnn("input (28, 28, 1)\nconv 16 (3,3) stride (2, 2)");
		expect(a.diagnostics.filter((d) => /not understood/.test(d.message))).toEqual([]);
		expect(a.model).toEqual(parseCnn("input 28x28x1\nconv 16 3x3 stride 2").model);
		// full-width parentheses and commas from a Chinese input method too
		expect(parseCnn("input （２８，２８，１）\nconv 16 3x3").model).toEqual(parseCnn("input 28x28x1\nconv 16 3x3").model);
	});

	it("channels first with one channel says '1 channel'", () => {
		expect(parseCnn("input 1x28x28\nconv 8 3x3").diagnostics[0].message).toBe("read as H×W×C: 1×28 pixels with 28 channels; for 1 channel of 28×28 (PyTorch order C×H×W) write H×W×C");
	});
});

describe("the input a floor loses, in words", () => {
	const msg = (src: string) => parseCnn(src).diagnostics[0].message;
	it("one row and column: 'the last input row and column', as the acceptance case says, never 'the last 1 input row'", () => {
		expect(msg("input 32x32x3\nconv 8 4x4 stride 3")).toBe("(32 − 4)/3 + 1 = 10.33 is not an integer; PyTorch and Keras ('valid') floor it to 10 and never use the last input row and column");
		expect(msg("input 29x30x1\nconv 1 3x3 stride 2")).toMatch(/never use the last input column$/);
	});
	it("both axes rounded: 'are not integers', each count with its own noun", () => {
		expect(msg("input 30x31x1\nconv 1 4x3 stride 3")).toBe(
			"vertical (30 − 4)/3 + 1 = 9.67, horizontal (31 − 3)/3 + 1 = 10.33 are not integers; PyTorch and Keras ('valid') floor them to 9 and 10 and never use the last 2 input rows and the last column",
		);
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

function shapes(src: string): string[] {
	return (analyzeCnn(src).report?.rows ?? []).map((r) => `${r.layer.line}:${r.output ? shapeText(r.output) : "?"}`);
}

describe("typos people make", () => {
	it("conv 3x3 16: did you mean `conv 16 3x3`?, and the rows after it keep their shapes", () => {
		const src = "input 28x28x1\nconv 3x3 16\nrelu\nmaxpool 2";
		const d = parseCnn(src).diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ line: 2, column: 6, severity: "error" });
		expect(d[0].suggestion).toBe("did you mean `conv 16 3x3`?");
		expect(shapes(src)).toEqual(["2:26×26×16", "3:26×26×16", "4:13×13×16"]);
		expect(parseCnn(src).model).toBeNull();
	});

	it("pading 1, strid 2, dilatation 2: one did-you-mean each, the value no second problem, shapes as meant", () => {
		for (const [line, word, meant, shape] of [
			["conv 16 3x3 pading 1", "pading", "padding", "28×28×16"],
			["conv 16 3x3 strid 2", "strid", "stride", "13×13×16"],
			["conv 16 3x3 dilatation 2", "dilatation", "dilation", "24×24×16"],
		]) {
			const src = `input 28x28x1\n${line}`;
			const d = parseCnn(src).diagnostics.filter((x) => x.message.includes(word));
			expect(d, line).toHaveLength(1);
			expect(d[0].severity).toBe("error");
			expect(d[0].suggestion).toContain(`did you mean \`${meant}\`?`);
			expect(parseCnn(src).diagnostics.filter((x) => x.message.includes("ignored")), line).toEqual([]);
			expect(shapes(src), line).toEqual([`2:${shape}`]);
		}
	});

	it("a misspelled layer keeps its row and is read as the likely word; what follows keeps its shapes", () => {
		const src = "input 28x28x1\nconv 16 3x3\nmaxpol 2\nflaten\ndense 10";
		expect(shapes(src)).toEqual(["2:26×26×16", "3:13×13×16", "4:2704", "5:10"]);
		const d = parseCnn(src).diagnostics;
		expect(d.map((x) => [x.line, x.severity])).toEqual([
			[3, "error"],
			[4, "error"],
		]);
		expect(d[0].suggestion).toContain("did you mean `maxpool`?");
		expect(analyzeCnn(src).report!.rows[1].layer).toMatchObject({ word: "maxpool", guessedFrom: "maxpol" });
	});

	it("a word like nothing known keeps its row without a shape, and the next row reads the shape before it", () => {
		expect(shapes("input 28x28x1\nconv 8 3x3\nfoobar 3\nrelu")).toEqual(["2:26×26×8", "3:?", "4:26×26×8"]);
	});

	it("numbered and bulleted lists read as layers: 2) conv 8 3x3, 3. relu, - maxpool 2, 4、flatten", () => {
		const src = "input 28x28x1\n2) conv 8 3x3\n3. relu\n- maxpool 2\n4、flatten";
		expect(shapes(src)).toEqual(["2:26×26×8", "3:26×26×8", "4:13×13×8", "5:1352"]);
		expect(parseCnn(src).diagnostics).toEqual([]);
		// the column still points at the word as typed
		expect(parseCnn("input 28x28x1\n2) conv 8 3x3x2").diagnostics[0].column).toBe(11);
	});

	it("a conv line after pasted code continues the network; one inside the code is said, not dropped", () => {
		const code = "model = nn.Sequential(\n  nn.Conv2d(1, 8, 3),\n  nn.ReLU(),\n)\n";
		const after = analyzeCnn(`input 28x28x1\n${code}conv 4 3x3`);
		expect(after.report!.rows.map((r) => (r.output ? shapeText(r.output) : "?"))).toEqual(["26×26×8", "26×26×8", "24×24×4"]);
		const inside = parseCnn("input 28x28x1\nmodel = nn.Sequential(\n  nn.Conv2d(1, 8, 3),\nconv 4 3x3\n  nn.ReLU(),\n)");
		expect(inside.diagnostics.find((d) => d.line === 4)?.message).toContain("inside the pasted PyTorch code");
	});
});

describe("pasted code read right or said clearly", () => {
	it("nn.LeakyReLU(1e400) is an error naming the slope, not a silent 0.01", () => {
		const a = parseCnn("input 8x8x1\nmodel = nn.Sequential(\n  nn.Flatten(),\n  nn.LeakyReLU(1e400),\n  nn.Linear(64, 10),\n)");
		const d = a.diagnostics.find((x) => x.line === 4)!;
		expect(d.severity).toBe("error");
		expect(d.message).toContain("slope");
		expect(a.model).toBeNull();
		// a slope that is written and usable is kept
		const ok = parseCnn("input 8x8x1\nmodel = nn.Sequential(\n  nn.Flatten(),\n  nn.LeakyReLU(0.1),\n  nn.Linear(64, 10),\n)");
		expect(ok.model!.layers).toContainEqual({ type: "leakyrelu", slope: 0.1 });
	});
});

describe("a note that loses no input offers no new stride", () => {
	it("torchvision's AlexNet conv (11×11 stride 4 pad 2 on 224) is info, and its fixes keep stride 4", () => {
		const a = analyzeCnn("input 224x224x3\nconv 64 11x11 stride 4 pad 2");
		const row = a.report?.rows[0];
		expect(a.parsed.diagnostics.map((d) => d.severity)).toEqual(["info"]);
		expect(row?.fixes.length).toBeGreaterThan(0);
		for (const f of row?.fixes ?? []) expect(f.label).not.toMatch(/^stride/);
		expect(row?.fixes[0]?.label).toBe("input 227x227x3");
	});
});
