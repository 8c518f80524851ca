import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Whether Debian's python3 can import torch (the tests that run exported scripts skip, visibly, without it). */
export function hasTorch(): boolean {
	return spawnSync("/usr/bin/python3", ["-c", "import torch"], { stdio: "ignore" }).status === 0;
}

/** Runs each script in its own namespace in one Python process; prints "== name ok" or "== name <error>" after each. */
export function runPythonScripts(scripts: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), "cnn-lab-export-"));
	const names = Object.keys(scripts);
	for (const n of names) writeFileSync(join(dir, `${n}.py`), scripts[n]);
	const driver = [
		"import runpy, sys",
		`for name in ${JSON.stringify(names)}:`,
		"    try:",
		`        runpy.run_path(${JSON.stringify(dir)} + "/" + name + ".py")`,
		'        print("== " + name + " ok")',
		"    except Exception as e:",
		'        print("== " + name + " " + type(e).__name__ + ": " + str(e))',
	].join("\n");
	return execFileSync("/usr/bin/python3", ["-c", driver], { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
}
