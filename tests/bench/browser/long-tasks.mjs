// Benchmark: how long the page's thread is blocked while the acceptance digits run trains in the worker and its
// results are drawn (the study note of the demo vault, the built main.js, Debian's Chromium), first on an idle
// machine, then with another process keeping one core busy, as on a shared CI machine. Not a test: it prints, for
// each run, the longest task by wall time, by CPU time, and by CPU time outside garbage collection (what the browser
// check asserts), and how many tasks went over 50 ms of wall time.
// Run: npm run build && node tests/bench/browser/long-tasks.mjs [runs per condition, default 3] [--why]
// --why traces script, style, layout and paint too, and prints what each task over 30 ms of CPU was made of.
import { spawn } from "node:child_process";
import { startServer } from "../../support/browser/server.mjs";
import { launchChromium, openNote } from "../../support/browser/chromium.mjs";
import { traceTasks } from "../../support/browser/task-trace.mjs";
import { anatomy, ANATOMY_CATEGORIES } from "../../support/browser/task-anatomy.mjs";

const why = process.argv.includes("--why");
const runs = Number(process.argv.slice(2).find((a) => !a.startsWith("-")) ?? 3);
const TRAIN = /train digits epochs 15 batch 32 adam lr 0\.01 seed 7/;
const server = await startServer({ vault: "examples/vault" });
const browser = await launchChromium();

/** One run from pressing Train to the last result drawn; the page thread's tasks over that time. */
async function oneRun() {
	const page = await openNote(browser.context, server.url, "Clippings/CNN study notes.md");
	const i = await page.evaluate((src) => window.cnnDemo.blocks().findIndex((b) => new RegExp(src).test(b.source)), TRAIN.source);
	await page.evaluate((k) => window.cnnDemo.blockEl(k)?.scrollIntoView({ block: "start" }), i);
	await page.waitForTimeout(500);
	const trace = await traceTasks(page, why ? ANATOMY_CATEGORIES : undefined);
	await page.evaluate((k) => [...window.cnnDemo.blockEl(k).querySelectorAll("button")].find((b) => /^(Train|Train again)$/.test((b.textContent ?? "").trim()))?.click(), i);
	await page.waitForFunction((k) => /Completed|Stopped|failed/i.test(window.cnnDemo.blockEl(k)?.textContent ?? ""), i, { timeout: 140_000, polling: 250 });
	await page.waitForTimeout(800);
	const tasks = await trace.stop();
	await page.close();
	if (why) for (const t of tasks.filter((x) => x.cpuMs > 30)) console.log(`    ${t.cpuMs.toFixed(0)} ms CPU (${t.gcMs.toFixed(0)} GC): ${anatomy(tasks.events, t)}`);
	const max = (key) => Math.max(...tasks.map((t) => t[key]));
	return { wall: max("wallMs"), cpu: max("cpuMs"), code: max("codeMs"), gc: max("gcMs"), over50: tasks.filter((t) => t.wallMs > 50).length };
}

async function condition(name) {
	const rows = [];
	for (let k = 0; k < runs; k++) rows.push(await oneRun());
	const worst = (key) => Math.max(...rows.map((r) => r[key])).toFixed(0);
	for (const r of rows) console.log(`  ${name}: longest task ${r.wall.toFixed(0)} ms wall, ${r.cpu.toFixed(0)} ms CPU, ${r.code.toFixed(0)} ms CPU outside GC; longest GC pause ${r.gc.toFixed(0)} ms; ${r.over50} tasks over 50 ms wall`);
	console.log(`${name}, worst of ${runs}: ${worst("wall")} ms wall, ${worst("cpu")} ms CPU, ${worst("code")} ms CPU outside GC, GC ${worst("gc")} ms`);
}

await condition("idle");
// A second process spinning on one core for as long as the busy runs last.
const busy = spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
try {
	await condition("one core busy");
} finally {
	busy.kill();
}
await browser.close();
await server.close();
