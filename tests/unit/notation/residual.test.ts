import { describe, expect, it } from "vitest";
import { setLanguage, translate } from "../../../src/i18n";
import { residualStrings } from "../../../src/i18n/strings-residual";
import { markdownTable } from "../../../src/notation/cnn/markdown-table";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize } from "../../../src/notation/cnn/summary";
import { MINI_RESNET_BLOCK } from "../../support/mini-resnet";


function read(src: string) {
	const a = analyzeCnn(src);
	const s = summarize(a);
	const errors = a.parsed.diagnostics.filter((d) => d.severity === "error");
	return { a, s, errors, rows: s.rows.map((r) => [r.line, r.nest, r.block ?? "", r.layer, r.output]) };
}

/** The rows and the model without line numbers and the `end` lines' own text: what the two forms of a block must share. */
function shapeOnly(src: string) {
	const { a, s } = read(src);
	return { rows: s.rows.map((r) => [r.nest, r.block, r.block === "add" ? "" : r.layer.trim(), r.output, r.params, r.macs, r.rf, r.formulas]), model: a.parsed.model };
}

describe("residual blocks in the cnn notation", () => {
	it("issue 19's example: indented body rows, the shortcut's and the add's rows, and the model's ResidualSpecs", () => {
		const { a, s, errors, rows } = read(MINI_RESNET_BLOCK);
		expect(errors).toEqual([]);
		expect(rows.slice(3, 11)).toEqual([
			[5, 0, "shortcut", "residual", "32×32×16"],
			[6, 1, "", "conv 16 3x3 pad 1", "32×32×16"],
			[7, 1, "", "batchnorm", "32×32×16"],
			[8, 1, "", "relu", "32×32×16"],
			[9, 1, "", "conv 16 3x3 pad 1", "32×32×16"],
			[10, 1, "", "batchnorm", "32×32×16"],
			[11, 0, "add", "end", "32×32×16"],
			[12, 0, "", "relu", "32×32×16"],
		]);
		expect(rows[11]).toEqual([13, 0, "shortcut", "residual project", "16×16×32"]);
		expect(rows[17]).toEqual([19, 0, "add", "end", "16×16×32"]);
		// the identity costs nothing; the projection is a 1×1 conv 16 → 32 without bias (512) and a batch norm (64 + 64)
		expect(s.rows[3]).toMatchObject({ params: 0, macs: 0, formulas: ["shortcut: identity, the block's input 32×32×16 unchanged"] });
		expect(s.rows[11]).toMatchObject({ params: 16 * 32 + 64, nonTrainable: 64, macs: 16 * 16 * 32 * 16 + 16 * 16 * 32, filter: "1×1×16 × 32" });
		expect(s.rows[11].formulas).toEqual(["shortcut: 1×1 conv, stride 2, 32 filters, no bias: ⌊(32 − 1)/2⌋ + 1 = 16", "then batch norm over its 32 channels (the body has one)"]);
		expect(s.rows[17].formulas[0]).toBe("add: 16×16×32 + 16×16×32 = 16×16×32");
		// the receptive field after a block is the body's: 3 (stem) + 2·2 = 7 after the first, 7 + 2 + 2·2 = 13 after the second
		expect(s.rows[9].formulas[1]).toBe("receptive field after the add: 7, the larger of the two branches' (body 7, shortcut 3)");
		expect(s.rows[9].rf).toBe("7 (jump 1)");
		expect(s.rows[17].formulas[1]).toBe("receptive field after the add: 13, the larger of the two branches' (body 13, shortcut 7)");
		expect(s.rows[17].rf).toBe("13 (jump 2)");
		// by hand, as torch's named_parameters counts them (the slow test runs torch itself): stem 3·9·16 + 16 = 448, bn 32;
		// block 1: 2 × (16·9·16 + 16) + 2 × 32 = 4704; block 2: 16·9·32 + 32 + 64 + 32·9·32 + 32 + 64 + 512 + 64 = 14 592; dense 32·10 + 10 = 330
		expect(s.totals.params).toBe(448 + 32 + 4704 + 14592 + 330);
		expect(s.totals.nonTrainable).toBe(32 + 64 + 128 + 64);
		const model = a.parsed.model!;
		expect(model.layers.map((l) => l.type)).toEqual(["conv", "batchnorm", "relu", "residual", "relu", "residual", "relu", "gap", "dense"]);
		expect(model.layers[3]).toEqual({
			type: "residual",
			body: [
				{ type: "conv", filters: 16, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
				{ type: "batchnorm" },
				{ type: "relu" },
				{ type: "conv", filters: 16, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
				{ type: "batchnorm" },
			],
			shortcut: [],
		});
		const second = model.layers[5];
		expect(second.type === "residual" && second.shortcut).toEqual([
			{ type: "conv", filters: 32, kernel: [1, 1], stride: [2, 2], pad: [0, 0], dilation: [1, 1], bias: false },
			{ type: "batchnorm" },
		]);
		// the block is one layer of the model, at its `residual` line
		expect(a.parsed.layers[3]).toMatchObject({ line: 5, text: "residual" });
	});

	it("an indented body without `end`, and an unindented one with `end`, read as the `end` form does", () => {
		const noEnd = MINI_RESNET_BLOCK.replace(/^end\n/gm, "");
		const flat = MINI_RESNET_BLOCK.replace(/^ {2}/gm, "");
		const tabs = MINI_RESNET_BLOCK.replace(/^ {2}/gm, "\t");
		const want = shapeOnly(MINI_RESNET_BLOCK);
		expect(want.model).not.toBeNull();
		for (const src of [noEnd, flat, tabs]) {
			expect(read(src).errors).toEqual([]);
			expect(shapeOnly(src)).toEqual(want);
		}
		// without `end`, the add is at the block's last line and says where it ended
		const { rows } = read(noEnd);
		expect(rows[9]).toEqual([10, 0, "add", "(end of the indented block)", "32×32×16"]);
	});

	it("the add checks the shapes: an error at `end` with both shapes, the layer that changed them, PyTorch's words and the fixes", () => {
		const src = "input 16x16x16\nresidual\n  conv 32 3x3 pad 1\n  relu\nend\ngap\ndense 10";
		const { a, errors } = read(src);
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatchObject({ line: 5, severity: "error" });
		expect(errors[0].message).toBe(
			"the branches differ at the add: the body gives 16×16×32, the shortcut 16×16×16. `conv 32 3x3 pad 1` (line 3) changes the channels 16 → 32. PyTorch would stop here with “The size of tensor a (32) must match the size of tensor b (16) at non-singleton dimension 1”",
		);
		expect(errors[0].suggestion).toBe("residual project or conv 16 3x3 pad 1");
		expect(a.parsed.model).toBeNull();
		// the rows after it keep the body's shape
		expect(summarize(a).rows[4].output).toBe("32");

		const strided = read("input 16x16x16\nresidual\n  conv 32 3x3 stride 2 pad 1\nend");
		expect(strided.errors[0].message).toContain("`conv 32 3x3 stride 2 pad 1` (line 3) changes the channels 16 → 32 and the size 16×16 → 8×8. ");
		expect(strided.errors[0].message).toContain("“The size of tensor a (8) must match the size of tensor b (16) at non-singleton dimension 3”");
		expect(strided.errors[0].suggestion).toBe("residual project or conv 16 3x3 pad 1");

		// a projection matches only a stride: a body that shrinks without one cannot be projected
		const shrinks = read("input 16x16x16\nresidual project\n  conv 16 3x3\nend");
		expect(shrinks.errors[0]).toMatchObject({ line: 4 });
		expect(shrinks.errors[0].message).toContain("no 1×1 conv with a stride turns 16×16×16 into the body's 14×14×16: `conv 16 3x3` (line 3) changes the size 16×16 → 14×14. ");
		expect(shrinks.errors[0].suggestion).toBe("conv 16 3x3 pad same");
		// and the identity's error does not offer a projection that could not match either
		const unpadded = read("input 16x16x16\nresidual\n  conv 16 3x3\nend");
		expect(unpadded.errors[0].suggestion).toBe("conv 16 3x3 pad same");
	});

	it("`residual project` where the shapes agree is a note (the identity would do); a dense body works on vectors", () => {
		const { a, errors } = read("input 8x8x4\nresidual project\n  conv 4 3x3 pad 1\nend");
		expect(errors).toEqual([]);
		expect(a.parsed.diagnostics).toContainEqual(expect.objectContaining({ line: 2, severity: "info", suggestion: "residual" }));
		const vec = read("input 8x8x1\nflatten\nresidual\n  dense 64\n  relu\nend\ndense 10");
		expect(vec.errors).toEqual([]);
		expect(vec.a.parsed.model?.layers[1]).toEqual({ type: "residual", body: [{ type: "dense", units: 64, bias: true }, { type: "relu" }], shortcut: [] });
		const vecProject = read("input 8x8x1\nflatten\nresidual project\n  dense 32\nend");
		expect(vecProject.errors[0].message).toBe("a projection shortcut is a 1×1 conv and needs images, but the body gives the vector 32");
	});

	it("blocks nest one level; a third is an error at its line", () => {
		const nested = `input 8x8x8
residual
  conv 8 3x3 pad 1
  residual
    conv 8 3x3 pad 1
    relu
  end
  relu
end
gap
dense 10`;
		const { a, errors, rows } = read(nested);
		expect(errors).toEqual([]);
		expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
			[2, 0, "shortcut"],
			[3, 1, ""],
			[4, 1, "shortcut"],
			[5, 2, ""],
			[6, 2, ""],
			[7, 1, "add"],
			[8, 1, ""],
			[9, 0, "add"],
			[10, 0, ""],
			[11, 0, ""],
		]);
		const outer = a.parsed.model!.layers[0];
		expect(outer.type === "residual" && outer.body.map((l) => l.type)).toEqual(["conv", "residual", "relu"]);
		// the same nesting by indentation alone
		expect(shapeOnly(nested.replace(/^\s*end\n/gm, ""))).toEqual(shapeOnly(nested));

		const deep = read("input 8x8x8\nresidual\n  residual\n    residual\n      relu\n    end\n  end\nend");
		expect(deep.errors).toEqual([expect.objectContaining({ line: 4, message: "residual blocks nest 1 level deep at most: this one is inside a block inside a block" })]);
		expect(deep.a.parsed.model).toBeNull();
		// its layers, and the rows after it, keep their shapes; the block that cannot be has no shortcut
		expect(deep.s.rows.map((r) => r.output)).toEqual(["8×8×8", "8×8×8", "?", "8×8×8", "8×8×8", "8×8×8", "8×8×8"]);
	});

	it("a block's structure errors name their line: no `end`, a stray `end`, an empty block", () => {
		const unclosed = read("input 8x8x8\nresidual\nconv 8 3x3 pad 1\nrelu");
		expect(unclosed.errors).toEqual([expect.objectContaining({ line: 2, suggestion: "end" })]);
		expect(unclosed.errors[0].message).toBe("the residual block at line 2 has no `end`: its body is not indented, so only `end` says where the add is");

		const stray = read("input 8x8x8\nconv 8 3x3\nend\nrelu");
		expect(stray.errors).toEqual([expect.objectContaining({ line: 3, message: "`end` with no open residual block" })]);
		// the rows around it keep their shapes
		expect(stray.s.rows.map((r) => r.output)).toEqual(["6×6×8", "6×6×8"]);

		const dedented = read("input 8x8x8\nresidual\n  conv 8 3x3 pad 1\nrelu\nend");
		expect(dedented.errors[0]).toMatchObject({ line: 5 });
		expect(dedented.errors[0].message).toContain("the block at line 2 already ended where its indentation did");

		const empty = read("input 8x8x8\nresidual\nend\nrelu");
		expect(empty.errors).toEqual([expect.objectContaining({ line: 2, message: "this residual block has no layers: y = x + x only doubles its input" })]);
		expect(empty.a.parsed.model).toBeNull();
	});

	it("a misspelled `residual` is read as one, with did-you-mean; full-width input reads as ASCII", () => {
		const typo = read(MINI_RESNET_BLOCK.replace("residual project", "residul project"));
		expect(typo.errors).toEqual([expect.objectContaining({ line: 13, message: "`residul` is not a layer or setting" })]);
		expect(typo.errors[0].suggestion).toContain("did you mean `residual`?");
		expect(shapeOnly(MINI_RESNET_BLOCK.replace("residual project", "residul project")).rows.slice(12)).toEqual(shapeOnly(MINI_RESNET_BLOCK).rows.slice(12));
		// a Chinese input method: full-width letters, digits and the ideographic space, indentation included
		const wide = MINI_RESNET_BLOCK.replace("residual project", "ｒｅｓｉｄｕａｌ　ｐｒｏｊｅｃｔ").replace(/^ {2}conv 32 3x3 pad 1/m, "\u3000\u3000ｃｏｎｖ　３２　３ｘ３　ｐａｄ　１").replace(/^end$/m, "ｅｎｄ");
		expect(read(wide).errors).toEqual([]);
		expect(read(wide).a.parsed.model).toEqual(read(MINI_RESNET_BLOCK).a.parsed.model);
	});

	it("a list-marked block, extra words and `res` read sensibly", () => {
		const { errors, a } = read("input 8x8x8\n- res block\n  - conv 8 3x3 pad 1\n- end residual\n- relu");
		expect(errors).toEqual([]);
		expect(a.parsed.model?.layers.map((l) => l.type)).toEqual(["residual", "relu"]);
		const extra = read("input 8x8x8\nresidual twice\n  relu\nend now");
		expect(extra.a.parsed.diagnostics.filter((d) => d.severity === "warning").map((d) => d.line)).toEqual([2, 4]);
	});

	it("the Markdown table indents the block's layers", () => {
		const md = markdownTable(summarize(analyzeCnn(MINI_RESNET_BLOCK)));
		expect(md).toContain("| 5 | residual | 32×32×16 | shortcut: identity, the block's input 32×32×16 unchanged |");
		expect(md).toContain("| 6 | \u00a0\u00a0conv 16 3x3 pad 1 | 32×32×16 |");
		expect(md).toContain("| 11 | end | 32×32×16 | add: 32×32×16 + 32×32×16 = 32×32×16; receptive field after the add: 7,");
	});

	it("every residual string has its Chinese text, and the Chinese table reads", () => {
		for (const [k, v] of Object.entries(residualStrings)) expect(v.zh, k).toBeTruthy();
		expect(translate("zh", "res.add", { body: "8×8×32", shortcut: "8×8×32", out: "8×8×32" })).toBe("相加：8×8×32 + 8×8×32 = 8×8×32");
		setLanguage("zh");
		try {
			const err = read("input 16x16x16\nresidual\n  conv 32 3x3 pad 1\nend").errors[0];
			expect(err.message).toContain("两个分支在相加处形状不同：块体得到 16×16×32，捷径得到 16×16×16。");
			expect(err.message).toContain("The size of tensor a (32) must match the size of tensor b (16)");
		} finally {
			setLanguage("en");
		}
	});
});

