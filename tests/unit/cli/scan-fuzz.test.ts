import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkNote } from "../../../src/cli/check";
import { FuzzReport } from "../../support/fuzz-report";

const report = new FuzzReport("check fuzz summary");
afterAll(() => report.print());

describe("check on any note text", () => {
	it("never throws, and every line it reports lies inside the note", () => {
		const pieces = ["```cnn\n", "```\n", "~~~\n", "> ", "\r", "\u2028", "\u0085", "\v", "３２", "٣", "`cnn: 32 k4 s3`", "input 32x32x3\n", "conv 8 4x4 stride 3\n", "nn.Conv2d(", ")", "\n", "`", "dense 1e9\n", "pad -1\n"];
		fc.assert(
			fc.property(fc.array(fc.oneof(fc.constantFrom(...pieces), fc.string({ maxLength: 12 })), { maxLength: 40 }), (parts) => {
				const text = parts.join("");
				const lines = text.split(/\r?\n/).length;
				for (const r of report.time("note text", text, () => checkNote("n.md", text))) {
					expect(r.line).toBeGreaterThanOrEqual(1);
					expect(r.line).toBeLessThanOrEqual(lines);
					if (r.kind === "cnn") for (const d of r.diagnostics) expect(d.line).toBeLessThanOrEqual(lines);
				}
			}),
			{ numRuns: 300, seed: 11 },
		);
	});

	it("reads a 100 000-line note with 1 000 blocks and 1 000 spans, every one of them (its time is printed, not asserted)", () => {
		const unit = "Some text with `cnn: 32 k4 s3 p1` in it.\n```cnn\ninput 32x32x3\nconv 8 4x4 stride 3 pad 1\nrelu\nmaxpool 2\n```\n" + "filler line\n".repeat(93);
		const text = unit.repeat(1000);
		expect(text.split("\n").length).toBeGreaterThanOrEqual(100_000);
		const t0 = performance.now();
		const reports = checkNote("big.md", text);
		const ms = performance.now() - t0;
		expect(reports.filter((r) => r.kind === "cnn").length).toBe(1000);
		expect(reports.filter((r) => r.kind === "inline").length).toBe(1000);
		// A figure, not a gate: a shared CI machine's timing says nothing about the code (no timed assertions).
		console.log(`checkNote: 100 000 lines, 1 000 blocks and 1 000 spans in ${ms.toFixed(0)} ms`);
	});
});
