import { describe, expect, it } from "vitest";
import { matchesFilters, parseLogBlock, type LogBlockSpec } from "../../../src/notation/log/log-block";
import { FILTER_KEYS } from "../../../src/notation/log/where";
import { formatRunNote } from "../../../src/runs/run-note";
import type { RunRecord } from "../../../src/runs/run-record";
import { splitFrontMatter } from "../../../src/runs/yaml";

function data(src: string): Extract<LogBlockSpec, { kind: "data" }> {
	const s = parseLogBlock(src);
	if (s.kind !== "data") throw new Error(`not data: ${s.kind}`);
	return s;
}
const said = (s: LogBlockSpec): [number, string, string][] => s.diagnostics.map((d) => [d.line, d.severity, d.message]);

describe("cnn-log: numbers as scripts print them", () => {
	it("reads inf and -inf cells as PyTorch prints them, as it reads Infinity", () => {
		const s = data("epoch,loss,val_loss\n1,inf,-inf\n2,Infinity,-Infinity\n3,+inf,0.5");
		expect(s.diagnostics).toEqual([]);
		expect(s.series.epochs.map((e) => [e.loss, e.valLoss])).toEqual([[Infinity, -Infinity], [Infinity, -Infinity], [Infinity, 0.5]]);
	});

	it("reads inf in a Keras history dict and in printed fit() output", () => {
		expect(data("{'loss': [inf, 0.5], 'val_loss': [-inf, 0.4]}").series.epochs.map((e) => [e.loss, e.valLoss])).toEqual([[Infinity, -Infinity], [0.5, 0.4]]);
		expect(data("Epoch 1/1\n1/1 - 0s - loss: inf - val_loss: -inf").series.epochs[0]).toMatchObject({ loss: Infinity, valLoss: -Infinity });
	});

	it("refuses full-width and other Unicode digits on their line instead of reading them as 0", () => {
		const s = data("epoch,loss\n1,０.５\n2,٠.٤\n3,0.3");
		expect(s.series.epochs.map((e) => e.loss)).toEqual([0.3]);
		expect(s.diagnostics.map((d) => [d.line, d.severity])).toEqual([[2, "error"], [3, "error"]]);
	});

	it("reads a CR-only pasted CSV", () => {
		expect(data("epoch,loss\r1,0.5\r2,0.4").series.epochs.map((e) => e.loss)).toEqual([0.5, 0.4]);
	});
});

describe("cnn-log: accuracies decided per column", () => {
	it("one accuracy of 60 among fractions is left out and said; the others are kept as written", () => {
		const s = data("epoch,loss,acc,val_acc\n1,0.9,0.5,0.40\n2,0.7,60,0.55\n3,0.5,0.7,0.61");
		expect(s.series.epochs.map((e) => e.acc)).toEqual([0.5, null, 0.7]);
		expect(s.series.epochs.map((e) => e.valAcc)).toEqual([0.4, 0.55, 0.61]);
		expect(said(s)).toEqual([[3, "warning", "acc 60 is above 1 while the other accuracies are fractions; this value is left out, the others are kept as written."]]);
	});

	it("a percentage column is divided and said, a fraction column beside it is not touched", () => {
		const s = data("epoch,loss,acc,val_acc\n1,0.9,50,0.40\n2,0.7,60,0.55");
		expect(s.series.epochs.map((e) => e.acc)).toEqual([0.5, 0.6]);
		expect(s.series.epochs.map((e) => e.valAcc)).toEqual([0.4, 0.55]);
		expect(said(s)).toEqual([[2, "info", "acc is read as percentages (95.3 → 0.953)."]]);
	});

	it("a value above 100 in a percentage column is not an accuracy", () => {
		const s = data("epoch,loss,acc\n1,0.9,50\n2,0.7,250");
		expect(s.series.epochs.map((e) => e.acc)).toEqual([0.5, null]);
		expect(s.diagnostics.map((d) => [d.line, d.severity])).toEqual([[2, "info"], [3, "warning"]]);
	});
});

