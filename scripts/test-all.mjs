// Runs every test the project has, in the order a failure is cheapest to see: lint, type check, unit and DOM
// tests (vitest), then the real-browser tests. Ends with one "N passed, N failed" line for CI.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, mkdirSync } from "node:fs";

let passed = 0;
let failed = 0;
const step = (name, cmd, args) => {
	console.log(`\n=== ${name}: ${cmd} ${args.join(" ")}`);
	const r = spawnSync(cmd, args, { stdio: "inherit", shell: false });
	return r.status === 0;
};

const lintOk = step("lint", "npx", ["eslint", "."]);
lintOk ? passed++ : failed++;
const typesOk = step("types", "npx", ["tsc", "-noEmit", "-skipLibCheck"]);
typesOk ? passed++ : failed++;
const scriptTypesOk = step("types of the .mjs scripts", "npx", ["tsc", "-p", "tsconfig.scripts.json"]);
scriptTypesOk ? passed++ : failed++;

mkdirSync("out", { recursive: true });
step("unit and DOM tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=out/vitest.json"]);
if (existsSync("out/vitest.json")) {
	const r = JSON.parse(readFileSync("out/vitest.json", "utf8"));
	passed += r.numPassedTests;
	failed += r.numFailedTests + (r.numTotalTestSuites > 0 && r.success === false && r.numFailedTests === 0 ? 1 : 0);
	if (r.numPendingTests || r.numTodoTests) console.log(`(${r.numPendingTests + r.numTodoTests} skipped tests are not counted as passed)`);
} else failed++;

if (existsSync("tests/e2e/run.mjs")) {
	const e2eOk = step("browser tests", "node", ["tests/e2e/run.mjs"]);
	if (existsSync("out/e2e.json")) {
		const r = JSON.parse(readFileSync("out/e2e.json", "utf8"));
		passed += r.passed;
		failed += r.failed + (e2eOk || r.failed ? 0 : 1);
	} else if (!e2eOk) failed++;
}

console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
