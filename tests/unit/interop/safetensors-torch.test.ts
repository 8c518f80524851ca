/**
 * The exported PyTorch model loads CNN Lab's safetensors file with load_state_dict(strict=True) and computes the same
 * logits. In the "slow" project (vitest.config.ts): it starts Python and imports torch (seconds of CPU on its own).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { toPyTorch } from "../../../src/interop/export";
import { saveSafetensors } from "../../../src/interop/safetensors-weights";
import { mixedNet } from "../export/models";
import { bnNet, trained } from "./safetensors-nets";

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
