import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// bin/cnn-lab.mjs builds cli/cnn-lab.mjs with esbuild when it is missing or older than the sources, so this file
// is one of vitest.config.ts's build tests (left out of `npm run test:fast`).
const repo = join(__dirname, "../../..");

// Line numbers below are counted by hand in this text.
const studyNote = [
	"# Stride and padding", //                                   1
	"", //                                                       2
	"> [!quote] ((input − filter) / stride) + 1", //            3
	"> Checked inline: `cnn: 32 k4 s3 p1`, and `cnn: 32 k4 s3`.", // 4
	"", //                                                       5
	"```cnn", //                                                 6
	"input 32x32x3", //                                          7
	"conv 8 4x4 stride 3 pad 1", //                              8
	"```", //                                                    9
	"", //                                                      10
	"> [!note] depth", //                                       11
	"> ```cnn", //                                              12
	"> input 32x32x3", //                                       13
	"> conv 16 3x3x1", //                                       14
	"> ```", //                                                 15
].join("\n");

describe("the built command", () => {
	it("npx cnn-lab check --json runs from the bin (building the bundle when needed) with the right exit code", () => {
		const root = mkdtempSync(join(tmpdir(), "cnn-lab-bin-"));
		mkdirSync(join(root, ".obsidian"));
		writeFileSync(join(root, "Study.md"), studyNote);
		const r = spawnSync(process.execPath, [join(repo, "bin/cnn-lab.mjs"), "check", "Study.md", "--json"], { cwd: root, encoding: "utf8", timeout: 120_000 });
		expect(r.status).toBe(1);
		const reports = JSON.parse(r.stdout) as Array<{ kind: string; line: number }>;
		expect(reports.filter((x) => x.kind === "cnn").map((x) => x.line)).toEqual([6, 12]);
		const version = execFileSync(process.execPath, [join(repo, "bin/cnn-lab.mjs"), "--version"], { encoding: "utf8" });
		expect(version.trim()).toBe("cnn-lab 0.1.0");
	});
});
