import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { ENGINE_MACS_PER_SECOND, checkLimits, priceModel, type Limits } from "../../../src/notation/cnn/limits";
import { conv, dense, digitsNet, flatten, lenet5 } from "../export/models";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { summarize, totalsLines } from "../../../src/notation/cnn/summary";
import { setLanguage } from "../../../src/i18n";
import { Sequential } from "../../../src/engine/model";
import { MINI_RESNET } from "../../support/mini-resnet";
import { refusal } from "../../../src/plugin/training/limit-check";
import { bufferGrowth } from "../../support/buffer-growth";

const limits: Limits = {
	maxParameters: DEFAULT_SETTINGS.maxParameters,
	maxActivationMB: DEFAULT_SETTINGS.maxActivationMB,
	maxMultiplyAddsPerEpoch: DEFAULT_SETTINGS.maxMultiplyAddsPerEpoch,
	maxRunSeconds: DEFAULT_SETTINGS.maxRunSeconds,
};


describe("priceModel", () => {
	it("prices LeNet-5 by hand", () => {
		const p = priceModel(lenet5, 32, 1000, 10);
		expect(p.parameters).toBe(61706);
		// conv1 28·28·6·25 = 117 600; conv2 10·10·16·150 = 240 000; dense 400·120 + 120·84 + 84·10 = 58 920.
		expect(p.multiplyAddsPerSample).toBe(117600 + 240000 + 58920);
		expect(p.multiplyAddsPerEpoch).toBe(3 * 416520 * 1000);
		expect(p.estimatedSeconds).toBeCloseTo((3 * 416520 * 1000 * 10) / ENGINE_MACS_PER_SECOND, 6);
		// Activations per sample: 1024 + 4704·2 + 1176 + 1600·2 + 400 + 400 + 120·2 + 84·2 + 10 = 16 026 floats.
		expect(p.activationBytesPerBatch).toBe(2 * 4 * 16026 * 32);
		expect(p.shapesValid).toBe(true);
		expect(checkLimits(p, limits)).toEqual([]);
	});

	it("prices the digits net within every default limit", () => {
		const p = priceModel(digitsNet, 32, 1437, 15);
		expect(p.parameters).toBe(1370);
		expect(checkLimits(p, limits)).toEqual([]);
	});
});

