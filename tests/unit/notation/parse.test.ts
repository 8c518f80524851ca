import { describe, expect, it } from "vitest";
import type { LayerSpec } from "../../../src/engine/model-spec";
import { analyzeCnn, parseCnn } from "../../../src/notation/cnn/parse";

function layers(src: string): LayerSpec[] {
	const p = parseCnn(src);
	expect(p.diagnostics.filter((d) => d.severity === "error"), src).toEqual([]);
	return p.model!.layers;
}

describe("layer words and aliases", () => {
	it("reads every alias of each layer the same way, in any case", () => {
		const conv = layers("input 16x16x3\nconv 4 3x3")[0];
		for (const w of ["conv2d", "Conv2D", "CONV", "convolution", "Convolution2D"]) expect(layers(`input 16x16x3\n${w} 4 3x3`)[0], w).toEqual(conv);
		const pool = layers("input 16x16x3\nmaxpool 2")[0];
		for (const w of ["maxpooling", "max_pool", "MaxPool2d", "MaxPooling2D", "max pool", "max-pool"]) expect(layers(`input 16x16x3\n${w} 2`)[0], w).toEqual(pool);
		const avg = layers("input 16x16x3\navgpool 2")[0];
		expect(avg.type).toBe("avgpool");
		for (const w of ["averagepooling", "AveragePooling2D", "avg_pool", "average pooling", "AvgPool2d"]) expect(layers(`input 16x16x3\n${w} 2`)[0], w).toEqual(avg);
		const dense = layers("input 4x4x1\nflatten\ndense 10")[1];
		expect(dense).toEqual({ type: "dense", units: 10, bias: true });
		for (const w of ["fc", "linear", "Dense", "fully connected", "Fully-Connected"]) expect(layers(`input 4x4x1\nflatten\n${w} 10`)[1], w).toEqual(dense);
		expect(layers("input 4x4x1\nleakyrelu 0.1")[0]).toEqual({ type: "leakyrelu", slope: 0.1 });
		expect(layers("input 4x4x1\nleaky_relu")[0]).toEqual({ type: "leakyrelu", slope: 0.01 });
		expect(layers("input 4x4x1\nLeaky ReLU 0.2")[0]).toEqual({ type: "leakyrelu", slope: 0.2 });
		expect(layers("input 4x4x1\nsigmoid\ntanh\nrelu\nflatten\ndropout 0.25\nsoftmax").map((l) => l.type)).toEqual([
			"sigmoid",
			"tanh",
			"relu",
			"flatten",
			"dropout",
			"softmax",
		]);
		expect(layers("input 4x4x1\ndropout 0.25")[0]).toEqual({ type: "dropout", p: 0.25 });
	});

	it("accepts key value, key=value and key: value, and the compact k/s/p/d forms", () => {
		const want = layers("input 32x32x3\nconv 8 4x4 stride 3 pad 1 dilation 1")[0];
		for (const s of ["conv 8 4x4 stride=3 pad=1", "conv 8 4x4 stride: 3 pad: 1", "conv 8 4 x 4 s3 p1", "conv filters=8 kernel=4 stride=3 padding=1", "conv 8 filters 4x4 stride 3 pad 1"]) {
			expect(layers(`input 32x32x3\n${s}`)[0], s).toEqual(want);
		}
	});

	it("keeps vertical and horizontal apart: stride 3x2, pad 1x0, dilation 2x1, kernel 5x3", () => {
		expect(layers("input 32x32x1\nconv 4 5x3 stride 3x2 pad 1x0 dilation 2x1")[0]).toEqual({
			type: "conv",
			filters: 4,
			kernel: [5, 3],
			stride: [3, 2],
			pad: [1, 0],
			dilation: [2, 1],
			bias: true,
		});
	});

	it("pooling: default stride is the kernel; stride, pad, ceil, exclude-pad", () => {
		expect(layers("input 8x8x1\nmaxpool 2")[0]).toEqual({ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true });
		expect(layers("input 8x8x1\navgpool 3 stride 2 pad 1 ceil exclude-pad")[0]).toEqual({
			type: "avgpool",
			kernel: [3, 3],
			stride: [2, 2],
			pad: [1, 1],
			ceil: true,
			countIncludePad: false,
		});
	});

	it("input from a dataset: digits is 8x8x1, shapes 16 is 16x16x1, and train takes the dataset from it", () => {
		const p = parseCnn("input digits\nconv 8 3x3 pad 1\nrelu\nmaxpool 2\nflatten\ndense 10\nsoftmax\ntrain epochs 15 batch 32 adam lr 0.01 seed 7");
		expect(p.input?.shape).toEqual([1, 8, 8]);
		expect(p.input?.dataset).toBe("digits");
		expect(p.train).toMatchObject({ dataset: "digits", epochs: 15, batch: 32, seed: 7, val: 0.2, line: 8 });
		expect(p.train!.optimizer).toMatchObject({ name: "adam", lr: 0.01 });
		expect(parseCnn("input shapes 16\nrelu").input?.shape).toEqual([1, 16, 16]);
		// the train line may come first
		expect(parseCnn("train epochs 2\ninput digits\nflatten\ndense 10").train?.dataset).toBe("digits");
		expect(parseCnn("input 8x8x1\nflatten\ndense 10\ntrain epochs 2").diagnostics[0]).toMatchObject({ line: 4, severity: "error" });
	});

	it("train, sample and show lines", () => {
		const p = parseCnn(
			"input 8x8x1\nflatten\ndense 10\ntrain digits epochs 3 batch 16 sgd lr 0.1 momentum 0.8 weight-decay 0.0005 seed 1 val 0.1 limit 500 save weights\nsample label 3\nshow table, filters, maps",
		);
		expect(p.train).toEqual({
			line: 4,
			dataset: "digits",
			epochs: 3,
			batch: 16,
			optimizer: { name: "sgd", lr: 0.1, momentum: 0.8, weightDecay: 0.0005, beta1: 0.9, beta2: 0.999, eps: 1e-8 },
			seed: 1,
			val: 0.1,
			limit: 500,
			saveWeights: true,
		});
		expect(p.sample).toEqual({ line: 5, index: null, label: "3" });
		expect(p.show).toEqual({ line: 6, views: ["table", "filters", "maps"] });
		expect(parseCnn("input 8x8x1\nsample 12").sample).toEqual({ line: 2, index: 12, label: null });
		expect(parseCnn("input 8x8x1\ntrain digits momentum lr 0.05").train!.optimizer).toMatchObject({ name: "momentum", lr: 0.05, momentum: 0.9 });
	});

	it("comments anywhere, blank lines and list markers do not count", () => {
		const p = parseCnn("# LeNet-ish\n\ninput 8x8x1   # digits\n- conv 4 3x3 # four filters\n  relu\n");
		expect(p.diagnostics).toEqual([]);
		expect(p.layers.map((l) => [l.line, l.text])).toEqual([
			[4, "conv 4 3x3"],
			[5, "relu"],
		]);
	});
});

