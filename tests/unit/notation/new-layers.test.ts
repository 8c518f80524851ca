import { describe, expect, it } from "vitest";
import { setLanguage } from "../../../src/i18n";
import { markdownTable } from "../../../src/notation/cnn/markdown-table";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize, totalsLines } from "../../../src/notation/cnn/summary";

function table(src: string) {
	const a = analyzeCnn(src);
	return { a, s: summarize(a), errors: a.parsed.diagnostics.filter((d) => d.severity === "error") };
}

describe("batch norm and global pooling in the cnn notation", () => {
	it("bn after a conv is BatchNorm2d: 2·C trainable, 2·C running statistics, shape kept", () => {
		const { a, s, errors } = table("input 28x28x1\nconv 16 3x3 pad 1\nbn\nrelu\ngap\ndense 10");
		expect(errors).toEqual([]);
		expect(s.rows[1]).toMatchObject({ line: 3, output: "28×28×16", params: 32, nonTrainable: 32 });
		expect(s.rows[1].formulas[0]).toContain("BatchNorm2d over 16 channels");
		// gap needs no flatten: dense takes its 16 means
		expect(s.rows[3]).toMatchObject({ output: "16", params: 0 });
		expect(s.rows[4]).toMatchObject({ output: "10", filter: "16 × 10", params: 170 });
		// 3·3·16 + 16 = 160, bn 32 (+ 32), dense 170: as Keras's summary counts them
		expect(s.totals.params).toBe(160 + 32 + 170);
		expect(s.totals.nonTrainable).toBe(32);
		expect(totalsLines(s)[0]).toBe("394 parameters: 362 trainable, 32 non-trainable (batch norm's running mean / var) (1.54 KB as float32)");
		expect(markdownTable(s)).toContain("| 32 + 32 non-trainable |");
		expect(a.parsed.model?.layers.map((l) => l.type)).toEqual(["conv", "batchnorm", "relu", "gap", "dense"]);
	});
	it("BatchNorm1d after a dense layer; BatchNorm1d written after a conv is read as 2d with a warning at its line", () => {
		const ok = table("input 8x8x1\nflatten\ndense 32\nBatchNorm1d momentum 0.01 eps 0.001");
		expect(ok.errors).toEqual([]);
		expect(ok.s.rows[2].formulas[0]).toContain("BatchNorm1d over 32 features");
		expect(ok.a.parsed.model?.layers[2]).toEqual({ type: "batchnorm", momentum: 0.01, eps: 0.001 });
		const wrong = table("input 8x8x1\nconv 4 3x3\nBatchNorm1d");
		const w = wrong.a.parsed.diagnostics.find((d) => d.severity === "warning");
		expect(w).toMatchObject({ line: 3, suggestion: "batchnorm2d" });
	});
	it("a bad momentum is an error at its line with a fix", () => {
		const { errors } = table("input 8x8x1\nbn momentum 3");
		expect(errors[0]).toMatchObject({ line: 2, suggestion: "batchnorm momentum 0.1" });
	});
	it("adaptiveavgpool 4x4 writes PyTorch's bins with the user's numbers", () => {
		const { s, errors } = table("input 7x7x3\nadaptiveavgpool 4x4\nadaptiveavgpool 2");
		expect(errors).toEqual([]);
		expect(s.rows[0].output).toBe("4×4×3");
		// start ⌊i·7/4⌋, end ⌈(i+1)·7/4⌉ for i = 0..3: 0–2, 1–4, 3–6, 5–7
		expect(s.rows[0].formulas[0]).toBe("4 bins over 7: start ⌊i·7/4⌋, end ⌈(i + 1)·7/4⌉: [0, 2) [1, 4) [3, 6) [5, 7)");
		expect(s.rows[1].formulas[0]).toContain("the same as avgpool 2 here (4/2 = 2)");
	});
	it("gap after flatten is an error at its line", () => {
		const { errors } = table("input 8x8x1\nflatten\ngap");
		expect(errors[0]).toMatchObject({ line: 3 });
	});
});

