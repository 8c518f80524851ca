import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LayerSpec, ModelSpec, Pair } from "../../../src/engine/model-spec";
import { toKeras, toPyTorch, walkShapes } from "../../../src/interop/export";
import { importFramework } from "../../../src/interop/import";
import type { ImportedNetwork } from "../../../src/notation/cnn/types";
import { digitsNet, lenet5, mixedNet } from "../export/models";

function model(net: ImportedNetwork | null): ModelSpec {
	expect(net).not.toBeNull();
	expect(net?.input).not.toBeNull();
	return { input: net?.input ?? [0, 0, 0], layers: (net?.layers ?? []).map((l) => l.spec) };
}

function errors(net: ImportedNetwork | null): string[] {
	return (net?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => `${d.line}: ${d.message}`);
}

const torchLenet = `import torch.nn as nn
# input 1x32x32
model = nn.Sequential(
    nn.Conv2d(1, 6, 5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(in_channels=6, out_channels=16, kernel_size=(5, 5)),
    nn.ReLU(inplace=True),
    nn.MaxPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120),
    nn.ReLU(),
    nn.Linear(120, 84), nn.ReLU(),
    nn.Linear(in_features=84, out_features=10),
)`;

const kerasLenet = `from tensorflow import keras
from tensorflow.keras import layers
model = keras.Sequential([
    layers.Conv2D(6, (5, 5), activation="relu", input_shape=(32, 32, 1)),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Conv2D(filters=16, kernel_size=5, activation='relu'),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(120, activation="relu"),
    layers.Dense(84), layers.Activation("relu"),
    layers.Dense(units=10),
])`;

describe("PyTorch import", () => {
	it("reads LeNet-5 with positional and keyword arguments as the acceptance network", () => {
		const net = importFramework(torchLenet);
		expect(net?.framework).toBe("pytorch");
		expect(errors(net)).toEqual([]);
		expect(model(net)).toEqual(lenet5);
		// Lines of the pasted text: the first conv on line 4, the keyword conv on 7, the last Linear on 14.
		expect(net?.layers[0].line).toBe(4);
		expect(net?.layers[3].line).toBe(7);
		expect(net?.layers[3].text).toBe("nn.Conv2d(in_channels=6, out_channels=16, kernel_size=(5, 5))");
		expect(net?.layers[11].line).toBe(14);
	});

	it("asks for the input when PyTorch code does not give it, on the first layer's line", () => {
		const net = importFramework("model = nn.Sequential(\n  nn.Conv2d(3, 8, 3),\n  nn.ReLU())");
		expect(net?.input).toBeNull();
		const d = net?.diagnostics.find((x) => x.severity === "error");
		expect(d?.line).toBe(2);
		expect(d?.suggestion).toBe("input 28x28x3");
	});

	it("takes the input from a CNN Lab input line or a torch.zeros(N, C, H, W) call", () => {
		expect(importFramework("input 28x28x1\nnn.Sequential(nn.Conv2d(1, 4, 3))")?.input).toEqual([1, 28, 28]);
		expect(importFramework("nn.Sequential(nn.Conv2d(3, 4, 3))\nx = torch.randn(8, 3, 64, 48)")?.input).toEqual([3, 64, 48]);
		// A comment in channels-last order is recognised by the first conv's in_channels.
		expect(importFramework("# input 28x28x3\nnn.Sequential(nn.Conv2d(3, 4, 3))")?.input).toEqual([3, 28, 28]);
	});

	it("reads padding='same', (h, w) kernels, dilation, bias=False, ceil_mode and count_include_pad", () => {
		const net = importFramework(`# input 3x16x16
nn.Sequential(nn.Conv2d(3, 4, kernel_size=(3, 4), padding='same', dilation=1, bias=False),
  nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
  nn.MaxPool2d(2, 1, 0, 1, False, True),
  nn.LeakyReLU(negative_slope=0.2), nn.Dropout(0.3), nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=1))`);
		expect(errors(net)).toEqual([]);
		const layers = model(net).layers;
		// 'same' with a 4-wide kernel: 3 columns of padding, the odd one on the right (as PyTorch does).
		expect(layers[0]).toEqual({ type: "conv", filters: 4, kernel: [3, 4], stride: [1, 1], pad: [1, 1], padEnd: [1, 2], dilation: [1, 1], bias: false });
		expect(layers[1]).toEqual({ type: "avgpool", kernel: [3, 3], stride: [2, 2], pad: [1, 1], ceil: true, countIncludePad: false });
		expect(layers[2]).toEqual({ type: "maxpool", kernel: [2, 2], stride: [1, 1], pad: [0, 0], ceil: true, countIncludePad: true });
		expect(layers.slice(3).map((l) => l.type)).toEqual(["leakyrelu", "dropout", "sigmoid", "tanh", "softmax"]);
		expect(layers[3]).toEqual({ type: "leakyrelu", slope: 0.2 });
	});

	it("flags an in_channels or in_features that does not follow from the layer before, with the fix", () => {
		const net = importFramework(`# input 1x28x28
nn.Sequential(
  nn.Conv2d(1, 8, 3),
  nn.Conv2d(4, 8, 3),
  nn.Flatten(),
  nn.Linear(100, 10))`);
		const errs = net?.diagnostics.filter((d) => d.severity === "error") ?? [];
		expect(errs.map((d) => d.line)).toEqual([4, 6]);
		expect(errs[0].message).toContain("4");
		expect(errs[0].message).toContain("8");
		// 28 → 26 → 24 with 8 channels: 24·24·8 = 4608 features.
		expect(errs[1].suggestion).toBe("nn.Linear(4608, 10)");
	});

	it("warns about layers CNN Lab does not have and keeps the rest", () => {
		const net = importFramework("# input 3x8x8\nnn.Sequential(nn.Conv2d(3, 4, 3),\n nn.LayerNorm(4),\n nn.ReLU())");
		expect(net?.layers.map((l) => l.spec.type)).toEqual(["conv", "relu"]);
		expect(net?.diagnostics.find((d) => d.severity === "warning")?.line).toBe(3);
	});
});