describe("diagnostics", () => {
	it("an unknown word: error at its line and column with a did-you-mean", () => {
		const d = parseCnn("input 8x8x1\n  convv 4 3x3").diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ line: 2, column: 3, severity: "error" });
		expect(d[0].suggestion).toContain("conv");
		expect(parseCnn("input 8x8x1\nmaxpol 2").diagnostics[0].suggestion).toContain("maxpool");
		expect(parseCnn("input 8x8x1\nflaten").diagnostics[0].suggestion).toContain("flatten");
		expect(parseCnn("input 8x8x1\nxyzzy").diagnostics[0].suggestion).toContain("layers:");
	});

	it("dense after a spatial layer without flatten is an error suggesting flatten (no implicit flatten)", () => {
		const p = parseCnn("input 8x8x2\nconv 4 3x3\ndense 10");
		const d = p.diagnostics.find((x) => x.line === 3)!;
		expect(d.severity).toBe("error");
		expect(d.message).toContain("6×6×4");
		expect(d.message).toContain("144");
		expect(d.suggestion).toBe("flatten");
		expect(p.model).toBeNull();
	});

	it("a layer after softmax is an error", () => {
		const d = parseCnn("input 8x8x1\nflatten\ndense 10\nsoftmax\ndense 5").diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ line: 5, severity: "error" });
		expect(d[0].message).toContain("softmax");
	});

	it("kernel larger than the padded input: error, with a kernel and a padding that fit", () => {
		const a = analyzeCnn("input 4x4x1\nconv 2 5x5\nrelu");
		const d = a.parsed.diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ line: 2, severity: "error" });
		expect(d[0].message).toContain("0 or less");
		// 4 − 5 + 1 = 0 here; the negative case prints its result with the formula's own minus sign
		expect(analyzeCnn("input 4x4x1\nconv 2 7x7").parsed.diagnostics[0].message).toContain("(4 − 7 + 1 = −2)");
		expect(d[0].suggestion).toContain("conv 2 4x4");
		expect(d[0].suggestion).toContain("conv 2 5x5 pad 1");
		expect(a.report!.rows[1].output).toBeNull();
	});

	it("pooling padding over half the kernel is an error", () => {
		const d = parseCnn("input 8x8x1\nmaxpool 2 pad 2").diagnostics;
		expect(d[0]).toMatchObject({ line: 2, severity: "error" });
		expect(d[0].message).toContain("half");
		expect(d[0].suggestion).toBe("maxpool 2 pad 1");
	});

	it("conv after flatten, a missing input, missing numbers, bad values", () => {
		expect(parseCnn("input 8x8x1\nflatten\nconv 4 3x3").diagnostics[0]).toMatchObject({ line: 3, severity: "error" });
		expect(parseCnn("conv 4 3x3").diagnostics[0]).toMatchObject({ line: 1, severity: "error", suggestion: "input 32x32x3" });
		expect(parseCnn("input 8x8x1\nconv").diagnostics[0]).toMatchObject({ line: 2, severity: "error" });
		expect(parseCnn("input 8x8x1\nconv 4").diagnostics[0]).toMatchObject({ line: 2, severity: "error", suggestion: "conv 4 3x3" });
		expect(parseCnn("input 8x8x1\nflatten\ndense").diagnostics[0]).toMatchObject({ line: 3, severity: "error" });
		expect(parseCnn("input 8x8x1\ndropout 1.5").diagnostics[0]).toMatchObject({ line: 2, column: 9, severity: "error" });
		expect(parseCnn("input 8x8x1\nconv 2.5 3x3").diagnostics[0]).toMatchObject({ line: 2, column: 6, severity: "error" });
		expect(parseCnn("input 0x8x1").diagnostics[0]).toMatchObject({ line: 1, severity: "error" });
		expect(parseCnn("input 8x8x1\nconv 1e400 3x3").model).toBeNull();
		expect(parseCnn("input 8x8x1\nconv 4 3x3 stride 0").diagnostics[0]).toMatchObject({ line: 2, severity: "error" });
	});

	it("an empty block says so, without an error", () => {
		const d = parseCnn("  \n# nothing yet\n").diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0].severity).toBe("info");
	});
});

