import { describe, expect, it } from "vitest";
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { readSafetensors, writeSafetensors } from "../../../src/interop/safetensors";
import { loadSafetensors, saveSafetensors, stateDictArrays } from "../../../src/interop/safetensors-weights";
import { bnNet, trained } from "./safetensors-nets";

// PyTorch loading the file into the exported model: safetensors-torch.test.ts (the "slow" project: it imports torch).

describe("safetensors format", () => {
	it("writes the 8-byte length, a space-padded JSON header and little-endian data, and reads it back", () => {
		const bytes = writeSafetensors([
			{ name: "a", dtype: "F32", shape: [2, 2], data: [1, -2.5, 3e-8, 4] },
			{ name: "n", dtype: "I64", shape: [], data: [7] },
		], { format: "pt" });
		const len = Number(new DataView(bytes.buffer).getBigUint64(0, true));
		expect(len % 8).toBe(0);
		const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + len)));
		expect(header).toEqual({ __metadata__: { format: "pt" }, a: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] }, n: { dtype: "I64", shape: [], data_offsets: [16, 24] } });
		expect(bytes.length).toBe(8 + len + 24);
		expect(new DataView(bytes.buffer).getFloat32(8 + len + 4, true)).toBe(-2.5);
		const r = readSafetensors(bytes);
		if (!r.ok) throw new Error(r.error);
		expect(Array.from(r.file.tensors.get("a")?.data ?? [])).toEqual(Array.from(Float32Array.from([1, -2.5, 3e-8, 4])));
		expect(r.file.tensors.get("n")).toEqual({ dtype: "I64", shape: [], data: Float32Array.from([7]) });
		expect(r.file.metadata).toEqual({ format: "pt" });
	});

	it("says what is wrong with a broken file", () => {
		expect(readSafetensors(new Uint8Array(3))).toEqual({ ok: false, error: expect.stringMatching(/fewer than the 8/) });
		const good = writeSafetensors([{ name: "w", dtype: "F32", shape: [3], data: [1, 2, 3] }]);
		expect(readSafetensors(good.subarray(0, good.length - 4))).toEqual({ ok: false, error: expect.stringMatching(/w: bytes 0–12 do not hold \[3\] F32/) });
		const bad = good.slice();
		bad[8] = 0x5b; // the header's "{" becomes "["
		expect(readSafetensors(bad)).toEqual({ ok: false, error: expect.stringMatching(/not UTF-8 JSON|not a JSON object/) });
	});
});

describe("state_dict names", () => {
	it("follow the exported nn.Sequential's module indices (ZeroPad2d and Flatten the export adds count)", () => {
		const r = stateDictArrays(Sequential.build(bnNet, 1));
		if (!r.ok) throw new Error(r.error);
		// 8×7 padded to 9×8, k3 s2 → 4×3×4 = 48 features. 0 ZeroPad2d, 1 Conv2d, 2 BatchNorm2d, 3 ReLU, 4 Flatten (added), 5 Linear, 6 BatchNorm1d, 7 Tanh, 8 Linear
		expect(r.arrays.map((a) => `${a.name} ${a.dtype} [${a.shape.join(",")}]`)).toEqual([
			"1.weight F32 [4,2,3,3]",
			"2.weight F32 [4]", "2.bias F32 [4]", "2.running_mean F32 [4]", "2.running_var F32 [4]", "2.num_batches_tracked I64 []",
			"5.weight F32 [6,48]", "5.bias F32 [6]",
			"6.weight F32 [6]", "6.bias F32 [6]", "6.running_mean F32 [6]", "6.running_var F32 [6]", "6.num_batches_tracked I64 []",
			"8.weight F32 [3,6]", "8.bias F32 [3]",
		]);
	});

	it("round-trip a trained network, running statistics included", () => {
		const a = trained(bnNet, 2);
		const saved = saveSafetensors(a, { source: "CNN Lab" });
		if (!saved.ok) throw new Error(saved.error);
		const b = Sequential.build(bnNet, 77);
		expect(loadSafetensors(b, saved.bytes)).toEqual({ ok: true, loaded: 15 });
		expect(Array.from(b.exportWeights())).toEqual(Array.from(a.exportWeights()));
	});

	it("refuse a file of another network, naming each tensor, and leave the weights alone", () => {
		const saved = saveSafetensors(trained(bnNet, 3));
		if (!saved.ok) throw new Error(saved.error);
		const other: ModelSpec = { ...bnNet, layers: [...bnNet.layers.slice(0, 3), { type: "dense", units: 5, bias: true }, { type: "tanh" }, { type: "dense", units: 3, bias: true }] };
		const m = Sequential.build(other, 4);
		const before = m.exportWeights();
		const r = loadSafetensors(m, saved.bytes);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.errors).toContain("5.weight: the file has 6×48, the network needs 5×48");
		expect(r.errors).toContain("7.weight: missing from the file (layer 6 needs 3×5)");
		expect(r.errors).toContain("6.running_mean: in the file (6), but the network has no such tensor");
		expect(Array.from(m.exportWeights())).toEqual(Array.from(before));
	});
});
