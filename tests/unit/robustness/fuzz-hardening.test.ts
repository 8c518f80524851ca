/**
 * Fuzzing the classes of input the hardening issue found: every line terminator Python or JavaScript knows in
 * text that goes into exported code, full-width and other Unicode digits, damaged and explosive gzip, huge counts
 * in IDX and CSV headers, and special files (FIFOs, /dev/zero, symlink loops) under the command line. The
 * assertion is always "a clear message or a valid result": never an exception of another kind, a hang or a huge
 * allocation. Each class prints how many inputs it tried and the worst time one took (reported, not asserted).
 * CNN_LAB_FUZZ_RUNS=N runs N inputs per property.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";
import { parseCsvDataset } from "../../../src/data/csv";
import { loadIdx, parseIdx } from "../../../src/data/idx";
import type { ModelSpec } from "../../../src/engine/model-spec";
import { toKeras, toPyTorch, toPyTorchWithWeights } from "../../../src/interop/export";
import { parseCnn } from "../../../src/notation/cnn/parse";
import { parseLogBlock } from "../../../src/notation/log/log-block";
import { FuzzReport } from "../../support/fuzz-report";

const RUNS = Number(process.env.CNN_LAB_FUZZ_RUNS) || 200;
const SEED = 20261202;
const report = new FuzzReport("hardening fuzz summary");
afterAll(() => report.print());

/** CR, LF, CRLF, VT, FF, FS/GS/RS, NEL, LS, PS: each ends a line for Python, JavaScript or an editor. */
const TERMINATORS = ["\r", "\n", "\r\n", "\v", "\f", "\x1c", "\x1d", "\x1e", "\u0085", "\u2028", "\u2029"];
/** What could close a comment's string neighbours or a literal: quotes, backslashes, triple quotes. */
const CLOSERS = ["'", '"', '"""', "'''", "\\", "\\n", "#", ")", "]"];

// ------------------------------------------------------------ text into exported code

const model: ModelSpec = parseCnn("input 8x8x1\nconv 4 3x3\nrelu\nflatten\ndense 10").model as ModelSpec;

/** A payload that would run as Python if it ever started a line: a call of a name that exists nowhere else. */
const payload = fc.tuple(fc.constantFrom(...TERMINATORS), fc.constantFrom("", ...CLOSERS), fc.nat({ max: 999 })).map(([t, c, k]) => `${t}${c}INJECTED_${k}()`);

function inject(text: string, at: number, p: string): string {
	const i = at % (text.length + 1);
	return text.slice(0, i) + p + text.slice(i);
}

/** Every physical line of the script split as Python, JavaScript and editors split: each marker must sit after a `#`. */
function expectInert(script: string, what: string): void {
	// eslint-disable-next-line no-control-regex -- splits at every line terminator Python, JavaScript or an editor knows
	for (const line of script.split(/\r\n|[\n\r\v\f\x1c-\x1e\u0085\u2028\u2029]/)) {
		const at = line.indexOf("INJECTED_");
		if (at < 0) continue;
		const hash = line.indexOf("#");
		if (hash < 0 || hash > at) throw new Error(`${what}: note text reached live code: ${JSON.stringify(line)}`);
	}
}

const scripts: { what: string; code: string }[] = [];

