// Launches Debian's Chromium through playwright-core (never a browser download), with a fresh profile.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function launchChromium() {
	const profile = mkdtempSync(join(tmpdir(), "cnn-lab-chromium-"));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
		headless: true,
		args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--enable-precise-memory-info"],
		viewport: { width: 1100, height: 900 },
		hasTouch: true,
	});
	return {
		context,
		close: async () => {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

/**
 * Opens the demo page on a note and waits until it has rendered; collects console errors into `errors`.
 * `noImageBitmap` removes createImageBitmap (and OffscreenCanvas, which the same old iOS WebViews lack) before any
 * script runs, so main.js decodes images through its <img> fallback.
 * @param {import("playwright-core").BrowserContext} context
 * @param {string} baseUrl
 * @param {string} note
 * @param {{ theme?: string, lang?: string, errors?: string[], noImageBitmap?: boolean }} [options]
 */
export async function openNote(context, baseUrl, note, { theme = "light", lang = "en", errors = [], noImageBitmap = false } = {}) {
	const page = await context.newPage();
	if (noImageBitmap)
		await page.addInitScript(() => {
			// Both are optional in a browser; the page must do without them.
			const w = /** @type {{ createImageBitmap?: unknown, OffscreenCanvas?: unknown }} */ (/** @type {unknown} */ (window));
			delete w.createImageBitmap;
			delete w.OffscreenCanvas;
		});
	page.on("console", (m) => {
		if (m.type() === "error") errors.push(`console: ${m.text()}`);
	});
	page.on("pageerror", (e) => errors.push(`uncaught: ${e.message}`));
	const q = new URLSearchParams({ note, theme, lang });
	await page.goto(`${baseUrl}?${q}`);
	await page.waitForFunction(() => document.body.getAttribute("data-ready") !== null, null, { timeout: 30_000 });
	// Let async renders (images, fonts, charts) settle.
	await page.evaluate(() => window.cnnDemo.ready());
	await page.waitForTimeout(300);
	return page;
}

/** A full-page screenshot with every section painted (the page skips painting off-screen sections otherwise). */
export async function fullShot(page, path) {
	await page.evaluate(() => document.body.classList.add("cnn-demo-full"));
	await page.waitForTimeout(150);
	await page.screenshot({ path, fullPage: true });
	await page.evaluate(() => document.body.classList.remove("cnn-demo-full"));
}
