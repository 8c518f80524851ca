import { describe, expect, it } from "vitest";
import { toKeras, toPyTorch } from "../../../src/interop/export";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { digitsNet, lenet5, mixedNet } from "../export/models";

// What a user does: paste framework code into a ```cnn block; the block's parser hands it to the importer.
describe("pasted framework code in a ```cnn block", () => {
	it("exported PyTorch pasted back gives the same network, with no diagnostics", () => {
		for (const m of [lenet5, digitsNet, mixedNet]) {
			const a = analyzeCnn(toPyTorch(m, { source: "input 32x32x1\nconv 6 5x5" }));
			expect(a.framework).toBe("pytorch");
			expect(a.parsed.diagnostics).toEqual([]);
			expect(a.parsed.model).toEqual(m);
		}
	});

	it("exported Keras pasted back gives the same network where Keras can say it exactly", () => {
		for (const m of [lenet5, digitsNet]) {
			const a = analyzeCnn(toKeras(m));
			expect(a.framework).toBe("keras");
			expect(a.parsed.model).toEqual(m);
		}
	});

	it("PyTorch code without an input size takes it from an input line in the block, else says to add one", () => {
		const code = "nn.Sequential(\n  nn.Conv2d(1, 4, 3, padding=1),\n  nn.ReLU(),\n  nn.MaxPool2d(2),\n  nn.Flatten(),\n  nn.Linear(4 * 14 * 14, 10))";
		const ok = analyzeCnn(`input 28x28x1\n${code}`);
		expect(ok.parsed.model?.input).toEqual([1, 28, 28]);
		expect(ok.report?.rows.map((r) => r.output && (r.output.flat ? [r.output.c] : [r.output.h, r.output.w, r.output.c]))).toEqual([
			[28, 28, 4],
			[28, 28, 4],
			[14, 14, 4],
			[784],
			[10],
		]);
		const missing = analyzeCnn(code);
		expect(missing.parsed.model).toBeNull();
		const err = missing.parsed.diagnostics.find((d) => d.severity === "error");
		expect(err?.suggestion).toMatch(/^input /);
	});
});
