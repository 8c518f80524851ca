// Prints what main.js is made of: the biggest inputs of the page bundle and of the shared engine function, and the
// totals raw and gzipped. Builds in memory with the production options of esbuild.config.mjs (nothing is written).
// Usage: node scripts/bundle-report.mjs [top=15]
import esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { builtinModules } from "node:module";
import { sharedEnginePlugin } from "./shared-engine-plugin.mjs";

const top = Number(process.argv[2] ?? 15);

const page = await esbuild.build({
	entryPoints: ["main.ts"],
	bundle: true,
	external: ["obsidian", "electron", "@codemirror/*", "@lezer/*", ...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
	format: "cjs",
	target: "es2020",
	write: false,
	minify: true,
	treeShaking: true,
	metafile: true,
	outfile: "main.js",
	logLevel: "silent",
	charset: "utf8",
	plugins: [sharedEnginePlugin({ minify: true })],
});
const pageCode = page.outputFiles[0].text;

const kb = (n) => `${(n / 1024).toFixed(1).padStart(7)} KB`;

/** Groups node_modules inputs by package, src inputs by file. */
function groupKey(path) {
	const nm = /node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(path);
	return nm ? `npm:${nm[1]}` : path;
}

function report(title, meta, code) {
	const out = Object.values(meta.outputs)[0];
	const groups = new Map();
	for (const [path, info] of Object.entries(out.inputs)) groups.set(groupKey(path), (groups.get(groupKey(path)) ?? 0) + info.bytesInOutput);
	const rows = [...groups].sort((a, b) => b[1] - a[1]);
	console.log(`\n${title}: ${kb(Buffer.byteLength(code))} raw, ${kb(gzipSync(code).length)} gzipped, ${rows.length} inputs`);
	for (const [name, bytes] of rows.slice(0, top)) console.log(`${kb(bytes)}  ${name}`);
	return rows;
}

const pageRows = report("main.js", page.metafile, pageCode);

// The shared engine (page and worker) is one function in main.js; its inputs, as the plugin bundles them.
const engine = await esbuild.build({
	entryPoints: ["src/worker/shared-engine.ts"],
	bundle: true,
	format: "iife",
	target: "es2020",
	charset: "utf8",
	write: false,
	minify: true,
	treeShaking: true,
	metafile: true,
	logLevel: "silent",
});
report("the shared engine function (counted once in main.js, also the worker's code)", engine.metafile, engine.outputFiles[0].text);
const dirs = new Map();
for (const [name, bytes] of pageRows) {
	const key = name.startsWith("npm:") ? name : name.split("/").slice(0, 2).join("/");
	dirs.set(key, (dirs.get(key) ?? 0) + bytes);
}
console.log("\nmain.js by folder:");
for (const [name, bytes] of [...dirs].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${kb(bytes)}  ${name}`);
const bytes = Buffer.byteLength(pageCode);
console.log(`\nTotal main.js: ${bytes} bytes raw (${kb(bytes).trim()}), ${gzipSync(pageCode).length} bytes gzipped`);
