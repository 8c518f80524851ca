import { describe, expect, it } from "vitest";
import { formatRunNote, parseRunNote } from "../../../src/runs/run-note";
import type { RunRecord } from "../../../src/runs/run-record";
import { splitFrontMatter } from "../../../src/runs/yaml";

const record = (test?: RunRecord["test"]): RunRecord => ({
	runId: "r1",
	status: "completed",
	date: "2026-01-02T03:04:05",
	sourcePath: "Notes/CNN.md",
	settings: { model: "input 8x8\nflatten\ndense 10\ntrain mnist test mnist", dataset: "mnist", epochs: 2, batch: 32, optimizer: "adam", lr: 0.001, weightDecay: 0, seed: 1, val: 0.2, limit: null },
	durationS: 1.5,
	samplesPerS: 1000,
	epochs: [
		{ epoch: 1, loss: 1.2, acc: 0.6, valLoss: 1.0, valAcc: 0.7 },
		{ epoch: 2, loss: 0.8, acc: 0.75, valLoss: 0.9, valAcc: 0.72 },
	],
	batches: [],
	...(test ? { test } : {}),
});

describe("the run note and a test set", () => {
	it("records test_loss, test_acc and test_n in front matter beside (not instead of) val_loss and val_acc, and reads them back", () => {
		const text = formatRunNote(record({ loss: 0.55, acc: 0.812, n: 597 }));
		const fm = splitFrontMatter(text).fm as Record<string, unknown>;
		expect(fm).toMatchObject({ test_loss: 0.55, test_acc: 0.812, test_n: 597, val_loss: 0.9, val_acc: 0.72 });
		expect(parseRunNote(text)?.test).toEqual({ loss: 0.55, acc: 0.812, n: 597 });
	});

	it("a run without a test set writes none of them", () => {
		const text = formatRunNote(record());
		expect(text).not.toMatch(/test_acc|test_loss/);
		expect(parseRunNote(text)?.test).toBeUndefined();
	});
});
