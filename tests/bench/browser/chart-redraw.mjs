// Benchmark: how long one live chart redraw takes on the page's thread (the two charts of a training block, with
// the acceptance run's 675 batch points), in Debian's Chromium. Not a test: it prints the figures.
// Run: node tests/bench/browser/chart-redraw.mjs [rounds]
import esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { launchChromium } from "../../support/browser/chromium.mjs";

const rounds = Number(process.argv[2] ?? 40);
const built = await esbuild.build({ entryPoints: [new URL("chart-redraw-entry.ts", import.meta.url).pathname], bundle: true, format: "iife", target: "es2022", write: false, logLevel: "silent" });
// The demo page's stand-in for Obsidian's theme (its fonts and colours), then the plugin's styles.
const css = ["../../support/browser/page.css", "../../../styles.css"].map((f) => readFileSync(new URL(f, import.meta.url), "utf8")).join("\n");
const browser = await launchChromium();
const page = await browser.context.newPage();
await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body class="theme-light"><div class="markdown-preview-view"></div></body></html>`);
await page.addScriptTag({ content: built.outputFiles[0].text });
const r = await page.evaluate((n) => window.chartBench(n), rounds);
const stat = (xs) => {
	const s = xs.slice(1).sort((a, b) => a - b);
	return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms, worst ${s[s.length - 1].toFixed(1)} ms, first ${xs[0].toFixed(1)} ms`;
};
console.log(`loss chart (675 batch points + 2 epoch series), ${rounds} redraws: ${stat(r.loss)}`);
console.log(`accuracy chart (2 epoch series), ${rounds} redraws: ${stat(r.acc)}`);
await browser.close();
