import { describe, expect, it } from "vitest";
import { gradCam, saliency } from "../../../src/engine/attribution";
import { Sequential } from "../../../src/engine/model";
import type { LayerSpec, ModelSpec, Pair } from "../../../src/engine/model-spec";
import { ctx } from "../../support/engine";
import { casesOf, expectClose, ORACLE2_PATH, toTensor, type OracleCase, type OracleTensor } from "../../support/oracle";

// Saliency and Grad-CAM are gradients: the oracle README's gradient tolerance; logits are forward outputs.
const FWD = { atol: 1e-5, rtol: 1e-4 };
const GRAD = { atol: 1e-4, rtol: 1e-4 };

interface OracleLayer {
	type: string;
	out_channels?: number;
	kernel_size?: Pair;
	stride?: Pair;
	padding?: Pair;
	out_features?: number;
}

/** The oracle's nn.Sequential as an engine model, loaded with its state_dict tensors ("<index>.weight"). */
function build(c: OracleCase): Sequential {
	const params = c.inputs.parameters as unknown as Record<string, OracleTensor>;
	const layers: LayerSpec[] = (c.params.layers as OracleLayer[]).map((l, i): LayerSpec => {
		const hasBias = `${i}.bias` in params;
		switch (l.type) {
			case "conv2d":
				return { type: "conv", filters: l.out_channels ?? 0, kernel: l.kernel_size ?? [1, 1], stride: l.stride ?? [1, 1], pad: l.padding ?? [0, 0], dilation: [1, 1], bias: hasBias };
			case "max_pool2d":
				return { type: "maxpool", kernel: l.kernel_size ?? [1, 1], stride: l.stride ?? l.kernel_size ?? [1, 1], pad: [0, 0], ceil: false, countIncludePad: true };
			case "linear":
				return { type: "dense", units: l.out_features ?? 0, bias: hasBias };
			case "relu":
			case "flatten":
			case "gap":
				return { type: l.type };
			default:
				throw new Error(`${c.id}: unknown oracle layer ${l.type}`);
		}
	});
	const spec: ModelSpec = { input: c.params.input_shape as [number, number, number], layers };
	const model = Sequential.build(spec, 1, ctx);
	let loaded = 0;
	model.layers.forEach((layer, i) => {
		for (const p of layer.params) {
			const t = params[`${i}.${p.name}`];
			if (!t) throw new Error(`${c.id}: no tensor ${i}.${p.name}`);
			expect(t.shape, `${c.id} ${i}.${p.name}`).toEqual(p.shape);
			p.value.set(t.data);
			loaded++;
		}
	});
	expect(loaded).toBe(Object.keys(params).length);
	return model;
}

describe("PyTorch oracle 2: saliency and Grad-CAM", () => {
	it.each(casesOf("attribution", ORACLE2_PATH).map((c) => [c.id, c] as const))("%s", (_id, c) => {
		const model = build(c);
		const x = c.inputs.x;
		if (!x) throw new Error(`${c.id}: no input x`);
		const input = toTensor(x);
		const target = c.params.target as number;
		expectClose(model.forward(input, false).data, c.outputs.logits.data, FWD.atol, FWD.rtol, `${c.id} logits`);
		const s = saliency(model, input, target);
		expect(s.shape).toEqual(c.outputs.saliency.shape);
		expectClose(s.data, c.outputs.saliency.data, GRAD.atol, GRAD.rtol, `${c.id} saliency`);
		const cam = gradCam(model, input, target, c.params.cam_layer as number);
		expect(cam.shape).toEqual(c.outputs.gradcam.shape);
		expectClose(cam.data, c.outputs.gradcam.data, GRAD.atol, GRAD.rtol, `${c.id} gradcam`);
		// Attribution leaves the model as training needs it: the first layer still skips its input gradient.
		expect(model.layers[0].needInputGrad).toBe(false);
	});
});

describe("attribution arguments", () => {
	const model = Sequential.build({ input: [1, 4, 4], layers: [{ type: "conv", filters: 2, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true }, { type: "flatten" }, { type: "dense", units: 3, bias: true }, { type: "softmax" }] }, 2, ctx);
	const x = { shape: [1, 4, 4], data: new Float32Array(16).fill(0.5) };

	it("uses the logit, not the softmax output: a trailing softmax does not change the saliency", () => {
		const plain = Sequential.build({ ...model.spec, layers: model.spec.layers.slice(0, 3) }, 2, ctx);
		expect(Array.from(saliency(model, x, 1).data)).toEqual(Array.from(saliency(plain, x, 1).data));
	});

	it("names what is wrong with a class, a layer or an input", () => {
		expect(() => saliency(model, x, 3)).toThrow(/class 3 is not one of the network's 3 outputs/);
		expect(() => gradCam(model, x, 0, 1)).toThrow(/layer 1 gives \[32\]/);
		expect(() => gradCam(model, x, 0, 7)).toThrow(/a layer from 0 to 2/);
		expect(() => saliency(model, { shape: [9], data: new Float32Array(9) }, 0)).toThrow(/9 values/);
	});
});
