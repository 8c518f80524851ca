/**
 * npm run bench: our engine side by side with ConvNetJS and TensorFlow.js (CPU, and WASM for the conv forward
 * workloads), in one process, interleaved, several rounds each. Prints a Markdown table and writes out/bench.md.
 * Benchmarks are not tests: nothing here passes or fails on timing.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { convnetConvForward, convnetTrain, convnetW4, convnetW5 } from "./peers-convnetjs";
import { tfConvForward, tfTrain, tfUse } from "./peers-tfjs";
import { checkTrainableConv2d, trainableConv2d } from "./peers-tfjs-wasm-train";
import { oursConvForward, oursTrain, oursW4, oursW5, oursW6, oursW7, simdAvailable, type GemmKind } from "./ours";
import { tfTrainBn, tfTrainDepthwise, tfTrainResNet } from "./peers-tfjs-layers";
import { MINI_RESNET } from "../support/mini-resnet";
import { measure, type Contender, type Result, type Runner } from "./timing";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BLOCK_MS = Number(process.env.BENCH_BLOCK_MS ?? 200);
const BATCH = 32;

interface Workload {
	id: string;
	what: string;
	/** Samples per unit of work, for throughput workloads; null reports milliseconds. */
	samples: number | null;
	contenders: Contender[];
}

const sync = (make: () => Runner) => () => Promise.resolve(make());
const SIMD = simdAvailable() && process.env.BENCH_SIMD !== "0";

/** Our engine with the given GEMM kernel: the JavaScript one (the default) and, where available, WASM SIMD. */
function ours(make: (kind: GemmKind) => Runner): Contender[] {
	const kinds: GemmKind[] = SIMD ? ["js", "simd"] : ["js"];
	return kinds.map((kind) => ({
		name: kind === "js" ? "CNN Lab" : "CNN Lab (WASM SIMD GEMM)",
		setup: () => Promise.resolve(make(kind)),
	}));
}

function convWorkload(id: string, what: string, n: number, c: number, h: number, w: number, f: number, k: number, pad: number): Workload {
	return {
		id,
		what,
		samples: null,
		contenders: [
			...ours((kind) => oursConvForward(kind, n, c, h, w, f, k, pad)),
			{ name: "ConvNetJS", setup: sync(() => convnetConvForward(n, c, h, w, f, k, pad)) },
			{ name: "tfjs CPU", setup: () => tfConvForward("cpu", n, c, h, w, f, k, pad) },
			{ name: "tfjs WASM", setup: () => tfConvForward("wasm", n, c, h, w, f, k, pad) },
		],
	};
}

const workloads: Workload[] = [
	convWorkload("W1", "conv forward [32,1,28,28], 8 filters 5×5 pad 2", 32, 1, 28, 28, 8, 5, 2),
	convWorkload("W2", "conv forward [32,16,14,14], 32 filters 3×3 pad 1", 32, 16, 14, 14, 32, 3, 1),
	convWorkload("W3", "conv forward [1,3,64,64], 16 filters 3×3 pad 1", 1, 3, 64, 64, 16, 3, 1),
	{
		id: "W4",
		what: "training, 28×28×1: conv 8@5×5 p2, relu, pool 2, conv 16@5×5, relu, pool 2, dense 64, relu, dense 10; batch 32, SGD momentum 0.9",
		samples: BATCH,
		contenders: [
			...ours((kind) => oursTrain(kind, oursW4, BATCH, 640)),
			{ name: "ConvNetJS", setup: sync(() => convnetTrain(convnetW4, 1, 28, 28, BATCH, 640)) },
			{ name: "tfjs CPU", setup: () => tfTrain("cpu", "w4", BATCH) },
			{ name: "tfjs WASM (custom conv grad)", setup: () => tfTrain("wasm", "w4", BATCH, trainableConv2d) },
		],
	},
	{
		id: "W5",
		what: "training, 8×8×1: conv 8@3×3 p1, relu, pool 2, dense 10; batch 32, SGD momentum 0.9",
		samples: BATCH,
		contenders: [
			...ours((kind) => oursTrain(kind, oursW5, BATCH, 640)),
			{ name: "ConvNetJS", setup: sync(() => convnetTrain(convnetW5, 1, 8, 8, BATCH, 640)) },
			{ name: "tfjs CPU", setup: () => tfTrain("cpu", "w5", BATCH) },
			{ name: "tfjs WASM (custom conv grad)", setup: () => tfTrain("wasm", "w5", BATCH, trainableConv2d) },
		],
	},
	{
		id: "W6",
		what: "training, W4 with batch norm after each conv (training mode); batch 32, SGD momentum 0.9",
		samples: BATCH,
		contenders: [
			...ours((kind) => oursTrain(kind, oursW6, BATCH, 640)),
			{ name: "tfjs CPU", setup: () => tfTrainBn("cpu", BATCH) },
			{ name: "tfjs WASM (custom conv grad)", setup: () => tfTrainBn("wasm", BATCH, trainableConv2d) },
		],
	},
	{
		id: "W7",
		what: "training, 28×28×1: conv 8@3×3 p1, relu, 2 × (depthwise 3×3 p1, conv 1×1 to 16 / 32, relu, pool 2), dense 10; batch 32, SGD momentum 0.9",
		samples: BATCH,
		contenders: [
			...ours((kind) => oursTrain(kind, oursW7, BATCH, 640)),
			// ConvNetJS has neither batch norm nor depthwise convs; tfjs-backend-wasm has no depthwise gradient kernels.
			{ name: "tfjs CPU", setup: () => tfTrainDepthwise("cpu", BATCH) },
		],
	},
	{
		id: "W8",
		what: "training, 8×8×1: issue 19's mini-ResNet (conv 16, bn, relu, an identity block of two convs 16, relu, a stride-2 block of two convs 32 with a 1×1 projection, relu, gap, dense 10); batch 32, SGD momentum 0.9",
		samples: BATCH,
		contenders: [
			...ours((kind) => oursTrain(kind, MINI_RESNET, BATCH, 640)),
			// ConvNetJS has no batch norm; the tfjs WASM conv gradient the bench supplies is stride 1 only.
			{ name: "tfjs CPU", setup: () => tfTrainResNet("cpu", BATCH) },
		],
	},
];