describe("residual blocks in pasted PyTorch code", () => {
	it("a Sequential whose items are block classes names each at its line, with the notation's way to write it", () => {
		const src = ["model = nn.Sequential(", "    nn.Conv2d(3, 64, 3, padding=1),", "    BasicBlock(64, 64),", "    SomeBlock(64, 128, stride=2),", "    nn.AdaptiveAvgPool2d(1),", ")"].join("\n");
		const a = analyzeCnn(src);
		const blocks = a.parsed.diagnostics.filter((d) => d.message.includes("residual blocks in pasted PyTorch code are not read"));
		expect(blocks.map((d) => [d.line, d.severity, d.message])).toEqual([
			[3, "error", "`BasicBlock(…)` looks like a residual block class: residual blocks in pasted PyTorch code are not read; write them as `residual … end`"],
			[4, "error", "`SomeBlock(…)` looks like a residual block class: residual blocks in pasted PyTorch code are not read; write them as `residual … end`"],
		]);
		expect(a.parsed.model).toBeNull();
		// torch's own layers in the same Sequential are read as before (only the two classes are named above)
		expect(a.parsed.diagnostics.filter((d) => d.message.includes("Conv2d") || d.message.includes("AdaptiveAvgPool2d"))).toEqual([]);
	});
});

describe("a residual block's totals", () => {
	it("count the projection's output as values held, not the identity's (the block's input, already counted)", () => {
		const plain = summarize(analyzeCnn("input 8x8x4\nconv 4 3x3 pad 1\nconv 4 3x3 pad 1"));
		const identity = summarize(analyzeCnn("input 8x8x4\nresidual\n  conv 4 3x3 pad 1\nend\nconv 4 3x3 pad 1"));
		const projected = summarize(analyzeCnn("input 8x8x4\nresidual project\n  conv 8 3x3 pad 1\nend"));
		// input, the body's conv, the add, the last conv: one 8×8×4 more than the plain stack (the add's sum)
		expect(identity.totals.activationsPerSample).toBe(plain.totals.activationsPerSample + 8 * 8 * 4);
		// input, the projection, the body's conv, the add
		expect(projected.totals.activationsPerSample).toBe(8 * 8 * 4 + 3 * 8 * 8 * 8);
		expect(projected.totals.params).toBe(4 * 9 * 8 + 8 + 4 * 8);
	});
});

