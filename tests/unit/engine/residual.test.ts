import { describe, expect, it } from "vitest";
import { gradCam } from "../../../src/engine/attribution";
import { createLayer } from "../../../src/engine/layers";
import { ResidualLayer } from "../../../src/engine/layers/residual";
import { Sequential } from "../../../src/engine/model";
import type { LayerSpec, ModelSpec, ResidualSpec } from "../../../src/engine/model-spec";
import { Rng } from "../../../src/engine/rng";
import { ctx } from "../../support/engine";
import { gradCheck, randomData } from "../../support/grad-check";

const conv = (filters: number, k: number, pad: number, stride = 1, bias = true): LayerSpec => ({
	type: "conv", filters, kernel: [k, k], stride: [stride, stride], pad: [pad, pad], dilation: [1, 1], bias,
});
const bn: LayerSpec = { type: "batchnorm" };
const relu: LayerSpec = { type: "relu" };
const residual = (body: LayerSpec[], shortcut: LayerSpec[] = []): ResidualSpec => ({ type: "residual", body, shortcut });

/** `n` samples of `len` random values in [-1, 1). */
const sample = (n: number, len: number, seed: number): Float32Array => randomData(n * len, seed);

// The finite-difference checks (tests/support/grad-check.ts) put a layer before the block, so the block's input
// gradient (both branches' sum) is checked too, through that layer's weights.
describe("finite-difference gradient checks of residual models", () => {
	it("identity shortcut: conv → [conv, relu, conv] + x → relu → flatten → dense", () => {
		const spec: ModelSpec = {
			input: [2, 5, 5],
			layers: [conv(3, 3, 1), residual([conv(3, 3, 1), relu, conv(3, 3, 1)]), relu, { type: "flatten" }, { type: "dense", units: 4, bias: true }],
		};
		const r = gradCheck(spec, 3, 3);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		// the first conv's weights see the block's input gradient: body and identity summed
		expect(r.perParam.get("weight")).toBeGreaterThan(40);
		expect(r.perParam.get("body.2.weight")).toBeGreaterThan(60);
	});

	it("projection shortcut with stride 2 and batch norm on both branches", () => {
		const spec: ModelSpec = {
			input: [2, 6, 6],
			layers: [
				conv(3, 3, 1),
				// tanh, not relu: after batch norm every value moves with every weight, so a relu kink sits near most points
				residual([conv(4, 3, 1, 2, false), bn, { type: "tanh" }, conv(4, 3, 1, 1, false), bn], [conv(4, 1, 0, 2, false), bn]),
				{ type: "tanh" },
				{ type: "gap" },
				{ type: "dense", units: 3, bias: true },
			],
		};
		const r = gradCheck(spec, 4, 5);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.perParam.get("shortcut.0.weight")).toBe(12);
		expect(r.perParam.get("shortcut.1.weight")).toBe(4);
		expect(r.perParam.get("weight")).toBeGreaterThan(40);
	});

	it("a residual block nested one level inside another's body", () => {
		const spec: ModelSpec = {
			input: [1, 5, 5],
			layers: [
				conv(2, 3, 1),
				residual([conv(2, 3, 1), { type: "tanh" }, residual([conv(2, 3, 1), { type: "sigmoid" }]), conv(2, 1, 0)]),
				{ type: "flatten" },
				{ type: "dense", units: 3, bias: true },
			],
		};
		const r = gradCheck(spec, 2, 7);
		expect(r.checked).toBeGreaterThan(0.9 * (r.checked + r.kinks));
		expect(r.perParam.get("body.2.body.0.weight")).toBeGreaterThan(30);
		expect(r.perParam.get("body.3.weight")).toBe(4);
	});
});

