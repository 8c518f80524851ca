import { execFileSync } from "node:child_process";
import { mkdtempSync, statSync } from "node:fs";
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

// A FIFO blocked check and train forever and /dev/zero grew to 1 GB: both are refused before any read.
describe("a special file named as the note", () => {
	const dir = mkdtempSync(join(tmpdir(), "cnn-lab-special-"));
	const fifo = join(dir, "pipe.md");
	execFileSync("mkfifo", [fifo]);

	it.each([
		["a FIFO", fifo],
		["/dev/zero", "/dev/zero"],
	])("train refuses %s with exit 2 and a message", async (_name, path) => {
		expect(statSync(path).isFile()).toBe(false);
		const r = await cli(["train", path], dir);
		expect(r.code).toBe(2);
		expect(r.err).toMatch(/is not a regular file/);
	});

	it.each([
		["a FIFO", fifo],
		["/dev/zero", "/dev/zero"],
	])("check skips %s with a message", async (_name, path) => {
		const r = await cli(["check", path], dir);
		expect(r.err).toMatch(/is not a regular file/);
	});

	it("export refuses /dev/zero", async () => {
		const r = await cli(["export", "/dev/zero", "--to", "pytorch"], dir);
		expect(r.code).toBeGreaterThan(0);
		expect(r.err).toMatch(/is not a regular file/);
	});
});