describe("pasted framework code", () => {
	it("reads a PyTorch nn.Sequential as the same network as the cnn text", () => {
		const torch = [
			"nn.Sequential(",
			"    nn.Conv2d(1, 6, kernel_size=5),",
			"    nn.ReLU(),",
			"    nn.MaxPool2d(2),",
			"    nn.Flatten(),",
			"    nn.Linear(6 * 14 * 14, 10),",
			")",
			"input 32x32x1",
		].join("\n");
		const a = analyzeCnn(torch);
		expect(a.framework).toBe("pytorch");
		const text = parseCnn("input 32x32x1\nconv 6 5x5\nrelu\nmaxpool 2\nflatten\ndense 10");
		expect(a.parsed.model?.layers).toEqual(text.model?.layers);
		expect(a.parsed.model?.input).toEqual([1, 32, 32]);
	});
});

describe("pasted Keras code and channel order", () => {
	it("reads a Keras Sequential with input_shape, and a train line under it", () => {
		const src = [
			"model = keras.Sequential([",
			'    layers.Conv2D(8, (3, 3), activation="relu", input_shape=(32, 32, 3)),',
			"    layers.MaxPooling2D((2, 2)),",
			"    layers.Flatten(),",
			'    layers.Dense(10, activation="softmax"),',
			"])",
			"train digits epochs 2",
		].join("\n");
		const a = analyzeCnn(src);
		expect(a.framework).toBe("keras");
		expect(a.parsed.model).toEqual(parseCnn("input 32x32x3\nconv 8 3x3\nrelu\nmaxpool 2\nflatten\ndense 10\nsoftmax").model);
		expect(a.parsed.input?.text).toBe("input 32x32x3");
		expect(a.parsed.train?.epochs).toBe(2);
	});

	it("warns when the input looks channels-first (3x32x32)", () => {
		const d = parseCnn("input 3x32x32\nconv 8 3x3").diagnostics;
		expect(d[0]).toMatchObject({ line: 1, severity: "warning", suggestion: "input 32x32x3" });
	});
});

describe("an activation on the layer's line", () => {
	it("conv 8 3x3 relu and dense 10 activation softmax add the activation as its own layer", () => {
		expect(parseCnn("input 8x8x1\nconv 8 3x3 pad 1 relu\nflatten\ndense 10 activation softmax").model?.layers.map((l) => l.type)).toEqual([
			"conv",
			"relu",
			"flatten",
			"dense",
			"softmax",
		]);
		expect(parseCnn("input 8x8x1\nflatten\ndense 10 activation linear").model?.layers.map((l) => l.type)).toEqual(["flatten", "dense"]);
	});
});
