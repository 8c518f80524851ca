import { describe, expect, it } from "vitest";
import { analyzeCnn, parseCnn } from "../../../src/notation/cnn/parse";
import { translate } from "../../../src/i18n";

describe("a conv's bias straight before a batch norm", () => {
	it("is an info note, said once at the conv row, with nobias as the fix", () => {
		const src = "input 8x8x1\nconv 8 3x3 pad 1\nbatchnorm\nrelu\nflatten\ndense 10";
		const d = parseCnn(src).diagnostics;
		expect(d).toHaveLength(1);
		expect(d[0]).toMatchObject({ line: 2, severity: "info", suggestion: "nobias" });
		expect(d[0].message).toContain("bias=False");
		const row = analyzeCnn(src).report!.rows.find((r) => r.layer.line === 2)!;
		expect(row.diagnostics.map((x) => x.severity)).toEqual(["info"]);
	});

	it("a ResNet's five convs before batch norms get one note, at the first, naming the other lines", () => {
		const src = "input 8x8x1\nconv 8 3x3 pad 1\nbatchnorm\nrelu\nresidual\n  conv 8 3x3 pad 1\n  batchnorm\n  relu\n  conv 8 3x3 pad 1\n  batchnorm\nend\nrelu\ngap\ndense 10";
		const d = parseCnn(src).diagnostics.filter((x) => x.suggestion === "nobias");
		expect(d).toHaveLength(1);
		expect(d[0].line).toBe(2);
		expect(d[0].message).toContain("lines 6, 9");
	});

	it("is not said for nobias, for a relu in between, or for a dense layer", () => {
		expect(parseCnn("input 8x8x1\nconv 8 3x3 pad 1 nobias\nbatchnorm\nflatten\ndense 10").diagnostics).toEqual([]);
		expect(parseCnn("input 8x8x1\nconv 8 3x3 pad 1\nrelu\nbatchnorm\nflatten\ndense 10").diagnostics).toEqual([]);
		expect(parseCnn("input 8x8x1\nflatten\ndense 16\nbatchnorm\ndense 10").diagnostics).toEqual([]);
	});

	it("has Chinese text too", () => {
		expect(translate("zh", "spec.biasBeforeBatchnorm")).not.toBe(translate("en", "spec.biasBeforeBatchnorm"));
	});
});
