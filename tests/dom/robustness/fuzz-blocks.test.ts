// @vitest-environment jsdom
/**
 * Fuzzing the three block languages and the inline form through the real processors: junk, mutations and
 * splices of the demo notes' blocks, and every number replaced by an absurd one. Each input must render
 * without an exception (sync or async), never leave the block blank, give every message a line inside the
 * block, and finish within a deadline. CNN_LAB_FUZZ_RUNS=N runs N inputs per property instead of the default.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import { parseLogBlock } from "../../../src/notation/log/log-block";
import { checkInline } from "../../../src/notation/inline/inline";
import type { Diagnostic } from "../../../src/notation/diagnostic";
import { setLanguage } from "../../../src/i18n";
import { setStubLanguage } from "../../support/obsidian-stub";
import { DEADLINE_MS, demoCorpus, installImageDecoder, LANGS, makeHost, renderBlock, renderInline, unloadBlock, type Host, type Lang } from "./harness";

const RUNS = Number(process.env.CNN_LAB_FUZZ_RUNS) || 40;
const SEED = 20261125;
const corpus = demoCorpus();
// Pasted framework code is read by the cnn block's importer: fuzz it with the same mutations.
corpus.blocks.cnn.push(
	`import torch.nn as nn
# input 1x32x32
model = nn.Sequential(
    nn.Conv2d(1, 6, 5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(in_channels=6, out_channels=16, kernel_size=(5, 5), padding="same"),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120),
    nn.Linear(in_features=120, out_features=10),
)`,
	`from tensorflow.keras import layers
model = keras.Sequential([
    layers.Conv2D(6, (5, 5), activation="relu", input_shape=(32, 32, 1)),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Conv2D(filters=16, kernel_size=5, strides=2, padding='same'),
    layers.Flatten(),
    layers.Dense(units=10),
])`,
);

/** Worst render time per language (ms) and inputs tried, printed at the end for the findings note. */
const worst: Record<string, { ms: number; input: string }> = {};
const tried: Record<string, number> = {};
const asyncErrors: unknown[] = [];
const onRejection = (e: unknown): void => void asyncErrors.push(e);
const onWindowError = (e: ErrorEvent): void => void asyncErrors.push(e.error ?? e.message);

let host: Host;

beforeAll(() => {
	process.on("unhandledRejection", onRejection);
	window.addEventListener("error", onWindowError);
	// Image blocks end with the decode message, as they would on a corrupt file.
	installImageDecoder(false);
});

afterAll(() => {
	process.off("unhandledRejection", onRejection);
	window.removeEventListener("error", onWindowError);
	const lines = Object.entries(worst).map(([k, v]) => `${k}: ${tried[k]} inputs, worst ${v.ms.toFixed(1)} ms (${JSON.stringify(v.input.slice(0, 60))}…)`);
	console.log(`fuzz summary\n${lines.join("\n")}`);
});