describe("absurd models are refused from their numbers alone, at once", () => {
	it("input 100000x100000x3", () => {
		const m: ModelSpec = { input: [3, 100000, 100000], layers: [conv(8, 3, { pad: [1, 1] }), flatten, dense(10)] };
		const { value: p, bytes } = bufferGrowth(() => priceModel(m, 32, 1000, 1));
		expect(bytes).toBeLessThan(1 << 20);
		// 3e10 input values + 8e10 conv outputs per sample, doubled for gradients, 4 bytes, 32 samples.
		expect(p.activationBytesPerBatch).toBeCloseTo(2 * 4 * 32 * (3e10 + 8e10 + 8e10 + 10), -6);
		const problems = checkLimits(p, limits);
		const act = problems.find((x) => x.key === "maxActivationMB");
		expect(act?.setting).toBe("Activation memory per batch (MB)");
		expect(act?.message).toContain("512");
		// dense 8e10 → 10: 8e11 parameters, over the 5 000 000 limit.
		expect(problems.find((x) => x.key === "maxParameters")?.message).toContain("8.0e11");
		expect(problems.map((x) => x.key)).toContain("maxMultiplyAddsPerEpoch");
		expect(problems.map((x) => x.key)).toContain("maxRunSeconds");
	});

	it("conv 100000 99x99", () => {
		const m: ModelSpec = { input: [3, 128, 128], layers: [conv(100000, 99)] };
		const p = priceModel(m, 32, 1000, 1);
		// 100 000 · 99 · 99 · 3 + 100 000 = 2 940 400 000 parameters.
		expect(p.parameters).toBe(2940400000);
		const problems = checkLimits(p, limits);
		expect(problems[0].key).toBe("maxParameters");
		expect(problems[0].setting).toBe("Largest model (parameters)");
		expect(problems[0].message).toContain("2.9e9");
		expect(problems[0].message).toContain("5 000 000");
	});

	it("a 99x99 kernel on a small input: shapes invalid, still priced without throwing", () => {
		const p = priceModel({ input: [3, 32, 32], layers: [conv(100000, 99), flatten, dense(10)] }, 32, 1000, 1);
		expect(p.shapesValid).toBe(false);
		expect(p.parameters).toBe(2940400000 + 10);
		expect(Number.isFinite(p.activationBytesPerBatch)).toBe(true);
	});

	it("dense 1000000000", () => {
		const m: ModelSpec = { input: [1, 28, 28], layers: [flatten, dense(1000000000)] };
		const p = priceModel(m, 32, 60000, 1);
		expect(p.parameters).toBe(784e9 + 1e9);
		const keys = checkLimits(p, limits).map((x) => x.key);
		expect(keys).toEqual(["maxParameters", "maxActivationMB", "maxMultiplyAddsPerEpoch", "maxRunSeconds"]);
	});

	it("epochs 1e9 on a tiny model: only the time limit, with the duration in words", () => {
		const p = priceModel(digitsNet, 32, 1437, 1e9);
		const problems = checkLimits(p, limits);
		expect(problems.map((x) => x.key)).toEqual(["maxRunSeconds"]);
		expect(problems[0].setting).toBe("Longest run (seconds)");
		// 3 passes · (8·8·8·9 + 128·10 = 5888) · 1437 samples · 1e9 epochs / 5e8 per second ≈ 5.08e7 s ≈ 588 days.
		expect(ENGINE_MACS_PER_SECOND).toBe(5e8);
		expect(problems[0].message).toContain("588 days");
		expect(problems[0].message).toContain("30 min");
	});

	it("NaN, negative and 2^53 numbers give finite or refused prices, never an exception", () => {
		for (const v of [NaN, -1, 0, 2 ** 53, 1e300, Infinity]) {
			const m: ModelSpec = { input: [v, v, v], layers: [conv(v, v), flatten, dense(v)] };
			const p = priceModel(m, v, v, v);
			const problems = checkLimits(p, limits);
			expect(Array.isArray(problems)).toBe(true);
			if (!(p.parameters <= limits.maxParameters)) expect(problems.some((x) => x.key === "maxParameters")).toBe(true);
		}
	});
});

