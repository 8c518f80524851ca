import type { ConvLayerSpec, LayerSpec, ModelSpec, Pair, PoolSpec } from "../../../src/engine/model-spec";

/** Test fixtures written by hand from the acceptance cases (not produced by the code under test). */
export function conv(filters: number, k: number | Pair, extra: Partial<ConvLayerSpec> = {}): ConvLayerSpec {
	const kernel: Pair = typeof k === "number" ? [k, k] : k;
	return { type: "conv", filters, kernel, stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true, ...extra };
}

export function pool(type: "maxpool" | "avgpool", k: number, extra: Partial<PoolSpec> = {}): PoolSpec {
	return { type, kernel: [k, k], stride: [k, k], pad: [0, 0], ceil: false, countIncludePad: true, ...extra };
}

export const relu: LayerSpec = { type: "relu" };
export const flatten: LayerSpec = { type: "flatten" };
export const dense = (units: number, bias = true): LayerSpec => ({ type: "dense", units, bias });

/** Acceptance case 6: LeNet-5, 61 706 parameters. */
export const lenet5: ModelSpec = {
	input: [1, 32, 32],
	layers: [conv(6, 5), relu, pool("maxpool", 2), conv(16, 5), relu, pool("maxpool", 2), flatten, dense(120), relu, dense(84), relu, dense(10)],
};

/** The acceptance training net on the 8×8 digits: 8·9 + 8 + 128·10 + 10 = 1370 parameters. */
export const digitsNet: ModelSpec = {
	input: [1, 8, 8],
	layers: [conv(8, 3, { pad: [1, 1] }), relu, pool("maxpool", 2), flatten, dense(10), { type: "softmax" }],
};

/**
 * Keras 'same' with stride 2 (uneven padding), dilation, ceil mode, stride 3x2, count_include_pad=False, no bias.
 * By hand: 32 → ceil(32/2) = 16; dilation 2 covers 5 → 12; pool 3 stride 2 ceil → ⌈9/2⌉ + 1 = 6;
 * avgpool 2 stride 1 pad 1 → 7; conv 4 3x3 stride 3x2 pad 1 → ⌊(7 + 2 − 3)/3⌋ + 1 = 3 by ⌊6/2⌋ + 1 = 4;
 * flatten 3·4·4 = 48; dense 10 without bias.
 */
export const mixedNet: ModelSpec = {
	input: [3, 32, 32],
	layers: [
		conv(8, 3, { stride: [2, 2], pad: [0, 0], padEnd: [1, 1] }),
		{ type: "leakyrelu", slope: 0.1 },
		conv(4, 3, { dilation: [2, 2] }),
		{ type: "tanh" },
		pool("maxpool", 3, { stride: [2, 2], ceil: true }),
		pool("avgpool", 2, { stride: [1, 1], pad: [1, 1], countIncludePad: false }),
		conv(4, 3, { stride: [3, 2], pad: [1, 1] }),
		flatten,
		{ type: "dropout", p: 0.25 },
		dense(10, false),
		{ type: "sigmoid" },
	],
};
/** Per layer of mixedNet, [H, W, C] after it, worked out by hand above. */
export const mixedShapes: number[][] = [
	[16, 16, 8], [16, 16, 8], [12, 12, 4], [12, 12, 4], [6, 6, 4], [7, 7, 4], [3, 4, 4], [48], [48], [10], [10],
];
/** 8·3·3·3 + 8 = 224; 4·3·3·8 + 4 = 292; 4·3·3·4 + 4 = 148; 48·10 = 480. */
export const mixedParams = 224 + 292 + 148 + 480;

const bn: LayerSpec = { type: "batchnorm" };

/**
 * Residual blocks (issue 19's mini-ResNet on 8×8 digits): an identity block, a projection block (stride 2 in the body,
 * a 1×1 conv with stride 2 and batch norm on the shortcut), then a block holding a block. By hand:
 * stem conv 4 3x3 pad 1 on 8×8×1 → 8×8×4, 4·9 + 4 = 40; batchnorm 8.
 * Identity block: two conv 4 3x3 pad 1 (4·4·9 + 4 = 148 each) and a batchnorm (8): 304, output 8×8×4.
 * Projection block: conv 8 3x3 stride 2 pad 1 → 4×4×8 (8·4·9 + 8 = 296), batchnorm 16, conv 8 3x3 pad 1
 * (8·8·9 + 8 = 584); shortcut conv 8 1x1 stride 2 without bias (32) and batchnorm 16: 944, output 4×4×8.
 * Nested: the body is relu, an identity block of one conv 8 3x3 pad 1 (584), then conv 8 1x1 (8·8 + 8 = 72): 656.
 * gap → 8; dense 10: 8·10 + 10 = 90. Total 40 + 8 + 304 + 944 + 656 + 90 = 2042.
 */
export const resNet: ModelSpec = {
	input: [1, 8, 8],
	layers: [
		conv(4, 3, { pad: [1, 1] }),
		bn,
		relu,
		{ type: "residual", body: [conv(4, 3, { pad: [1, 1] }), relu, conv(4, 3, { pad: [1, 1] }), bn], shortcut: [] },
		relu,
		{
			type: "residual",
			body: [conv(8, 3, { stride: [2, 2], pad: [1, 1] }), bn, relu, conv(8, 3, { pad: [1, 1] })],
			shortcut: [conv(8, 1, { stride: [2, 2], bias: false }), bn],
		},
		relu,
		{ type: "residual", body: [relu, { type: "residual", body: [conv(8, 3, { pad: [1, 1] })], shortcut: [] }, conv(8, 1)], shortcut: [] },
		{ type: "gap" },
		dense(10),
	],
};
export const resNetParams = 2042;
/**
 * Issue 16's layers in one net, by hand: input 12×12×8;
 * conv 16 3x3 groups 4 pad 1 → 12×12×16, 16·(8/4)·9 + 16 = 304; batch norm 2·16 = 32 (and 32 running statistics);
 * depthwise 3x3 ×2 stride 2 pad 1 → ⌊(12 + 2 − 3)/2⌋ + 1 = 6, 6×6×32, 32·9 + 32 = 320;
 * convtranspose 8 3x3 stride 2 pad 1 outpad 1 → (6 − 1)·2 − 2 + 2 + 1 + 1 = 12, 12×12×8, 32·8·9 + 8 = 2312;
 * adaptive average pool to 4×4×8; gap → 8; BatchNorm1d 2·8 = 16 (and 16); dense 10: 8·10 + 10 = 90.
 * Trainable 304 + 32 + 320 + 2312 + 16 + 90 = 3074; with the running statistics (Keras's count) 3122.
 */
export const modernNet: ModelSpec = {
	input: [8, 12, 12],
	layers: [
		conv(16, 3, { pad: [1, 1], groups: 4 }),
		{ type: "batchnorm" },
		relu,
		{ type: "depthwise", multiplier: 2, kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilation: [1, 1], bias: true },
		{ type: "convtranspose", filters: 8, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 1], dilation: [1, 1], bias: true },
		{ type: "adaptiveavgpool", size: [4, 4] },
		{ type: "gap" },
		{ type: "batchnorm" },
		dense(10),
	],
};
export const modernParams = 3074;
export const modernKerasParams = 3122;
