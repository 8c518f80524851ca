import { afterAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { parseLogBlock, pythonToJson } from "../../../src/notation/log/log-block";
import { formatRunNote, parseRunNote } from "../../../src/runs/run-note";
import type { RunRecord } from "../../../src/runs/run-record";
import { FuzzReport } from "../../support/fuzz-report";

/** CNN_LAB_FUZZ_RUNS=20000 for a long run; the default keeps the suite to about a second. */
const RUNS = Number(process.env.CNN_LAB_FUZZ_RUNS ?? 300);
const SEED = 20261125;

const valid = [
	"epoch,loss,acc,val_loss,val_acc\n1,0.8123,0.7410,0.4012,0.8795\n2,0.3320,0.9002,0.2710,0.9188",
	"{'loss': [1.2051, 0.5873], 'accuracy': [0.6152, 0.8231], 'val_loss': [0.6744, 0.4635], 'val_accuracy': [0.7925, 0.8588]}",
	"runs [[CNN runs/a]] [[CNN runs/b|B]]",
	"folder CNN runs where dataset = digits and lr < 0.1",
	"epoch,loss\n1,2.3\n# batches\nepoch,loss\n0.5,2.1\n1,1.9",
	"Epoch 1/2\n10/10 - 1s - loss: 0.5 - accuracy: 0.8\nEpoch 2/2\n10/10 - 1s - loss: 0.4 - accuracy: 0.9 - val_loss: 0.45",
];
const weird = ["0", "-1", "1e9", "NaN", "1e-300", String(2 ** 53), "", "-", "Infinity", "nan", "1e999"];

const report = new FuzzReport("cnn-log fuzz summary");
afterAll(() => report.print());

function checkSpec(src: string): void {
	const spec = report.time("cnn-log block", src, () => parseLogBlock(src));
	const lines = Math.max(1, src.split(/\r\n?|\n/).length);
	for (const d of spec.diagnostics) {
		expect(d.line).toBeGreaterThanOrEqual(1);
		expect(d.line).toBeLessThanOrEqual(lines);
		expect(d.message.length).toBeGreaterThan(0);
	}
	if (spec.kind === "data") for (const e of spec.series.epochs) expect(typeof e.epoch).toBe("number");
}

describe("cnn-log parser under fuzzing", () => {
	it("never throws on arbitrary text; diagnostics point at real lines", () => {
		fc.assert(fc.property(fc.string({ maxLength: 400, unit: "binary" }), checkSpec), { seed: SEED, numRuns: RUNS });
	});

	it("never throws on splices and mutations of valid blocks", () => {
		const mutated = fc
			.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(), fc.string({ maxLength: 30 }), fc.constantFrom(...weird))
			.map(([v, a, b, ins, w]) => {
				const i = a % (v.length + 1);
				const j = Math.min(v.length, i + (b % 20));
				const spliced = v.slice(0, i) + ins + v.slice(j);
				return [spliced, v.replace(/\d+(\.\d+)?/g, w)];
			});
		fc.assert(
			fc.property(mutated, ([a, b]) => {
				checkSpec(a);
				checkSpec(b);
			}),
			{ seed: SEED, numRuns: RUNS },
		);
	});

	it("the run-note reader never throws on damaged notes", () => {
		const note = formatRunNote({
			runId: "x",
			status: "completed",
			date: "2026-11-25T10:00:00.000Z",
			sourcePath: "a.md",
			settings: { model: "input 8x8x1\ndense 10", dataset: "digits", epochs: 2, batch: 8, optimizer: "sgd", lr: 0.1, weightDecay: 0, seed: 1 },
			durationS: 1,
			samplesPerS: 2,
			epochs: [{ epoch: 1, loss: 1, acc: 0.5, valLoss: 1, valAcc: 0.5 }],
			batches: [{ x: 0.5, y: 1 }],
		});
		fc.assert(
			fc.property(fc.nat(), fc.nat(), fc.string({ maxLength: 40 }), (a, b, ins) => {
				const i = a % (note.length + 1);
				const bad = note.slice(0, i) + ins + note.slice(Math.min(note.length, i + (b % 40)));
				const r = parseRunNote(bad);
				if (r) expect(Array.isArray(r.epochs)).toBe(true);
			}),
			{ seed: SEED, numRuns: RUNS },
		);
	});

	it("round-trips any run record (numbers to 6 significant digits)", () => {
		const num = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });
		const frac = fc.double({ min: 0, max: 1, noNaN: true });
		const rec = fc.record({
			model: fc.string({ maxLength: 80 }),
			dataset: fc.string({ maxLength: 20 }),
			lr: fc.double({ min: 1e-8, max: 10, noNaN: true }),
			rows: fc.array(fc.tuple(num, frac, fc.option(num), fc.option(frac)), { maxLength: 12 }),
			message: fc.option(fc.string({ maxLength: 60 })),
		});
		fc.assert(
			fc.property(rec, (g) => {
				const r: RunRecord = {
					runId: "id",
					status: "stopped",
					date: "2026-11-25T10:00:00.000Z",
					sourcePath: "Notes/a b.md",
					settings: { model: g.model, dataset: g.dataset, epochs: 12, batch: 4, optimizer: "adam", lr: g.lr, weightDecay: 0, seed: 3, val: null, limit: null },
					durationS: null,
					samplesPerS: null,
					epochs: g.rows.map(([loss, acc, valLoss, valAcc], i) => ({ epoch: i + 1, loss, acc, valLoss, valAcc })),
					batches: [],
					message: g.message,
					weights: null,
				};
				const back = parseRunNote(formatRunNote(r));
				expect(back).not.toBeNull();
				if (!back) return;
				expect(back.settings.dataset).toBe(g.dataset);
				expect(back.message ?? null).toBe(g.message === null || g.message === "" ? (g.message === "" ? null : null) : g.message);
				expect(back.settings.lr).toBeCloseTo(g.lr, Math.max(0, 5 - Math.ceil(Math.log10(g.lr + 1e-300))));
				expect(back.epochs).toHaveLength(r.epochs.length);
				back.epochs.forEach((e, i) => {
					const want = r.epochs[i];
					const close = (a: number | null, b: number | null): void => {
						if (b === null) return expect(a).toBeNull();
						expect(Math.abs((a ?? NaN) - b)).toBeLessThanOrEqual(Math.abs(b) * 1e-5 + 1e-300);
					};
					close(e.loss, want.loss);
					close(e.valLoss, want.valLoss);
				});
				// The model text comes back line for line (trailing blanks aside).
				const norm = (s: string): string => s.replace(/\r\n?/g, "\n").split("\n").map((l) => l.trimEnd()).join("\n").replace(/^\n+|\n+$/g, "");
				expect(norm(back.settings.model)).toBe(norm(g.model));
			}),
			{ seed: SEED, numRuns: RUNS },
		);
	});

	it("pathological inputs are read (a backtracking parser took minutes on them: the time is printed, the test timeout is the bound)", () => {
		const big = 1_000_000;
		const cases: [string, string][] = [
			["spaces in a where clause", `folder runs where a = b${" ".repeat(big)}c`],
			["spaces after folder", `folder a${" ".repeat(big)}x`],
			["unclosed links", `runs ${"[[".repeat(big / 2)}`],
			["escaped quotes never closed", `{'loss': '${"\\'".repeat(big / 2)}`],
			["numpy call never closed", `{'loss': [np.float64(${" ".repeat(big)}`],
			["a huge CSV", "epoch,loss\n" + Array.from({ length: 50_000 }, (_, i) => `${i},${1 / (i + 1)}`).join("\n")],
			["one enormous line", "x".repeat(big)],
			["a Keras epoch with a huge line", `Epoch 1/1\nloss: 1 ${"a".repeat(big)}`],
			["over the size limit", "1,".repeat(1_100_000)],
		];
		let worst = 0;
		let worstName = "";
		for (const [name, src] of cases) {
			const t0 = performance.now();
			const spec = parseLogBlock(src);
			if (name === "a huge CSV") expect(spec.kind === "data" && spec.series.epochs.length).toBe(50_000);
			if (name === "over the size limit") expect(spec.diagnostics[0].message).toMatch(/2200000 characters/);
			const ms = performance.now() - t0;
			if (ms > worst) [worst, worstName] = [ms, name];
		}
		console.info(`cnn-log parser: worst pathological case "${worstName}" took ${worst.toFixed(0)} ms`);
	});

	it("pythonToJson evaluates nothing and refuses unknown names", () => {
		expect(JSON.parse(pythonToJson("{'a': [np.float32(1.5), -inf, inf, nan, None, True], }"))).toEqual({ a: [1.5, "-Infinity", "Infinity", null, null, true] });
		expect(() => pythonToJson("{'a': __import__('os').system('x')}")).toThrow(/unknown name/);
	});
});