describe("global and adaptive pooling", () => {
	it("reads nn.AdaptiveAvgPool2d((1, 1)) as adaptive pooling and Keras GlobalAveragePooling2D as gap", () => {
		const torch = importFramework("# input 3x16x16\nnn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d((1, 1)), nn.Flatten(), nn.Linear(8, 2))");
		expect(errors(torch)).toEqual([]);
		expect(model(torch).layers[1]).toEqual({ type: "adaptiveavgpool", size: [1, 1] });
		expect(walkShapes(model(torch)).parameters).toBe(8 * 27 + 8 + 8 * 2 + 2);
		const keras = importFramework("keras.Sequential([layers.Conv2D(8, 3, input_shape=(16, 16, 3)), layers.GlobalAveragePooling2D(), layers.Dense(2)])");
		expect(errors(keras)).toEqual([]);
		expect(model(keras).layers.map((l) => l.type)).toEqual(["conv", "gap", "dense"]);
		expect(walkShapes(model(keras)).parameters).toBe(8 * 27 + 8 + 8 * 2 + 2);
	});

	it("refuses an adaptive pool whose sizes do not divide, on its line", () => {
		const net = importFramework("# input 1x10x10\nnn.Sequential(\n nn.AdaptiveMaxPool2d(3))");
		const adaptive = net?.diagnostics.find((d) => d.line === 3 && d.severity === "error");
		expect(adaptive?.message).toContain("10×10");
	});
});

