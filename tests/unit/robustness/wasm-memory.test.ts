import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createJsBackend, type Backend } from "../../../src/engine/backend";
import { createEngineContext } from "../../../src/engine/context";
import { Sequential } from "../../../src/engine/model";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { Trainer } from "../../../src/engine/trainer";
import { gemmModuleBytes, SimdGemm, simdBackend } from "../../../src/engine/wasm";
import { WASM_MAX_BYTES, WasmMemoryError } from "../../../src/engine/wasm/memory";
import { trainingWasmPrice } from "../../../src/engine/wasm/training-memory";
import { runCli } from "../../../src/cli/run";
import { createEngineJob, wasmGrowText } from "../../../src/worker/engine-job";
import type { StartMessage } from "../../../src/worker/messages";

const conv = (filters: number, k: number, o: Partial<{ stride: number; pad: number; dilation: number; groups: number }> = {}): LayerSpec => ({
	type: "conv", filters, kernel: [k, k], stride: [o.stride ?? 1, o.stride ?? 1], pad: [o.pad ?? 0, o.pad ?? 0], dilation: [o.dilation ?? 1, o.dilation ?? 1], bias: true, groups: o.groups,
});
const head: LayerSpec[] = [{ type: "flatten" }, { type: "dense", units: 3, bias: true }];

/** Networks that take every path of the SIMD backend: direct stride-1 convolutions with and without dx, the
 * gathered products (stride 2, groups, padding wider than the kernel), depthwise, transposed, dense. */
const nets: [string, ModelSpec][] = [
	["dense only", { input: [1, 6, 6], layers: [...head] }],
	["stride-1 convs (direct, the second with dx)", { input: [2, 9, 7], layers: [conv(4, 3, { pad: 1 }), { type: "relu" }, conv(5, 3, { pad: 2, dilation: 2 }), ...head] }],
	["a stride-2 conv before a stride-1 one", { input: [1, 11, 11], layers: [conv(3, 3, { stride: 2 }), conv(4, 2), ...head] }],
	["groups", { input: [4, 8, 8], layers: [conv(4, 3, { pad: 1 }), conv(6, 3, { groups: 2, pad: 1 }), ...head] }],
	["padding wider than the kernel (no direct dx)", { input: [1, 5, 5], layers: [conv(2, 3), conv(3, 3, { pad: 4 }), ...head] }],
	["depthwise", { input: [3, 8, 8], layers: [conv(3, 1), { type: "depthwise", multiplier: 2, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: false }, ...head] }],
	["transposed", { input: [2, 4, 4], layers: [conv(3, 1), { type: "convtranspose", filters: 2, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 1], dilation: [1, 1], bias: true }, ...head] }],
	// a block first (its branches' first convs skip dx), then a stride-2 projection block whose nested block holds the widest conv
	["residual blocks", {
		// large enough that the nested conv's direct layout takes more than the memory's first page
		input: [2, 24, 24],
		layers: [
			{ type: "residual", body: [conv(2, 3, { pad: 1 }), { type: "relu" }, conv(2, 3, { pad: 1 })], shortcut: [] },
			{
				type: "residual",
				body: [conv(4, 3, { stride: 2, pad: 1 }), { type: "residual", body: [conv(9, 3, { pad: 1 }), conv(4, 1)], shortcut: [] }],
				shortcut: [conv(4, 1, { stride: 2 }), { type: "batchnorm" }],
			},
			...head,
		],
	}],
];

function data(spec: ModelSpec, n: number): { x: Float32Array; y: Uint8Array; n: number; shape: [number, number, number]; classes: number; classNames: string[]; name: string } {
	const sz = spec.input[0] * spec.input[1] * spec.input[2];
	return { x: Float32Array.from({ length: n * sz }, (_, i) => ((i * 7919) % 101) / 101), y: Uint8Array.from({ length: n }, (_, i) => i % 3), n, shape: spec.input, classes: 3, classNames: ["a", "b", "c"], name: "made up" };
}

