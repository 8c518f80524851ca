import { describe, expect, it } from "vitest";
import { matchesFilters, parseLogBlock, parseLogCsv } from "../../../src/notation/log/log-block";

// What `print(history.history)` shows after `model.fit(..., epochs=3, validation_split=0.1)` in Keras 3.
const kerasHistory = `{'accuracy': [0.8731111288070679, 0.9632222056388855, 0.9743888974189758], 'loss': [0.4237390458583832, 0.1248917430639267, 0.08537542819976807], 'val_accuracy': [0.9585000276565552, 0.9700000286102295, 0.9751666784286499], 'val_loss': [0.14298421144485474, 0.10247749835252762, 0.08520039170980453]}`;

// A PyTorch training loop that prints accuracies in percent and counts epochs from 0.
const torchCsv = `epoch,train_loss,train_acc,val_loss,val_acc
0,0.6921,78.40,0.4012,88.25
1,0.3310,90.10,0.2950,91.50
2,0.2544,92.75,0.2601,92.00`;

describe("cnn-log block: pasted metrics", () => {
	it("reads a real Keras history dict", () => {
		const s = parseLogBlock(kerasHistory);
		expect(s.kind).toBe("data");
		if (s.kind !== "data") return;
		expect(s.format).toBe("keras");
		expect(s.diagnostics).toEqual([]);
		expect(s.series.epochs).toHaveLength(3);
		expect(s.series.epochs[0]).toEqual({ epoch: 1, loss: 0.4237390458583832, acc: 0.8731111288070679, valLoss: 0.14298421144485474, valAcc: 0.9585000276565552 });
		expect(s.series.epochs[2].valAcc).toBeCloseTo(0.97517, 5);
	});

	it("reads history assigned to a name, numpy scalars, JSON, nan", () => {
		const s = parseLogBlock(`h = {"loss": [np.float64(1.5), np.float32(0.75)], "val_loss": [nan, 0.5], "accuracy": [0.5, 0.75],}`);
		expect(s.kind).toBe("data");
		if (s.kind !== "data") return;
		expect(s.series.epochs.map((e) => e.loss)).toEqual([1.5, 0.75]);
		expect(Number.isNaN(s.series.epochs[0].valLoss)).toBe(true);
		expect(s.series.epochs[1].valLoss).toBe(0.5);
		expect(s.series.epochs[1].acc).toBe(0.75);
	});

	it("reads Keras' printed fit() output (Keras 2 and 3 progress lines, notebook carriage returns)", () => {
		const k3 = [
			"Epoch 1/3",
			"\x1b[1m1688/1688\x1b[0m ━━━━━━━━━━━━━━━━━━━━ 4s 2ms/step - accuracy: 0.8645 - loss: 0.4620 - val_accuracy: 0.9610 - val_loss: 0.1394",
			"Epoch 2/3",
			"  12/1688 ━━━━━━━━━━━━━━━━━━━━ 7s 4ms/step - accuracy: 0.9531 - loss: 0.1624\r1688/1688 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.9627 - loss: 0.1268 - val_accuracy: 0.9717 - val_loss: 0.0985",
			"Epoch 3/3",
			"1688/1688 [==============================] - 3s 2ms/step - loss: 0.0861 - acc: 0.9741 - val_loss: 0.0830 - val_acc: 0.9765",
		].join("\n");
		const s = parseLogBlock(k3);
		expect(s.kind === "data" && s.format).toBe("keras-log");
		if (s.kind !== "data") return;
		expect(s.diagnostics).toEqual([]);
		expect(s.series.epochs).toEqual([
			{ epoch: 1, loss: 0.462, acc: 0.8645, valLoss: 0.1394, valAcc: 0.961 },
			{ epoch: 2, loss: 0.1268, acc: 0.9627, valLoss: 0.0985, valAcc: 0.9717 },
			{ epoch: 3, loss: 0.0861, acc: 0.9741, valLoss: 0.083, valAcc: 0.9765 },
		]);
		const cut = parseLogBlock("Epoch 1/2\n10/10 - loss: 0.5\nEpoch 2/2\n");
		expect(cut.diagnostics).toMatchObject([{ line: 3, severity: "warning" }]);
	});

	it("reads a PyTorch-style CSV: column aliases, epochs from 0, percentages", () => {
		const s = parseLogBlock(torchCsv);
		expect(s.kind).toBe("data");
		if (s.kind !== "data") return;
		expect(s.format).toBe("csv");
		// Each percentage column is said to be one, on the first data line.
		expect(s.diagnostics.map((d) => [d.line, d.severity, d.message])).toEqual([
			[2, "info", "acc is read as percentages (95.3 → 0.953)."],
			[2, "info", "val_acc is read as percentages (95.3 → 0.953)."],
		]);
		expect(s.series.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
		expect(s.series.epochs[0].loss).toBe(0.6921);
		expect(s.series.epochs[0].acc).toBeCloseTo(0.784, 10);
		expect(s.series.epochs[2].valAcc).toBeCloseTo(0.92, 10);
		expect(s.series.epochs[1].valLoss).toBe(0.295);
	});

	it("reads Keras' CSVLogger order and the plugin's own batch section", () => {
		const s = parseLogCsv("epoch,accuracy,loss,val_accuracy,val_loss\n0,0.5,1.2,0.6,1.0\n1,0.7,0.8,0.72,0.9\n# batches\nepoch,loss\n0.5,1.4\n1,1.1\n");
		expect(s.diagnostics).toEqual([]);
		expect(s.epochs[1]).toEqual({ epoch: 2, loss: 0.8, acc: 0.7, valLoss: 0.9, valAcc: 0.72 });
		expect(s.batches).toEqual([
			{ x: 0.5, y: 1.4 },
			{ x: 1, y: 1.1 },
		]);
	});

	it("reports a bad row with its line and keeps the others", () => {
		const s = parseLogBlock("\nepoch,loss,acc\n1,0.9,0.5\n2,oops,0.6\n3,0.4\n4,0.3,0.8");
		expect(s.kind).toBe("data");
		if (s.kind !== "data") return;
		expect(s.series.epochs.map((e) => e.epoch)).toEqual([1, 4]);
		expect(s.diagnostics.map((d) => d.line)).toEqual([4, 5]);
		expect(s.diagnostics[0].message).toContain("oops");
		expect(s.diagnostics[1].message).toContain("2 values");
	});

	it("a CSV without a header is explained", () => {
		const s = parseLogBlock("1,0.5,0.6\n2,0.4,0.7");
		expect(s.diagnostics[0]).toMatchObject({ line: 1, severity: "error" });
		expect(s.diagnostics[0].suggestion).toBe("epoch,loss,acc,val_loss,val_acc");
	});

	it("a broken history dict is an error, never an exception", () => {
		const s = parseLogBlock("{'loss': [0.5, 0.4");
		expect(s.diagnostics.length).toBeGreaterThan(0);
		expect(() => parseLogBlock("{'loss': __import__('os')}")).not.toThrow();
	});
});

describe("cnn-log block: runs and folders", () => {
	it("lists run links with their lines", () => {
		const s = parseLogBlock("runs [[CNN runs/lenet 2026-11-25 1412]] [[CNN runs/b|B]]\n[[c]]");
		expect(s).toEqual({
			kind: "runs",
			links: [
				{ target: "CNN runs/lenet 2026-11-25 1412", line: 1 },
				{ target: "CNN runs/b", line: 1 },
				{ target: "c", line: 2 },
			],
			diagnostics: [],
		});
	});

	it("flags stray text and empty links on their lines", () => {
		const s = parseLogBlock("runs [[a]] b.md\n[[ ]]");
		expect(s.diagnostics.map((d) => d.line)).toEqual([1, 2]);
	});

	it("reads a folder with a where clause", () => {
		const s = parseLogBlock("folder CNN runs where dataset = digits and lr < 0.1");
		expect(s).toMatchObject({ kind: "folder", folder: "CNN runs", filters: [{ key: "dataset", op: "=", value: "digits" }, { key: "lr", op: "<", value: "0.1" }] });
		if (s.kind !== "folder") return;
		expect(matchesFilters({ dataset: "digits", lr: 0.01 }, s.filters)).toBe(true);
		expect(matchesFilters({ dataset: "digits", lr: 0.5 }, s.filters)).toBe(false);
		expect(matchesFilters({ dataset: "shapes", lr: 0.01 }, s.filters)).toBe(false);
		expect(matchesFilters({ lr: 0.01 }, s.filters)).toBe(false);
	});

	it("an empty block says what to write", () => {
		const s = parseLogBlock("  \n");
		expect(s.kind).toBe("empty");
		expect(s.diagnostics[0].line).toBe(1);
	});
});

describe("cnn-log messages in the app's language", () => {
	it("reads the same block's problems in English and in Simplified Chinese", async () => {
		const { setLanguage } = await import("../../../src/i18n");
		const bad = "epoch,loss\n1,abc";
		try {
			setLanguage("en");
			expect(parseLogBlock("").diagnostics[0].message).toMatch(/^Empty block/);
			expect(parseLogCsv(bad).diagnostics[0].message).toBe('"abc" in column 2 is not a number.');
			setLanguage("zh-CN");
			expect(parseLogBlock("").diagnostics[0].message).toMatch(/^空代码块/);
			const zh = parseLogCsv(bad).diagnostics[0].message;
			expect(zh).toContain("abc");
			expect(zh).toContain("第 2 列");
			expect(zh).not.toMatch(/is not a number/);
		} finally {
			setLanguage("en");
		}
	});
});
