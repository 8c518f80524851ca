/**
 * The reverse bridge: a state_dict PyTorch saved for the exported model (written here as
 * safetensors.torch.save_file writes it — 8 bytes of header length, a JSON header, raw little-endian data — since
 * Debian ships torch without the safetensors package) loads through a block's `weights` line, and CNN Lab's logits
 * with those weights equal PyTorch's to 1e-4 in evaluation mode.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { App, Vault } from "../../support/obsidian-stub";
import { toPyTorch } from "../../../src/interop/export";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { loadBlockWeights } from "../../../src/plugin/runs/block-weights";
import { logitsFor } from "../../../src/worker/run-weights";
import type { ModelSpec } from "../../../src/engine/model-spec";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

/** Blocks as a note writes them, between them conv with stride / dilation / groups, depthwise, transposed conv and both batch norms. */
const blocks: Record<string, string> = {
	convBn: "input 10x10x2\nconv 6 3x3 stride 2 pad 1 groups 2\nbatchnorm\nrelu\nmaxpool 2 ceil\nflatten\ndense 8\nbatchnorm\ntanh\ndense 4\nsoftmax",
	depthTransposed: "input 8x8x3\ndepthwise 3x3 multiplier 2 pad 1\nleakyrelu 0.1\nconvtranspose 4 3x3 stride 2 pad 1 outpad 1\nsigmoid\navgpool 2\ngap\ndense 5",
};

/** The Python side: builds each exported model, gives it seeded weights and running statistics, saves them (F32, or F64 for one) and prints its logits. */
const DRIVER = String.raw`
import json, struct, sys, torch
import torch.nn as nn
jobs = json.load(open(sys.argv[1]))
out = {}
for name, job in jobs.items():
    ns = {}
    exec(job["code"], ns)
    model = ns["model"]
    torch.manual_seed(5)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
        for m in model.modules():
            if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
                m.running_mean.copy_(torch.randn_like(m.running_mean) * 0.3)
                m.running_var.copy_(torch.rand_like(m.running_var) + 0.5)
                m.num_batches_tracked.fill_(12)
    model.eval()
    x = torch.tensor(job["inputs"], dtype=torch.float32).reshape(job["shape"])
    scores = model[:-1] if isinstance(model[-1], nn.Softmax) else model
    with torch.no_grad():
        out[name] = scores(x).flatten().tolist()
    # what safetensors.torch.save_file(model.state_dict(), path) writes
    header, blobs, offset = {}, [], 0
    for k, v in model.state_dict().items():
        v = v.detach().contiguous()
        if v.dtype == torch.int64:
            dtype = "I64"
        else:
            v = v.to(torch.float64 if job["f64"] else torch.float32)
            dtype = "F64" if job["f64"] else "F32"
        raw = v.numpy().tobytes()
        header[k] = {"dtype": dtype, "shape": list(v.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(job["path"], "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
print(json.dumps(out))
`;

describe.skipIf(!torchHere)("PyTorch-trained weights come into a block (Debian's torch)", () => {
	it("a state_dict saved from the exported model loads through the weights line, and the logits equal PyTorch's to 1e-4", async () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-weights-in-"));
		const models: Record<string, ModelSpec> = {};
		const inputs: Record<string, Float32Array> = {};
		const jobs: Record<string, unknown> = {};
		const n = 4;
		for (const [i, [name, text]] of Object.entries(blocks).entries()) {
			const model = parseCnn(`${text}\nweights [[${name}.safetensors]]`).model;
			if (!model) throw new Error(`${name} does not parse`);
			models[name] = model;
			const len = n * model.input[0] * model.input[1] * model.input[2];
			inputs[name] = Float32Array.from({ length: len }, (_, k) => Math.sin(k * 0.7 + i));
			jobs[name] = { code: toPyTorch(model, { shapeCheck: false }), inputs: Array.from(inputs[name]), shape: [n, ...model.input], path: join(dir, `${name}.safetensors`), f64: i === 1 };
		}
		writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
		const torchLogits = JSON.parse(execFileSync("/usr/bin/python3", ["-c", DRIVER, join(dir, "jobs.json")], { encoding: "utf8", timeout: 120_000 })) as Record<string, number[]>;
		for (const name of Object.keys(blocks)) {
			const vault = new Vault({ "Notes/Net.md": "# Net" });
			await vault.createBinary(`Notes/${name}.safetensors`, new Uint8Array(readFileSync(join(dir, `${name}.safetensors`))).buffer);
			const app = new App(vault) as unknown as ObsidianApp;
			const r = await loadBlockWeights(app, "Notes/Net.md", { line: 12, ref: `${name}.safetensors` }, models[name]);
			if (!r.ok) throw new Error(r.message);
			const ours = logitsFor(models[name], r.weights, inputs[name], n);
			expect(ours.length).toBe(torchLogits[name].length);
			let worst = 0;
			for (let k = 0; k < ours.length; k++) worst = Math.max(worst, Math.abs(ours[k] - torchLogits[name][k]));
			expect(worst, name).toBeLessThan(1e-4);
		}
	});
});
