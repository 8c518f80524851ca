// The README's screenshots, taken from the demo vault rendered by the built main.js in Chromium (the same demo
// page the browser tests use), in the light and the dark theme: `npm run build && node scripts/readme-screenshots.mjs`.
// Each shot is one block, found by what it shows, so a note that moves its blocks around still gives the same picture.
import { mkdirSync } from "node:fs";
import { startServer } from "../tests/support/browser/server.mjs";
import { launchChromium, openNote } from "../tests/support/browser/chromium.mjs";

const SHOTS = [
	// a ```cnn table with a stride that does not divide, its flag and fixes
	{ name: "shapes", note: "Clippings/CNN study notes.md", selector: ".block-language-cnn", contains: "not an integer" },
	// a vault image through three kernels, ReLU and pooling
	{ name: "conv", note: "Clippings/CNN study notes.md", selector: ".block-language-cnn-conv", contains: "sobel" },
	// every run in the vault overlaid, with the table of what differed
	{ name: "runs", note: "CNN log examples.md", selector: ".block-language-cnn-log", last: true },
];

const out = "docs/screenshots";
mkdirSync(out, { recursive: true });
const server = await startServer({ vault: "examples/vault", port: 0 });
const browser = await launchChromium();
let bad = 0;
try {
	for (const theme of ["light", "dark"]) {
		for (const shot of SHOTS) {
			/** @type {string[]} */
			const errors = [];
			const page = await openNote(browser.context, server.url, shot.note, { theme, errors });
			await page.setViewportSize({ width: 1280, height: 1000 });
			await page.evaluate(() => window.cnnDemo.ready());
			const found = await page.evaluate(({ selector, contains, last }) => {
				const all = Array.from(document.querySelectorAll(`.markdown-preview-view ${selector}`));
				const pick = contains ? all.filter((el) => (el.textContent ?? "").toLowerCase().includes(contains) || (el.getAttribute("data-source") ?? "").includes(contains)) : all;
				const el = last ? pick[pick.length - 1] : pick[0];
				if (!el) return false;
				el.setAttribute("data-readme-shot", "");
				el.scrollIntoView({ block: "start" });
				return true;
			}, shot);
			if (!found) {
				console.log(`FAIL ${shot.name} (${theme}): no ${shot.selector} in ${shot.note}`);
				bad++;
				await page.close();
				continue;
			}
			await page.waitForTimeout(400);
			const path = `${out}/${shot.name}-${theme}.png`;
			// At most the first 900 px of a tall block (the run comparison's charts and table, not every matrix).
			const box = await page.locator("[data-readme-shot]").boundingBox();
			if (!box) throw new Error(`${shot.note}: no [data-readme-shot] block on screen`);
			await page.screenshot({ path, fullPage: true, clip: { x: box.x, y: box.y + (await page.evaluate(() => window.scrollY)), width: box.width, height: Math.min(box.height, 900) } });
			await page.close();
			if (errors.length) bad++;
			console.log(`${errors.length ? "FAIL" : "ok  "} ${path}${errors.length ? `: ${errors.join(" | ")}` : ""}`);
		}
	}
} finally {
	await browser.close();
	await server.close();
}
process.exit(bad ? 1 : 0);
