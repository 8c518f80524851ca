import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sequential } from "../../../src/engine/model";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { Rng } from "../../../src/engine/rng";
import { ctx } from "../../support/engine";
import { MINI_RESNET } from "../../support/mini-resnet";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
const skipped = torchHere ? "" : " — SKIPPED: /usr/bin/python3 cannot import torch";

/**
 * The same network written by hand in PyTorch, independent of CNN Lab's exporter: a block is a module with
 * `body` and `shortcut` nn.Sequentials (an empty one is the identity) summed in forward, so its state_dict names
 * are the engine's `<layer>.body.<j>.<name>`. Global average pooling is one module (a mean), as it is one layer
 * in the engine, so the indices line up.
 */
const DRIVER = String.raw`
import json, sys, torch
from torch import nn
torch.use_deterministic_algorithms(True)
job = json.load(open(sys.argv[1]))

class Block(nn.Module):
    def __init__(self, body, shortcut):
        super().__init__()
        self.body = nn.Sequential(*body)
        self.shortcut = nn.Sequential(*shortcut)
    def forward(self, x):
        return self.body(x) + self.shortcut(x)

class Gap(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))

def build(layers, c):
    mods = []
    for l in layers:
        t = l["type"]
        if t == "conv":
            mods.append(nn.Conv2d(c, l["filters"], tuple(l["kernel"]), stride=tuple(l["stride"]), padding=tuple(l["pad"]), bias=l["bias"]))
            c = l["filters"]
        elif t == "batchnorm": mods.append(nn.BatchNorm2d(c))
        elif t == "relu": mods.append(nn.ReLU())
        elif t == "tanh": mods.append(nn.Tanh())
        elif t == "gap": mods.append(Gap())
        elif t == "flatten": mods.append(nn.Flatten())
        elif t == "dense":
            mods.append(nn.LazyLinear(l["units"], bias=l["bias"]))
        elif t == "residual":
            body, cb = build(l["body"], c)
            short, _ = build(l["shortcut"], c)
            mods.append(Block(body, short))
            c = cb
        else: raise SystemExit("unknown layer " + t)
    return mods, c

mods, _ = build(job["spec"]["layers"], job["spec"]["input"][0])
model = nn.Sequential(*mods)
n = job["n"]
x = torch.tensor(job["x"], dtype=torch.float32).reshape(n, *job["spec"]["input"])
model(x)  # materialises the lazy linear layers
sd = {k: torch.tensor(v["data"], dtype=torch.int64 if k.endswith("num_batches_tracked") else torch.float32).reshape(v["shape"]) for k, v in job["state"].items()}
model.load_state_dict(sd, strict=True)
model.eval()
with torch.no_grad():
    ev = model(x).flatten().tolist()
model.train()
logits = model(x)
loss = nn.functional.cross_entropy(logits, torch.tensor(job["labels"]))
loss.backward()
grads = {k: p.grad.flatten().tolist() for k, p in model.named_parameters()}
stats = {k: v.flatten().tolist() for k, v in model.state_dict().items() if "running" in k}
print(json.dumps({"eval": ev, "loss": loss.item(), "grads": grads, "stats": stats}))
`;

interface TorchOut {
	eval: number[];
	loss: number;
	grads: Record<string, number[]>;
	stats: Record<string, number[]>;
}

/**
 * Largest difference against PyTorch relative to the largest PyTorch value of the array, that largest taken as at
 * least 1e-3: a conv bias just before batch norm has a gradient of 0 in exact arithmetic (the norm subtracts the
 * mean), so both sides hold float noise of ~1e-9 there and only an absolute bound (1e-7) means anything.
 */
function relErr(ours: ArrayLike<number>, theirs: number[]): number {
	expect(ours.length).toBe(theirs.length);
	let diff = 0;
	let scale = 0;
	for (let i = 0; i < theirs.length; i++) {
		diff = Math.max(diff, Math.abs(ours[i] - theirs[i]));
		scale = Math.max(scale, Math.abs(theirs[i]));
	}
	return diff / Math.max(scale, 1e-3);
}