describe("Keras import", () => {
	it("reads LeNet-5 (input_shape, activation=, Activation, default pool size) as the same network as PyTorch's", () => {
		const net = importFramework(kerasLenet);
		expect(net?.framework).toBe("keras");
		expect(errors(net)).toEqual([]);
		expect(model(net)).toEqual(lenet5);
		// activation="relu" adds a relu on the same line as its layer.
		expect(net?.layers[1].line).toBe(4);
		expect(net?.layers[1].spec.type).toBe("relu");
	});

	it("reads keras.Input, model.add and 'same' with a stride as Keras's uneven padding (acceptance 9)", () => {
		const net = importFramework(`model = keras.Sequential()
model.add(keras.Input(shape=(32, 32, 3)))
model.add(layers.Conv2D(8, 3, strides=2, padding="same"))
model.add(layers.MaxPooling2D(3, strides=2, padding="same"))
model.add(layers.Flatten())
model.add(layers.Dense(10, activation="softmax"))`);
		expect(errors(net)).toEqual([]);
		const m = model(net);
		expect(m.input).toEqual([3, 32, 32]);
		// ceil(32/2) = 16 needs (16 − 1)·2 + 3 − 32 = 1 padding row: 0 on top, 1 at the bottom.
		expect(m.layers[0]).toMatchObject({ pad: [0, 0], padEnd: [1, 1], stride: [2, 2] });
		const w = walkShapes(m);
		expect(w.steps.map((s) => [s.out.h, s.out.w, s.out.c]).slice(0, 2)).toEqual([[16, 16, 8], [8, 8, 8]]);
		expect(w.steps[3].in.c).toBe(8 * 8 * 8);
	});

	it("returns null for text that is not framework code (a ```cnn network)", () => {
		expect(importFramework("input 32x32x3\nconv 8 4x4 stride 3\nrelu\nflatten\ndense 10")).toBeNull();
		expect(importFramework("")).toBeNull();
	});
});

// ------------------------------------------------------------------ round trips

const pairArb = (lo: number, hi: number): fc.Arbitrary<Pair> => fc.tuple(fc.integer({ min: lo, max: hi }), fc.integer({ min: lo, max: hi }));

const spatialLayer: fc.Arbitrary<LayerSpec> = fc.oneof(
	fc.record({
		type: fc.constant("conv" as const),
		filters: fc.integer({ min: 1, max: 6 }),
		kernel: pairArb(1, 4),
		stride: pairArb(1, 3),
		pad: pairArb(0, 2),
		dilation: pairArb(1, 2),
		bias: fc.boolean(),
	}),
	fc.record({
		type: fc.constant("conv" as const),
		filters: fc.integer({ min: 1, max: 6 }),
		kernel: pairArb(1, 4),
		stride: pairArb(1, 3),
		pad: pairArb(0, 1),
		padEnd: pairArb(2, 3),
		dilation: pairArb(1, 2),
		bias: fc.boolean(),
	}),
	fc.integer({ min: 1, max: 3 }).chain((k) =>
		fc.record({
			type: fc.constantFrom("maxpool" as const, "avgpool" as const),
			kernel: fc.constant<Pair>([k, k]),
			stride: pairArb(1, 3),
			pad: fc.integer({ min: 0, max: Math.floor(k / 2) }).map((p): Pair => [p, p]),
			ceil: fc.boolean(),
			countIncludePad: fc.boolean(),
		}).map((l) => (l.type === "maxpool" ? { ...l, countIncludePad: true } : l)),
	),
	fc.constantFrom<LayerSpec>({ type: "relu" }, { type: "sigmoid" }, { type: "tanh" }, { type: "leakyrelu", slope: 0.05 }, { type: "dropout", p: 0.125 }),
);

const flatLayer: fc.Arbitrary<LayerSpec> = fc.oneof(
	fc.record({ type: fc.constant("dense" as const), units: fc.integer({ min: 1, max: 20 }), bias: fc.boolean() }),
	fc.constantFrom<LayerSpec>({ type: "relu" }, { type: "softmax" }, { type: "dropout", p: 0.5 }),
);

const modelArb: fc.Arbitrary<ModelSpec> = fc
	.record({
		input: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 6, max: 30 }), fc.integer({ min: 6, max: 30 })),
		spatial: fc.array(spatialLayer, { maxLength: 5 }),
		flat: fc.array(flatLayer, { maxLength: 3 }),
	})
	.map(({ input, spatial, flat }) => ({ input, layers: [...spatial, { type: "flatten" } as LayerSpec, ...flat] }))
	.filter((m) => walkShapes(m).error === null);