describe("grouped, depthwise and transposed convolutions", () => {
	it("conv 32 3x3 groups 4: filter 3×3×(C/g) × F, a quarter of the parameters of the plain conv", () => {
		const { s, a, errors } = table("input 10x10x16\nconv 32 3x3 groups 4");
		expect(errors).toEqual([]);
		expect(s.rows[0]).toMatchObject({ output: "8×8×32", filter: "3×3×4 × 32", params: 3 * 3 * 4 * 32 + 32, macs: 8 * 8 * 32 * 36 });
		expect(s.rows[0].formulas).toContain("4 groups: filters 1–8 see channels 1–4, and so on (4 channels each)");
		expect(s.rows[0].formulas.join(" ")).toContain("a plain conv here: 4640 parameters, 294 912 multiply-adds; this one: 1184 and 73 728 (4× fewer)");
		expect(a.parsed.model?.layers[0]).toMatchObject({ type: "conv", groups: 4 });
	});
	it("channels that do not divide by groups: an error at the line with the nearest groups as the fix", () => {
		const { errors } = table("input 8x8x8\nrelu\nconv 32 3x3 groups 3");
		expect(errors[0]).toMatchObject({ line: 3, suggestion: "conv 32 3x3 groups 2" });
		expect(errors[0].message).toContain("groups 3 must divide both the input channels (8) and the filters (32)");
	});
	it("depthwise 3x3 multiplier 2: C·2 outputs, one group per channel", () => {
		const { s, a, errors } = table("input 12x12x32\ndepthwise 3x3 multiplier 2 pad 1");
		expect(errors).toEqual([]);
		expect(s.rows[0]).toMatchObject({ output: "12×12×64", filter: "3×3×1 × 64", params: 9 * 64 + 64 });
		expect(a.parsed.model?.layers[0]).toEqual({ type: "depthwise", multiplier: 2, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true });
	});
	it("convtranspose 16 3x3 stride 2 pad 1 outpad 1 on 3×3: the formula in the user's numbers and the conv it undoes", () => {
		const { s, a, errors } = table("input 3x3x8\nconvtranspose 16 3x3 stride 2 pad 1 outpad 1\ndeconv 4 3x3\nConv2DTranspose 4 2x2 s2");
		expect(errors).toEqual([]);
		expect(s.rows.map((r) => r.output)).toEqual(["6×6×16", "8×8×4", "16×16×4"]);
		expect(s.rows[0].formulas).toEqual([
			"(3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6",
			"it undoes a conv: 6×6 k3 s2 p1 → 3×3; transposed with outpad 1 → 6×6",
			"that conv maps 5, 6 to 3: outpad 0–1 picks which",
		]);
		// weight [8, 16, 3, 3] and 16 biases
		expect(s.rows[0].params).toBe(8 * 16 * 9 + 16);
		expect(a.parsed.model?.layers[0]).toMatchObject({ type: "convtranspose", outputPad: [1, 1] });
	});
	it("outpad not below the stride or the dilation is PyTorch's error, at the line, with the fix", () => {
		const { errors } = table("input 3x3x8\nconvtranspose 16 3x3 stride 2 outpad 2");
		expect(errors[0]).toMatchObject({ line: 2, suggestion: "convtranspose 16 3x3 stride 2 outpad 1" });
	});
	it("the strided-conv note names the input sizes that give the same output", () => {
		const { s } = table("input 6x6x1\nconv 4 3x3 stride 2 pad 1");
		expect(s.rows[0].output).toBe("3×3×4");
		expect(s.rows[0].formulas).toContain("inputs 5, 6 all give 3 here (stride 2 floors them): a transposed conv's outpad chooses between them");
		// 5×5 is the first size giving 3: nothing to say
		expect(table("input 5x5x1\nconv 4 3x3 stride 2 pad 1").s.rows[0].formulas.join(" ")).not.toContain("all give");
	});
	it("Chinese strings for the new rows", () => {
		setLanguage("zh");
		try {
			const { s } = table("input 3x3x8\nconvtranspose 16 3x3 stride 2 pad 1 outpad 1\nbn");
			expect(s.rows[0].formulas[1]).toBe("它是某个卷积的逆向：6×6 k3 s2 p1 → 3×3；转置，outpad 1 → 6×6");
			expect(s.rows[1].formulas[0]).toContain("BatchNorm2d，16 个通道");
		} finally {
			setLanguage("en");
		}
	});
});

