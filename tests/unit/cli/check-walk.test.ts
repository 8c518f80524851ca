import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/run";

async function cli(args: string[], cwd: string): Promise<{ code: number; out: string; err: string }> {
	let out = "";
	let err = "";
	const code = await runCli(args, { out: (s) => (out += s), err: (s) => (err += s), cwd });
	return { code, out, err };
}

describe("cnn-lab check walks each real path once and reads only regular files", () => {
	it("reports a note once through two links to . and a self-link", async () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-walk-"));
		writeFileSync(join(dir, "a.md"), "`cnn: input 8x8x1 → conv 4 3x3`\n");
		symlinkSync(".", join(dir, "l1"));
		symlinkSync(".", join(dir, "l2"));
		symlinkSync(join(dir, "a.md"), join(dir, "self.md"));
		const r = await cli(["check", "--json", "."], dir);
		expect(JSON.parse(r.out)).toHaveLength(1);
	});

	it("skips a FIFO given by name instead of blocking on it", async () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-fifo-"));
		execFileSync("mkfifo", [join(dir, "pipe.md")]);
		writeFileSync(join(dir, "a.md"), "`cnn: input 8x8x1 → conv 4 3x3`\n");
		const r = await cli(["check", "--json", "pipe.md", "a.md", "."], dir);
		expect(r.err).toContain("pipe.md is not a regular file; skipped");
		expect(JSON.parse(r.out)).toHaveLength(1);
	});

	it("checks 125 000 inline spans in one note without overflowing the stack", async () => {
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-spans-"));
		writeFileSync(join(dir, "many.md"), "`cnn: input 8x8x1 → conv 4 3x3`\n".repeat(125_000));
		const r = await cli(["check", "many.md"], dir);
		expect(r.err).not.toMatch(/call stack/);
		expect(r.code).not.toBe(2);
		expect(r.out.length).toBeGreaterThan(125_000);
	}, 120_000);
});
