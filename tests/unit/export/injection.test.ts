import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toKeras, toPyTorch } from "../../../src/interop/export";
import { commentText, pyString } from "../../../src/interop/export/python";
import { toPyTorchTrainScript, type TrainScriptPlan } from "../../../src/interop/export/torch-train-script";
import { digitsNet } from "./models";
import { FOREIGN_TERMINATOR, LINE_TERMINATORS } from "../../support/line-terminators";

const TERMINATORS = LINE_TERMINATORS;

/** Code that, if it ever ran, prints a word that the script's own text does not contain ("PWN" + "ED"). */
const payload = 'import sys; sys.stdout.write("PWN" + "ED\\n")';

function scriptsFor(name: string, t: string): Record<string, string> {
	const source = `input 8x8x1 # see${t}${payload}\nconv 8 3x3 pad 1${t}${payload}\nrelu\nflatten\ndense 10`;
	const title = `notes${t}${payload}${t}#`;
	return {
		[`torch_${name}`]: toPyTorch(digitsNet, { source, title }),
		[`keras_${name}`]: toKeras(digitsNet, { source, title }),
		[`torch_error_${name}`]: toPyTorch({ input: [1, 2, 2], layers: [{ type: "conv", filters: 1, kernel: [5, 5], stride: [1, 1], pad: [0, 0], dilation: [1, 1], bias: true }] }, { source, title }),
	};
}

function hasTorch(): boolean {
	return spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}
function hasPython(): boolean {
	return spawnSync("/usr/bin/python3", ["-c", "pass"], { stdio: "ignore" }).status === 0;
}

/** Runs each script as Python in its own namespace; a script that fails (no keras here) still ran its top lines. */
function runAll(scripts: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), "cnn-lab-inject-"));
	const names = Object.keys(scripts);
	for (const n of names) writeFileSync(join(dir, `${n}.py`), scripts[n]);
	const driver = [
		"import runpy, sys",
		`for name in ${JSON.stringify(names)}:`,
		"    try:",
		`        runpy.run_path(${JSON.stringify(dir)} + "/" + name + ".py")`,
		'        print("== " + name + " ok")',
		"    except BaseException as e:",
		'        print("== " + name + " " + type(e).__name__)',
	].join("\n");
	return execFileSync("/usr/bin/python3", ["-c", driver], { encoding: "utf8", timeout: 120_000, stdio: ["ignore", "pipe", "pipe"] });
}

describe("note text in exported code", () => {
	it("keeps every comment on one line whatever terminator the block or the note's name carries", () => {
		for (const [name, t] of Object.entries(TERMINATORS)) {
			for (const [script, code] of Object.entries(scriptsFor(name, t))) {
				for (const line of code.split("\n")) {
					// No terminator but \n survives; a line holding the payload is a comment.
					expect(line, `${script}: ${JSON.stringify(line)}`).not.toMatch(FOREIGN_TERMINATOR);
					if (line.includes("PWN")) expect(line.trimStart().startsWith("#"), `${script}: ${line}`).toBe(true);
				}
			}
		}
	});

	it("keeps the text readable: each control becomes one space, a tab stays", () => {
		expect(commentText("a\rb\u2028c\td")).toBe("a b c\td");
	});

	it.skipIf(!hasPython())("never runs the injected line under Python (torch where installed)", () => {
		const scripts: Record<string, string> = {};
		for (const [name, t] of Object.entries(TERMINATORS)) Object.assign(scripts, scriptsFor(name, t));
		const out = runAll(scripts);
		expect(out).not.toContain("PWNED");
		// Every script was compiled and started: none stopped at a syntax error from a stray control character.
		for (const name of Object.keys(scripts)) expect(out).toMatch(new RegExp(`== ${name} (ok|ModuleNotFoundError|ImportError)\\b`));
		if (hasTorch()) for (const name of Object.keys(TERMINATORS)) expect(out).toContain(`== torch_${name} ok`);
	});
});

