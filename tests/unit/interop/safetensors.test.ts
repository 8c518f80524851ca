import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { toPyTorch } from "../../../src/interop/export";
import { readSafetensors, writeSafetensors } from "../../../src/interop/safetensors";
import { loadSafetensors, saveSafetensors, stateDictArrays } from "../../../src/interop/safetensors-weights";
import { mixedNet } from "../export/models";

/** A small net with batch norm after a conv and after a dense layer, and an uneven 'same' pad (an extra ZeroPad2d). */
const bnNet: ModelSpec = {
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

function trained(spec: ModelSpec, seed: number): Sequential {
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

function hasTorch(): boolean {
	return spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

describe.runIf(hasTorch())("PyTorch loads the file into the exported model", () => {
	it("with load_state_dict(strict=True), and its logits in eval mode equal ours", () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-safetensors-"));
		const cases: Record<string, ModelSpec> = { bn: bnNet, mixed: mixedNet };
		const inputs: Record<string, number[]> = {};
		const ours: Record<string, number[]> = {};
		for (const [name, spec] of Object.entries(cases)) {
			const m = trained(spec, 5);
			const saved = saveSafetensors(m);
			if (!saved.ok) throw new Error(saved.error);
			writeFileSync(join(dir, `${name}.safetensors`), saved.bytes);
			writeFileSync(join(dir, `${name}.py`), toPyTorch(spec, { shapeCheck: false }));
			const n = 3;
			const len = n * spec.input.reduce((a, b) => a * b, 1);
			const x = Float32Array.from({ length: len }, (_, i) => Math.cos(i * 0.11) * 0.8);
			inputs[name] = Array.from(x);
			ours[name] = Array.from(m.forward({ shape: [n, ...spec.input], data: x }, false).data);
		}
		writeFileSync(join(dir, "inputs.json"), JSON.stringify({ inputs, shapes: Object.fromEntries(Object.entries(cases).map(([k, s]) => [k, s.input])) }));
		// A reader of a few lines, as an exported script without the safetensors package would have.
		const driver = `
import json, struct, runpy, sys, torch
d = sys.argv[1]
def load(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    types = {"F32": torch.float32, "I64": torch.int64}
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=types[t["dtype"]]).reshape(t["shape"])
    return out
spec = json.load(open(d + "/inputs.json"))
res = {}
for name in spec["inputs"]:
    model = runpy.run_path(d + "/" + name + ".py")["model"]
    model.load_state_dict(load(d + "/" + name + ".safetensors"), strict=True)
    model.eval()
    x = torch.tensor(spec["inputs"][name], dtype=torch.float32).reshape([-1] + spec["shapes"][name])
    with torch.no_grad():
        res[name] = model(x).flatten().tolist()
print(json.dumps(res))
`;
		const out = execFileSync("/usr/bin/python3", ["-c", driver, dir], { encoding: "utf8", timeout: 60_000 });
		const theirs = JSON.parse(out) as Record<string, number[]>;
		for (const name of Object.keys(cases)) {
			expect(theirs[name].length).toBe(ours[name].length);
			theirs[name].forEach((v, i) => expect(Math.abs(v - ours[name][i]), `${name}[${i}]: torch ${v}, CNN Lab ${ours[name][i]}`).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(v)));
		}
	});
});