function compare(spec: ModelSpec, seed: number): void {
	const model = Sequential.build(spec, seed, ctx);
	const rng = new Rng(seed + 100);
	// batch norm's γ and β away from 1 and 0, and running statistics moved by one training pass, so each counts
	for (const p of model.params()) if (p.shape.length === 1) for (let i = 0; i < p.value.length; i++) p.value[i] += rng.next() * 0.4 - 0.2;
	const n = 6;
	const per = spec.input.reduce((a, b) => a * b, 1);
	const warm = { shape: [n, ...spec.input], data: Float32Array.from({ length: n * per }, () => rng.next()) };
	const labels = Array.from({ length: n }, (_, i) => (i * 7 + 3) % model.outputs);
	model.lossAndGrad(warm, labels);
	const state: Record<string, { shape: number[]; data: number[] }> = {};
	model.layers.forEach((l, i) => {
		for (const a of [...l.params, ...(l.state ?? [])]) state[`${i}.${a.name}`] = { shape: a.shape, data: Array.from(a.value) };
	});
	const x = { shape: [n, ...spec.input], data: Float32Array.from({ length: n * per }, () => rng.next() * 2 - 1) };
	const evalLogits = model.forward(x, false).data.slice();
	const { loss } = model.lossAndGrad(x, labels);
	const dir = mkdtempSync(join(tmpdir(), "cnnlab-residual-"));
	const file = join(dir, "job.json");
	writeFileSync(file, JSON.stringify({ spec, n, x: Array.from(x.data), labels, state }));
	const out = JSON.parse(execFileSync("/usr/bin/python3", ["-c", DRIVER, file], { encoding: "utf8", timeout: 120_000 })) as TorchOut;
	expect(relErr(evalLogits, out.eval)).toBeLessThan(1e-4);
	expect(Math.abs(loss - out.loss) / Math.abs(out.loss)).toBeLessThan(1e-4);
	const names: string[] = [];
	model.layers.forEach((l, i) => {
		for (const p of l.params) {
			const name = `${i}.${p.name}`;
			names.push(name);
			const theirs = out.grads[name];
			if (!theirs) throw new Error(`PyTorch has no parameter ${name}`);
			const e = relErr(p.grad, theirs);
			if (!(e < 1e-4)) throw new Error(`${name}: gradient differs from PyTorch's by ${e} (relative to its largest)`);
		}
		for (const s of l.state ?? []) {
			const name = `${i}.${s.name}`;
			if (s.name.startsWith("running")) expect(relErr(s.value, out.stats[name]), name).toBeLessThan(1e-4);
		}
	});
	expect(names.sort()).toEqual(Object.keys(out.grads).sort());
}

describe.skipIf(!torchHere)(`residual models against PyTorch (Debian's torch)${skipped}`, () => {
	it("the mini-ResNet: evaluation logits, training loss, every parameter's gradient and the running statistics", () => {
		compare(MINI_RESNET, 3);
	});

	it("a block nested in a block's body, with a projection shortcut", () => {
		const c = (filters: number, stride = 1, k = 3, bias = true): ModelSpec["layers"][number] => ({
			type: "conv", filters, kernel: [k, k], stride: [stride, stride], pad: [(k - 1) / 2, (k - 1) / 2], dilation: [1, 1], bias,
		});
		compare({
			input: [2, 6, 6],
			layers: [
				{
					type: "residual",
					body: [c(4, 2), { type: "batchnorm" }, { type: "relu" }, { type: "residual", body: [c(4), { type: "tanh" }], shortcut: [] }, c(4)],
					shortcut: [c(4, 2, 1, false), { type: "batchnorm" }],
				},
				{ type: "relu" },
				{ type: "flatten" },
				{ type: "dense", units: 5, bias: true },
			],
		}, 4);
	});
});

if (!torchHere) console.warn(`residual-torch.test.ts${skipped}`);
