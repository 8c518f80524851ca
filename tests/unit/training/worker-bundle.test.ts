import { describe, expect, it } from "vitest";
import esbuild from "esbuild";
import { Worker } from "node:worker_threads";
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
// @ts-expect-error: a build script in plain JavaScript, without types
import { sharedEnginePlugin } from "../../../scripts/shared-engine-plugin.mjs";
import type { EndMessage, FromWorker, ReadyMessage, StartMessage } from "../../../src/worker/messages";
import { portableDataset } from "../../../src/worker/datasets";
import { loadDigits } from "../../../src/data/digits";

/**
 * The worker as the build makes it: src/worker/shared-engine.ts through the build's own plugin (one function for the
 * page and the worker), loaded as main.js loads it, and its workerSource run in a Node worker thread with `self`
 * standing in for the Web Worker scope: the function's source text must be self-contained and speak the protocol.
 */
let built: Promise<string> | null = null;
function bundle(): Promise<string> {
	built ??= (async () => {
		const r = await esbuild.build({
			entryPoints: ["src/worker/worker-source.ts"],
			bundle: true,
			format: "cjs",
			target: "es2020",
			charset: "utf8",
			minify: true,
			write: false,
			logLevel: "silent",
			plugins: [sharedEnginePlugin({ minify: true })],
		});
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-engine-"));
		const file = join(dir, "engine.cjs");
		writeFileSync(file, r.outputFiles[0].text);
		const mod = createRequire(import.meta.url)(file) as { workerSource: string | null };
		rmSync(dir, { recursive: true, force: true });
		if (typeof mod.workerSource !== "string") throw new Error("the build gave no worker source");
		return mod.workerSource;
	})();
	return built;
}

const shim = (code: string): string => `
const { parentPort } = require("node:worker_threads");
globalThis.self = globalThis;
self.postMessage = (m) => parentPort.postMessage(m);
parentPort.on("message", (m) => self.onmessage && self.onmessage({ data: m }));
${code}
`;

const start: StartMessage = {
	type: "start",
	runId: 9,
	model: {
		input: [1, 8, 8],
		layers: [
			{ type: "conv", filters: 4, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
			{ type: "relu" },
			{ type: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0], ceil: false, countIncludePad: true },
			{ type: "flatten" },
			{ type: "dense", units: 10, bias: true },
		],
	},
	train: { epochs: 3, batch: 32, optimizer: { name: "adam", lr: 0.01, momentum: 0, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, seed: 7, val: 0.2, limit: null },
	// As the page sends it: the worker bundle carries no dataset, the digits travel as arrays.
	dataset: portableDataset({ kind: "digits" }, loadDigits),
	maxSeconds: 60,
	sample: null,
};

function run(code: string, onMsg: (m: FromWorker, w: Worker) => void, msg: StartMessage = start): Promise<FromWorker[]> {
	const w = new Worker(shim(code), { eval: true });
	const got: FromWorker[] = [];
	return new Promise<FromWorker[]>((resolve, reject) => {
		w.on("message", (m: FromWorker) => {
			got.push(m);
			onMsg(m, w);
			if (m.type === "done" || m.type === "stopped" || m.type === "failed") resolve(got);
		});
		w.on("error", reject);
		w.postMessage(msg);
	}).finally(() => void w.terminate());
}

describe("the inlined training worker", () => {
	it("is one self-contained script that trains and answers ready, progress and done", async () => {
		const code = await bundle();
		expect(code).not.toMatch(/require\(["']obsidian["']\)/);
		const got = await run(code, () => undefined);
		expect(got[0].type).toBe("ready");
		// Node has WebAssembly SIMD: the worker switches it on at start and says so.
		expect((got[0] as ReadyMessage).info.backend).toBe("wasm-simd");
		const end = got[got.length - 1] as EndMessage;
		expect(end.type).toBe("done");
		expect(end.runId).toBe(9);
		expect(end.result?.final?.epoch).toBe(3);
		expect(end.result?.final?.valAcc ?? 0).toBeGreaterThan(0.8);
		expect(end.result?.weights).toBeInstanceOf(Float32Array);
	});

	it("holds no built-in dataset: the packed digits stay in the page's bundle", async () => {
		const code = await bundle();
		// A run of the packed digits' base64 (the first bytes of the payload) would mean they were bundled again.
		const { DIGITS_PACKED } = await import("../../../src/data/digits-packed");
		expect(code).not.toContain(DIGITS_PACKED.slice(0, 64));
		const got = await run(code, () => undefined, { ...start, dataset: { kind: "digits" } });
		const end = got[got.length - 1] as EndMessage;
		expect(end.type).toBe("failed");
		expect(end.message).toMatch(/digits/);
	});

	it("stops when told, between chunks", async () => {
		const code = await bundle();
		let sent = false;
		const long = { ...start, train: { ...start.train, epochs: 500 } };
		const got = await run(
			code,
			(m, w) => {
				if (m.type === "progress" && !sent) {
					sent = true;
					w.postMessage({ type: "stop", runId: 9 });
				}
			},
			long,
		);
		const end = got[got.length - 1] as EndMessage;
		expect(end.type).toBe("stopped");
		expect(end.reason).toBe("user");
		// Asked at the first progress, it ends within the epoch after it, not 500 epochs later.
		const epochs = got.flatMap((m) => (m.type === "progress" ? m.epochsDone : []));
		expect(epochs.length).toBeLessThanOrEqual(2);
	});
});
