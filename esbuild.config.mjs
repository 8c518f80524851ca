import esbuild from "esbuild";
import process from "process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { sharedEnginePlugin } from "./scripts/shared-engine-plugin.mjs";

const banner = `/*
CNN Lab — an Obsidian plugin. Bundled by esbuild; the sources are in the repository.
Bundles the UCI optical digits (CC BY 4.0, Alpaydin & Kaynak 1998).
*/
`;

const prod = process.argv[2] === "production";

// Obsidian loads one styles.css; each area keeps its rules in src/styles/<area>.css and they are joined here.
function writeStyles() {
	const dir = "src/styles";
	const parts = readdirSync(dir).filter((f) => f.endsWith(".css")).sort();
	writeFileSync("styles.css", parts.map((f) => readFileSync(`${dir}/${f}`, "utf8").trim()).join("\n\n") + "\n");
}
writeStyles();

const context = await esbuild.context({
	banner: { js: banner },
	entryPoints: ["main.ts"],
	bundle: true,
	external: [
		"obsidian",
		"electron",
		"@codemirror/autocomplete",
		"@codemirror/collab",
		"@codemirror/commands",
		"@codemirror/language",
		"@codemirror/lint",
		"@codemirror/search",
		"@codemirror/state",
		"@codemirror/view",
		"@lezer/common",
		"@lezer/highlight",
		"@lezer/lr",
		...builtinModules,
		...builtinModules.map((m) => `node:${m}`),
	],
	format: "cjs",
	target: "es2020",
	logLevel: "info",
	sourcemap: prod ? false : "inline",
	treeShaking: true,
	minify: prod,
	// The Chinese strings stay UTF-8 (3 bytes a character) instead of \uXXXX escapes (6); Obsidian reads main.js as UTF-8.
	charset: "utf8",
	outfile: "main.js",
	// The engine goes in once, for the page and for the training worker: see scripts/shared-engine-plugin.mjs.
	plugins: [sharedEnginePlugin({ minify: prod })],
});

if (prod) {
	await context.rebuild();
	process.exit(0);
} else {
	await context.watch();
}
