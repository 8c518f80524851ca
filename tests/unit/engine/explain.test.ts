import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { ConvLayerSpec, LayerSpec, ModelSpec, PoolSpec } from "../../../src/engine/model-spec";
import { Probe } from "../../../src/engine/probe";
import { Rng } from "../../../src/engine/rng";
import { buildConvModel, stepInfo } from "../../../src/render/conv/model";
import { convBlockFor } from "../../../src/render/explorer/computation-view";

// Every value the explorer explains must be the value the engine computed: the explanation re-derives it from the
// layer's input and parameters, and here it is compared with the layer's own output for random cells of every
// layer type, on random inputs and weights.

const conv = (filters: number, k: number, o: Partial<ConvLayerSpec> = {}): LayerSpec => ({ type: "conv", filters, kernel: [k, k], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true, ...o });
const pool = (type: "maxpool" | "avgpool", k: number, o: Partial<PoolSpec> = {}): LayerSpec => ({ type, kernel: [k, k], stride: [k, k], pad: [0, 0], ceil: false, countIncludePad: true, ...o });

const NETS: { name: string; spec: ModelSpec }[] = [
	{
		name: "acceptance net: conv 8 3x3 pad 1, relu, maxpool 2, flatten, dense 10, softmax",
		spec: { input: [1, 8, 8], layers: [conv(8, 3, { pad: [1, 1] }), { type: "relu" }, pool("maxpool", 2), { type: "flatten" }, { type: "dense", units: 10, bias: true }, { type: "softmax" }] },
	},
	{
		name: "3 channels, stride 2x1, dilation 2, leaky relu, avgpool 3 stride 2 pad 1, tanh, sigmoid",
		spec: {
			input: [3, 11, 10],
			layers: [conv(4, 3, { stride: [2, 1], pad: [2, 1], dilation: [2, 1] }), { type: "leakyrelu", slope: 0.1 }, pool("avgpool", 3, { stride: [2, 2], pad: [1, 1] }), { type: "tanh" }, { type: "flatten" }, { type: "dense", units: 5, bias: true }, { type: "sigmoid" }],
		},
	},
	{
		name: "avgpool without padding in the count, ceil mode maxpool, dense without bias",
		spec: { input: [2, 7, 7], layers: [pool("avgpool", 3, { stride: [2, 2], pad: [1, 1], countIncludePad: false }), pool("maxpool", 2, { ceil: true }), { type: "flatten" }, { type: "dense", units: 3, bias: false }] },
	},
	{
		name: "grouped conv (groups 2), batch norm (eval), depthwise ×2, adaptive average pool 3x2, gap, batch norm 1d",
		spec: {
			input: [4, 9, 9],
			layers: [
				conv(6, 3, { groups: 2, pad: [1, 1] }),
				{ type: "batchnorm" },
				{ type: "depthwise", multiplier: 2, kernel: [3, 3], stride: [2, 2], pad: [1, 1], dilation: [1, 1], bias: true },
				{ type: "adaptiveavgpool", size: [3, 2] },
				{ type: "relu" },
				{ type: "gap" },
				{ type: "batchnorm" },
				{ type: "dense", units: 3, bias: true },
			],
		},
	},
	{
		name: "transposed conv 5 3x3 stride 2 pad 1 outpad 1, then one with groups 5 and dilation 2",
		spec: {
			input: [2, 4, 4],
			layers: [
				{ type: "convtranspose", filters: 5, kernel: [3, 3], stride: [2, 2], pad: [1, 1], outputPad: [1, 1], dilation: [1, 1], bias: true },
				{ type: "convtranspose", filters: 5, kernel: [2, 2], stride: [1, 1], pad: [0, 0], outputPad: [0, 0], dilation: [2, 2], bias: true, groups: 5 },
				{ type: "flatten" },
			],
		},
	},
];

function randomInput(n: number, rng: Rng): Float32Array {
	const x = new Float32Array(n);
	for (let i = 0; i < n; i++) x[i] = rng.next() * 2 - 1;
	return x;
}

/** The engine's value and the explanation's agree to float32 rounding of the sums. */
function close(a: number, b: number, scale: number): boolean {
	return Math.abs(a - b) <= 1e-5 * (1 + scale);
}

describe("explain: every layer's value re-derived from its input and parameters", () => {
	for (const { name, spec } of NETS) {
		it(name, () => {
			fc.assert(
				fc.property(fc.integer({ min: 1, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, where) => {
					const probe = new Probe(spec, seed, null);
					const rng = new Rng(seed + 1);
					const r = probe.run(randomInput(spec.input.reduce((a, b) => a * b, 1), rng));
					for (let s = 1; s < r.stages.length; s++) {
						const st = r.stages[s];
						const index = Math.min(st.data.length - 1, Math.floor(where * st.data.length));
						const want = st.data[index];
						if (st.spec?.type === "conv" || st.spec?.type === "depthwise") {
							const [, h, w] = st.shape;
							const c = Math.floor(index / (h * w));
							const cell = probe.convCell(r, st.layer, c);
							expect(cell).not.toBeNull();
							if (!cell) return;
							const m = buildConvModel(convBlockFor(cell, "f", []), cell.input).model;
							expect(m).not.toBeNull();
							if (!m) return;
							const info = stepInfo(m, index % (h * w));
							const scale = info.terms.flat().reduce((a, t) => a + Math.abs(t.x * t.w), Math.abs(info.bias));
							expect(close(info.total, want, scale), `conv ${index}: ${info.total} vs ${want}`).toBe(true);
							continue;
						}
						const e = probe.explain(r, st.layer, index);
						expect(e, `layer ${st.layer} (${st.spec?.type})`).not.toBeNull();
						if (!e) return;
						expect(close(e.value, want, Math.abs(want)), `${e.kind} ${index}: ${e.value} vs ${want}`).toBe(true);
					}
				}),
				{ numRuns: 40 },
			);
		});
	}

	it("a dense unit's largest contributions, the rest and the bias add up to its value", () => {
		const spec = NETS[0].spec;
		const probe = new Probe(spec, 3, null);
		const r = probe.run(randomInput(64, new Rng(9)));
		const dense = r.stages.findIndex((s) => s.spec?.type === "dense");
		const e = probe.explain(r, r.stages[dense].layer, 4);
		if (!e || e.kind !== "dense") throw new Error("expected a dense explanation");
		expect(e.top).toHaveLength(8);
		for (let i = 1; i < e.top.length; i++) expect(Math.abs(e.top[i - 1].product)).toBeGreaterThanOrEqual(Math.abs(e.top[i].product));
		expect(e.restCount).toBe(128 - 8);
		const sum = e.top.reduce((a, c) => a + c.product, 0) + e.restSum + e.bias;
		expect(sum).toBeCloseTo(r.stages[dense].data[4], 5);
	});

	it("a max-pool cell names the window's largest value; padding cells are marked and never chosen", () => {
		const spec: ModelSpec = { input: [1, 4, 4], layers: [pool("maxpool", 3, { stride: [2, 2], pad: [1, 1] })] };
		const probe = new Probe(spec, 1, null);
		const x = Float32Array.from({ length: 16 }, (_, i) => -1 - i); // all negative: padding (0) must not win
		const r = probe.run(x);
		const e = probe.explain(r, 0, 0);
		if (!e || e.kind !== "maxpool") throw new Error("expected a maxpool explanation");
		expect(e.window.filter((c) => c.pad)).toHaveLength(5);
		expect(e.window[e.chosen].pad).toBe(false);
		expect(e.value).toBe(-1);
		expect(r.stages[1].data[0]).toBe(-1);
	});
});
