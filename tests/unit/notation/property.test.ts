import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { markdownTable } from "../../../src/notation/cnn/markdown-table";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize } from "../../../src/notation/cnn/summary";
import { checkInline } from "../../../src/notation/inline/inline";
import { FuzzReport } from "../../support/fuzz-report";

/** The time the huge inputs take is printed after the file, not asserted (a busy machine is not a defect). */
const report = new FuzzReport("cnn notation, huge inputs");
afterAll(() => report.print());

const VALID = [
	"input 32x32x3\nconv 8 4x4 stride 3 pad 1\nrelu\nmaxpool 2\nflatten\ndense 10\nsoftmax",
	"input 32x32x1\nconv 6 5x5\nrelu\nmaxpool 2\nconv 16 5x5\nrelu\nmaxpool 2\nflatten\ndense 120\nrelu\ndense 84\nrelu\ndense 10",
	"input digits\nconv 8 3x3 pad 1\nrelu\nmaxpool 2\nflatten\ndense 10\nsoftmax\ntrain digits epochs 15 batch 32 adam lr 0.01 seed 7\nsample label 3\nshow table, maps",
	"input 28x28x1\nconv 4 3x3 dilation 2 stride 3x2 pad same\nleakyrelu 0.1\navgpool 3 stride 2 pad 1 ceil exclude-pad\nflatten\ndropout 0.25\ndense 10",
	"nn.Sequential(\n  nn.Conv2d(3, 8, 3, padding=1),\n  nn.ReLU(),\n  nn.Flatten(),\n  nn.Linear(8*8*8, 10))\ninput 8x8x3",
];

/** Everything the block does with a source: parse, infer, summarise and print; none of it may throw. */
function check(src: string): void {
	const a = analyzeCnn(src);
	expect(Array.isArray(a.parsed.diagnostics)).toBe(true);
	// either a model to train, or at least one thing said about why not
	expect(a.parsed.model !== null || a.parsed.diagnostics.length > 0).toBe(true);
	if (a.parsed.model) expect(a.parsed.diagnostics.some((d) => d.severity === "error")).toBe(false);
	for (const d of a.parsed.diagnostics) {
		expect(d.line).toBeGreaterThanOrEqual(1);
		expect(d.column).toBeGreaterThanOrEqual(1);
		expect(typeof d.message).toBe("string");
	}
	expect(typeof markdownTable(summarize(a))).toBe("string");
}

const edit = fc.oneof(
	fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), text: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom("x", "×", "*", "=", ":", "#", "\n", "-1", "0", "1e999", "NaN", "99999999", "3x", "x3", "[[", "]]", '"', "same", "ceil", "\u0000", "\ufffd")) }),
	fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 8 }) }),
	fc.record({ kind: fc.constant("dupLine" as const), at: fc.nat() }),
	fc.record({ kind: fc.constant("swapLines" as const), a: fc.nat(), b: fc.nat() }),
);
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function apply(src: string, edits: Edit[]): string {
	let s = src;
	for (const e of edits) {
		if (e.kind === "insert") {
			const i = e.at % (s.length + 1);
			s = s.slice(0, i) + e.text + s.slice(i);
		} else if (e.kind === "delete") {
			const i = e.at % (s.length + 1);
			s = s.slice(0, i) + s.slice(i + e.len);
		} else {
			const lines = s.split("\n");
			if (e.kind === "dupLine") {
				const i = e.at % lines.length;
				lines.splice(i, 0, lines[i]);
			} else {
				const i = e.a % lines.length;
				const j = e.b % lines.length;
				[lines[i], lines[j]] = [lines[j], lines[i]];
			}
			s = lines.join("\n");
		}
	}
	return s;
}

describe("parseCnn never throws", () => {
	it("over arbitrary strings", () => {
		// any UTF-16 code units, lone surrogates and control characters included
		const anyText = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }).map((codes) => String.fromCharCode(...codes));
		fc.assert(fc.property(anyText, (s) => check(s)), { seed: 1, numRuns: 300 });
		fc.assert(fc.property(fc.array(fc.constantFrom("input", "conv", "8", "3x3", "maxpool", "dense", "flatten", "stride", "pad", "same", "\n", " ", "x", "0", "softmax", "train", "relu", "2"), { maxLength: 40 }), (w) => check(w.join(" "))), {
			seed: 2,
			numRuns: 300,
		});
	});

	it("over mutations of valid specs", () => {
		fc.assert(
			fc.property(fc.constantFrom(...VALID), fc.array(edit, { minLength: 1, maxLength: 6 }), (src, edits) => check(apply(src, edits))),
			{ seed: 3, numRuns: 300 },
		);
	});

	it("inline check over arbitrary text", () => {
		fc.assert(
			fc.property(fc.string({ maxLength: 60 }), (s) => {
				const r = checkInline(`cnn: ${s}`);
				expect(typeof r.text).toBe("string");
			}),
			{ seed: 4, numRuns: 300 },
		);
	});

	it("a 100 000-line block, a 5 MB line and binary junk come back with diagnostics", () => {
		const huge = "input 32x32x3\n" + "conv 8 3x3 pad 1\nrelu\n".repeat(50_000);
		const a = report.time("100 000-line block", huge, () => analyzeCnn(huge));
		expect(a.parsed.diagnostics.some((d) => /lines|characters|layers/.test(d.message))).toBe(true);
		expect(a.parsed.model).toBeNull();

		const longLine = "input 8x8x1\nconv " + "9".repeat(5_000_000);
		const long = report.time("5 MB line", longLine, () => analyzeCnn(longLine));
		expect(long.parsed.diagnostics.length).toBeGreaterThan(0);

		const junk = Array.from({ length: 20_000 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join("");
		const j = report.time("20 000 characters of junk", junk, () => analyzeCnn(junk));
		expect(j.parsed.diagnostics.length).toBeGreaterThan(0);
		expect(j.parsed.diagnostics.length).toBeLessThanOrEqual(61);
	});
});
