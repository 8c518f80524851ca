import { describe, expect, it } from "vitest";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { setLanguage } from "../../../src/i18n";

const block = (train: string): ReturnType<typeof parseCnn> => parseCnn(`input digits\nconv 8 3x3\nrelu\nflatten\ndense 10\n${train}`);
const on = (train: string, severity: string) => block(train).diagnostics.filter((d) => d.severity === severity);

describe("train line: schedules and early stopping", () => {
	it("reads schedule step 5 0.5, cosine, onecycle max 0.01, warmup 2 and patience 3", () => {
		expect(block("train epochs 20 schedule step 5 0.5").train?.schedule).toEqual({ kind: "step", stepSize: 5, gamma: 0.5, warmup: 0 });
		expect(block("train epochs 20 cosine warmup 2").train?.schedule).toEqual({ kind: "cosine", warmup: 2 });
		expect(block("train warmup 2 schedule cosine").train?.schedule).toEqual({ kind: "cosine", warmup: 2 });
		expect(block("train onecycle max 0.01").train?.schedule).toEqual({ kind: "onecycle", maxLr: 0.01, warmup: 0 });
		expect(block("train epochs 20 patience 3").train?.patience).toBe(3);
		expect(block("train step 3").train?.schedule).toEqual({ kind: "step", stepSize: 3, gamma: 0.1, warmup: 0 });
		const plain = block("train epochs 5");
		expect(plain.train?.schedule ?? null).toBeNull();
		expect(plain.train?.patience ?? null).toBeNull();
		expect(block("train epochs 20 schedule step 5 0.5 patience 3").diagnostics).toEqual([]);
	});

	it("says at the line and word what is missing or wrong, with the fix", () => {
		setLanguage("en");
		const [noMax] = on("train onecycle", "error");
		expect(noMax).toMatchObject({ line: 6, suggestion: "onecycle max 0.01" });
		expect(noMax.message).toContain("max_lr");
		const [noKind] = on("train schedule linear", "error");
		expect(noKind).toMatchObject({ line: 6, column: 7, suggestion: "schedule step 5 0.5" });
		const [badGamma] = on("train schedule step 5 2", "error");
		expect(badGamma.message).toContain("gamma");
		expect(on("train epochs 5 patience 0", "error")[0].message).toContain("patience");
	});

	it("warns where a word cannot do what it says", () => {
		setLanguage("en");
		expect(on("train epochs 20 val 0 patience 3", "warning")[0].message).toContain("val 0");
		expect(on("train epochs 10 onecycle max 0.01 warmup 2", "warning")[0].message).toContain("warmup 2");
		expect(on("train epochs 2 cosine warmup 2", "warning")[0].message).toContain("never starts");
		expect(on("train cosine onecycle max 0.1", "warning")[0].message).toContain("onecycle");
	});

	it("words its messages in Chinese too", () => {
		setLanguage("zh");
		const [noMax] = on("train onecycle", "error");
		expect(noMax.message).toContain("峰值学习率");
		setLanguage("en");
	});
});
