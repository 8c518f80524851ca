// Benchmark: how long the built main.js takes to load in the demo page (Debian's Chromium, the real bundle): the
// parse and top-level run of main.js (chart.js and the other bundled modules' module code) and the plugin's onload
// (what Obsidian awaits before it renders notes with the plugin's processors). Each run is a fresh page, so nothing is
// warm but the browser's HTTP cache. Not a test: it prints every run and the medians.
// Run: npm run build && node tests/bench/browser/onload.mjs [runs, default 9]
import { statSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { startServer } from "../../support/browser/server.mjs";
import { launchChromium } from "../../support/browser/chromium.mjs";

const runs = Number(process.argv[2] ?? 9);
const server = await startServer({ vault: "examples/vault" });
const browser = await launchChromium();

/** @param {number[]} xs */
const median = (xs) => {
	const s = [...xs].sort((a, b) => a - b);
	return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const evalMs = [];
const runMs = [];
const onloadMs = [];
try {
	for (let k = 0; k < runs; k++) {
		const page = await browser.context.newPage();
		// An empty note name: the page loads the plugin and renders the first note; only the load is timed.
		await page.goto(`${server.url}?${new URLSearchParams({ note: "Mistakes.md" })}`);
		await page.waitForFunction(() => document.body.getAttribute("data-ready") !== null, null, { timeout: 30_000 });
		const c = await page.evaluate(() => ({ mainJs: window.cnnDemo.counters.mainJsMs.slice(), run: window.cnnDemo.counters.mainJsRunMs.slice(), onload: window.cnnDemo.counters.onloadMs.slice() }));
		await page.close();
		evalMs.push(c.mainJs[0]);
		runMs.push(c.run[0]);
		onloadMs.push(c.onload[0]);
		console.log(`  run ${k + 1}: main.js parse and top level ${c.mainJs[0].toFixed(1)} ms (top level alone ${c.run[0].toFixed(1)} ms), onload ${c.onload[0].toFixed(1)} ms`);
	}
} finally {
	await browser.close();
	await server.close();
}
const size = statSync("main.js").size;
console.log(`main.js ${size} bytes; median of ${runs}: parse and top level ${median(evalMs).toFixed(1)} ms (top level alone ${median(runMs).toFixed(1)} ms), onload ${median(onloadMs).toFixed(1)} ms (${cpus().length} cores, load average ${loadavg()[0].toFixed(2)})`);
