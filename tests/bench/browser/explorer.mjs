// Benchmark: the explorer on the page's thread for the LeNet-like W4 network on 28×28 input, in Debian's Chromium
// (the plugin's styles, the theme stand-in of the demo page). Each figure is one action to the end of its layout: a
// stroke on the pad (one frame: pad, downsampled input, prediction and every map of the strip redrawn; the
// attribution follows in a task of its own), a click on a conv / pool / dense cell (its computation view), saliency + Grad-CAM (computed and drawn).
// Goals (issue 15): stroke and click ≤ 16 ms, saliency + Grad-CAM ≤ 30 ms, no task over 50 ms. Not a test: it prints the figures.
// Each round is a task of its own; besides its wall time (what a user on this machine waited), the CPU time the
// page's thread spent in that task, from Chromium's trace: on a shared machine the wall time includes the time the
// thread waited for a core, the CPU time is what the explorer itself costs. The load average is printed with them.
// With --tasks, every task over 50 ms of wall time (or 25 ms of CPU) is listed: the action whose round it ran in (or
// the one before it, for the timers a round left), its wall, CPU and GC time, and where its time went (the trace's
// devtools.timeline events: script, style, layout, paint), which costs some tracing overhead of its own.
// Run: node tests/bench/browser/explorer.mjs [rounds, default 40] [--tasks]
import esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { launchChromium } from "../../support/browser/chromium.mjs";
import { traceTasks } from "../../support/browser/task-trace.mjs";
import { anatomy, ANATOMY_CATEGORIES } from "../../support/browser/task-anatomy.mjs";

const args = process.argv.slice(2);
const breakdown = args.includes("--tasks");
const rounds = Number(args.find((a) => /^\d+$/.test(a)) ?? 40);
const built = await esbuild.build({ entryPoints: [new URL("explorer-entry.ts", import.meta.url).pathname], bundle: true, format: "iife", target: "es2022", write: false, logLevel: "silent" });
const css = ["../../support/browser/page.css", "../../../styles.css"].map((f) => readFileSync(new URL(f, import.meta.url), "utf8")).join("\n");
const browser = await launchChromium();
const page = await browser.context.newPage();
await page.setContent(`<!doctype html><html><head><style>${css}</style></head><body class="theme-light"><div class="markdown-preview-view"></div></body></html>`);
await page.addScriptTag({ content: built.outputFiles[0].text });
const load0 = loadavg()[0];
const trace = await traceTasks(page, breakdown ? ANATOMY_CATEGORIES : "toplevel,blink.user_timing,__metadata");
// @ts-expect-error -- explorerBench is the bundled entry's global (explorer-entry.ts), not part of the page's types
const r = await page.evaluate((n) => window.explorerBench(n), rounds);
const tasks = await trace.stop();
const load1 = loadavg()[0];
/** Each "bench:<action>" mark's task (the one on the page's thread that holds it): its CPU time, per action. */
const cpu = {};
for (const m of tasks.events.filter((e) => typeof e.name === "string" && e.name.startsWith("bench:") && e.ph !== "X")) {
	const task = tasks.find((t) => t.startUs <= m.ts && m.ts <= t.startUs + t.wallMs * 1000);
	if (task) (cpu[m.name.slice(6)] ??= []).push(task.cpuMs);
}
// The first round pays for compilation and first layout: reported apart, left out of median and worst.
const stat = (xs) => {
	const s = xs.slice(1).sort((a, b) => a - b);
	return { median: s[Math.floor(s.length / 2)], worst: s[s.length - 1], first: xs[0] };
};
const f = (v) => (v === undefined ? "    –" : v.toFixed(1).padStart(5));
const line = (name, xs, goal, cpuXs) => {
	const { median, worst, first } = stat(xs);
	const c = cpuXs && cpuXs.length === xs.length ? stat(cpuXs) : null;
	const judged = c ? c.median : median;
	const verdict = goal ? (judged <= goal ? `CPU median within the ${goal} ms goal` : `OVER the ${goal} ms goal`) : "";
	const cpuText = c ? `; CPU median ${f(c.median)} ms, worst ${f(c.worst)} ms` : "";
	console.log(`${name.padEnd(44)} wall median ${f(median)} ms, worst ${f(worst)} ms, first ${f(first)} ms${cpuText}  ${verdict}`);
};
console.log(`explorer, W4 on 28×28, ${rounds} rounds each (JS kernels, as the explorer computes on the page); load average ${load0.toFixed(1)} → ${load1.toFixed(1)}`);
line("stroke → prediction + every map", r.stroke, 16, cpu.stroke);
line("  of which script, before style and layout", r.strokeScript);
line("click a conv cell → computation view", r.clickConv, 16, cpu["click-conv"]);
line("click a pool cell → computation view", r.clickPool, 16, cpu["click-maxpool"]);
line("click a dense unit → computation view", r.clickDense, 16, cpu["click-dense"]);
line("saliency + Grad-CAM, computed and drawn", r.attribution, 30, cpu.attribution);
line("  of which script, before style and layout", r.attributionScript);
line("  of which saliency + Grad-CAM computed", r.computeOnly, undefined, cpu.compute);
line("  a forward pass with every activation", r.forward, undefined, cpu.forward);
const long = tasks.filter((t) => t.wallMs > 50);
const longest = tasks.reduce((m, t) => (t.cpuMs > m.cpuMs ? t : m), { cpuMs: 0, wallMs: 0 });
console.log(`tasks over 50 ms of wall time (goal: none): ${long.length} of ${tasks.length}; the longest by CPU ${longest.cpuMs.toFixed(1)} ms (${longest.wallMs.toFixed(1)} ms wall) — the first round of each action and the explorer's opening included`);
// The same by CPU time: on a loaded machine most tasks over 50 ms of wall time spent it waiting for a core.
const byCpu = (ms) => tasks.filter((t) => t.cpuMs > ms).length;
console.log(`tasks over 50 ms of CPU time: ${byCpu(50)}, over 25 ms: ${byCpu(25)}`);
if (breakdown) {
	const marks = tasks.events.filter((e) => typeof e.name === "string" && e.name.startsWith("bench:") && e.ph !== "X").sort((a, b) => a.ts - b.ts);
	/** The action of the round a task ran in: the last mark at or before its end ("in" it, or "after" it: a timer it left). */
	const actionOf = (t) => {
		const end = t.startUs + t.wallMs * 1000;
		const m = marks.filter((e) => e.ts <= end).pop();
		if (!m) return "before the first round";
		const round = marks.filter((e) => e.name === m.name && e.ts <= m.ts).length;
		return `${m.ts >= t.startUs ? "in" : "after"} ${m.name.slice(6)} #${round}`;
	};
	const heavy = tasks.filter((t) => t.wallMs > 50 || t.cpuMs > 25);
	console.log(`tasks over 50 ms wall or 25 ms CPU: ${heavy.length}`);
	for (const t of heavy) console.log(`  ${actionOf(t).padEnd(24)} ${t.wallMs.toFixed(1).padStart(6)} ms wall, ${t.cpuMs.toFixed(1).padStart(6)} ms CPU (GC ${t.gcMs.toFixed(1)}): ${anatomy(tasks.events, t)}`);
}
await browser.close();
