// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { loadBlockWeights } from "../../../src/plugin/runs/block-weights";
import { installFakeCanvas } from "./fake-canvas";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { Sequential } from "../../../src/engine/model";
import { writeSafetensors, type SafeTensorOut } from "../../../src/interop/safetensors";
import { stateDictArrays } from "../../../src/interop/safetensors-weights";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { explorerData } from "../../../src/worker/explorer-data";
import { logitsFor } from "../../../src/worker/run-weights";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { until } from "../../support/until";

beforeAll(() => installFakeCanvas());

const NET = ["input 8x8x1", "conv 8 3x3 pad 1", "batchnorm", "relu", "maxpool 2", "flatten", "dense 10", "softmax", "train digits epochs 2 batch 32 adam lr 0.01 seed 7"];
const block = (weightsLine: string): string => [...NET, weightsLine].join("\n");
const model = parseCnn(block("")).model as ModelSpec;

let host: CnnLabHost & Plugin;
let vault: Vault;

beforeEach(() => {
	vault = new Vault({ "Notes/CNN.md": "# CNN" });
	const app = new App(vault);
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS, useWorker: false }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

/** The tensors of a network of `spec` (seeded), its running statistics far from 0 and 1, as state_dict names. */
function tensorsOf(spec: ModelSpec, seed: number): { tensors: SafeTensorOut[]; flat: Float32Array } {
	const net = Sequential.build(spec, seed);
	for (const s of net.state()) for (let i = 0; i < s.value.length; i++) s.value[i] = s.name === "num_batches_tracked" ? 3 : 0.3 + 0.1 * ((i * 7) % 5);
	const names = stateDictArrays(net);
	if (!names.ok) throw new Error(names.error);
	return { tensors: names.arrays.map((a) => ({ name: a.name, dtype: a.dtype, shape: a.shape, data: a.value })), flat: net.exportWeights() };
}

async function put(path: string, bytes: Uint8Array): Promise<void> {
	await vault.createBinary(path, bytes.slice().buffer);
}

const text = (el: HTMLElement, sel: string): string => el.querySelector(sel)?.textContent ?? "";

describe("a block's weights [[model.safetensors]] line", () => {
	it("shows the file's network in the explorer, the filters and the feature maps, and says where its weights come from", async () => {
		const { tensors, flat } = tensorsOf(model, 42);
		await put("Notes/model.safetensors", writeSafetensors(tensors));
		const { el } = await renderCodeBlock(host, "cnn", block("weights [[model.safetensors]]"), { sourcePath: "Notes/CNN.md" });
		await until(() => text(el, ".cnn-lab-weights-line") !== "");
		expect(text(el, ".cnn-lab-weights-line")).toBe("Line 10: weights from model.safetensors: the explorer, the filters and the feature maps show this network (Train starts afresh)");
		await until(() => el.querySelector(".cnn-lab-featuremaps") !== null && el.querySelector(".cnn-lab-filters") !== null);
		expect(text(el, ".cnn-lab-featuremaps .cnn-lab-section-title")).toBe("Feature maps of the sample, weights from model.safetensors");
		expect(text(el, ".cnn-lab-filters .cnn-lab-section-title")).toBe("First-layer filters, weights from model.safetensors (8 × 3×3×1)");
		el.querySelector<HTMLButtonElement>(".cnn-lab-explorer-open")?.click();
		expect(text(el, ".cnn-lab-explorer-weights")).toBe("Trained weights: model.safetensors (the block's weights line)");
		// The prediction is the file's network's: the first sample through those weights, as the engine computes it.
		const data = explorerData({ kind: "digits" }, model, 7, loadDigits);
		if (!data) throw new Error("no digits");
		const logits = logitsFor(model, flat, data.x.subarray(0, 64), 1);
		const max = Math.max(...logits);
		const e = Array.from(logits, (v) => Math.exp(v - max));
		const sum = e.reduce((a, b) => a + b, 0);
		const pct = (p: number): string => `${(p * 100).toFixed(p >= 0.995 || p < 0.001 ? 0 : 1)} %`;
		await until(() => text(el, ".cnn-lab-explorer-bar-value") !== "");
		const shown = Array.from(el.querySelectorAll(".cnn-lab-explorer-bar-value"), (v) => v.textContent);
		expect(shown).toEqual(e.map((v) => pct(v / sum)));
		// and not a fresh network's
		const fresh = logitsFor(model, Sequential.build(model, 7).exportWeights(), data.x.subarray(0, 64), 1);
		expect(Array.from(fresh)).not.toEqual(Array.from(logits));
	});

	it("says at the line what does not fit: the tensor and both shapes", async () => {
		const other = parseCnn(block("").replace("conv 8 3x3", "conv 4 3x3")).model as ModelSpec;
		await put("Notes/model.safetensors", writeSafetensors(tensorsOf(other, 1).tensors));
		const { el } = await renderCodeBlock(host, "cnn", block("weights [[model.safetensors]]"), { sourcePath: "Notes/CNN.md" });
		await until(() => text(el, ".cnn-lab-weights-line") !== "");
		expect(el.querySelector(".cnn-lab-weights-line .cnn-lab-error")).not.toBeNull();
		expect(text(el, ".cnn-lab-weights-line")).toBe(
			"Line 10: weights model.safetensors: 0.weight: the file has 4×1×3×3, the network needs 8×1×3×3; 0.bias: the file has 4, the network needs 8; 1.weight: the file has 4, the network needs 8; 1.bias: the file has 4, the network needs 8; and 3 more",
		);
		// the untrained network is shown, captioned as such
		await until(() => el.querySelector(".cnn-lab-featuremaps") !== null);
		expect(text(el, ".cnn-lab-featuremaps .cnn-lab-section-title")).toMatch(/before training/);
	});
});

describe("loadBlockWeights: each refusal in words", () => {
	const app = (): ObsidianApp => host.app as unknown as ObsidianApp;
	const load = (ref: string) => loadBlockWeights(app(), "Notes/CNN.md", { line: 10, ref }, model);
	const messageOf = async (ref: string): Promise<string> => {
		const r = await load(ref);
		if (r.ok) throw new Error("loaded");
		return r.message;
	};

	it("a missing file, a file that is not safetensors", async () => {
		expect(await messageOf("gone.safetensors")).toBe("Line 10: weights gone.safetensors: no such file in the vault");
		await put("Notes/junk.safetensors", new TextEncoder().encode("PK\u0003\u0004 a zip, not safetensors"));
		expect(await messageOf("junk.safetensors")).toMatch(/^Line 10: weights junk\.safetensors: not a safetensors file \(the header length \d+ does not fit in the file's 27 bytes\)$/);
	});

	it("a missing name, an unexpected name, an integer dtype", async () => {
		const { tensors } = tensorsOf(model, 2);
		const without = tensors.filter((x) => x.name !== "5.bias");
		await put("Notes/a.safetensors", writeSafetensors([...without, { name: "fc.weight", dtype: "F32", shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }]));
		expect(await messageOf("a.safetensors")).toBe("Line 10: weights a.safetensors: 5.bias: missing from the file (layer 6 needs 10); fc.weight: in the file (2×3), but the network has no such tensor");
		const ints = tensors.map((x) => (x.name === "0.bias" ? { ...x, dtype: "I64" as const, data: Array.from(x.data, Math.round) } : x));
		await put("Notes/b.safetensors", writeSafetensors(ints));
		expect(await messageOf("b.safetensors")).toBe("Line 10: weights b.safetensors: 0.bias: the file stores I64 (integers), the network needs floating point (F32)");
	});

	it("finds the file from the vault's root or beside the note", async () => {
		const { tensors, flat } = tensorsOf(model, 3);
		await put("Models/m.safetensors", writeSafetensors(tensors));
		for (const ref of ["Models/m.safetensors", "m.safetensors"]) {
			const r = await load(ref);
			expect(r.ok && r.path).toBe("Models/m.safetensors");
			expect(r.ok && Array.from(r.weights)).toEqual(Array.from(flat));
		}
	});
});
