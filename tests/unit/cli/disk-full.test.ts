import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";

// A full disk, faked where the note store writes: a temporary file gets its first bytes, then ENOSPC. (The same
// run on a 200 KB tmpfs behaves alike; CI cannot mount one.)
const full = vi.hoisted(() => ({ on: false }));
vi.mock("node:fs", async (importOriginal) => {
	const fs = await importOriginal<typeof import("node:fs")>();
	const writeFileSync = (path: Parameters<typeof fs.writeFileSync>[0], data: string, opts?: Parameters<typeof fs.writeFileSync>[2]): void => {
		if (full.on && String(path).endsWith(".tmp")) {
			fs.writeFileSync(path, data.slice(0, 16), opts);
			throw Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" });
		}
		fs.writeFileSync(path, data, opts);
	};
	return { ...fs, writeFileSync, default: { ...fs, writeFileSync } };
});

const { runCli } = await import("../../../src/cli/run");

describe("cnn-lab train on a full disk", () => {
	it("leaves no temporary file, reports ENOSPC and says what the note holds", async () => {
		const root = mkdtempSync(join(tmpdir(), "cnn-lab-full-"));
		mkdirSync(join(root, ".obsidian"));
		writeFileSync(join(root, "n.md"), ["```cnn", "input 8x8x1", "flatten", "dense 10", "softmax", "train digits epochs 3 batch 64 seed 1", "```", ""].join("\n"));
		full.on = true; // the note is created whole after epoch 1; every rewrite after it fails
		let out = "";
		let err = "";
		const code = await runCli(["train", "n.md"], { out: (s) => (out += s), err: (s) => (err += s), cwd: root });
		full.on = false;
		expect(code).toBe(1);
		expect(err).toMatch(/ENOSPC/);
		const files = readdirSync(join(root, "CNN runs"));
		expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
		expect(files).toHaveLength(1);
		const note = readFileSync(join(root, "CNN runs", files[0]), "utf8");
		expect(note).toMatch(/status: running/);
		// stdout does not pretend the note was completed
		expect(out).toMatch(/completed: 3 of 3 epochs/);
		expect(out).toMatch(/last saved after epoch 1; it still says running, not completed/);
	});
});
