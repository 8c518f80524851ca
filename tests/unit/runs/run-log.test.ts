import { describe, expect, it } from "vitest";
import { formatRunNote, isOwnRunNote, parseRunNote, sameModel } from "../../../src/runs/run-note";
import { pathFromLink } from "../../../src/runs/links";
import { splitFrontMatter } from "../../../src/runs/yaml";
import type { RunRecord } from "../../../src/runs/run-record";
import { thinPoints } from "../../../src/runs/loss-curve";

const model = "input 8x8x1\nconv 8 3x3 pad 1\nrelu\nmaxpool 2\nflatten\ndense 10\nsoftmax\ntrain digits epochs 3 batch 32 adam lr 0.01 seed 7";

function record(over: Partial<RunRecord> = {}): RunRecord {
	return {
		runId: "abc-123",
		status: "completed",
		date: "2026-11-25T14:12:05.000Z",
		sourcePath: "Notes/CNN basics.md",
		settings: { model, dataset: "digits", epochs: 3, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0.0005, seed: 7, val: 0.2, limit: null },
		durationS: 12.34,
		samplesPerS: 1234.6,
		epochs: [
			{ epoch: 1, loss: 1.25, acc: 0.61, valLoss: 0.8, valAcc: 0.75 },
			{ epoch: 2, loss: 0.5, acc: 0.875, valLoss: 0.4, valAcc: 0.9 },
			{ epoch: 3, loss: 0.25, acc: 0.9375, valLoss: 0.3, valAcc: 0.95 },
		],
		batches: [
			{ x: 0.5, y: 2 },
			{ x: 1, y: 1.5 },
		],
		message: null,
		weights: null,
		...over,
	};
}

describe("run note", () => {
	it("writes front matter a YAML reader (Dataview) can query", () => {
		const text = formatRunNote(record(), "CNN basics 2026-11-25 1412");
		const { fm } = splitFrontMatter(text);
		expect(fm).not.toBeNull();
		expect(fm?.created_by).toBe("cnn-lab");
		expect(fm?.run_id).toBe("abc-123");
		expect(fm?.dataset).toBe("digits");
		expect(fm?.epochs).toBe(3);
		expect(fm?.batch).toBe(32);
		expect(fm?.optimizer).toBe("adam");
		expect(fm?.lr).toBe(0.01);
		expect(fm?.weight_decay).toBe(0.0005);
		expect(fm?.seed).toBe(7);
		// Final metrics are the last epoch's.
		expect(fm?.train_loss).toBe(0.25);
		expect(fm?.train_acc).toBe(0.9375);
		expect(fm?.val_loss).toBe(0.3);
		expect(fm?.val_acc).toBe(0.95);
		expect(fm?.duration_s).toBe(12.34);
		expect(fm?.samples_per_s).toBe(1234.6);
		expect(fm?.status).toBe("completed");
		expect(fm?.source).toBe("[[Notes/CNN basics]]");
		// Properties are single-line: the model is summarised there and kept whole, as written, in the body.
		expect(fm?.model).toBe("conv 8 3x3 pad 1 → relu → maxpool 2 → flatten → dense 10 → softmax");
		expect(text).toContain("\n```cnn\n" + model + "\n```\n");
		expect(fm?.tags).toEqual(["cnn-run"]);
		expect(text).toContain("\ntags: [cnn-run]\n");
		expect(text).toContain("```cnn-log\nepoch,loss,acc,val_loss,val_acc\n1,1.25,0.61,0.8,0.75\n");
	});

	it("round-trips through the reader", () => {
		const r = record();
		expect(parseRunNote(formatRunNote(r))).toEqual(r);
	});

	it("records which engine computed the run, and reads it back", () => {
		const simd = record({ backend: "wasm-simd" });
		const text = formatRunNote(simd);
		expect(splitFrontMatter(text).fm?.backend).toBe("wasm-simd");
		expect(parseRunNote(text)).toEqual(simd);
		expect(parseRunNote(formatRunNote(record({ backend: "js" })))?.backend).toBe("js");
		// A note from before the field existed has none.
		expect(splitFrontMatter(formatRunNote(record())).fm).not.toHaveProperty("backend");
		expect(parseRunNote(formatRunNote(record()))?.backend).toBeUndefined();
	});

	it("round-trips awkward model text, a message and missing validation numbers", () => {
		const r = record({
			status: "failed",
			message: 'Loss became NaN at epoch 2, batch 7: "lr 1e6" is too large',
			settings: { ...record().settings, model: "  input 8x8x1\n\tconv 8 3x3 # note: \"quoted\"" , seed: null },
			epochs: [{ epoch: 1, loss: 2.5, acc: null, valLoss: null, valAcc: null }],
			batches: [],
		});
		const back = parseRunNote(formatRunNote(r));
		expect(back?.message).toBe(r.message);
		expect(back?.settings.model).toBe("  input 8x8x1\n\tconv 8 3x3 # note: \"quoted\"");
		expect(back?.settings.seed).toBeNull();
		expect(back?.epochs).toEqual(r.epochs);
		expect(back?.status).toBe("failed");
	});

	it("keeps NaN losses readable", () => {
		const r = record({ epochs: [{ epoch: 1, loss: NaN, acc: 0.1, valLoss: NaN, valAcc: 0.1 }] });
		const text = formatRunNote(r);
		expect(text).toContain("1,NaN,0.1,NaN,0.1");
		expect(Number.isNaN(parseRunNote(text)?.epochs[0].loss)).toBe(true);
	});

	it("an interrupted run (1 of 3 epochs) says so and keeps the epoch", () => {
		const r = record({ status: "stopped", epochs: [record().epochs[0]] });
		const text = formatRunNote(r);
		expect(splitFrontMatter(text).fm?.epochs_done).toBe(1);
		expect(parseRunNote(text)?.epochs).toEqual([record().epochs[0]]);
	});

	it("recognises its own notes only", () => {
		const text = formatRunNote(record());
		expect(isOwnRunNote(text, "abc-123")).toBe(true);
		expect(isOwnRunNote(text, "other")).toBe(false);
		expect(isOwnRunNote("---\ncreated_by: someone\nrun_id: abc-123\n---\n# Mine")).toBe(false);
		expect(isOwnRunNote("# Just a note")).toBe(false);
		expect(parseRunNote("# Just a note")).toBeNull();
	});

	it("thins per-batch points to at most 200, keeping the mean", () => {
		const pts = Array.from({ length: 1000 }, (_, i) => ({ x: (i + 1) / 100, y: i % 2 === 0 ? 1 : 3 }));
		const thin = thinPoints(pts);
		expect(thin.length).toBeLessThanOrEqual(200);
		expect(thin.length).toBeGreaterThan(100);
		for (const p of thin) expect(p.y).toBeCloseTo(2, 10);
		expect(thin[thin.length - 1].x).toBe(10);
	});

	it("links and models compare as a user would expect", () => {
		expect(pathFromLink("[[CNN runs/lenet 2026-11-25 1412]]")).toBe("CNN runs/lenet 2026-11-25 1412.md");
		expect(pathFromLink("[[Notes/a|alias]]")).toBe("Notes/a.md");
		expect(pathFromLink("not a link")).toBe("");
		expect(sameModel("input 8x8x1\n  conv 8 3x3\n", "input  8x8x1\nconv 8 3x3")).toBe(true);
		expect(sameModel("input 8x8x1\nconv 8 3x3", "input 8x8x1\nconv 8 5x5")).toBe(false);
	});
});
