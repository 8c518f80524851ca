// Builds the demo page's script (the obsidian stand-in + the Markdown reader + the shell) as one IIFE.
import esbuild from "esbuild";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));

/** Returns { js, css, html } for the demo page. */
export async function buildPage() {
	const r = await esbuild.build({
		entryPoints: [`${here}page.ts`],
		bundle: true,
		format: "iife",
		target: "es2022",
		write: false,
		logLevel: "silent",
		sourcemap: "inline",
	});
	const js = r.outputFiles[0].text;
	const css = readFileSync(`${here}page.css`, "utf8");
	const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CNN Lab demo</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="page.css"><link rel="stylesheet" href="styles.css">
</head><body class="theme-light">
<div class="cnn-demo-shell">
<nav class="cnn-demo-side"><h1>CNN Lab demo</h1>
<button class="cnn-demo-theme">Dark theme</button>
<button class="cnn-demo-lang">中文 / English</button>
<button class="cnn-demo-settings-button">Settings</button>
<div class="cnn-demo-nav"></div></nav>
<main class="cnn-demo-main"><div class="cnn-demo-settings"></div>
<div class="markdown-preview-view markdown-rendered"></div></main>
</div>
<div class="notice-container"></div>
<script src="page.js"></script>
</body></html>
`;
	return { js, css, html };
}
