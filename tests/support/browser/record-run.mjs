// Trains the study note's acceptance block once in the demo page (the real plugin, in Chromium) and saves the run
// note it writes into examples/vault/CNN runs/, so the demo vault opens with a run to show.
// Run: npm run build && node tests/support/browser/record-run.mjs
import { mkdirSync, writeFileSync } from "node:fs";
import { startServer } from "./server.mjs";
import { launchChromium, openNote } from "./chromium.mjs";

const server = await startServer({ vault: "examples/vault" });
const browser = await launchChromium();
try {
	const page = await openNote(browser.context, server.url, "Clippings/CNN study notes.md");
	const i = await page.evaluate(() => window.cnnDemo.blocks().findIndex((b) => /train digits epochs 15/.test(b.source)));
	const before = await page.evaluate(() => window.cnnDemo.notes().filter((n) => n.startsWith("CNN runs/")));
	await page.evaluate((k) => /** @type {HTMLButtonElement} */ ([.../** @type {HTMLElement} */ (window.cnnDemo.blockEl(k)).querySelectorAll("button")].find((b) => /^Train( again)?$/.test(b.textContent.trim()))).click(), i);
	await page.waitForFunction(([k, n]) => window.cnnDemo.notes().filter((p) => p.startsWith("CNN runs/")).length > n && /Completed/.test(window.cnnDemo.blockEl(k).textContent), [i, before.length], { timeout: 120_000 });
	await page.waitForTimeout(500);
	const path = await page.evaluate((old) => window.cnnDemo.notes().find((p) => p.startsWith("CNN runs/") && !old.includes(p)), before);
	if (!path) throw new Error("the run wrote no note under CNN runs/");
	const text = await page.evaluate((p) => window.cnnDemo.readNote(p), path);
	if (text === null) throw new Error(`could not read ${path}`);
	mkdirSync("examples/vault/CNN runs", { recursive: true });
	writeFileSync(`examples/vault/${path}`, text);
	console.log(`saved examples/vault/${path}`);
} finally {
	await browser.close();
	await server.close();
}