const fmt = (v: number, digits = 2): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(digits));

/** How many times faster `ours` is than r: ratio of medians, and of best times. */
function ratio(ours: Result, r: Result): string {
	return r === ours ? "—" : `${fmt(r.median / ours.median)}× (best ${fmt(r.min / ours.min)}×)`;
}

function rows(w: Workload, results: Result[]): string[] {
	const js = results[0];
	const simd = results.find((r) => r.name.includes("SIMD"));
	return results.map((r) => {
		const cells =
			w.samples === null
				? [`${fmt(r.min, 3)} ms`, `${fmt(r.median, 3)} ms`]
				: [`${fmt((w.samples * 1000) / r.min)} samples/s`, `${fmt((w.samples * 1000) / r.median)} samples/s`];
		const vs = [ratio(js, r), ...(SIMD ? [simd ? ratio(simd, r) : ""] : [])];
		return `| ${w.id} | ${r.name} | ${cells.join(" | ")} | ${vs.join(" | ")} |`;
	});
}

/**
 * tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter, so its conv nets cannot train as shipped; the bench
 * gives it a conv whose filter gradient is itself a convolution, checked here against tfjs CPU's own gradient.
 */
async function wasmGradNote(): Promise<string> {
	await tfUse("cpu");
	const diff = checkTrainableConv2d();
	return `“tfjs WASM (custom conv grad)”: tfjs-backend-wasm cannot train a conv net out of the box (no Conv2DBackpropFilter kernel); it trains here with a conv whose dW is computed as a convolution and dx as a transposed convolution — largest difference from tfjs CPU's built-in gradients ${diff.toExponential(1)}.`;
}

async function main(): Promise<void> {
	const filter = process.argv.slice(2);
	const started = performance.now();
	const lines: string[] = [
		`Benchmark: ${ROUNDS} interleaved rounds of ~${BLOCK_MS} ms blocks per contender; Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}.`,
		"“CNN Lab ×” is how many times faster CNN Lab is than that engine: ratio of medians (and of best times).",
		await wasmGradNote(),
		"",
		SIMD ? "| workload | engine | best | median | CNN Lab × | CNN Lab SIMD × |" : "| workload | engine | best | median | CNN Lab × |",
		SIMD ? "|---|---|---|---|---|---|" : "|---|---|---|---|---|",
	];
	for (const w of workloads) {
		if (filter.length && !filter.includes(w.id)) continue;
		process.stderr.write(`${w.id}: ${w.what} …\n`);
		const results = await measure(w.contenders, ROUNDS, BLOCK_MS);
		lines.push(...rows(w, results));
	}
	lines.push("", ...workloads.filter((w) => !filter.length || filter.includes(w.id)).map((w) => `- ${w.id}: ${w.what}`));
	lines.push("", `Total bench time ${((performance.now() - started) / 1000).toFixed(0)} s.`);
	const md = lines.join("\n") + "\n";
	process.stdout.write("\n" + md);
	mkdirSync("out", { recursive: true });
	writeFileSync("out/bench.md", md);
}

main().catch((e: unknown) => {
	console.error(e);
	process.exit(1);
});
