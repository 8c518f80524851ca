// Real-browser tests: the built main.js in Debian's Chromium, rendering the demo vault through the obsidian
// stand-in page (tests/support/browser). Writes out/e2e.json {passed, failed, tests} for scripts/test-all.mjs and
// screenshots to out/e2e-screenshots/. Run: npm run test:e2e (builds first) or node tests/e2e/run.mjs.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { startServer } from "../support/browser/server.mjs";
import { launchChromium, openNote, fullShot } from "../support/browser/chromium.mjs";
import { checks } from "./checks.mjs";

const SHOTS = "out/e2e-screenshots";
rmSync(SHOTS, { recursive: true, force: true });
mkdirSync(SHOTS, { recursive: true });

const only = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const started = Date.now();
const server = await startServer({ vault: "examples/vault" });
const browser = await launchChromium();
const results = [];

/** What each check gets: open a note (console errors collected), the screenshot folder, assertion helpers. */
const env = {
	shots: SHOTS,
	fullShot,
	open: (note, opts = {}) => {
		const errors = opts.errors ?? [];
		return openNote(browser.context, server.url, note, { ...opts, errors }).then((page) => Object.assign(page, { errorsSeen: errors }));
	},
};

for (const c of checks) {
	if (only.length && !only.some((o) => c.name.includes(o))) continue;
	const t0 = Date.now();
	const notes = [];
	let timer;
	try {
		await Promise.race([
			c.run(env, (s) => notes.push(s)),
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error(`timed out after ${c.timeout / 1000} s`)), c.timeout);
			}),
		]);
		results.push({ name: c.name, ok: true, ms: Date.now() - t0, notes });
		console.log(`✓ ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)${notes.length ? `\n    ${notes.join("\n    ")}` : ""}`);
	} catch (e) {
		results.push({ name: c.name, ok: false, ms: Date.now() - t0, notes, error: String(e instanceof Error ? e.message : e) });
		console.log(`✗ ${c.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)\n    ${String(e instanceof Error ? e.message : e).split("\n").join("\n    ")}${notes.length ? `\n    ${notes.join("\n    ")}` : ""}`);
	} finally {
		clearTimeout(timer);
		for (const p of browser.context.pages()) await p.close().catch(() => {});
	}
}

await browser.close();
await server.close();
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
mkdirSync("out", { recursive: true });
writeFileSync("out/e2e.json", JSON.stringify({ passed, failed, seconds: Math.round((Date.now() - started) / 1000), tests: results }, null, 2));
console.log(`\nbrowser tests: ${passed} passed, ${failed} failed in ${((Date.now() - started) / 1000).toFixed(0)} s; screenshots in ${SHOTS}/`);
process.exit(failed ? 1 : 0);
