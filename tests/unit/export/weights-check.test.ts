import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { LayerSpec, ModelSpec } from "../../../src/engine/model-spec";
import { Sequential } from "../../../src/engine/model";
import { Rng } from "../../../src/engine/rng";
import { toPyTorchWithWeights } from "../../../src/interop/export";
import { logitsFor, runWeightsFile } from "../../../src/worker/run-weights";
import { resNet } from "./models";

const torchHere = spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;

const p = (a: number, b = a): [number, number] => [a, b];
const conv = (filters: number, k: number, extra: Partial<Extract<LayerSpec, { type: "conv" }>> = {}): LayerSpec => ({ type: "conv", filters, kernel: p(k), stride: p(1), pad: p(0), dilation: p(1), bias: true, ...extra });

/** Between them, every layer type CNN Lab has (residual blocks aside: issue 19), in evaluation mode. */
const nets: Record<string, ModelSpec> = {
	convPools: {
		input: [2, 12, 12],
		layers: [
			conv(4, 3, { pad: p(1) }),
			{ type: "batchnorm" },
			{ type: "relu" },
			{ type: "maxpool", kernel: p(2), stride: p(2), pad: p(0), ceil: false, countIncludePad: true },
			conv(6, 3, { stride: p(2, 1), dilation: p(1, 2), bias: false, pad: p(1) }),
			{ type: "leakyrelu", slope: 0.1 },
			{ type: "avgpool", kernel: p(3), stride: p(2), pad: p(1), ceil: true, countIncludePad: false },
			{ type: "flatten" },
			{ type: "dropout", p: 0.3 },
			{ type: "dense", units: 7, bias: true },
			{ type: "batchnorm", eps: 1e-3, momentum: 0.2 },
			{ type: "tanh" },
			{ type: "dense", units: 5, bias: false },
			{ type: "softmax" },
		],
	},
	// Residual blocks: identity, projection (stride 2, 1×1 conv and batch norm on the shortcut), a block in a block.
	residual: resNet,
	// Modules the export adds inside a branch (a ZeroPad2d before an unevenly padded conv, a Flatten before a dense
	// layer) shift the branch's module indices away from the layer indices: the state_dict names must follow.
	residualShifted: {
		input: [2, 5, 5],
		layers: [
			{ type: "residual", body: [conv(2, 2, { padEnd: p(1) }), { type: "relu" }], shortcut: [] },
			{ type: "residual", body: [conv(3, 3, { pad: p(1) }), { type: "dense", units: 6, bias: true }], shortcut: [{ type: "flatten" }, { type: "dense", units: 6, bias: false }, { type: "batchnorm" }] },
			{ type: "dense", units: 4, bias: true },
		],
	},
	// grouped and depthwise (with a multiplier) conv, transposed conv with an output padding, adaptive and global
	// average pooling, ceil-mode max pooling and a 1-d batch norm
	groupsTransposed: {
		input: [2, 9, 9],
		layers: [
			conv(4, 3, { groups: 2, pad: p(1) }),
			{ type: "depthwise", multiplier: 2, kernel: p(3), stride: p(1), pad: p(1), dilation: p(1), bias: true },
			{ type: "batchnorm" },
			{ type: "relu" },
			{ type: "maxpool", kernel: p(2), stride: p(2), pad: p(0), ceil: true, countIncludePad: true },
			{ type: "convtranspose", filters: 3, kernel: p(3), stride: p(2), pad: p(1), outputPad: p(1), dilation: p(1), bias: true },
			{ type: "sigmoid" },
			{ type: "adaptiveavgpool", size: p(3, 2) },
			{ type: "flatten" },
			{ type: "dense", units: 6, bias: true },
			{ type: "batchnorm" },
			{ type: "dense", units: 3, bias: true },
		],
	},
	gapNet: {
		input: [3, 7, 7],
		layers: [conv(5, 3, { stride: p(2), pad: p(1) }), { type: "batchnorm", eps: 1e-4 }, { type: "leakyrelu", slope: 0.2 }, { type: "gap" }, { type: "dropout", p: 0.5 }, { type: "dense", units: 4, bias: true }, { type: "softmax" }],
	},
	sigmoidStack: {
		input: [1, 8, 8],
		layers: [conv(3, 3, { pad: p(1) }), { type: "sigmoid" }, conv(2, 2, { stride: p(2) }), { type: "batchnorm" }, { type: "flatten" }, { type: "dense", units: 4, bias: true }],
	},
};

