/**
 * Measures the engine's training throughput in multiply-adds per second, the constant behind the time estimates
 * in src/notation/cnn/limits.ts (ENGINE_MACS_PER_SECOND). Run: npx tsx scripts/measure-engine-rate.ts
 */
import { Sequential } from "../src/engine/model";
import { optimizerSpec } from "../src/engine/optim";
import { trainSync } from "../src/engine/trainer";
import type { ModelSpec } from "../src/engine/model-spec";
import { priceModel } from "../src/notation/cnn/limits";

const conv = (f: number, k: number, pad = 0) => ({ type: "conv" as const, filters: f, kernel: [k, k] as [number, number], stride: [1, 1] as [number, number], pad: [pad, pad] as [number, number], dilation: [1, 1] as [number, number], bias: true });
const pool = { type: "maxpool" as const, kernel: [2, 2] as [number, number], stride: [2, 2] as [number, number], pad: [0, 0] as [number, number], ceil: false, countIncludePad: true };
const nets: Record<string, ModelSpec> = {
	lenet5: { input: [1, 32, 32], layers: [conv(6, 5), { type: "relu" }, pool, conv(16, 5), { type: "relu" }, pool, { type: "flatten" }, { type: "dense", units: 120, bias: true }, { type: "relu" }, { type: "dense", units: 84, bias: true }, { type: "relu" }, { type: "dense", units: 10, bias: true }] },
	digits: { input: [1, 8, 8], layers: [conv(8, 3, 1), { type: "relu" }, pool, { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }] },
};

for (const [name, spec] of Object.entries(nets)) {
	const n = name === "lenet5" ? 1024 : 4096;
	const [c, h, w] = spec.input;
	const x = new Float32Array(n * c * h * w);
	const y = new Uint8Array(n);
	for (let i = 0; i < x.length; i++) x[i] = ((i * 2654435761) % 1000) / 1000;
	for (let i = 0; i < n; i++) y[i] = i % 10;
	const model = Sequential.build(spec, 1);
	const epochs = 2;
	const t0 = performance.now();
	trainSync(model, { x, y, n, shape: spec.input, classes: 10 }, { epochs, batchSize: 32, optimizer: optimizerSpec("adam", { lr: 0.001 }), seed: 1, val: 0 });
	const seconds = (performance.now() - t0) / 1000;
	const price = priceModel(spec, 32, n, epochs);
	const rate = (price.multiplyAddsPerEpoch * epochs) / seconds;
	console.log(`${name}: ${((n * epochs) / seconds).toFixed(0)} samples/s, ${(rate / 1e9).toFixed(3)} G multiply-adds/s (training), estimate ${price.estimatedSeconds.toFixed(2)} s vs measured ${seconds.toFixed(2)} s`);
}
