import { afterEach, describe, expect, it } from "vitest";
import { createEngineContext } from "../../../src/engine/context";
import { createEngineJob } from "../../../src/worker/engine-job";
import { setLanguage } from "../../../src/i18n";
import type { StartMessage } from "../../../src/worker/messages";

/** A small dense net on made-up 4×4 images; `x` lets a test plant a NaN. */
function start(lr: number, lang: string, x?: Float32Array): StartMessage {
	const n = 64;
	const data = x ?? Float32Array.from({ length: n * 16 }, (_, i) => ((i * 7919) % 97) / 97);
	return {
		type: "start",
		runId: 1,
		model: { input: [1, 4, 4], layers: [{ type: "flatten" }, { type: "dense", units: 2, bias: true }] },
		train: { epochs: 50, batch: 16, optimizer: { name: "sgd", lr, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1, val: 0, limit: null },
		dataset: { kind: "arrays", name: "made up", x: data, y: Uint8Array.from({ length: n }, (_, i) => i % 2), n, shape: [1, 4, 4], classes: 2, classNames: ["a", "b"], credit: "" },
		maxSeconds: 60,
		sample: null,
		lang,
	};
}

async function failure(msg: StartMessage): Promise<string> {
	// The language travels in the context, made from the message as the worker makes it.
	const job = await createEngineJob(msg, createEngineContext({ lang: msg.lang }), null);
	for (let i = 0; i < 10_000; i++) {
		const s = job.step();
		if (s.failed !== null) return s.failed;
		if (s.done) break;
	}
	throw new Error("the run did not fail");
}

afterEach(() => setLanguage("en"));

describe("a failed run says what happened in the app's language", () => {
	it("a learning rate that blows the loss up: the epoch and batch, the rate to lower, in English and in Chinese", async () => {
		const en = await failure(start(1e30, "en"));
		const m = /at epoch (\d+), batch (\d+)/.exec(en);
		expect(m).not.toBeNull();
		expect(en).toMatch(/lower the learning rate \(now 1e\+30\)/);
		const zh = await failure(start(1e30, "zh-CN"));
		// The same run (same seed) fails at the same place, worded in Chinese.
		expect(zh).toContain(`第 ${m?.[1]} 轮第 ${m?.[2]} 批`);
		expect(zh).toContain("请调低学习率（当前为 1e+30）");
		expect(zh).not.toMatch(/[A-Za-z]{4,}/);
	});

	it("a NaN in the data names the image", async () => {
		const x = Float32Array.from({ length: 64 * 16 }, () => 0.5);
		x[5 * 16 + 3] = NaN;
		const en = await failure(start(0.1, "en", x));
		expect(en).toMatch(/the data holds NaN \(image 5\) at epoch 1, batch \d+/);
		const zh = await failure(start(0.1, "zh", x));
		expect(zh).toMatch(/数据中含有 NaN（第 5 张图像），出现在第 1 轮第 \d+ 批/);
	});
});
