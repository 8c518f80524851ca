// The main job: serve the demo vault rendered by the REAL built main.js in a page that stands in for Obsidian's
// reading view (npm run demo builds first). With CI set or --once: render every note once in Chromium, save
// screenshots to out/demo/, print one line per note, exit non-zero on any console error.
import { mkdirSync } from "node:fs";
import { startServer } from "../tests/support/browser/server.mjs";

const once = process.argv.includes("--once") || Boolean(process.env.CI);
const portArg = process.argv.find((a) => a.startsWith("--port="));
const port = portArg ? Number(portArg.slice(7)) : once ? 0 : Number(process.env.PORT ?? 8787);
const vault = "examples/vault";

const server = await startServer({ vault, port });
console.log(`CNN Lab demo: ${server.url}  (vault: ${vault}; Ctrl+C to stop)`);

if (once) {
	const { launchChromium, openNote, fullShot } = await import("../tests/support/browser/chromium.mjs");
	mkdirSync("out/demo", { recursive: true });
	const browser = await launchChromium();
	let bad = 0;
	try {
		const probe = await browser.context.newPage();
		await probe.goto(server.url);
		await probe.waitForFunction(() => document.body.getAttribute("data-ready") !== null, null, { timeout: 30_000 });
		const notes = await probe.evaluate(() => window.cnnDemo.notes());
		await probe.close();
		for (const note of notes.sort()) {
			/** @type {string[]} */
			const errors = [];
			const page = await openNote(browser.context, server.url, note, { errors });
			const info = await page.evaluate(() => ({
				blocks: window.cnnDemo.blocks().length,
				canvases: document.querySelectorAll(".markdown-preview-view canvas").length,
				tables: document.querySelectorAll(".markdown-preview-view table").length,
				inline: document.querySelectorAll(".markdown-preview-view .cnn-inline, .markdown-preview-view [class*='cnn-inline']").length,
				errors: window.cnnDemo.errors.slice(),
			}));
			errors.push(...info.errors);
			const shot = `out/demo/${note.replace(/\.md$/, "").replace(/[^\w\u4e00-\u9fff-]+/g, "_")}.png`;
			await fullShot(page, shot);
			await page.close();
			if (errors.length) bad++;
			console.log(`${errors.length ? "FAIL" : "ok  "} ${note}: ${info.blocks} blocks, ${info.canvases} canvases, ${info.tables} tables${errors.length ? `; ${errors.length} errors: ${errors.slice(0, 3).join(" | ")}` : ""} → ${shot}`);
		}
	} finally {
		await browser.close();
		await server.close();
	}
	process.exit(bad ? 1 : 0);
}
