import { describe, expect, it } from "vitest";
import { fenceAt } from "../../../src/plugin/code-fence";
import { CONV_TEMPLATE, NETWORK_TEMPLATE, logTemplate, placeBlock } from "../../../src/plugin/templates";

const note = [
	"# Notes", // 0
	"```cnn", // 1
	"input 32x32x3", // 2
	"conv 8 4x4 stride 3", // 3
	"```", // 4
	"between", // 5
	"> [!quote] Highlight", // 6
	"> ```cnn", // 7
	"> input 8x8x1", // 8
	"> conv 4 3x3", // 9
	"> ```", // 10
	"````cnn-conv", // 11
	"kernel sobel-x", // 12
	"```", // 13 (inside a 4-backtick fence: not a close)
	"````", // 14
];

describe("finding the block under the cursor", () => {
	it("finds the block on its fences and body lines, not outside", () => {
		for (const l of [1, 2, 3, 4]) expect(fenceAt(note, l)).toMatchObject({ lang: "cnn", source: "input 32x32x3\nconv 8 4x4 stride 3", openLine: 1, closeLine: 4 });
		expect(fenceAt(note, 0)).toBeNull();
		expect(fenceAt(note, 5)).toBeNull();
	});
	it("reads a block inside a callout without the quote marks", () => {
		expect(fenceAt(note, 9)).toMatchObject({ lang: "cnn", source: "input 8x8x1\nconv 4 3x3", openLine: 7, closeLine: 10 });
	});
	it("closes a fence only with as many backticks", () => {
		expect(fenceAt(note, 13)).toMatchObject({ lang: "cnn-conv", source: "kernel sobel-x\n```", closeLine: 14 });
	});
	it("runs to the end of the note when a fence is never closed", () => {
		expect(fenceAt(["```cnn", "input 8x8x1"], 1)).toMatchObject({ source: "input 8x8x1", closeLine: 2 });
	});
});

describe("templates", () => {
	it("are complete fenced blocks of the right language", () => {
		expect(NETWORK_TEMPLATE.split("\n")[0]).toBe("```cnn");
		expect(CONV_TEMPLATE.split("\n")[0]).toBe("```cnn-conv");
		expect(logTemplate("My runs")).toBe("```cnn-log\nfolder My runs\n```");
		for (const t of [NETWORK_TEMPLATE, CONV_TEMPLATE]) expect(t.trimEnd().endsWith("```")).toBe(true);
	});
	it("start on a line of their own", () => {
		expect(placeBlock("B", "", "")).toBe("B\n");
		expect(placeBlock("B", "some text", "")).toBe("\nB\n");
		expect(placeBlock("B", "", "rest")).toBe("B\n\n");
	});
});