describe("residual blocks over generated structure", () => {
	it("any mix of `residual`, `end`, indentation and layers reads without an internal error; a model it gives holds whole blocks", () => {
		let seed = 19;
		const rand = (n: number): number => {
			seed = (seed * 1103515245 + 12345) % 2 ** 31;
			// the high bits: an LCG's low bits repeat with a short period
			return Math.floor((seed / 2 ** 31) * n);
		};
		// every other block from words that keep the shape, so that complete blocks are reached too
		const safe = ["residual", "residual project", "res", "end", "conv 8 3x3 pad 1", "batchnorm", "relu", "ｅｎｄ"];
		const any = [...safe, "conv 16 3x3 stride 2 pad 1", "maxpool 2", "residul", "dense 8", "flatten", "end residual", "residual block"];
		const depth = (specs: { type: string; body?: unknown[] }[], d: number): number =>
			Math.max(d, ...specs.map((s) => (s.type === "residual" ? depth(s.body as { type: string; body?: unknown[] }[], d + 1) : d)));
		let withBlocks = 0;
		for (let n = 0; n < 300; n++) {
			const lines = ["input 8x8x8"];
			const words = n % 2 === 0 ? safe : any;
			for (let i = 0, len = 1 + rand(12); i < len; i++) lines.push(" ".repeat(2 * rand(4)) + words[rand(words.length)]);
			const a = analyzeCnn(lines.join("\n"));
			for (const d of a.parsed.diagnostics) {
				expect(d.message).not.toMatch(/internal/i);
				expect(d.line).toBeGreaterThanOrEqual(1);
				expect(d.line).toBeLessThanOrEqual(lines.length);
			}
			if (a.parsed.model) {
				expect(depth(a.parsed.model.layers, 0)).toBeLessThanOrEqual(2);
				const blocks = (specs: { type: string; body?: unknown[] }[]): boolean => specs.every((s) => s.type !== "residual" || ((s.body?.length ?? 0) > 0 && blocks(s.body as { type: string }[])));
				expect(blocks(a.parsed.model.layers)).toBe(true);
				if (depth(a.parsed.model.layers, 0) > 0) withBlocks++;
			}
		}
		// the generator does reach complete blocks (the checks above are not vacuous)
		expect(withBlocks).toBeGreaterThan(5);
	});
});
