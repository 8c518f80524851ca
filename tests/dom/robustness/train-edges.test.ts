// @vitest-environment jsdom
/**
 * Train lines at the edges of what the language accepts (one sample, no validation, a batch larger than the data,
 * the largest and smallest learning rates, weight decay 10), pressed for real on a tiny model: every run ends,
 * with metrics or a message, never an exception, and the block can train again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { installFakeCanvas } from "../training/fake-canvas";
import { makeHost, renderBlock, unloadBlock, type Host } from "./harness";
import { Vault } from "../../support/obsidian-stub";
import { analyzeCnn } from "../../../src/notation/cnn/parse";

const RUNS = Number(process.env.CNN_LAB_FUZZ_RUNS) ? Math.max(20, Math.round(Number(process.env.CNN_LAB_FUZZ_RUNS) / 10)) : 14;
const asyncErrors: unknown[] = [];
const onRejection = (e: unknown): void => void asyncErrors.push(e);

let host: Host;
let worstMs = 0;
let completed = 0;

beforeAll(() => {
	installFakeCanvas();
	process.on("unhandledRejection", onRejection);
	host = makeHost(new Vault({ "note.md": "# note" }));
	host.settings.useWorker = false;
});

afterAll(() => {
	process.off("unhandledRejection", onRejection);
	console.log(`train edges: ${RUNS} runs, ${completed} completed, slowest ${worstMs.toFixed(0)} ms`);
	host.unload();
});

const trainLine = fc
	.record({
		dataset: fc.constantFrom("digits", "shapes"),
		epochs: fc.constantFrom(1, 2),
		batch: fc.constantFrom(1, 7, 100000),
		val: fc.constantFrom(0, 0.5, 0.9),
		limit: fc.constantFrom("", "limit 1", "limit 2", "limit 3", "limit 10000000"),
		opt: fc.constantFrom("sgd", "momentum 0.9999", "adam"),
		lr: fc.constantFrom("1e-9", "100", "0.01"),
		decay: fc.constantFrom("", "decay 10"),
	})
	.map((r) => `train ${r.dataset} epochs ${r.epochs} batch ${r.batch} val ${r.val} ${r.limit} ${r.opt} lr ${r.lr} ${r.decay} seed 3`.replace(/\s+/g, " ").trim());

async function until(cond: () => boolean, ms: number): Promise<boolean> {
	const t0 = Date.now();
	while (!cond()) {
		if (Date.now() - t0 > ms) return false;
		await new Promise((r) => setTimeout(r, 10));
	}
	return true;
}

describe("train lines at the edges of the language", () => {
	it("every run ends with metrics or a message and leaves the block ready", { timeout: 120_000 }, async () => {
		await fc.assert(
			fc.asyncProperty(trainLine, async (line) => {
				const classes = line.includes("digits") ? 10 : 8;
				const source = ["input 8x8x1", "conv 2 3x3", "relu", "flatten", `dense ${classes}`, "softmax", line].join("\n");
				const errors = analyzeCnn(source).parsed.diagnostics.filter((d) => d.severity === "error");
				if (errors.length > 0) throw new Error(`${line}: refused by the parser: ${errors[0].message}`);
				const before = asyncErrors.length;
				const t0 = performance.now();
				const r = await renderBlock(host, "cnn", source, "note.md");
				const train = r.el.querySelector<HTMLButtonElement>("button.cnn-lab-train");
				if (!train) throw new Error(`${line}: no Train button`);
				train.click();
				const ended = await until(() => !train.disabled && (r.el.querySelector(".cnn-lab-metrics") !== null || r.el.querySelector(".cnn-lab-results .cnn-lab-error") !== null), 20_000);
				worstMs = Math.max(worstMs, performance.now() - t0);
				const text = r.el.querySelector(".cnn-lab-results")?.textContent ?? "";
				unloadBlock(host, r);
				if (!ended) throw new Error(`${line}: the run did not end within 20 s`);
				if (text.trim() === "") throw new Error(`${line}: no result and no message`);
				// The run reached the trainer: it completed, or failed with the epoch and batch (a loss that blew up).
				if (/Completed/.test(text)) completed++;
				else if (!/epoch \d+, batch \d+/.test(text)) throw new Error(`${line}: ${text.slice(0, 200)}`);
				if (host.training.running !== 0) throw new Error(`${line}: a run slot is still held`);
				await new Promise((res) => setTimeout(res, 0));
				if (asyncErrors.length > before) throw new Error(`${line}: ${String(asyncErrors[before])}`);
			}),
			{ numRuns: RUNS, seed: 7, endOnFailure: true },
		);
		expect(completed).toBeGreaterThan(RUNS / 2);
	});
});