describe("the residual layer", () => {
	const proj = residual([conv(4, 3, 1, 2, false), bn, relu, conv(4, 3, 1, 1, false), bn], [conv(4, 1, 0, 2, false), bn]);

	it("names its arrays as PyTorch's state_dict names them relative to the block, sharing the sublayers' storage", () => {
		const l = createLayer(proj, [2, 6, 6], new Rng(1), ctx) as ResidualLayer;
		expect(l.outShape).toEqual([4, 3, 3]);
		expect(l.params.map((p) => p.name)).toEqual(["body.0.weight", "body.1.weight", "body.1.bias", "body.3.weight", "body.4.weight", "body.4.bias", "shortcut.0.weight", "shortcut.1.weight", "shortcut.1.bias"]);
		expect(l.state.map((s) => s.name)).toContain("shortcut.1.running_mean");
		expect(l.params[0].value).toBe(l.body[0].params[0].value);
		expect(l.params[0].grad).toBe(l.body[0].params[0].grad);
	});

	it("initialises the sublayers' parameters by their rules (He for convs, ones for batch norm's scale)", () => {
		const m = Sequential.build({ input: [2, 6, 6], layers: [proj] }, 3, ctx);
		const byName = new Map(m.params().map((p) => [p.name, p.value]));
		const w = byName.get("body.0.weight") as Float32Array;
		const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
		// He normal: std √(2 / (2·3·3)) = 0.333
		expect(std).toBeGreaterThan(0.25);
		expect(std).toBeLessThan(0.42);
		expect(Array.from(byName.get("shortcut.1.weight") as Float32Array)).toEqual([1, 1, 1, 1]);
		expect((byName.get("shortcut.0.weight") as Float32Array).some((v) => v !== 0)).toBe(true);
	});

	it("refuses branches that end in different shapes, naming both", () => {
		expect(() => createLayer(residual([conv(4, 3, 1, 2)]), [2, 6, 6], new Rng(1), ctx)).toThrow(/body ends in \[4, 3, 3\] but the identity shortcut passes the input on as \[2, 6, 6\]/);
		expect(() => createLayer(residual([conv(4, 3, 1)], [conv(4, 1, 0, 2)]), [2, 6, 6], new Rng(1), ctx)).toThrow(/\[4, 6, 6\] but the projection shortcut gives \[4, 3, 3\]/);
	});

	it("computes body(x) + x and hands dy to both branches (dx = dy + the body's dx)", () => {
		const l = createLayer(residual([relu]), [1, 2, 2], new Rng(1), ctx);
		const x = { shape: [1, 1, 2, 2], data: Float32Array.from([-1, 2, -3, 4]) };
		expect(Array.from(l.forward(x, true).data)).toEqual([-1, 4, -3, 8]);
		const dx = l.backward({ shape: [1, 1, 2, 2], data: Float32Array.from([1, 1, 1, 1]) });
		expect(Array.from(dx.data)).toEqual([1, 2, 1, 2]);
	});

	it("passes needInputGrad to the first layer of each branch, and reuses its buffers while the batch stays", () => {
		const l = createLayer(proj, [2, 6, 6], new Rng(1), ctx) as ResidualLayer;
		l.needInputGrad = false;
		expect(l.body[0].needInputGrad).toBe(false);
		expect(l.shortcut[0].needInputGrad).toBe(false);
		expect(l.body[1].needInputGrad).not.toBe(false);
		l.needInputGrad = true;
		const x = { shape: [2, 2, 6, 6], data: sample(2, 72, 2) };
		const y1 = l.forward(x, true);
		const d1 = l.backward({ shape: [2, 4, 3, 3], data: sample(2, 36, 3) });
		const y1data = y1.data;
		const d1data = d1.data;
		const y2 = l.forward(x, true);
		const d2 = l.backward({ shape: [2, 4, 3, 3], data: sample(2, 36, 3) });
		expect(y2.data).toBe(y1data);
		expect(d2.data).toBe(d1data);
	});

	it("lists the outputs inside a block for one sample: body, shortcut, add, with nested paths", () => {
		const spec: ModelSpec = {
			input: [1, 4, 4],
			layers: [conv(2, 3, 1), residual([conv(2, 3, 1), residual([relu])]), relu, { type: "flatten" }, { type: "dense", units: 3, bias: true }],
		};
		const m = Sequential.build(spec, 2, ctx);
		const x = { shape: [1, 4, 4], data: sample(1, 16, 9) };
		const acts = m.activations(x);
		expect(acts.map((a) => a.label)).toEqual(["conv 2 3×3", "residual", "relu", "flatten", "dense 3"]);
		expect(acts[0].inner).toBeUndefined();
		const inner = acts[1].inner ?? [];
		expect(inner.map((a) => `${a.path} ${a.label}`)).toEqual(["body.0 conv 2 3×3", "body.1 residual", "shortcut identity", "add add"]);
		expect(inner[1].inner?.map((a) => a.path)).toEqual(["body.1.body.0", "body.1.shortcut", "body.1.add"]);
		// the sum is body + shortcut and is the block's output
		for (let i = 0; i < 32; i++) expect(inner[3].data[i]).toBeCloseTo(inner[1].data[i] + inner[2].data[i], 6);
		expect(Array.from(inner[3].data)).toEqual(Array.from(acts[1].data));
		expect(Array.from(inner[2].data)).toEqual(Array.from(acts[0].data));
		// the nested block: relu(body.0) + body.0
		const nested = inner[1].inner ?? [];
		for (let i = 0; i < 32; i++) expect(nested[2].data[i]).toBeCloseTo(Math.max(0, inner[0].data[i]) + inner[0].data[i], 6);
	});

	it("gives Grad-CAM on a conv inside a block as the same map on an equivalent plain stack", () => {
		// a block whose shortcut is a conv with zero weights is the body alone: the maps must match the stack's
		const body = [conv(3, 3, 1), relu, conv(3, 3, 1)];
		const blockSpec: ModelSpec = { input: [1, 5, 5], layers: [residual(body, [conv(3, 1, 0)]), relu, { type: "flatten" }, { type: "dense", units: 4, bias: true }] };
		const plainSpec: ModelSpec = { input: [1, 5, 5], layers: [...body, relu, { type: "flatten" }, { type: "dense", units: 4, bias: true }] };
		const block = Sequential.build(blockSpec, 4, ctx);
		const plain = Sequential.build(plainSpec, 4, ctx);
		const byName = new Map(block.params().map((p) => [p.name, p]));
		const plainParams = plain.params();
		const names = ["body.0.weight", "body.0.bias", "body.2.weight", "body.2.bias", "weight", "bias"];
		names.forEach((name, i) => plainParams[i].value.set((byName.get(name) as { value: Float32Array }).value));
		(byName.get("shortcut.0.weight") as { value: Float32Array }).value.fill(0);
		const x = { shape: [1, 5, 5], data: sample(1, 25, 4) };
		for (let cls = 0; cls < 4; cls++) {
			const a = gradCam(block, x, cls, 0, "body.0");
			const b = gradCam(plain, x, cls, 0);
			expect(a.shape).toEqual([5, 5]);
			for (let i = 0; i < 25; i++) expect(a.data[i]).toBeCloseTo(b.data[i], 5);
			const c = gradCam(block, x, cls, 0, "add");
			const d = gradCam(plain, x, cls, 2);
			for (let i = 0; i < 25; i++) expect(c.data[i]).toBeCloseTo(d.data[i], 5);
		}
		expect(() => gradCam(block, x, 0, 0, "body.9")).toThrow(/no output "body.9"/);
		expect(() => gradCam(block, x, 0, 1, "body.0")).toThrow(/has no layers inside it/);
	});
});