describe("the WebAssembly memory a run needs is priced before it runs", () => {
	it("the price is the memory the module grows to while it trains and evaluates, for every kind of layer", () => {
		for (const [name, spec] of nets) {
			for (const batch of [1, 5, 8]) {
				const g = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
				const model = Sequential.build(spec, 3, createEngineContext({ backend: simdBackend(g) }));
				const trainer = new Trainer(model, data(spec, 12), { epochs: 1, batchSize: batch, optimizer: { name: "sgd", lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1, val: 0.25, limit: null });
				while (!trainer.finished) for (const e of trainer.step()) expect(e.kind, name).not.toBe("failed");
				trainer.evaluate();
				const bs = Math.min(batch, trainer.trainIndices.length);
				expect(trainingWasmPrice(model.logitLayers, bs).bytes, `${name}, batch ${batch}`).toBe(g.memoryBytes);
			}
		}
	});

	it("a grow past the module's 2 GiB is a WasmMemoryError with the sizes, never the platform's RangeError", () => {
		const g = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		const small = new Float32Array(16);
		let caught: unknown = null;
		try {
			// C alone would be 32768 × 32768 floats (4 GiB): refused by the grow before anything is copied
			g.gemm(32768, 32768, 1, small, 0, 1, false, small, 0, 32768, false, small, 0, 32768, false);
		} catch (e) {
			caught = e;
		}
		expect(caught).toBeInstanceOf(WasmMemoryError);
		expect(caught).not.toBeInstanceOf(RangeError);
		expect((caught as WasmMemoryError).needBytes).toBeGreaterThan(WASM_MAX_BYTES);
		expect(g.memoryBytes).toBeLessThanOrEqual(WASM_MAX_BYTES);
	});

	// 8×8 digits padded by 600 on each side: tiny weights, but the weight gradient lays out 1208×1208 per image
	const padded: ModelSpec = { input: [1, 8, 8], layers: [conv(1, 3, { pad: 600 }), { type: "maxpool", kernel: [64, 64], stride: [64, 64], pad: [0, 0], ceil: false, countIncludePad: true }, { type: "flatten" }, { type: "dense", units: 2, bias: true }] };

	function start(batch: number, lang = "en"): StartMessage {
		const d = data(padded, 200);
		return {
			type: "start",
			runId: 1,
			model: padded,
			train: { epochs: 1, batch, optimizer: { name: "sgd", lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 1, val: 0, limit: null },
			dataset: { kind: "arrays", name: "made up", x: d.x, y: Uint8Array.from({ length: 200 }, (_, i) => i % 2), n: 200, shape: [1, 8, 8], classes: 2, classNames: ["a", "b"], credit: "" },
			maxSeconds: 60,
			sample: null,
			lang,
		};
	}

	it("a run that would need more than 2 GiB is refused before the trainer exists, with the numbers and a batch that fits", async () => {
		const g = new SimdGemm(new WebAssembly.Module(gemmModuleBytes()));
		const ctx = createEngineContext({ backend: simdBackend(g) });
		let message = "";
		await createEngineJob(start(128), ctx, null).then(
			() => (message = "started"),
			(e: Error) => (message = e.message),
		);
		const m = /would need ([\d.]+) GB of WebAssembly memory for a batch of 128 \(layer 1, conv\); WebAssembly gives CNN Lab at most 2\.00 GB — lower the batch on the train line: batch (\d+) fits/.exec(message);
		expect(m, message).not.toBeNull();
		const fit = Number(m?.[2]);
		const layers = Sequential.build(padded, 1, ctx).logitLayers;
		expect(trainingWasmPrice(layers, 128).bytes).toBeGreaterThan(WASM_MAX_BYTES);
		expect(trainingWasmPrice(layers, fit).bytes).toBeLessThanOrEqual(WASM_MAX_BYTES);
		expect(trainingWasmPrice(layers, fit + 1).bytes).toBeGreaterThan(WASM_MAX_BYTES);
		// nothing was run: the module still holds its first page
		expect(g.memoryBytes).toBe(65536);
		const zh = await createEngineJob(start(128, "zh-CN"), createEngineContext({ backend: simdBackend(g), lang: "zh-CN" }), null).then(() => "started", (e: Error) => e.message);
		expect(zh).toMatch(/WebAssembly 内存/);
	});

	it("the TypeScript kernels need no module memory: the same run is not refused for it", async () => {
		const job = await createEngineJob(start(2), createEngineContext({ backend: createJsBackend() }), null);
		expect(job.info.batchesPerEpoch).toBe(100);
	});

	it("a grow the machine refuses during a run is a message in the run's words", async () => {
		// a backend whose products fail as SimdGemm's do when the memory cannot grow
		const failing: Backend = { ...createJsBackend(), gemm: () => { throw new WasmMemoryError(3e9, 1 << 30); } };
		const msg = start(4);
		const job = await createEngineJob({ ...msg, model: { input: [1, 8, 8], layers: [...head.slice(0, 1), { type: "dense", units: 2, bias: true }] } }, createEngineContext({ backend: failing }), null).catch((e: Error) => e);
		// the snapshot before training already runs a product
		const text = job instanceof Error ? job.message : (() => { try { job.snapshot(); return "no error"; } catch (e) { return e instanceof Error ? e.message : String(e); } })();
		expect(text).toBe(wasmGrowText(new WasmMemoryError(3e9, 1 << 30), 4, "en"));
		expect(text).toMatch(/could not grow to 2\.79 GB \(it holds 1\.00 GB; at most 2\.00 GB\) — lower the batch on the train line \(now 4\)/);
	});

	it("cnn-lab train refuses it with exit 1, the numbers and no stack trace (limits raised so they let it through)", async () => {
		const root = mkdtempSync(join(tmpdir(), "cnn-lab-wasm-"));
		mkdirSync(join(root, ".obsidian", "plugins", "cnn-lab"), { recursive: true });
		writeFileSync(join(root, ".obsidian", "plugins", "cnn-lab", "data.json"), JSON.stringify({ maxParameters: 1e8, maxActivationMB: 16000, maxMultiplyAddsPerEpoch: 1e15, maxRunSeconds: 86400 * 6 }));
		writeFileSync(join(root, "pad.md"), ["```cnn", "input 8x8x1", "conv 1 3x3 pad 600", "maxpool 64", "flatten", "dense 10", "train digits epochs 1 batch 128", "```", ""].join("\n"));
		let out = "";
		let err = "";
		const code = await runCli(["train", "pad.md"], { out: (s) => (out += s), err: (s) => (err += s), cwd: root });
		expect(code, err + out).toBe(1);
		expect(err).toMatch(/refused:\n {2}training would need [\d.]+ GB of WebAssembly memory for a batch of 128 \(layer 1, conv\).*batch \d+ fits/);
		expect(err).not.toMatch(/RangeError|\n\s+at /);
	});
});
