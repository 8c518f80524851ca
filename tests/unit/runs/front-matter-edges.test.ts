/** The run-note front-matter reader on what editors and hand edits leave: a BOM, no closing `---`, extra properties. */
import { describe, expect, it } from "vitest";
import { splitFrontMatter } from "../../../src/runs/yaml";
import { runPropertyProblem } from "../../../src/runs/run-properties";

const NOTE = "---\ncreated_by: cnn-lab\nstatus: completed\nlr: 0.01\n---\n\n# Run\n\n```cnn\ndense 10\n```\n";

describe("front matter as editors leave it", () => {
	it("reads past a byte-order mark, with LF or CRLF", () => {
		for (const text of [`\uFEFF${NOTE}`, `\uFEFF${NOTE}`.replace(/\n/g, "\r\n")]) {
			const { fm, body } = splitFrontMatter(text);
			expect(fm).toEqual({ created_by: "cnn-lab", status: "completed", lr: 0.01 });
			expect(body.startsWith("\n# Run")).toBe(true);
		}
	});

	it("without the closing ---, ends the properties at the first line that is not one", () => {
		const { fm, body } = splitFrontMatter(NOTE.replace("\n---\n\n", "\n\n"));
		expect(fm).toEqual({ created_by: "cnn-lab", status: "completed", lr: 0.01 });
		expect(body).toBe("# Run\n\n```cnn\ndense 10\n```\n");
		// A later `---` (a rule in the body) does not swallow the title and the model into the properties.
		const ruled = splitFrontMatter(`${NOTE.replace("\n---\n\n", "\n\n")}\n---\nmore\n`);
		expect(ruled.fm).toEqual({ created_by: "cnn-lab", status: "completed", lr: 0.01 });
		expect(ruled.body).toContain("```cnn\ndense 10\n```");
	});

	it("keeps closed front matter with properties Obsidian allows (spaces in the name, comments)", () => {
		const { fm } = splitFrontMatter("---\ncreated_by: cnn-lab\nmy notes: good run\n# a comment\nlr: 0.1\n---\nbody\n");
		expect(fm?.lr).toBe(0.1);
		expect(fm?.created_by).toBe("cnn-lab");
	});

	it("names the property that is not what it says: a number as date, a word as a rate", () => {
		expect(runPropertyProblem({ date: 42 })).toEqual({ key: "date", value: "42" });
		expect(runPropertyProblem({ date: "yesterday" })).toEqual({ key: "date", value: '"yesterday"' });
		expect(runPropertyProblem({ lr: "fast" })).toEqual({ key: "lr", value: '"fast"' });
		expect(runPropertyProblem({ seed: true })).toEqual({ key: "seed", value: "true" });
		expect(runPropertyProblem({ date: "2026-11-25T14:12:00", lr: 0.01, seed: null, val_acc: Number.NaN, limit: "500", duration_s: "" })).toBeNull();
		expect(runPropertyProblem({ date: "2026-11-25T14:12:00.000Z" })).toBeNull();
	});
});