describe("note text with every line terminator, going into exported code", () => {
	const block = "input 8x8x1\nconv 4 3x3\nrelu\nflatten\ndense 10";
	const exporters: [string, (source: string, title: string) => string][] = [
		["PyTorch", (source, title) => toPyTorch(model, { source, title })],
		["Keras", (source, title) => toKeras(model, { source, title })],
		["PyTorch with weights", (source, title) => toPyTorchWithWeights(model, `${title}.safetensors`, { source, title })],
	];
	it.each(exporters)("%s: the block and the note's name stay comments (and names in strings stay strings)", (what, exp) => {
		fc.assert(
			fc.property(fc.nat(), payload, fc.nat(), payload, (a, p, b, q) => {
				const source = inject(block, a, p);
				const title = inject("My note", b, q);
				const code = report.time(`export ${what}`, source + " | " + title, () => exp(source, title));
				expectInert(code, what);
				scripts.push({ what, code });
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	// Where Python is installed, the scripts are compiled: no marker may be a name the code would look up.
	const python = (() => {
		try {
			execFileSync("python3", ["-c", "pass"]);
			return true;
		} catch {
			return false;
		}
	})();
	it.runIf(python)("compiled by Python, no script names an injected call (and each compiles)", () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-inject-"));
		try {
			writeFileSync(join(dir, "scripts.json"), JSON.stringify(scripts.map((s) => s.code)));
			const check = [
				"import json, sys",
				"bad = []",
				"def names(co):",
				"    out = set(co.co_names)",
				"    for c in co.co_consts:",
				"        if hasattr(c, 'co_names'): out |= names(c)",
				"    return out",
				"for i, src in enumerate(json.load(open(sys.argv[1], encoding='utf-8'))):",
				"    try:",
				"        co = compile(src, 'script%d.py' % i, 'exec')",
				"    except SyntaxError as e:",
				"        bad.append('script %d does not compile: %s' % (i, e)); continue",
				"    hit = [n for n in names(co) if n.startswith('INJECTED_')]",
				"    if hit: bad.append('script %d runs %s' % (i, hit))",
				"print(json.dumps(bad))",
			].join("\n");
			const t0 = performance.now();
			const bad = JSON.parse(execFileSync("python3", ["-c", check, join(dir, "scripts.json")], { encoding: "utf8" })) as string[];
			report.note("python compile (all scripts in one run)", String(scripts.length), performance.now() - t0);
			expect(scripts.length).toBeGreaterThanOrEqual(3 * RUNS);
			expect(bad).toEqual([]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});

// ------------------------------------------------------------ Unicode digits

/** Digit families a keyboard, a PDF or a phone can produce: full-width, Arabic-Indic, Devanagari, Bengali, Thai, mathematical bold, superscript. */
const DIGITS: ((d: number) => string)[] = [
	(d) => String.fromCharCode(0xff10 + d),
	(d) => String.fromCharCode(0x0660 + d),
	(d) => String.fromCharCode(0x0966 + d),
	(d) => String.fromCharCode(0x09e6 + d),
	(d) => String.fromCharCode(0x0e50 + d),
	(d) => String.fromCodePoint(0x1d7ce + d),
	(d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[d],
];
const SPACES_AND_MARKS = ["\u3000", "\u00a0", "\u200b", "\ufeff", "，", "．", "ｘ", "×"];

/** Each ASCII digit at the chosen positions replaced by the same digit of another script. */
function unicodeDigits(text: string, family: number, mask: number): string {
	let k = 0;
	return text.replace(/\d/g, (d) => ((mask >> k++ % 31) & 1 ? DIGITS[family % DIGITS.length](Number(d)) : d));
}

describe("full-width and other Unicode digits", () => {
	const blocks = ["input 28x28x1\nconv 8 3x3 pad 1\nrelu\nmaxpool 2\nflatten\ndense 10\ntrain digits epochs 5 batch 32 lr 0.01", "input 32x32x3\nconv 16 5x5 stride 2\ndense 10"];
	it("a cnn block reads them as the digits they are or says which line it cannot read; never another number", () => {
		fc.assert(
			fc.property(fc.constantFrom(...blocks), fc.nat(), fc.nat(), fc.nat(), fc.constantFrom("", ...SPACES_AND_MARKS), (b, fam, mask, at, extra) => {
				const text = inject(unicodeDigits(b, fam, mask), at, extra);
				const p = report.time("cnn block", text, () => parseCnn(text));
				const lines = text.split(/\r\n|\r|\n/).length;
				for (const d of p.diagnostics) {
					expect(d.line).toBeGreaterThanOrEqual(1);
					expect(d.line).toBeLessThanOrEqual(lines + 1);
					expect(d.message.trim()).not.toBe("");
				}
				// A model read from them is the model of the ASCII block, or one with a diagnostic saying what changed.
				const errors = p.diagnostics.filter((d) => d.severity === "error");
				if (p.model && errors.length === 0 && extra === "") expect(p.model).toEqual(parseCnn(b).model);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	it("a CSV dataset refuses them on their file line, or reads the same values", () => {
		const csv = "label,a,b,c,d\n1,0,255,0,255\n0,255,0,16,0\n# note\n2,1,2,3,4\n";
		const plain = parseCsvDataset(csv, { name: "d", lang: "en" });
		fc.assert(
			fc.property(fc.nat(), fc.nat(), (fam, mask) => {
				const text = unicodeDigits(csv, fam, mask);
				let got: ReturnType<typeof parseCsvDataset> | Error;
				try {
					got = report.time("CSV dataset", text, () => parseCsvDataset(text, { name: "d", lang: "en" }));
				} catch (e) {
					got = e as Error;
				}
				if (got instanceof Error) expect(got.message).toMatch(/line [1-5]\b/);
				else {
					expect(Array.from(got.x)).toEqual(Array.from(plain.x));
					expect(Array.from(got.y)).toEqual(Array.from(plain.y));
				}
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	it("a cnn-log table refuses them on their line, or reads the same numbers", () => {
		const log = "epoch,loss,acc\n1,0.75,0.5\n2,0.25,0.875\n";
		const plain = parseLogBlock(log);
		fc.assert(
			fc.property(fc.nat(), fc.nat(), (fam, mask) => {
				const text = unicodeDigits(log, fam, mask);
				const spec = report.time("cnn-log table", text, () => parseLogBlock(text));
				for (const d of spec.diagnostics) expect(d.line).toBeLessThanOrEqual(4);
				if (spec.kind === "data" && plain.kind === "data" && spec.diagnostics.length === 0) expect(spec.series.epochs).toEqual(plain.series.epochs);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});
});

// ------------------------------------------------------------ gzip and headers

/** An IDX header (type 0x08) with these dimensions, then `data`. */
function idx(dims: number[], data: Uint8Array): Uint8Array {
	const head = new Uint8Array(4 + 4 * dims.length);
	head[2] = 0x08;
	head[3] = dims.length;
	const view = new DataView(head.buffer);
	dims.forEach((d, i) => view.setUint32(4 + 4 * i, d >>> 0, false));
	const out = new Uint8Array(head.length + data.length);
	out.set(head);
	out.set(data, head.length);
	return out;
}

const count = fc.oneof(fc.constantFrom(0, 1, 2, 3, 28, 255, 256, 65535, 2 ** 24, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1), fc.nat({ max: 64 }), fc.nat());

/** A file's outcome: a dataset whose arrays agree with its counts, or a message naming the file. */
async function expectReadOrNamed(images: Uint8Array, labels: Uint8Array): Promise<void> {
	const r = await loadIdx(images, labels, { name: "fuzz", files: ["img.gz", "lab.gz"], lang: "en" }).then(
		(ds) => ds,
		(e: unknown) => e,
	);
	if (r instanceof Error) {
		expect(r.message).toMatch(/^(img|lab)\.gz[: ]/);
		expect(r.message).not.toMatch(/\n\s+at /);
		return;
	}
	expect(r).toBeTypeOf("object");
	const ds = r as Awaited<ReturnType<typeof loadIdx>>;
	expect(ds.n).toBeGreaterThan(0);
	expect(ds.x.length).toBe(ds.n * ds.shape[0] * ds.shape[1] * ds.shape[2]);
	expect(ds.y.length).toBe(ds.n);
}

describe("compressed data: bombs, truncation, flipped bytes", () => {
	it("every damaged or explosive gzip IDX is read or refused with the file's name", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(count, { minLength: 1, maxLength: 4 }),
				fc.constantFrom(0, 1, 64, 4096, 1 << 20, 6 << 20),
				fc.oneof(fc.constant(-1), fc.nat()),
				fc.oneof(fc.constant(-1), fc.nat()),
				fc.boolean(),
				async (dims, zeros, cut, flip, gzLabels) => {
					let gz: Uint8Array = gzipSync(idx(dims, new Uint8Array(zeros)));
					if (cut >= 0) gz = gz.subarray(0, cut % (gz.length + 1));
					if (flip >= 0 && gz.length > 0) {
						gz = gz.slice();
						gz[flip % gz.length] ^= 0x5a;
					}
					const n = dims[0] >>> 0;
					const labels = idx([n], new Uint8Array(Math.min(n, 4096)));
					const what = `${dims.join("×")} + ${zeros} B${cut >= 0 ? `, cut at ${cut}` : ""}${flip >= 0 ? ", a byte flipped" : ""}`;
					await report.timeAsync("gzip IDX", what, () => expectReadOrNamed(gz, gzLabels ? gzipSync(labels) : labels));
				},
			),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	it("huge counts in plain IDX headers are refused from the header; nothing of their size is allocated", () => {
		fc.assert(
			fc.property(fc.array(count, { minLength: 0, maxLength: 6 }), fc.nat({ max: 300 }), (dims, data) => {
				const bytes = idx(dims, new Uint8Array(data));
				const heapBefore = process.memoryUsage().arrayBuffers;
				let r: unknown;
				try {
					r = report.time("IDX header", dims.join("×"), () => parseIdx(bytes, "en"));
				} catch (e) {
					r = e;
				}
				if (r instanceof Error) expect(r.message.trim()).not.toBe("");
				else expect((r as { data: Uint8Array }).data.length).toBe(dims.reduce((a, b) => a * b, 1));
				// parseIdx views the bytes it was given: a header's claim never becomes a buffer of that size
				expect(process.memoryUsage().arrayBuffers - heapBefore).toBeLessThan(64 << 20);
			}),
			{ numRuns: RUNS, seed: SEED },
		);
	});

	it("a CSV with a header of very many columns, or rows of very many cells, is read or refused at its line", () => {
		fc.assert(
			fc.property(fc.constantFrom(1, 4, 784, 100_000, 1_000_000), fc.nat({ max: 3 }), fc.boolean(), (cols, rows, header) => {
				const cells = (v: string): string => new Array(cols).fill(v).join(",");
				const text = (header ? `label,${cells("p")}\n` : "") + Array.from({ length: rows }, (_, i) => `${i % 2},${cells("0")}`).join("\n");
				let r: unknown;
				try {
					r = report.time("CSV columns", `${cols} columns × ${rows} rows`, () => parseCsvDataset(text, { name: "wide", lang: "en" }));
				} catch (e) {
					r = e;
				}
				if (r instanceof Error) expect(r.message.trim()).not.toBe("");
				else expect((r as { n: number }).n).toBe(rows);
			}),
			{ numRuns: Math.min(RUNS, 20), seed: SEED },
		);
	});
});

// ------------------------------------------------------------ special files under the CLI

describe("special files under cnn-lab: FIFOs, /dev/zero, symlink loops", () => {
	async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
		let out = "";
		let err = "";
		const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
		return { code, out, err };
	}

	/** The special entries a vault folder can hold; each test picks a subset. */
	const SPECIAL: Record<string, (dir: string, name: string) => void> = {
		fifo: (dir, name) => execFileSync("mkfifo", [join(dir, name)]),
		"link to /dev/zero": (dir, name) => symlinkSync("/dev/zero", join(dir, name)),
		"link loop": (dir, name) => {
			symlinkSync(join(dir, `${name}.other`), join(dir, name));
			symlinkSync(join(dir, name), join(dir, `${name}.other`));
		},
		"dangling link": (dir, name) => symlinkSync(join(dir, "nowhere"), join(dir, name)),
		"link to .": (dir, name) => symlinkSync(".", join(dir, name)),
	};
	const kinds = Object.keys(SPECIAL);
	const names = ["data.csv", "notes.md", "train-images-idx3-ubyte", "imgs", "x.md"];

	it("check and train end with a message (exit 0 or 1), never block, never print a stack", { timeout: 120_000 }, async () => {
		await fc.assert(
			fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...kinds), fc.constantFrom(...names)), { minLength: 1, maxLength: 4 }), fc.constantFrom(...names), async (entries, dataset) => {
				const dir = mkdtempSync(join(tmpdir(), "cnn-lab-special-"));
				try {
					mkdirSync(join(dir, ".obsidian"));
					writeFileSync(join(dir, "run.md"), ["```cnn", "input 8x8x1", "flatten", "dense 10", `train ${dataset} epochs 1`, "```", ""].join("\n"));
					const used = new Set<string>();
					for (const [kind, name] of entries) {
						if (used.has(name)) continue;
						used.add(name);
						SPECIAL[kind](dir, name);
					}
					const what = `${entries.map(([k, n]) => `${n}: ${k}`).join(", ")}; train ${dataset}`;
					const c = await report.timeAsync("cli check", what, () => cli(["check", "."], dir));
					expect(c.code, c.err).toBeLessThanOrEqual(1);
					expect(c.err).not.toMatch(/\n\s+at |RangeError|TypeError/);
					const t = await report.timeAsync("cli train", what, () => cli(["train", "run.md"], dir));
					expect(t.code, t.err).toBeLessThanOrEqual(1);
					expect(t.err).not.toMatch(/\n\s+at |RangeError|TypeError/);
					// a special entry under the dataset's name is refused with its name; nothing else trains on it
					if (used.has(dataset)) {
						expect(t.code).toBe(1);
						expect(t.err).toContain(dataset);
					}
				} finally {
					rmSync(dir, { recursive: true, force: true });
				}
			}),
			{ numRuns: Math.min(RUNS, 40), seed: SEED },
		);
	});
});
