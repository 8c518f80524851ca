/**
 * The explorer tests' small network on the 8×8 digits — conv, ReLU, max pool, flatten, dense, softmax — with the lines a
 * note would write for it (the strip's captions).
 */
import type { ModelSpec } from "../../../src/engine/model-spec";

export function smallDigitsNet(filters = 4): { spec: ModelSpec; lines: string[] } {
	return {
		spec: {
			input: [1, 8, 8],
			layers: [
				{ type: "conv", filters, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
				{ type: "relu" },
				{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
				{ type: "flatten" },
				{ type: "dense", units: 10, bias: true },
				{ type: "softmax" },
			],
		},
		lines: [`conv ${filters} 3x3 pad 1`, "relu", "maxpool 2", "flatten", "dense 10", "softmax"],
	};
}