describe("the notation's arithmetic is the engine's", () => {
	it("transposed sizes, adaptive bins and grouped parameter counts agree with src/engine/shapes.ts", async () => {
		const engine = await import("../../../src/engine/shapes");
		const { adaptiveBin, convParams, transposedOut } = await import("../../../src/notation/cnn/formula");
		for (let i = 1; i <= 9; i++)
			for (const k of [1, 2, 3, 5])
				for (const s of [1, 2, 3])
					for (const p of [0, 1, 2])
						for (const d of [1, 2]) for (let op = 0; op < Math.max(s, d); op++) expect(transposedOut(i, k, s, p, op, d)).toBe(engine.convTransposeOutSize(i, k, s, p, op, d));
		for (let n = 1; n <= 12; n++) for (let o = 1; o <= 12; o++) for (let i = 0; i < o; i++) expect(adaptiveBin(i, n, o)).toEqual([engine.binStart(i, n, o), engine.binEnd(i, n, o)]);
		expect(convParams(16, 32, [3, 3], 4, true)).toBe(engine.convParamCount(16, 32, [3, 3], 4, true));
	});
});

describe("export of the new layers", () => {
	const SRC = "input 12x12x8\nconv 16 3x3 groups 4 pad 1\nbn\nrelu\ndepthwise 3x3 multiplier 2 stride 2 pad 1\nconvtranspose 8 3x3 stride 2 pad 1 outpad 1\nadaptiveavgpool 4x4\ngap\nBatchNorm1d\ndense 10";
	it("PyTorch: groups=, Conv2d(groups=C) for depthwise, ConvTranspose2d with output_padding, AdaptiveAvgPool2d, BatchNorm1d/2d, and the table's trainable count", async () => {
		const { toPyTorch } = await import("../../../src/interop/export/pytorch");
		const { s, a } = table(SRC);
		const py = toPyTorch(a.parsed.model!);
		for (const line of [
			"nn.Conv2d(8, 16, kernel_size=3, padding=1, groups=4),  # 12×12×16",
			"nn.BatchNorm2d(16),",
			"nn.Conv2d(16, 32, kernel_size=3, stride=2, padding=1, groups=16),  # 6×6×32",
			"nn.ConvTranspose2d(32, 8, kernel_size=3, stride=2, padding=1, output_padding=1),  # 12×12×8",
			"nn.AdaptiveAvgPool2d(4),  # 4×4×8",
			"nn.AdaptiveAvgPool2d(1),",
			"nn.BatchNorm1d(8),",
			"nn.Linear(8, 10),",
		])
			expect(py).toContain(line);
		// PyTorch's parameters() leaves out the running statistics, as the table's trainable count does
		expect(py).toContain(`assert parameters == ${s.totals.params}, parameters`);
	});
	it("Keras: DepthwiseConv2D, Conv2DTranspose then Cropping2D for PyTorch's padding, GlobalAveragePooling2D, count_params with the moving statistics", async () => {
		const { toKeras } = await import("../../../src/interop/export/keras");
		const { s, a } = table(SRC);
		const k = toKeras(a.parsed.model!);
		expect(k).toContain('layers.Conv2D(16, (3, 3), padding="same", groups=4)');
		expect(k).toContain('layers.DepthwiseConv2D((3, 3), strides=(2, 2), padding="valid", depth_multiplier=2)');
		// (6 − 1)·2 + 3 + 1 = 14 before the crop of 1 on each side gives PyTorch's 12
		expect(k).toContain('layers.Conv2DTranspose(8, (3, 3), strides=(2, 2), padding="valid", output_padding=(1, 1)),  # 14×14×8');
		expect(k).toContain("layers.Cropping2D(((1, 1), (1, 1))),  # 12×12×8");
		expect(k).toContain("layers.AveragePooling2D((3, 3), strides=(3, 3))");
		expect(k).toContain("layers.GlobalAveragePooling2D()");
		expect(k).toContain("layers.BatchNormalization(momentum=0.9, epsilon=0.00001)");
		expect(k).toContain(`assert model.count_params() == ${s.totals.params + s.totals.nonTrainable}`);
	});
});
