/** The networks the safetensors tests write and read (safetensors.test.ts, and under PyTorch safetensors-torch.test.ts). */
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";

/** A small net with batch norm after a conv and after a dense layer, and an uneven 'same' pad (an extra ZeroPad2d). */
export const bnNet: ModelSpec = {
	input: [2, 8, 7],
	layers: [
		{ type: "conv", filters: 4, kernel: [3, 3], stride: [2, 2], pad: [0, 0], padEnd: [1, 1], dilation: [1, 1], bias: false },
		{ type: "batchnorm" },
		{ type: "relu" },
		{ type: "dense", units: 6, bias: true },
		{ type: "batchnorm" },
		{ type: "tanh" },
		{ type: "dense", units: 3, bias: true },
	],
};

export function trained(spec: ModelSpec, seed: number): Sequential {
	const m = Sequential.build(spec, seed);
	// Two training steps so the running statistics and the batch counter are not their starting values.
	const n = 4;
	const len = n * spec.input.reduce((a, b) => a * b, 1);
	const x = { shape: [n, ...spec.input], data: Float32Array.from({ length: len }, (_, i) => Math.sin(i * 0.37 + seed)) };
	m.lossAndGrad(x, [0, 1, 2, 1]);
	m.lossAndGrad(x, [0, 1, 2, 1]);
	for (const p of m.params()) for (let i = 0; i < p.value.length; i++) p.value[i] += 0.01 * Math.cos(i + p.value.length);
	return m;
}
