// Benchmark: the explorer on the page's thread for the LeNet-like W4 network on 28×28 input, in Debian's Chromium
// (the plugin's styles, the theme stand-in of the demo page). Each figure is one action to the end of its layout: a
// stroke on the pad (one frame: pad, downsampled input, prediction and every map of the strip redrawn; the
// attribution follows in a task of its own), a click on a conv / pool / dense cell (its computation view), saliency + Grad-CAM (computed and drawn).
// Goals (issue 15): stroke and click ≤ 16 ms, saliency + Grad-CAM ≤ 30 ms. Not a test: it prints the figures.
// Run: node tests/bench/browser/explorer.mjs [rounds, default 40]
import esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { launchChromium } from "../../support/browser/chromium.mjs";

const rounds = Number(process.argv[2] ?? 40);
const built = await esbuild.build({ entryPoints: [new URL("explorer-entry.ts", import.meta.url).pathname], bundle: true, format: "iife", target: "es2022", write: false, logLevel: "silent" });
const css = ["../../support/browser/page.css", "../../../styles.css"].map((f) => readFileSync(new URL(f, import.meta.url), "utf8")).join("\n");
const browser = await launchChromium();
const page = await browser.context.newPage();
await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body class="theme-light"><div class="markdown-preview-view"></div></body></html>`);
await page.addScriptTag({ content: built.outputFiles[0].text });
// @ts-expect-error -- explorerBench is the bundled entry's global (explorer-entry.ts), not part of the page's types
const r = await page.evaluate((n) => window.explorerBench(n), rounds);
// The first round pays for compilation and first layout: reported apart, left out of median and worst.
const stat = (xs) => {
	const s = xs.slice(1).sort((a, b) => a - b);
	return { median: s[Math.floor(s.length / 2)], worst: s[s.length - 1], first: xs[0] };
};
const line = (name, xs, goal) => {
	const { median, worst, first } = stat(xs);
	const verdict = goal ? (worst <= goal ? `within the ${goal} ms goal` : median <= goal ? `median within the ${goal} ms goal, worst over` : `OVER the ${goal} ms goal`) : "";
	console.log(`${name.padEnd(44)} median ${median.toFixed(1).padStart(5)} ms, worst ${worst.toFixed(1).padStart(5)} ms, first ${first.toFixed(1).padStart(5)} ms  ${verdict}`);
};
console.log(`explorer, W4 on 28×28, ${rounds} rounds each (JS kernels, as the explorer computes on the page)`);
line("stroke → prediction + every map", r.stroke, 16);
line("  of which script, before style and layout", r.strokeScript);
line("click a conv cell → computation view", r.clickConv, 16);
line("click a pool cell → computation view", r.clickPool, 16);
line("click a dense unit → computation view", r.clickDense, 16);
line("saliency + Grad-CAM, computed and drawn", r.attribution, 30);
line("  of which script, before style and layout", r.attributionScript);
line("  of which saliency + Grad-CAM computed", r.computeOnly);
line("  a forward pass with every activation", r.forward);
await browser.close();
