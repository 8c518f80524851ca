import { describe, expect, it } from "vitest";
import { parseSections } from "../../support/browser/markdown";

// The demo page's Markdown reader decides which text each block processor receives; these are the cases the demo
// notes rely on.
const note = [
	"---", // 0
	"tags: [a]", // 1
	"---", // 2
	"# Title", // 3
	"", // 4
	"> [!quote] Highlight", // 5
	"> The ==stride== is `cnn: 32 k4 s3`.", // 6
	">", // 7
	"> ```cnn", // 8
	"> input 32x32x3", // 9
	"> conv 8 4x4 stride 3", // 10
	"> ```", // 11
	"", // 12
	"````cnn-conv", // 13
	"input", // 14
	"  1 2", // 15
	"```", // 16
	"````", // 17
	"- one", // 18
	"- two", // 19
	"| a | b |", // 20
	"|---|---|", // 21
	"| 1 | 2 |", // 22
	"![[cat.png|96]]", // 23
	"text", // 24
	"more text", // 25
];

describe("demo page Markdown sections", () => {
	const s = parseSections(note.join("\n"));
	it("cuts a note into Obsidian-like sections with their line numbers", () => {
		expect(s.map((x) => [x.kind, x.lineStart, x.lineEnd])).toEqual([
			["frontmatter", 0, 2],
			["heading", 3, 3],
			["callout", 5, 11],
			["code", 13, 17],
			["list", 18, 19],
			["table", 20, 22],
			["embed", 23, 23],
			["paragraph", 24, 25],
		]);
	});
	it("reads a callout's type, title and nested code block, without the quote marks", () => {
		const c = s[2];
		expect(c.calloutType).toBe("quote");
		expect(c.calloutTitle).toBe("Highlight");
		const code = c.children?.find((x) => x.kind === "code");
		expect(code).toMatchObject({ lang: "cnn", code: "input 32x32x3\nconv 8 4x4 stride 3", lineStart: 8, lineEnd: 11 });
	});
	it("keeps an inner ``` inside a four-backtick fence", () => {
		expect(s[3]).toMatchObject({ lang: "cnn-conv", code: "input\n  1 2\n```" });
	});
	it("treats an unclosed fence as running to the end", () => {
		const u = parseSections("```cnn\ninput 8x8x1");
		expect(u).toHaveLength(1);
		expect(u[0]).toMatchObject({ kind: "code", code: "input 8x8x1" });
	});
});
