/**
 * The exported PyTorch scripts run under PyTorch: every shape and parameter check they print holds. In the "slow"
 * project (vitest.config.ts): each Python process imports torch, seconds of CPU before the first line runs.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { toPyTorch } from "../../../src/interop/export";
import { digitsNet, lenet5, mixedNet, mixedParams, modernNet, modernParams } from "./models";
import { hasTorch, runPythonScripts } from "./python-run";

const torchHere = hasTorch();

// One Python process for all scripts (each in its own namespace): importing torch is the slow part.
let out = "";
beforeAll(() => {
	if (!torchHere) return;
	// A batch of 4 through issue 16's net in training mode (batch statistics) and back: every module takes a gradient.
	const step = ["", "model.train()", "x = torch.randn(4, 8, 12, 12)", "y = model(x)", "y.square().mean().backward()", "assert all(p.grad is not None for p in model.parameters())", 'print("train step", tuple(y.shape))'].join("\n");
	const broken = toPyTorch(lenet5).replace("(1, 16, 5, 5)", "(1, 16, 6, 6)");
	out = runPythonScripts({ modern: toPyTorch(modernNet) + step, lenet5: toPyTorch(lenet5), digits: toPyTorch(digitsNet), mixed: toPyTorch(mixedNet), broken });
});

/** What one script printed: the lines after the previous script's "== …" line, up to its own. */
function printed(name: string): string {
	const lines = out.split("\n");
	let start = 0;
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith("== ")) continue;
		if (lines[i].startsWith(`== ${name} `)) return lines.slice(start, i + 1).join("\n");
		start = i + 1;
	}
	return "";
}

describe("PyTorch export, run under PyTorch", () => {
	it.skipIf(!torchHere)("runs issue 16's layers under PyTorch: shapes, trainable count, and a training step in train mode", () => {
		const modern = printed("modern");
		expect(modern).toMatch(/ConvTranspose2d\s+\(1, 8, 12, 12\)/);
		expect(modern).toMatch(/AdaptiveAvgPool2d\s+\(1, 8, 4, 4\)/);
		expect(modern).toContain(`parameters: ${modernParams}`);
		expect(modern).toContain("train step (4, 10)");
		expect(modern).toContain("== modern ok");
	});

	it.skipIf(!torchHere)("runs under PyTorch: every shape and the parameter count assert true, and a wrong shape fails", () => {
		expect(printed("lenet5")).toContain("parameters: 61706");
		expect(printed("lenet5")).toMatch(/MaxPool2d\s+\(1, 16, 5, 5\)/);
		expect(printed("lenet5")).toContain("== lenet5 ok");
		expect(printed("digits")).toContain("parameters: 1370");
		expect(printed("digits")).toContain("== digits ok");
		expect(printed("mixed")).toContain(`parameters: ${mixedParams}`);
		expect(printed("mixed")).toContain("== mixed ok");
		expect(printed("broken")).toMatch(/== broken AssertionError: layer 5: \(1, 16, 5, 5\) != \(1, 16, 6, 6\)/);
	});
});
