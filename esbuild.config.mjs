import esbuild from "esbuild";
import process from "process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";

const banner = `/*
CNN Lab — an Obsidian plugin. Bundled by esbuild; the sources are in the repository.
Bundles the UCI optical digits (CC BY 4.0, Alpaydin & Kaynak 1998) and chart.js (MIT).
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

// The training worker is bundled on its own as an IIFE and inlined into main.js as a string: the plugin replaces
// src/worker/worker-source.ts (which exports null for TypeScript and the tests) with that string, and the client
// starts it with new Worker(URL.createObjectURL(new Blob([code]))). Obsidian loads one file, so no separate asset.
const inlineWorkerPlugin = {
	name: "inline-training-worker",
	setup(build) {
		build.onLoad({ filter: /src[\\/]worker[\\/]worker-source\.ts$/ }, async () => {
			const result = await esbuild.build({
				entryPoints: ["src/worker/worker.ts"],
				bundle: true,
				format: "iife",
				target: "es2020",
				write: false,
				minify: prod,
				treeShaking: true,
				metafile: true,
				logLevel: "silent",
			});
			const code = result.outputFiles[0].text;
			return {
				contents: `export const workerSource = ${JSON.stringify(code)};`,
				loader: "ts",
				watchFiles: Object.keys(result.metafile.inputs),
			};
		});
	},
};

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
	outfile: "main.js",
	plugins: [inlineWorkerPlugin],
});

if (prod) {
	await context.rebuild();
	process.exit(0);
} else {
	await context.watch();
}
