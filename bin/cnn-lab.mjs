#!/usr/bin/env node
// `npx cnn-lab …`: runs cli/cnn-lab.mjs, building it first when it is missing or older than the sources.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "cli", "cnn-lab.mjs");

function newestSource(dir) {
	let newest = 0;
	let names = [];
	try {
		names = readdirSync(dir, { withFileTypes: true });
	} catch {
		return 0;
	}
	for (const d of names) {
		const p = join(dir, d.name);
		if (d.isDirectory()) newest = Math.max(newest, newestSource(p));
		else if (d.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
	}
	return newest;
}

const stale = !existsSync(bundle) || (existsSync(join(root, "src")) && newestSource(join(root, "src")) > statSync(bundle).mtimeMs);
if (stale) {
	try {
		const { buildCli } = await import(pathToFileURL(join(root, "scripts", "build-cli.mjs")).href);
		await buildCli({ quiet: true });
	} catch (e) {
		process.stderr.write(`cnn-lab: could not build the command line (run npm install first): ${e instanceof Error ? e.message : e}\n`);
		process.exit(2);
	}
}
await import(pathToFileURL(bundle).href);
