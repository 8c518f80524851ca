import { defineConfig } from "vitest/config";

const obsidianStub = new URL("./tests/support/obsidian-stub.ts", import.meta.url).pathname;

// The tests that run esbuild (main.js, the worker's bundle, the command line's bundle) have a project of their own,
// so `npm run test:fast` (the "js" project only) needs no build step. `vitest run` runs every project.
const buildTests = [
	"tests/unit/bundle.test.ts",
	"tests/unit/bundle-graph.test.ts",
	"tests/unit/training/worker-bundle.test.ts",
	"tests/unit/robustness/no-network.test.ts",
	"tests/unit/cli/bin.test.ts",
];

// The suites that are slow by design have a project of their own too ("slow"), which `npm test` (`vitest run`)
// still runs: fuzzing and repetition (thousands of generated blocks, 1 000 render/unload cycles, every demo block
// over junk settings) and the checks that run the exported code under Python. They took more than half of the fast
// loop's test time (figures in the README, "Set-up"). The checks that start Python and import torch (seconds of CPU
// per process before a line of the check runs) are split into *-torch.test.ts files here, their other tests staying in
// the fast loop. `npx vitest run --project slow` runs them alone.
const slowTests = [
	"tests/dom/robustness/fuzz-blocks.test.ts",
	"tests/dom/robustness/lifecycle.test.ts",
	"tests/dom/robustness/inline-live-fuzz.test.ts",
	"tests/dom/robustness/settings-junk.test.ts",
	"tests/unit/runs/log-fuzz.test.ts",
	"tests/unit/export/torch-training.test.ts",
	"tests/unit/export/injection.test.ts",
	"tests/unit/export/weights-check.test.ts",
	"tests/unit/export/weights-in.test.ts",
	"tests/unit/export/weights-cli.test.ts",
	"tests/unit/export/keras-weights.test.ts",
	"tests/unit/export/keras-training.test.ts",
	"tests/unit/export/augment-export.test.ts",
	"tests/unit/export/residual-export.test.ts",
	"tests/unit/export/train-script-run.test.ts",
	"tests/dom/runs/log-pytorch-run.test.ts",
	"tests/unit/import/new-layers-import.test.ts",
	"tests/unit/notation/receptive-field-uneven.test.ts",
	"tests/unit/engine/residual-torch.test.ts",
	"tests/unit/engine/resnet-train.test.ts",
	"tests/unit/notation/residual-torch.test.ts",
	"tests/unit/conv/conv-torch.test.ts",
	"tests/unit/export/export-torch.test.ts",
	"tests/unit/interop/safetensors-torch.test.ts",
	"tests/unit/robustness/fuzz-hardening.test.ts",
];

// The unit and DOM tests share their worker's modules ("js", "dom" and "wasm" set isolate: false): most of a file's
// cost was importing and transforming the same modules again. The DOM tests that count what an unload leaves (charts,
// theme listeners, workers, a window's timers and listeners) count against what was live before their own render, so
// another file's leftovers in the shared window do not fail them, and a leak of their own still does.
// Files that replace a module with vi.mock need a module registry of their own, so they are isolated ("js-mocks").
const mockTests = [
	"tests/dom/robustness/faults.test.ts",
	"tests/dom/robustness/many-runs.test.ts",
	"tests/dom/runs/log-confusion.test.ts",
	"tests/dom/training/worker-channel.test.ts",
	"tests/unit/cli/disk-full.test.ts",
];

export default defineConfig({
	resolve: {
		alias: {
			// DOM tests render the real processors against a small stand-in of the app.
			obsidian: obsidianStub,
		},
	},
	test: {
		testTimeout: 60_000,
		hookTimeout: 60_000,
		// Processes, not threads: fuzz tests read process.memoryUsage(), which threads would share with each other.
		// maxWorkers is vitest's default (cores − 1: one worker on a 2-core machine, the main process transforming
		// beside it); two workers measured no faster on the shared 2-core machine and cost the same CPU.
		pool: "forks",
		// Transformed modules kept on disk between runs (.vitest/ is git-ignored): a second `npm run test:fast`
		// transforms almost nothing (measured: 101 s of CPU instead of 118 s).
		experimental: { fsModuleCache: true, fsModuleCachePath: ".vitest/module-cache" },
		projects: [
			{
				extends: true,
				test: { name: "js", include: ["tests/unit/**/*.test.ts"], exclude: [...buildTests, ...slowTests, ...mockTests], provide: { engineBackend: "js" }, isolate: false },
			},
			{
				extends: true,
				// One window for all the files (isolate: false): window-reset.ts puts back what a file replaced on it.
				test: { name: "dom", include: ["tests/dom/**/*.test.ts"], exclude: [...buildTests, ...slowTests, ...mockTests], setupFiles: ["tests/support/window-reset.ts"], provide: { engineBackend: "js" }, isolate: false },
			},
			{
				extends: true,
				test: { name: "js-mocks", include: mockTests, provide: { engineBackend: "js" } },
			},
			{
				extends: true,
				test: { name: "slow", include: slowTests, provide: { engineBackend: "js" } },
			},
			{
				extends: true,
				test: { name: "build", include: buildTests, provide: { engineBackend: "js" } },
			},
			{
				// The engine's correctness suite again with every product on the WebAssembly SIMD kernel (its context's backend).
				extends: true,
				test: {
					name: "wasm",
					include: ["tests/unit/engine/**/*.test.ts"],
					exclude: ["tests/unit/engine/wasm-gemm.test.ts", "tests/unit/engine/wasm-conv.test.ts"],
					setupFiles: ["tests/support/use-wasm-gemm.ts"],
					isolate: false,
					// tests/support/engine.ts builds the suite's engine context on this backend.
					provide: { engineBackend: "wasm-simd" },
				},
			},
		],
	},
});
