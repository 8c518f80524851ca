/**
 * The Keras export with weights. No Keras here: the script is checked by golden file, and its conversion itself by
 * running the script's NumPy part (the reader, the kernel and Flatten-order conversions, the set_weights lines
 * against stand-in layers) under python3, then a channels-last forward pass in NumPy with the converted weights,
 * which must give CNN Lab's logits.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sequential } from "../../../src/engine/model";
import { Rng } from "../../../src/engine/rng";
import { toKerasWithWeights } from "../../../src/interop/export";
import { saveSafetensors } from "../../../src/interop/safetensors-weights";
import { parseCnn } from "../../../src/notation/cnn/parse";
import type { ModelSpec } from "../../../src/engine/model-spec";

const golden = (name: string): string => join(__dirname, "../../golden/export", name);
const numpyHere = spawnSync("/usr/bin/python3", ["-c", "import numpy"], { stdio: "ignore" }).status === 0;

/** conv, batch norm over maps, depthwise with a multiplier, a Flatten of a 3×3×6 map, then batch norm over its features and dense layers. */
const BLOCK = "input 6x6x2\nconv 3 3x3\nbatchnorm\nrelu\ndepthwise 2x2 multiplier 2\nflatten\nbatchnorm\ndense 5\nbatchnorm\ntanh\ndense 3";
const model = parseCnn(BLOCK).model as ModelSpec;

/** A channels-last forward pass of BLOCK's Keras model, from the weights the script's set_weights lines gave each layer. */
const FORWARD = String.raw`
def conv_hwc(x, k, b):
    n, H, W, C = x.shape
    kh, kw, _, co = k.shape
    oh, ow = H - kh + 1, W - kw + 1
    out = np.zeros((n, oh, ow, co))
    for i in range(kh):
        for j in range(kw):
            out += np.einsum("nhwc,co->nhwo", x[:, i:i + oh, j:j + ow, :], k[i, j])
    return out + b

def depthwise_hwc(x, k, b):
    n, H, W, C = x.shape
    kh, kw, _, m = k.shape
    oh, ow = H - kh + 1, W - kw + 1
    out = np.zeros((n, oh, ow, C, m))
    for i in range(kh):
        for j in range(kw):
            out += x[:, i:i + oh, j:j + ow, :, None] * k[i, j]
    return out.reshape(n, oh, ow, C * m) + b

def bn(x, w):
    g, beta, mean, var = w
    return (x - mean) / np.sqrt(var + 1e-5) * g + beta

L = [layer.w for layer in model.layers]
x = np.array(json.load(open(sys.argv[2])), dtype=np.float64).reshape(4, 2, 6, 6).transpose(0, 2, 3, 1)
x = np.maximum(bn(conv_hwc(x, *L[0]), L[1]), 0)
x = depthwise_hwc(x, *L[2])
x = x.reshape(x.shape[0], -1)  # Keras's Flatten: H, W, C order
x = bn(x, L[3])
x = np.tanh(bn(x @ L[4][0] + L[4][1], L[5]))
x = x @ L[6][0] + L[6][1]
print(json.dumps(x.reshape(-1).tolist()))
`;

/** Stand-ins for the Keras model's layers with weights: set_weights keeps what it is given. */
const STANDIN = String.raw`
class Layer:
    weights = [True]
    def set_weights(self, w):
        self.w = [np.asarray(a, dtype=np.float64) for a in w]

class Model:
    layers = [Layer() for _ in range(7)]

model = Model()
`;

describe("Keras export with weights", () => {
	it("builds the model and loads the safetensors tensors, channels last (golden file)", async () => {
		await expect(toKerasWithWeights(model, "model.safetensors", { source: BLOCK })).toMatchFileSnapshot(golden("weights.keras.py"));
	});

	it.runIf(numpyHere)("the NumPy conversion gives Keras's channels-last layers CNN Lab's network: the same logits", () => {
		const net = Sequential.build(model, 4);
		const rng = new Rng(11);
		for (const s of net.state()) for (let i = 0; i < s.value.length; i++) s.value[i] = s.name === "num_batches_tracked" ? 9 : s.name === "running_var" ? 0.5 + rng.next() : rng.next() - 0.5;
		for (const p of net.params()) if (p.name === "weight" && p.shape.length === 1) for (let i = 0; i < p.value.length; i++) p.value[i] = 0.5 + rng.next();
		const saved = saveSafetensors(net);
		if (!saved.ok) throw new Error(saved.error);
		const n = 4;
		const inputs = Float32Array.from({ length: n * 2 * 6 * 6 }, () => rng.next() * 2 - 1);
		const ours = Array.from(net.forward({ shape: [n, ...model.input], data: inputs }, false).data);
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-keras-weights-"));
		writeFileSync(join(dir, "model.safetensors"), saved.bytes);
		writeFileSync(join(dir, "inputs.json"), JSON.stringify(Array.from(inputs)));
		const script = toKerasWithWeights(model, "model.safetensors");
		const loading = script.slice(script.indexOf("# Trained weights:"));
		writeFileSync(join(dir, "check.py"), ["import json, sys", "import numpy as np", STANDIN, loading, FORWARD].join("\n"));
		const got = JSON.parse(execFileSync("/usr/bin/python3", [join(dir, "check.py"), join(dir, "model.safetensors"), join(dir, "inputs.json")], { encoding: "utf8", timeout: 60_000 }).trim().split("\n").pop() ?? "[]") as number[];
		expect(got.length).toBe(ours.length);
		for (let i = 0; i < ours.length; i++) expect(Math.abs(got[i] - ours[i]), `logit ${i}`).toBeLessThan(1e-4);
	});
});
