/**
 * Issue 19's mini-ResNet on 8×8×1 digits, as the ```cnn block in the issue writes it: a stem, an identity block,
 * a block with a projection shortcut (stride 2, 16 → 32 channels), global average pooling and the classifier.
 * Shared by its training test, its PyTorch comparison and its benchmark workload.
 */
import type { LayerSpec, ModelSpec } from "../../src/engine/model-spec";

const conv = (filters: number, k: number, pad: number, stride = 1, bias = true): LayerSpec => ({
	type: "conv", filters, kernel: [k, k], stride: [stride, stride], pad: [pad, pad], dilation: [1, 1], bias,
});
const bn: LayerSpec = { type: "batchnorm" };
const relu: LayerSpec = { type: "relu" };

export const MINI_RESNET: ModelSpec = {
	input: [1, 8, 8],
	layers: [
		conv(16, 3, 1),
		bn,
		relu,
		{ type: "residual", body: [conv(16, 3, 1), bn, relu, conv(16, 3, 1), bn], shortcut: [] },
		relu,
		// the projection `residual project` gives: a 1×1 conv with the body's stride, no bias, then batch norm
		{ type: "residual", body: [conv(32, 3, 1, 2), bn, relu, conv(32, 3, 1), bn], shortcut: [conv(32, 1, 0, 2, false), bn] },
		relu,
		{ type: "gap" },
		{ type: "dense", units: 10, bias: true },
	],
};