/** The network's initial weights, batch-norm statistics made far from 0 and 1 so that a wrong use of them shows. */
function weightsOf(model: ModelSpec, seed: number): Float32Array {
	const net = Sequential.build(model, seed);
	const rng = new Rng(seed + 1);
	for (const s of net.state()) for (let i = 0; i < s.value.length; i++) s.value[i] = s.name === "num_batches_tracked" ? 17 : 0.5 + rng.next();
	return net.exportWeights();
}

/** Runs each script in its own namespace, its first argument the weights file; prints "== name <exit code>" after each. */
function runScripts(jobs: { name: string; script: string; weights: Uint8Array }[]): string {
	const dir = mkdtempSync(join(tmpdir(), "cnn-lab-weights-"));
	for (const j of jobs) {
		writeFileSync(join(dir, `${j.name}.py`), j.script);
		writeFileSync(join(dir, `${j.name}.safetensors`), j.weights);
	}
	const driver = [
		"import runpy, sys",
		`for name in ${JSON.stringify(jobs.map((j) => j.name))}:`,
		`    path = ${JSON.stringify(dir)} + "/" + name`,
		'    sys.argv = [path + ".py", path + ".safetensors"]',
		"    code = 0",
		"    try:",
		'        runpy.run_path(path + ".py")',
		"    except SystemExit as e:",
		"        code = e.code",
		"    except Exception as e:",
		'        code = type(e).__name__ + ": " + str(e).replace("\\n", " | ")',
		'    print("== " + name + " " + str(code), flush=True)',
	].join("\n");
	return execFileSync("/usr/bin/python3", ["-c", driver], { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
}

function bytesOf(model: ModelSpec, w: Float32Array): Uint8Array {
	const f = runWeightsFile(model, w, "test");
	if (!f.ok) throw new Error(f.error);
	return f.bytes;
}

describe.skipIf(!torchHere)("PyTorch loads CNN Lab's weights (Debian's torch)", () => {
	it("load_state_dict(strict=True) takes every layer type's weights and PyTorch's logits match CNN Lab's to 1e-4; other weights fail the check", () => {
		const jobs: { name: string; script: string; weights: Uint8Array }[] = [];
		for (const [name, model] of Object.entries(nets)) {
			const w = weightsOf(model, 3);
			const rng = new Rng(9);
			const n = 8;
			const inputs = Float32Array.from({ length: n * model.input[0] * model.input[1] * model.input[2] }, () => rng.next());
			const check = { inputs, logits: logitsFor(model, w, inputs, n), n, from: "dataset" as const };
			const script = toPyTorchWithWeights(model, `${name}.safetensors`, {}, check);
			jobs.push({ name, script, weights: bytesOf(model, w) });
			// The same script given slightly different weights: the check must fail, exit 1.
			const off = w.map((v, i) => (i % 7 === 0 ? v * 1.01 + 0.01 : v));
			jobs.push({ name: `${name}_off`, script, weights: bytesOf(model, off) });
		}
		const out = runScripts(jobs);
		for (const name of Object.keys(nets)) {
			expect(out).toContain(`== ${name} 0`);
			expect(out).toContain(`== ${name}_off 1`);
		}
		expect(out).toMatch(/logits match CNN Lab's: worst difference/);
		expect(out).toMatch(/FAILED: PyTorch's logits differ from CNN Lab's by up to/);
	});
});