function shapesOf(m: ModelSpec): string[] {
	return walkShapes(m).steps.map((s) => `${s.out.h}x${s.out.w}x${s.out.c}:${s.params}`);
}

describe("round trip", () => {
	it("PyTorch export → import gives the same ModelSpec (acceptance nets)", () => {
		for (const m of [lenet5, digitsNet, mixedNet]) {
			const net = importFramework(toPyTorch(m, { source: "input 1x1x1\nconv 1 1x1" }));
			expect(errors(net)).toEqual([]);
			expect(model(net)).toEqual(m);
		}
	});

	it("PyTorch export → import gives the same ModelSpec for random networks", () => {
		fc.assert(
			fc.property(modelArb, (m) => {
				const net = importFramework(toPyTorch(m));
				expect(errors(net)).toEqual([]);
				expect(model(net)).toEqual(m);
			}),
			{ numRuns: 150, seed: 20261125 },
		);
	});

	it("Keras export → import keeps every layer's shape and parameter count", () => {
		for (const m of [lenet5, digitsNet, mixedNet]) {
			const back = model(importFramework(toKeras(m)));
			expect(shapesOf(back)).toEqual(shapesOf(m));
		}
		fc.assert(
			fc.property(
				modelArb.filter((m) => m.layers.every((l) => l.type !== "conv" || (l.dilation[0] === 1 && l.dilation[1] === 1) || (l.stride[0] === 1 && l.stride[1] === 1))),
				(m) => {
					const net = importFramework(toKeras(m));
					expect(errors(net)).toEqual([]);
					expect(shapesOf(model(net))).toEqual(shapesOf(m));
				},
			),
			{ numRuns: 150, seed: 7 },
		);
	});
});

describe("never throws", () => {
	it("on arbitrary strings", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 300 }), (s) => {
				const r = importFramework(s);
				expect(r === null || Array.isArray(r.diagnostics)).toBe(true);
			}),
			{ numRuns: 400, seed: 1 },
		);
	});

	it("on mutations and splices of pasted framework code", () => {
		const sources = [torchLenet, kerasLenet, toPyTorch(mixedNet), toKeras(mixedNet)];
		const junk = ["(", ")", "[", "]", ",", "=", "'", '"""', "#", "-", "*", "/", "0", "-1", "1e9", "NaN", "1e-300", "9007199254740992", "None", "\n", "nn.Conv2d(", "layers.Dense("];
		fc.assert(
			fc.property(fc.constantFrom(...sources), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...junk)), { maxLength: 8 }), (src, edits) => {
				let s = src;
				for (const [at, del, ins] of edits) {
					const i = at % (s.length + 1);
					s = s.slice(0, i) + ins + s.slice(i + del);
				}
				const r = importFramework(s);
				for (const d of r?.diagnostics ?? []) {
					expect(d.line).toBeGreaterThanOrEqual(1);
					expect(d.line).toBeLessThanOrEqual(s.split("\n").length);
				}
			}),
			{ numRuns: 400, seed: 2 },
		);
	});

	it("on absurd numbers and deep nesting", () => {
		for (const v of ["0", "-1", "1e9", "NaN", "1e-300", "9007199254740992", "1e400"]) {
			const r = importFramework(`# input 1x28x28\nnn.Sequential(nn.Conv2d(1, ${v}, ${v}, stride=${v}, padding=${v}), nn.Linear(${v}, ${v}))`);
			expect(r).not.toBeNull();
		}
		const deep = `nn.Sequential(${"(".repeat(100_000)}nn.Conv2d(1, 2, 3)`;
		expect(importFramework(deep)).not.toBeNull();
		const long = `nn.Sequential(\n${"  nn.ReLU(),\n".repeat(20_000)})`;
		expect(importFramework(long)?.layers.length).toBe(20_000);
	});
});
