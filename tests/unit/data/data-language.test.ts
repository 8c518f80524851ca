/**
 * The data side words its refusals in the language it is given, not in a module-global one: the same bad input
 * refused in Chinese and then in English, from two calls in this one thread, with no setLanguage anywhere. Chinese
 * comes first (the global is English, so a message read from it fails), English second (so a call that wrote the
 * global would leave the second message in Chinese).
 */
import { describe, expect, it } from "vitest";
import { getLanguage } from "../../../src/i18n";
import { parseCsvDataset } from "../../../src/data/csv";
import { loadIdx } from "../../../src/data/idx";
import { explainMismatch } from "../../../src/data/fit";
import { makeShapes } from "../../../src/data/shapes";
import { resolveDataset, type DataFiles } from "../../../src/data/dataset-resolver";
import { loadDigits } from "../../../src/data/digits";
import { createEngineContext } from "../../../src/engine/context";
import { createEngineJob } from "../../../src/worker/engine-job";
import type { StartMessage } from "../../../src/worker/messages";

/** An IDX file of unsigned bytes with these dimensions and no data. */
function idxHeader(dims: number[]): Uint8Array {
	const b = new Uint8Array(4 + 4 * dims.length);
	b[2] = 0x08;
	b[3] = dims.length;
	const view = new DataView(b.buffer);
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
	return b;
}

/** A place holding no files at all. */
const empty: DataFiles = {
	entry: () => null,
	children: () => [],
	readBytes: () => Promise.reject(new Error("no files")),
	readText: () => Promise.reject(new Error("no files")),
};

const query = { dataset: "mnist", input: [1, 8, 8] as [number, number, number], sourcePath: "Notes/CNN.md", seed: 1, limit: null };

describe("data refusals in the language passed, not the module's", () => {
	it("a CSV row of the wrong width", () => {
		const csv = "1,0,0,0,0\n2,0,0";
		expect(() => parseCsvDataset(csv, { name: "c", lang: "zh" })).toThrow("CSV 第 2 行有 3 个值，而第一个数据行有 5 个。");
		expect(() => parseCsvDataset(csv, { name: "c", lang: "en" })).toThrow("CSV line 2 has 3 values where the first data line has 5.");
		expect(getLanguage()).toBe("en");
	});

	it("an IDX file with no images, the file named in the same language", async () => {
		const images = idxHeader([0, 8, 8]);
		const labels = idxHeader([0]);
		await expect(loadIdx(images, labels, { name: "set", lang: "zh" })).rejects.toThrow("图像文件: IDX 文件头中有一维为 0（0×8×8）：其中没有图像。");
		await expect(loadIdx(images, labels, { name: "set", lang: "en" })).rejects.toThrow("the images file: The IDX file's header has a dimension of 0 (0×8×8): it holds no images.");
	});

	it("a set too big to hold", () => {
		expect(() => makeShapes({ size: 512, count: 2400, seed: 1, lang: "zh" })).toThrow(/^shapes 512×512 作为训练数据需要 2400 MB；/);
		expect(() => makeShapes({ size: 512, count: 2400, seed: 1, lang: "en" })).toThrow(/^shapes 512×512 would take 2400 MB as training data;/);
	});

	it("a network with fewer outputs than the data's classes", () => {
		const ds = { shape: [1, 8, 8] as [number, number, number], classes: 10, name: "digits" };
		expect(explainMismatch(ds, [1, 8, 8], "zh", 4)).toBe("网络最后输出 4 个值，但 digits 有 10 个类别：请把最后的全连接层改为“dense 10”。");
		expect(explainMismatch(ds, [1, 8, 8], "en", 4)).toBe("The network ends with 4 outputs but digits has 10 classes: make the last dense layer “dense 10”.");
	});

	it("a dataset the resolver cannot find", async () => {
		await expect(resolveDataset(empty, { ...query, lang: "zh" })).rejects.toThrow(/^未找到数据集“mnist”。/);
		await expect(resolveDataset(empty, { ...query, lang: "en" })).rejects.toThrow(/^Dataset “mnist” not found\./);
	});

	it("the worker's job words the data's refusal in its context's language and leaves the module's alone", async () => {
		const start: StartMessage = {
			type: "start",
			runId: 1,
			model: { input: [1, 8, 8], layers: [{ type: "flatten" }, { type: "dense", units: 4, bias: true }, { type: "softmax" }] },
			train: { epochs: 1, batch: 32, optimizer: { name: "sgd", lr: 0.1, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1, val: 0, limit: null },
			dataset: { kind: "digits" },
			maxSeconds: 60,
			sample: null,
		};
		const name = loadDigits().name;
		await expect(createEngineJob(start, createEngineContext({ lang: "zh-CN" }), loadDigits)).rejects.toThrow(`网络最后输出 4 个值，但 ${name} 有 10 个类别`);
		expect(getLanguage()).toBe("en");
		await expect(createEngineJob(start, createEngineContext({ lang: "en" }), loadDigits)).rejects.toThrow(`The network ends with 4 outputs but ${name} has 10 classes`);
	});
});