describe("priceModel on the second lesson's layers", () => {
	// Batch norm, grouped and depthwise convs, a transposed conv, adaptive and global pooling: the price's parameters
	// and multiply-adds must be the shape table's (each row computes them from its own formula), so that a model the
	// table shows within the limits is priced within them too, and a huge transposed conv is refused before training.
	const block = [
		"input 32x32x3",
		"conv 16 3x3 pad 1",
		"batchnorm",
		"relu",
		"conv 32 3x3 pad 1 groups 4",
		"depthwise 3x3 stride 2 pad 1 multiplier 2",
		"convtranspose 8 3x3 stride 2 pad 1 outpad 1",
		"adaptiveavgpool 5x5",
		"conv 16 1x1",
		"gap",
		"dense 10",
	].join("\n");

	it("gives the shape table's parameters, trainable ones only, and its multiply-adds", () => {
		const a = analyzeCnn(block);
		expect(a.parsed.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
		const model = a.parsed.model;
		if (!model || !a.report) throw new Error("the block does not build");
		const rows = a.report.rows;
		const p = priceModel(model, 32, 1000, 1);
		expect(p.parameters).toBe(rows.reduce((s, r) => s + r.params, 0));
		expect(p.multiplyAddsPerSample).toBe(rows.reduce((s, r) => s + r.macs, 0));
		expect(p.shapesValid).toBe(true);
	});

	it("prices a transposed conv by its output: 8 of them upsampling 4× each is refused for its activations", () => {
		const up = ["input 64x64x3", ...Array.from({ length: 4 }, () => "convtranspose 64 4x4 stride 2 pad 1")].join("\n");
		const model = analyzeCnn(up).parsed.model;
		if (!model) throw new Error("no model");
		const p = priceModel(model, 32, 1000, 1);
		// 64 → 128 → 256 → 512 → 1024: the last output alone is 1024·1024·64 floats a sample
		expect(p.activationBytesPerBatch).toBeGreaterThan(2 * 4 * 1024 * 1024 * 64 * 32);
		expect(checkLimits(p, limits).map((x) => x.key)).toContain("maxActivationMB");
	});
});

describe("priceModel on residual blocks", () => {
	it("counts both branches and the sum: the mini-ResNet by hand, and its parameters as the engine counts them", () => {
		const p = priceModel(MINI_RESNET, 32, 1000, 1);
		// stem 160 + 32; identity block 2·(16·144 + 16) + 2·32; projection block 32·144 + 32 + 64 + 32·288 + 32 + 64,
		// its 1×1 shortcut 32·16 + 64; dense 32·10 + 10
		expect(p.parameters).toBe(19818);
		expect(p.parameters).toBe(Sequential.build(MINI_RESNET, 1).paramCount());
		// stem 9216 + 1024; identity block 2·(64·16·144) + 2·1024; body 16·32·144 + 512 + 16·32·288 + 512;
		// shortcut 16·32·16 + 512; dense 320
		expect(p.multiplyAddsPerSample).toBe(538432);
		// floats per sample: input 64, stem 3·1024, body 5·1024 and the add 1024, relu 1024, body 5·512, shortcut
		// 2·512 and the add 512, relu 512, gap 32, dense 10
		expect(p.activationBytesPerBatch).toBe(2 * 4 * 14954 * 32);
		expect(p.shapesValid).toBe(true);
	});

	it("prices a nested block's branches too, and marks branches that end in different shapes as invalid", () => {
		const c = (filters: number, stride = 1): ModelSpec["layers"][number] => ({ type: "conv", filters, kernel: [3, 3], stride: [stride, stride], pad: [1, 1], dilation: [1, 1], bias: true });
		const nested: ModelSpec = {
			input: [2, 4, 4],
			layers: [{ type: "residual", body: [c(2), { type: "residual", body: [c(2)], shortcut: [] }], shortcut: [] }, { type: "flatten" }, { type: "dense", units: 3, bias: true }],
		};
		const p = priceModel(nested, 1, 1, 1);
		expect(p.parameters).toBe(Sequential.build(nested, 1).paramCount());
		expect(p.multiplyAddsPerSample).toBe(2 * 16 * 2 * 18 + 32 * 3);
		// input, conv, nested conv, nested add, outer add, flatten, dense
		expect(p.activationBytesPerBatch).toBe(2 * 4 * (6 * 32 + 3));
		const mismatch: ModelSpec = { input: [2, 4, 4], layers: [{ type: "residual", body: [c(4, 2)], shortcut: [] }, { type: "gap" }, { type: "dense", units: 3, bias: true }] };
		expect(priceModel(mismatch, 1, 1, 1).shapesValid).toBe(false);
		expect(priceModel({ ...mismatch, layers: [{ type: "residual", body: [c(4, 2)], shortcut: [c(4, 2)] }, ...mismatch.layers.slice(1)] }, 1, 1, 1).shapesValid).toBe(true);
	});
});

describe("the run-time message in Chinese", () => {
	const price = (seconds: number) => ({ parameters: 1, activationBytesPerBatch: 1, workspaceBytesPerBatch: 0, multiplyAddsPerSample: 1, multiplyAddsPerEpoch: 1, estimatedSeconds: seconds, shapesValid: true });
	const tight: Limits = { ...limits, maxRunSeconds: 600 };
	const said = (seconds: number): string => checkLimits(price(seconds), tight).find((p) => p.key === "maxRunSeconds")?.message ?? "";

	it("says years and minutes in Chinese units, with no English unit left", () => {
		setLanguage("zh");
		try {
			const years = said(86400 * 365 * 18);
			expect(years).toContain("18 年");
			expect(years).toContain("10 分钟");
			expect(said(3000)).toContain("50 分钟");
			for (const s of [years, said(3000), said(86400 * 10), said(3600 * 5)]) expect(s).not.toMatch(/years|days|min\b|\d h\b/);
		} finally {
			setLanguage("en");
		}
		expect(said(86400 * 365 * 18)).toContain("18 years");
	});
});

describe("the over-limit message reads as the table does", () => {
	const VGGISH = "input 224x224x3\nconv 512 3x3 pad 1\nflatten\ndense 500000\ntrain digits epochs 100";
	it("memory past a gigabyte in the table's units; one sentence a limit, no advice to raise any of them", () => {
		const a = analyzeCnn(VGGISH);
		const text = refusal(a.parsed.model!, a.parsed.train!, DEFAULT_SETTINGS)!;
		// the parameters' bytes as the table's total says them: 1.3e13 · 4 bytes = 46.7 TB
		expect(text).toContain("The model has 1.3e13 parameters (46.7 TB)");
		// the total is named as a total; its activations are the shape table's "… for a training batch" figure and
		// the rest is said to be the convolutions' workspace (15.9 GB = 12.4 GB + 3.5 GB)
		const m = /Training needs ([\d.]+) GB per batch: ([\d.]+) GB of activations \(forward and backward\) and ([\d.]+) GB for the convolutions' padded inputs and column matrices/.exec(text);
		expect(m).not.toBeNull();
		const [total, act, ws] = (m ?? []).slice(1).map(Number);
		expect(Math.abs(total - act - ws)).toBeLessThanOrEqual(0.1);
		const table = /([\d.]+ GB) for a training batch/.exec(totalsLines(summarize(a)).join(" "))?.[1];
		expect(table).toBe(`${m?.[2]} GB`);
		expect(text).not.toMatch(/\d MB of activations/);
		expect(text).toContain("about 351.4 years");
		expect(text).not.toContain("in the settings to allow it");
	});
	it("far over one limit: no advice to raise the others either, only to make the network smaller", () => {
		const a = analyzeCnn("input 224x224x3\nconv 64 3x3 pad 1\nconv 64 3x3 pad 1\nmaxpool 2\nflatten\ndense 4096\ndense 10\ntrain digits epochs 200");
		const text = refusal(a.parsed.model!, a.parsed.train!, DEFAULT_SETTINGS)!;
		// 3.3e9 parameters and 104 days: no setting allows them
		expect(text).toContain("The model has 3.3e9 parameters (12.3 GB)");
		expect(text).toContain("about 104 days");
		expect(text).not.toContain("in the settings to allow it");
		expect(text.match(/Make the network smaller/g)).toHaveLength(1);
	});
	it("in Chinese the sentences follow each other without a space", () => {
		setLanguage("zh");
		try {
			const a = analyzeCnn(VGGISH);
			const text = refusal(a.parsed.model!, a.parsed.train!, DEFAULT_SETTINGS)!;
			expect(text).toContain("。训练每批需要");
			// a limit near enough to raise: its advice follows without a space too
			const near = analyzeCnn("input 28x28x1\nflatten\ndense 10000\ntrain digits epochs 5");
			const advised = refusal(near.parsed.model!, near.parsed.train!, DEFAULT_SETTINGS)!;
			expect(advised).toContain("。如需允许，请在设置中修改“最大模型（参数个数）”。");
			expect(text).not.toMatch(/。 /);
			// the units in words are Chinese too
			expect(text).toContain("351.4 年");
			expect(text).not.toMatch(/years|days|\bmin\b/);
		} finally {
			setLanguage("en");
		}
	});
});
