// Pasted PyTorch and Keras code with the second lesson's layers (batch norm, grouped / depthwise and transposed
// convs, adaptive and global pooling) reads as the same network: the shapes and parameter counts are checked against
// PyTorch itself where Debian's torch is installed (CI installs it), and against the frameworks' documented rules.
import { execFileSync, spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { toPyTorch, walkShapes } from "../../../src/interop/export";
import { importFramework } from "../../../src/interop/import";
import type { ImportedNetwork } from "../../../src/notation/cnn/types";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

function model(net: ImportedNetwork | null): ModelSpec {
	if (!net?.input) throw new Error("no network or no input");
	return { input: net.input, layers: net.layers.map((l) => l.spec) };
}
const errors = (net: ImportedNetwork | null): string[] => (net?.diagnostics ?? []).filter((d) => d.severity === "error").map((d) => `${d.line}: ${d.message}`);

const TORCH_LAYERS = [
	"nn.Conv2d(3, 16, 3, padding=1)",
	"nn.BatchNorm2d(16, momentum=0.2)",
	"nn.ReLU()",
	"nn.Conv2d(16, 32, 3, padding=1, groups=4)",
	"nn.Conv2d(32, 32, 3, stride=2, padding=1, groups=32)",
	"nn.ConvTranspose2d(32, 8, 3, stride=2, padding=1, output_padding=1)",
	"nn.AdaptiveAvgPool2d((5, 3))",
	"nn.Flatten()",
	"nn.Linear(120, 10)",
	"nn.BatchNorm1d(10, eps=1e-3)",
];
const torchCode = `# input 3x14x14\nmodel = nn.Sequential(\n    ${TORCH_LAYERS.join(",\n    ")},\n)`;

describe("importing the second lesson's layers", () => {
	it("PyTorch: BatchNorm2d/1d, groups, depthwise, ConvTranspose2d and AdaptiveAvgPool2d become those layers", () => {
		const net = importFramework(torchCode);
		expect(errors(net)).toEqual([]);
		const m = model(net);
		expect(m.layers.map((l) => l.type)).toEqual(["conv", "batchnorm", "relu", "conv", "conv", "convtranspose", "adaptiveavgpool", "flatten", "dense", "batchnorm"]);
		expect(m.layers[1]).toEqual({ type: "batchnorm", momentum: 0.2 });
		expect(m.layers[3]).toMatchObject({ type: "conv", groups: 4 });
		expect(m.layers[5]).toMatchObject({ type: "convtranspose", filters: 8, stride: [2, 2], pad: [1, 1], outputPad: [1, 1] });
		expect(m.layers[6]).toEqual({ type: "adaptiveavgpool", size: [5, 3] });
		expect(m.layers[9]).toEqual({ type: "batchnorm", eps: 1e-3 });
		// and the export writes the same network back
		const again = importFramework(`# input 3x14x14\n${toPyTorch(m).split("\n").filter((l) => /^\s+nn\./.test(l)).join("\n").replace(/^/, "model = nn.Sequential(\n")}\n)`);
		expect(model(again).layers).toEqual(m.layers);
	});

	it.skipIf(!torchHere)("PyTorch: every layer's output shape and the parameter count equal what torch computes for the same code", () => {
		const py = [
			"import torch, torch.nn as nn, json",
			`m = nn.Sequential(${TORCH_LAYERS.join(", ")})`,
			"m.eval()",
			"x = torch.zeros(2, 3, 14, 14)",
			"shapes = []",
			"for layer in m:",
			"    x = layer(x)",
			"    shapes.append(list(x.shape[1:]))",
			"print(json.dumps({'shapes': shapes, 'params': sum(p.numel() for p in m.parameters())}))",
		].join("\n");
		const torch = JSON.parse(execFileSync("/usr/bin/python3", ["-c", py], { encoding: "utf8", timeout: 60_000 })) as { shapes: number[][]; params: number };
		const walk = walkShapes(model(importFramework(torchCode)));
		expect(walk.steps.map((s) => (s.out.flat ? [s.out.c] : [s.out.c, s.out.h, s.out.w]))).toEqual(torch.shapes);
		expect(walk.parameters).toBe(torch.params);
	});

	it("PyTorch: groups that do not divide the channels, and a batch norm of the wrong size, are errors on their lines", () => {
		const net = importFramework("# input 3x8x8\nnn.Sequential(\n nn.Conv2d(3, 8, 3, groups=2),\n nn.BatchNorm2d(4))");
		const errs = errors(net);
		expect(errs.some((e) => e.startsWith("3:") && e.includes("groups=2") && e.includes("(3)"))).toBe(true);
		expect(errs.some((e) => e.startsWith("4:") && e.includes("4") && e.includes("8"))).toBe(true);
		expect(net?.diagnostics.find((d) => d.line === 4)?.suggestion).toBe("nn.BatchNorm2d(8)");
	});

	it("Keras: BatchNormalization (momentum 1 − Keras's, epsilon 1e-3), DepthwiseConv2D, Conv2DTranspose and GlobalAveragePooling2D", () => {
		const net = importFramework(
			[
				"model = keras.Sequential([",
				"    layers.Input((16, 16, 3)),",
				"    layers.Conv2D(8, 3, padding='same'),",
				"    layers.BatchNormalization(),",
				"    layers.DepthwiseConv2D(3, padding='same', depth_multiplier=2),",
				"    layers.Conv2DTranspose(4, 4, strides=2, padding='same'),",
				"    layers.Conv2DTranspose(4, 3, strides=2),",
				"    layers.GlobalAveragePooling2D(),",
				"    layers.Dense(10),",
				"])",
			].join("\n"),
		);
		expect(errors(net)).toEqual([]);
		const m = model(net);
		expect(m.layers.map((l) => l.type)).toEqual(["conv", "batchnorm", "depthwise", "convtranspose", "convtranspose", "gap", "dense"]);
		expect(m.layers[1]).toEqual({ type: "batchnorm", momentum: 0.01, eps: 1e-3 });
		expect(m.layers[2]).toMatchObject({ multiplier: 2, pad: [1, 1] });
		// Keras's deconv_output_length: 'same' gives i·s (16 → 32), 'valid' (i − 1)·s + k (32 → 65)
		const walk = walkShapes(m);
		expect(walk.steps.map((s) => `${s.out.h}x${s.out.w}x${s.out.c}`)).toEqual(["16x16x8", "16x16x8", "16x16x16", "32x32x4", "65x65x4", "1x1x4", "1x1x10"]);
		// k − s = 2 is even: no warning about the odd row
		expect(net?.diagnostics.filter((d) => d.severity === "warning")).toEqual([]);
	});

	it("Keras: Conv2DTranspose 'same' with an odd k − s says, once, that the maps sit one pixel apart from Keras's", () => {
		const net = importFramework("keras.Sequential([layers.Input((5, 5, 1)), layers.Conv2DTranspose(2, 3, strides=2, padding='same')])");
		const walk = walkShapes(model(net));
		expect(walk.steps[0].out).toMatchObject({ h: 10, w: 10 });
		const warnings = (net?.diagnostics ?? []).filter((d) => d.severity === "warning");
		expect(warnings).toHaveLength(1);
		expect(warnings[0].message).toContain("one pixel");
	});
});