/** A training script's plan whose every piece of note text carries a terminator and the payload. */
function trainPlan(t: string): TrainScriptPlan {
	const evil = (what: string): string => `${what}${t}${payload}${t}"' \\ \u0000 \uD83D\uDE00 \u2028 ${"`"}${"`"}${"`"}`;
	return {
		model: digitsNet,
		train: { epochs: 1, batch: 32, optimizer: { name: "adam", lr: 0.01, weightDecay: 0, momentum: 0, beta1: 0.9, beta2: 0.999, eps: 1e-8 } },
		seed: 1,
		val: 0.2,
		limit: null,
		test: null,
		data: { kind: "images", files: [evil("data/a.png"), evil("data/b.png")], labels: [0, 1] },
		dataShape: [1, 8, 8],
		classNames: [evil("cat"), evil("dog")],
		trainOrder: [0],
		valIndices: [1],
		note: {
			runsFolder: evil("runs"),
			title: evil("title"),
			dataset: evil("dataset"),
			sourceLink: evil("[[source]]"),
			modelText: evil("input 8x8x1"),
			modelSummary: evil("summary"),
			schedule: evil("cosine"),
			summaryBefore: evil("Trained from"),
			summaryAfter: evil("epochs"),
			confusionTitle: evil("Confusion"),
			confusionHead: [evil("| head |"), evil("| --- |")],
			confusionRowNames: [evil("**cat**"), evil("**dog**")],
			classCells: [evil("cat"), evil("dog")],
		},
	};
}

describe("note text in the exported training script", () => {
	it("is only ever a string literal of printable ASCII", () => {
		expect(pyString("a\u2028b\"c\\\u{1F600}\u0000")).toBe('"a\\u2028b\\"c\\\\\\U0001f600\\x00"');
		for (const t of Object.values(TERMINATORS)) {
			const script = toPyTorchTrainScript(trainPlan(t), { source: `input 8x8x1${t}${payload}`, title: `t${t}${payload}` });
			for (const line of script.split("\n")) {
				expect(line).not.toMatch(FOREIGN_TERMINATOR);
				if (line.includes("PWN") && !line.trimStart().startsWith("#")) expect(line, line).toMatch(/^\s*(?:[A-Z_]+ = )?[[(]?(?:"(?:[^"\\]|\\.)*"(?:, |,)?)+[\])]?,?\)?$/);
			}
		}
	});

	it.skipIf(!hasTorch())("never runs the injected text under Python, and reads every string back exactly", () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-inject-train-"));
		const names: string[] = [];
		for (const [name, t] of Object.entries(TERMINATORS)) {
			writeFileSync(join(dir, `${name}.py`), toPyTorchTrainScript(trainPlan(t), { source: `input 8x8x1${t}${payload}`, title: `t${t}${payload}` }));
			names.push(name);
		}
		const keys = ["RUNS_FOLDER", "RUN_TITLE", "DATASET", "SOURCE_LINK", "MODEL_TEXT", "MODEL_SUMMARY", "SCHEDULE_WORDS", "CLASS_NAMES", "DATA_PATHS", "CLASS_CELLS", "CONFUSION_ROW_NAMES"];
		const driver = [
			"import json, runpy",
			`for name in ${JSON.stringify(names)}:`,
			`    m = runpy.run_path(${JSON.stringify(dir)} + "/" + name + ".py")`,
			`    print(json.dumps({k: m[k] for k in ${JSON.stringify(keys)}}))`,
		].join("\n");
		const out = execFileSync("/usr/bin/python3", ["-c", driver], { encoding: "utf8", timeout: 120_000 });
		expect(out).not.toContain("PWNED");
		const lines = out.trim().split("\n").filter((l) => l.startsWith("{"));
		expect(lines.length).toBe(names.length);
		names.forEach((name, i) => {
			const p = trainPlan(TERMINATORS[name]);
			expect(JSON.parse(lines[i])).toEqual({
				RUNS_FOLDER: p.note.runsFolder, RUN_TITLE: p.note.title, DATASET: p.note.dataset, SOURCE_LINK: p.note.sourceLink, MODEL_TEXT: p.note.modelText,
				MODEL_SUMMARY: p.note.modelSummary, SCHEDULE_WORDS: p.note.schedule, CLASS_NAMES: p.classNames, DATA_PATHS: p.data.kind === "images" ? p.data.files : [],
				CLASS_CELLS: p.note.classCells, CONFUSION_ROW_NAMES: p.note.confusionRowNames,
			});
		});
	});
});
