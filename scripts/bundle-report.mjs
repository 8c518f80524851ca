// Prints what main.js is made of: the biggest inputs of the page bundle and of the inlined training worker, and the
// totals raw and gzipped. Builds in memory with the production options of esbuild.config.mjs (nothing is written).
// Usage: node scripts/bundle-report.mjs [top=15]
import esbuild from "esbuild";
import { gzipSync } from "node:zlib";
import { builtinModules } from "node:module";

const top = Number(process.argv[2] ?? 15);

const worker = await esbuild.build({
	entryPoints: ["src/worker/worker.ts"],
	bundle: true,
	format: "iife",
	target: "es2020",
	write: false,
	minify: true,
	treeShaking: true,
	metafile: true,
	logLevel: "silent",
});
const workerCode = worker.outputFiles[0].text;

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
	plugins: [
		{
			name: "inline-training-worker",
			setup(build) {
				build.onLoad({ filter: /src[\\/]worker[\\/]worker-source\.ts$/ }, () => ({
					contents: `export const workerSource = ${JSON.stringify(workerCode)};`,
					loader: "ts",
				}));
			},
		},
	],
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
	console.log(`\n${title}: ${kb(code.length)} raw, ${kb(gzipSync(code).length)} gzipped, ${rows.length} inputs`);
	for (const [name, bytes] of rows.slice(0, top)) console.log(`${kb(bytes)}  ${name}`);
	return rows;
}

const pageRows = report("main.js (page bundle, worker included as a string)", page.metafile, pageCode);
report("inlined training worker", worker.metafile, workerCode);
const dirs = new Map();
for (const [name, bytes] of pageRows) {
	const key = name.startsWith("npm:") ? name : name.split("/").slice(0, 2).join("/");
	dirs.set(key, (dirs.get(key) ?? 0) + bytes);
}
console.log("\nmain.js by folder:");
for (const [name, bytes] of [...dirs].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${kb(bytes)}  ${name}`);
console.log(`\nTotal main.js: ${pageCode.length} bytes raw (${kb(pageCode.length).trim()}), ${gzipSync(pageCode).length} bytes gzipped`);
