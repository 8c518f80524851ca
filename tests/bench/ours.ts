import { convGeom } from "../../src/engine/im2col";
import { createJsBackend, type Backend } from "../../src/engine/backend";
import { createEngineContext } from "../../src/engine/context";
import { simdBackendSync, wasmSimdSupported } from "../../src/engine/wasm";
import { ConvWorkspace, conv2dForward } from "../../src/engine/ops/conv2d";
import { Sequential } from "../../src/engine/model";
import { optimizerSpec } from "../../src/engine/optim";
import { Trainer } from "../../src/engine/trainer";
import type { LayerSpec, ModelSpec } from "../../src/engine/model-spec";
import type { Runner } from "./timing";
import { randomArray } from "./timing";

export type GemmKind = "js" | "simd";

/** A backend of its own on the JavaScript kernel or the WebAssembly SIMD one. */
export function backendOf(kind: GemmKind): Backend {
	if (kind === "js") return createJsBackend();
	const simd = simdBackendSync();
	if (!simd) throw new Error("WebAssembly SIMD is not available here");
	return simd;
}

export const simdAvailable = (): boolean => wasmSimdSupported();

/** Our conv forward on an NCHW batch, through the same op the conv layer uses (im2col + GEMM). */
export function oursConvForward(kind: GemmKind, n: number, c: number, h: number, w: number, filters: number, k: number, pad: number): Runner {
	const g = convGeom([n, c, h, w], [filters, c, k, k], { stride: [1, 1], pad: [pad, pad], dilation: [1, 1] });
	const x = randomArray(n * c * h * w, 21);
	const wt = randomArray(filters * c * k * k, 22);
	const b = randomArray(filters, 23);
	const y = new Float32Array(n * filters * g.ho * g.wo);
	const ws = new ConvWorkspace();
	const be = backendOf(kind);
	return {
		run() {
			conv2dForward(be, g, x, wt, b, y, ws, false);
		},
	};
}

const conv = (filters: number, k: number, pad: number): LayerSpec => ({ type: "conv", filters, kernel: [k, k], stride: [1, 1], pad: [pad, pad], dilation: [1, 1], bias: true });
const maxpool2: LayerSpec = { type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true };

export const oursW4: ModelSpec = {
	input: [1, 28, 28],
	layers: [conv(8, 5, 2), { type: "relu" }, maxpool2, conv(16, 5, 0), { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 64, bias: true }, { type: "relu" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};

export const oursW5: ModelSpec = {
	input: [1, 8, 8],
	layers: [conv(8, 3, 1), { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};

/** W6: W4 with batch norm after each conv (BatchNorm2d, training mode). */
export const oursW6: ModelSpec = {
	input: [1, 28, 28],
	layers: [conv(8, 5, 2), { type: "batchnorm" }, { type: "relu" }, maxpool2, conv(16, 5, 0), { type: "batchnorm" }, { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 64, bias: true }, { type: "relu" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};

const depthwise3: LayerSpec = { type: "depthwise", multiplier: 1, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true };

/** W7: depthwise-separable blocks (depthwise 3×3, then a 1×1 conv), as MobileNet builds them. */
export const oursW7: ModelSpec = {
	input: [1, 28, 28],
	layers: [conv(8, 3, 1), { type: "relu" }, depthwise3, conv(16, 1, 0), { type: "relu" }, maxpool2, depthwise3, conv(32, 1, 0), { type: "relu" }, maxpool2, { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }],
};

/** One training batch through our Trainer (batch gather, forward, backward, NaN check, SGD momentum 0.9). */
export function oursTrain(kind: GemmKind, spec: ModelSpec, batch: number, samples: number): Runner {
	const size = spec.input[0] * spec.input[1] * spec.input[2];
	const x = randomArray(samples * size, 12);
	const y = Uint8Array.from({ length: samples }, (_, i) => (i * 7) % 10);
	const model = Sequential.build(spec, 1, createEngineContext({ backend: backendOf(kind) }));
	const trainer = new Trainer(model, { x, y, n: samples, shape: spec.input, classes: 10 }, {
		epochs: 1e9,
		batchSize: batch,
		optimizer: optimizerSpec("momentum", { lr: 0.01, momentum: 0.9 }),
		seed: 1,
		val: 0,
	});
	return {
		run() {
			trainer.step();
			// A run that ended (NaN) would make later steps free and the figures meaningless.
			if (trainer.finished) throw new Error(`bench training ended: ${JSON.stringify(trainer.outcome)}`);
		},
	};
}
