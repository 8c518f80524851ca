import { describe, expect, it } from "vitest";
import { codeParts } from "../../../src/render/code-spans";

const shown = (s: string): string => codeParts(s).map((p) => (p.code ? `[${p.text}]` : p.text)).join("");

describe("backtick spans in messages", () => {
	it("turns `x` into code and keeps the words around it", () => {
		expect(shown("write `conv 16 3x3` or `conv 16 3x3x3`")).toBe("write [conv 16 3x3] or [conv 16 3x3x3]");
		expect(shown("did you mean `maxpool`?")).toBe("did you mean [maxpool]?");
	});
	it("a fence language named in prose is code with its backticks; an unmatched backtick stays text", () => {
		expect(shown("train a ```cnn block first")).toBe("train a [```cnn] block first");
		expect(shown("a lone ` here")).toBe("a lone ` here");
		expect(shown("no code at all")).toBe("no code at all");
	});
});