beforeEach(() => {
	host = makeHost();
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

function lineCount(source: string): number {
	return source.split(/\r\n|\r|\n/).length;
}

/** The parser's own messages: each one on a line of the block (or the line after the last, for "missing X"). */
function expectLinesInside(diags: readonly Diagnostic[], source: string, what: string): void {
	const n = lineCount(source);
	for (const d of diags) {
		if (!(Number.isInteger(d.line) && d.line >= 1 && d.line <= n + 1)) throw new Error(`${what}: message on line ${d.line} of a ${n}-line block: ${d.message}`);
		if (!d.message || !d.message.trim()) throw new Error(`${what}: empty message on line ${d.line}`);
	}
}

function parserDiagnostics(lang: Lang, source: string): readonly Diagnostic[] {
	if (lang === "cnn") return analyzeCnn(source).parsed.diagnostics;
	if (lang === "cnn-conv") return parseConvSpec(source).diagnostics;
	return parseLogBlock(source).diagnostics;
}

/** The rendered messages, each as the user reads it; all must name their line. */
function shownMessages(lang: Lang, el: HTMLElement): string[] {
	const sel = lang === "cnn" ? ".cnn-spec-problems li" : lang === "cnn-conv" ? ".cnn-conv-diagnostics li" : ".cnn-lab-log-diagnostics li";
	return Array.from(el.querySelectorAll(sel)).map((li) => li.textContent ?? "");
}

async function check(lang: Lang, source: string): Promise<number> {
	const before = asyncErrors.length;
	expectLinesInside(parserDiagnostics(lang, source), source, lang);
	const r = await renderBlock(host, lang, source);
	tried[lang] = (tried[lang] ?? 0) + 1;
	if (!worst[lang] || r.ms > worst[lang].ms) worst[lang] = { ms: r.ms, input: source };
	try {
		if (r.timedOut) throw new Error(`${lang} did not finish within ${DEADLINE_MS} ms`);
		const text = (r.el.textContent ?? "").trim();
		if (text === "") throw new Error(`${lang} block left blank`);
		const n = lineCount(source);
		for (const m of shownMessages(lang, r.el)) {
			const at = /(?:line|第) (\d+)/.exec(m);
			if (!at) throw new Error(`${lang}: a message without its line: ${m}`);
			if (Number(at[1]) < 1 || Number(at[1]) > n + 1) throw new Error(`${lang}: message on line ${at[1]} of ${n}: ${m}`);
		}
	} finally {
		unloadBlock(host, r);
	}
	// Let promise callbacks that were queued by the render run, so their rejections are seen here.
	await new Promise((res) => setTimeout(res, 0));
	if (asyncErrors.length > before) throw new Error(`${lang}: asynchronous error: ${String(asyncErrors[before])}`);
	return r.ms;
}

async function checkInlineForm(code: string): Promise<void> {
	const r = checkInline(code);
	if (typeof r.text !== "string" || r.text.trim() === "") throw new Error(`inline: empty result for ${JSON.stringify(code)}`);
	const t0 = performance.now();
	const p = await renderInline(host, code);
	const ms = performance.now() - t0;
	tried.inline = (tried.inline ?? 0) + 1;
	if (!worst.inline || ms > worst.inline.ms) worst.inline = { ms, input: code };
	const span = p.querySelector(".cnn-lab-inline");
	if (/^\s*cnn:/i.test(code) && !span) throw new Error(`inline: \`${code}\` not replaced`);
	if ((p.textContent ?? "").trim() === "") throw new Error("inline: paragraph left blank");
	p.remove();
}

// ---------------------------------------------------------------- generators

/**
 * Characters that break naive parsers: NUL, controls, lone surrogates, RTL and zero-width marks, odd spaces, fences,
 * every line terminator Python or JavaScript knows (VT, FF, FS, NEL, LS, PS besides CR and LF), and digits of other
 * scripts (full-width, Arabic-Indic, Devanagari, mathematical bold, superscript).
 */
const nasty = fc.constantFrom(
	"\u0000", "\u0007", "\u001b", "\ud800", "\udfff", "\u202e", "\u200f", "\u200b", "\ufeff", "\u00a0", "\u3000", "\ufffd",
	"\r", "\r\n", "\t", "\v", "\f", "\x1c", "\u0085", "\u2028", "\u2029", "８", "３２", "٣", "३", "𝟖", "²", "nn.Sequential(", "nn.Conv2d(", "layers.Dense(", ")", "(", "[", "]", "=", "*", "```", "~~~", "> ", "[[", "]]", "![[", "|", "#", "%%", "$$", "\\", "../", "/", "e", "-", ".", "x", "×", "，", "：",
);
const junk = fc.oneof(
	fc.string({ unit: "binary", maxLength: 200 }),
	fc.string({ unit: "grapheme", maxLength: 200 }),
	fc.array(fc.oneof(nasty, fc.string({ unit: "binary-ascii", maxLength: 6 })), { maxLength: 60 }).map((a) => a.join("")),
);

const ABSURD = ["0", "-1", "1e9", "NaN", "1e-300", "9007199254740992", "-0", "Infinity", "1e308", "0.5", "00", "1_000"];
const NUMBER = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi;

/** Every number of a block replaced by one absurd value. */
function everyNumber(source: string, v: string): string {
	return source.replace(NUMBER, v);
}

/** One number (the k-th, modulo) replaced, the rest kept: reaches deeper than replacing them all. */
function oneNumber(source: string, k: number, v: string): string {
	const hits = [...source.matchAll(NUMBER)];
	if (hits.length === 0) return source + " " + v;
	const h = hits[k % hits.length];
	return source.slice(0, h.index) + v + source.slice(h.index + h[0].length);
}

function mutations(blocks: readonly string[]): fc.Arbitrary<string> {
	const block = fc.constantFrom(...blocks);
	return fc.oneof(
		// one number made absurd
		fc.tuple(block, fc.nat(), fc.constantFrom(...ABSURD)).map(([b, k, v]) => oneNumber(b, k, v)),
		// lines dropped, duplicated, swapped
		fc.tuple(block, fc.array(fc.tuple(fc.nat(), fc.constantFrom("drop", "dup", "swap", "cut")), { maxLength: 6 })).map(([b, ops]) => {
			const lines = b.split("\n");
			for (const [k, op] of ops) {
				if (lines.length === 0) break;
				const i = k % lines.length;
				if (op === "drop") lines.splice(i, 1);
				else if (op === "dup") lines.splice(i, 0, lines[i]);
				else if (op === "swap") [lines[i], lines[0]] = [lines[0], lines[i]];
				else lines[i] = lines[i].slice(0, k % (lines[i].length + 1));
			}
			return lines.join("\n");
		}),
		// junk inserted at a random place
		fc.tuple(block, fc.nat(), fc.oneof(nasty, junk)).map(([b, k, j]) => {
			const at = k % (b.length + 1);
			return b.slice(0, at) + j + b.slice(at);
		}),
		// two blocks spliced (possibly of the other languages: a conv grid under a cnn input, and so on)
		fc.tuple(block, fc.constantFrom(...corpus.blocks.cnn, ...corpus.blocks["cnn-conv"], ...corpus.blocks["cnn-log"]), fc.nat(), fc.nat()).map(([a, b, i, j]) => {
			const la = a.split("\n");
			const lb = b.split("\n");
			return [...la.slice(0, i % (la.length + 1)), ...lb.slice(j % (lb.length + 1))].join("\n");
		}),
	);
}

const params = (extra = 0): fc.Parameters<[string]> => ({ numRuns: RUNS + extra, seed: SEED, endOnFailure: true });

describe("the demo corpus itself", () => {
	it("has blocks of every language and inline checks to mutate", () => {
		expect(corpus.blocks.cnn.length).toBeGreaterThanOrEqual(10);
		expect(corpus.blocks["cnn-conv"].length).toBeGreaterThanOrEqual(5);
		expect(corpus.blocks["cnn-log"].length).toBeGreaterThanOrEqual(3);
		expect(corpus.inline.length).toBeGreaterThanOrEqual(3);
	});

	it.each(LANGS)("every %s block of the demo renders as it stands", async (lang) => {
		for (const b of corpus.blocks[lang]) await check(lang, b);
	});
});

describe.each(LANGS)("```%s under fuzzing", (lang) => {
	it("arbitrary strings: binary junk, NUL, lone surrogates, RTL marks", { timeout: 120_000 }, async () => {
		await fc.assert(fc.asyncProperty(junk, async (s) => void (await check(lang, s))), params());
	});

	it("mutations and splices of the demo's blocks", { timeout: 120_000 }, async () => {
		await fc.assert(fc.asyncProperty(mutations(corpus.blocks[lang]), async (s) => void (await check(lang, s))), params(RUNS));
	});

	it("every number replaced by 0, −1, 1e9, NaN, 1e-300, 2^53 (and a few more)", { timeout: 120_000 }, async () => {
		for (const b of corpus.blocks[lang]) for (const v of ABSURD) await check(lang, everyNumber(b, v));
	});
});

describe("inline `cnn:` under fuzzing", () => {
	it("junk after the prefix, mutations of the demo's checks, absurd numbers", { timeout: 120_000 }, async () => {
		const fromDemo = fc.tuple(fc.constantFrom(...corpus.inline), fc.nat(), fc.constantFrom(...ABSURD)).map(([c, k, v]) => oneNumber(c, k, v));
		await fc.assert(fc.asyncProperty(fc.oneof(junk.map((s) => `cnn: ${s}`), junk.map((s) => `cnn:${s}`), fromDemo), (s) => checkInlineForm(s)), params(RUNS));
		for (const c of corpus.inline) for (const v of ABSURD) await checkInlineForm(everyNumber(c, v));
	});
});

describe("in Chinese: every message still has its text and its line", () => {
	afterEach(() => {
		setStubLanguage("en");
		setLanguage("en");
	});
	it.each(LANGS)("%s: the demo blocks with absurd numbers and junk", { timeout: 120_000 }, async (lang) => {
		setStubLanguage("zh");
		setLanguage("zh");
		for (const b of corpus.blocks[lang]) for (const v of ["0", "-1", "NaN", "9007199254740992"]) await check(lang, everyNumber(b, v));
		await fc.assert(fc.asyncProperty(mutations(corpus.blocks[lang]), async (s) => void (await check(lang, s))), params());
	});
});

describe("sizes nobody should write, and that must still end at once", () => {
	const huge: [Lang, string, string][] = [
		["cnn", "100 000 lines", "input 28x28x1\n" + "relu\n".repeat(100_000)],
		["cnn", "one 2 MB line", "input 28x28x1\nconv " + "9".repeat(2_000_000)],
		["cnn-conv", "a 50 MB pasted matrix", "input\n" + "1 2 3 4 5 6 7 8 9 0 ".repeat(250_000).concat("\n").repeat(10) + "kernel\n1"],
		["cnn-conv", "100 000 short rows", "input\n" + "1 2\n".repeat(100_000) + "kernel\n1"],
		["cnn-log", "100 000 CSV rows", "epoch,loss,acc\n" + "1,0.5,0.9\n".repeat(100_000)],
	];
	it.each(huge)("%s: %s", { timeout: 60_000 }, async (lang, _what, source) => {
		// A block that takes seconds blocks the editor on every keystroke.
		expect(await check(lang, source)).toBeLessThan(2000);
	});
});
