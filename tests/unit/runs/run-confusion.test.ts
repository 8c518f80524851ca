import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { extractLogFence, formatRunNote, parseRunNote } from "../../../src/runs/run-note";
import { splitFrontMatter } from "../../../src/runs/yaml";
import type { ConfusionRecord, RunRecord } from "../../../src/runs/run-record";
import { parseLogBlock, parseLogCsv } from "../../../src/notation/log/log-block";

function record(confusion?: ConfusionRecord | null): RunRecord {
	return {
		runId: "run-1",
		status: "completed",
		date: "2026-11-25T14:12:05.000Z",
		sourcePath: "Notes/CNN.md",
		settings: { model: "input 8x8x1\nflatten\ndense 3\nsoftmax", dataset: "shapes", epochs: 2, batch: 8, optimizer: "sgd", lr: 0.1, weightDecay: 0, seed: 1, val: 0.2, limit: null },
		durationS: 1,
		samplesPerS: 100,
		epochs: [
			{ epoch: 1, loss: 1.1, acc: 0.4, valLoss: 1, valAcc: 0.5 },
			{ epoch: 2, loss: 0.7, acc: 0.7, valLoss: 0.8, valAcc: 0.75 },
		],
		batches: [{ x: 0.5, y: 1.2 }],
		message: null,
		weights: null,
		...(confusion === undefined ? {} : { confusion }),
	};
}

const shapes: ConfusionRecord = {
	classes: ["circle", "square", "triangle"],
	matrix: [
		[7, 1, 0],
		[2, 5, 1],
		[0, 0, 4],
	],
};

/** The Markdown table under the "## Confusion matrix" heading, as rows of trimmed cells. */
function markdownRows(text: string): string[][] {
	const body = splitFrontMatter(text).body;
	const at = body.indexOf("## Confusion matrix");
	expect(at).toBeGreaterThan(body.indexOf("```cnn-log"));
	return body
		.slice(at)
		.split("\n")
		.filter((l) => l.startsWith("|"))
		.map((l) =>
			l
				.slice(1, -1)
				.split(/(?<!\\)\|/)
				.map((c) => c.trim()),
		);
}

describe("confusion matrix in the run note", () => {
	it("is written as a readable table (rows true class, columns predicted) and read back exactly", () => {
		const text = formatRunNote(record(shapes));
		const rows = markdownRows(text);
		// Names longer than 3 letters would widen every column: the columns are numbered, each row says its number.
		expect(rows[0].slice(1)).toEqual(["1", "2", "3"]);
		expect(rows[1].every((c) => /^-+:?$/.test(c))).toBe(true);
		// The square row: 2 taken for circles, 5 right, 1 taken for a triangle.
		expect(rows[3]).toEqual(["**2** square", "2", "5", "1"]);
		expect(parseRunNote(text)?.confusion).toEqual(shapes);
	});

	it("fits a phone's column: short headers for ten long class names, the digits' own names kept", () => {
		const cifar = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];
		const eye = (k: number): number[][] => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 9 : 1)));
		const rows = markdownRows(formatRunNote(record({ classes: cifar, matrix: eye(10) })));
		const [corner, ...heads] = rows[0];
		expect(heads).toHaveLength(10);
		for (const h of heads) expect([...h].length).toBeLessThanOrEqual(3);
		expect([...corner].length).toBeLessThanOrEqual(14);
		expect(rows.slice(2).map((r) => r[0])).toEqual(cifar.map((c, i) => `**${i + 1}** ${c}`));
		const digits = Array.from({ length: 10 }, (_, i) => String(i));
		expect(markdownRows(formatRunNote(record({ classes: digits, matrix: eye(10) })))[0].slice(1)).toEqual(digits);
	});

	it("leaves the charts of the cnn-log block unchanged and reports nothing about the extra section", () => {
		const text = formatRunNote(record(shapes));
		const fence = extractLogFence(splitFrontMatter(text).body) ?? "";
		const csv = parseLogCsv(fence);
		expect(csv.diagnostics).toEqual([]);
		expect(csv.epochs).toHaveLength(2);
		expect(csv.batches).toEqual([{ x: 0.5, y: 1.2 }]);
		const block = parseLogBlock(fence);
		expect(block.kind).toBe("data");
		if (block.kind === "data") expect(block.diagnostics).toEqual([]);
	});

	it("an older note without a matrix reads as before, and a run without one writes no section", () => {
		const old = formatRunNote(record());
		expect(old).not.toContain("confusion");
		expect(old).not.toContain("## Confusion");
		const r = parseRunNote(old);
		expect(r && "confusion" in r).toBe(false);
		expect(r).toEqual(record());
	});

	it("class names with commas, quotes, pipes, a leading # or blanks survive the round trip", () => {
		const odd: ConfusionRecord = { classes: ["a,b", 'say "hi"', "x|y", "#batch", " pad ", ""], matrix: Array.from({ length: 6 }, (_, i) => Array.from({ length: 6 }, (_, j) => i * 6 + j)) };
		const text = formatRunNote(record(odd));
		expect(parseRunNote(text)?.confusion).toEqual(odd);
		// "#batch" as a class must not start a batch section: the loss curve keeps its single point.
		expect(parseRunNote(text)?.batches).toEqual([{ x: 0.5, y: 1.2 }]);
		expect(markdownRows(text)[4][0]).toBe("**3** x\\|y");
	});

	it("a matrix that is not square or holds non-counts is not written; a damaged section reads as absent", () => {
		expect(formatRunNote(record({ classes: ["a", "b"], matrix: [[1, 2]] }))).not.toContain("# confusion");
		expect(formatRunNote(record({ classes: ["a"], matrix: [[0.5]] }))).not.toContain("# confusion");
		const text = formatRunNote(record(shapes)).replace("square,2,5,1", "square,2,x,1");
		expect(parseRunNote(text)?.confusion).toBeUndefined();
		expect(parseRunNote(text)?.epochs).toHaveLength(2);
	});

	it("any square count matrix with any class names round-trips (property)", () => {
		const names = fc.string({ maxLength: 8 }).map((s) => s.replace(/[\r\n]/g, " "));
		const arb = fc.integer({ min: 1, max: 6 }).chain((k) =>
			fc.record({
				classes: fc.uniqueArray(names, { minLength: k, maxLength: k }),
				matrix: fc.array(fc.array(fc.nat(100000), { minLength: k, maxLength: k }), { minLength: k, maxLength: k }),
			}),
		);
		fc.assert(
			fc.property(arb, (c) => {
				expect(parseRunNote(formatRunNote(record(c)))?.confusion).toEqual(c);
			}),
			{ numRuns: 200 },
		);
	});
});