describe("cnn-log: epochs in order", () => {
	it("refuses a repeated and a backwards epoch on their lines and keeps the rest", () => {
		const s = data("epoch,loss\n1,0.9\n2,0.8\n2,0.7\n1,0.6\n3,0.5");
		expect(s.series.epochs.map((e) => [e.epoch, e.loss])).toEqual([[1, 0.9], [2, 0.8], [3, 0.5]]);
		expect(said(s)).toEqual([
			[4, "error", "Epoch 2 comes twice; this row is skipped."],
			[5, "error", "Epoch 1 comes after epoch 2; this row is skipped."],
		]);
	});

	it("says so for two fit() outputs pasted one after the other", () => {
		const s = data("Epoch 1/2\n1/1 - loss: 0.5\nEpoch 2/2\n1/1 - loss: 0.4\nEpoch 1/2\n1/1 - loss: 0.9");
		expect(s.series.epochs.map((e) => e.epoch)).toEqual([1, 2]);
		expect(said(s)).toEqual([[5, "error", "Epoch 1 comes after epoch 2; this row is skipped."]]);
	});

	it("lists a few of 100 000 repeated epochs and counts the rest", () => {
		const s = data("epoch,loss\n" + "1,0.5\n".repeat(100_000));
		expect(s.series.epochs).toHaveLength(1);
		expect(s.diagnostics).toHaveLength(6);
		expect(s.diagnostics[5].message).toBe("… and 99994 more rows with the same problem, from this line on.");
	});
});

describe("cnn-log: folder … where", () => {
	const folder = (src: string): Extract<LogBlockSpec, { kind: "folder" }> => {
		const s = parseLogBlock(src);
		if (s.kind !== "folder") throw new Error(s.kind);
		return s;
	};

	it("reads == as =", () => {
		const s = folder("folder CNN runs where dataset == digits");
		expect(s.diagnostics).toEqual([]);
		expect(s.filters).toEqual([{ key: "dataset", op: "=", value: "digits" }]);
		expect(matchesFilters({ dataset: "digits" }, s.filters)).toBe(true);
	});

	it("refuses or, an unknown key, and a where with no condition, with a message", () => {
		expect(said(folder("folder CNN runs where dataset = digits or dataset = mnist"))[0].slice(0, 2)).toEqual([1, "error"]);
		expect(folder("folder CNN runs where dataset = digits or dataset = mnist").diagnostics[0].message).toMatch(/joined with and only/);
		expect(folder("folder CNN runs where colour = red").diagnostics[0].message).toMatch(/^Run notes have no property "colour"\. Known: run_id, /);
		const bare = folder("folder CNN runs where");
		expect(bare.folder).toBe("CNN runs");
		expect(said(bare)).toEqual([[1, "error", "where needs a condition, such as dataset = digits."]]);
		expect(folder("folder CNN runs where lr <= = 1").diagnostics[0].message).toMatch(/Cannot read the condition/);
	});

	it("a quoted folder or a link may hold the word where", () => {
		expect(folder('folder "Runs where kept" where lr < 0.1')).toMatchObject({ folder: "Runs where kept", filters: [{ key: "lr", op: "<", value: "0.1" }], diagnostics: [] });
		expect(folder("folder [[Runs where kept]]")).toMatchObject({ folder: "Runs where kept", filters: [], diagnostics: [] });
		expect(folder('folder "Runs where').diagnostics[0].severity).toBe("error");
	});

	it("knows every key a run note's front matter holds", () => {
		const run: RunRecord = {
			runId: "r", status: "completed", date: "2026-11-25T14:12:00.000Z", sourcePath: "a.md", epochs: [], batches: [],
			settings: { dataset: "digits", epochs: 1, batch: 8, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 1, val: 0.1, limit: 100, model: "input 8x8x1\ndense 10" },
			durationS: 1, samplesPerS: 1, backend: "js", message: "m", weights: "w.safetensors",
		} as unknown as RunRecord;
		const fm = splitFrontMatter(formatRunNote(run)).fm ?? {};
		for (const key of Object.keys(fm).filter((k) => k !== "created_by")) expect(FILTER_KEYS).toContain(key);
	});
});
