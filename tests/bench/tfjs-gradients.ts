import { buildSync } from "esbuild";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

/**
 * TensorFlow.js's Node entry (tf-core.node.js) registers no gradients, and its ESM files cannot be imported by
 * Node directly (extensionless paths). Bundle register_all_gradients.js once with esbuild and load it: the
 * registries it fills live on a global shared with the package the bench imports.
 */
export function registerTfjsGradients(): void {
	const require = createRequire(import.meta.url);
	const entry = require.resolve("@tensorflow/tfjs-core/dist/register_all_gradients.js");
	mkdirSync("out", { recursive: true });
	const outfile = resolve("out/tfjs-gradients.cjs");
	buildSync({ entryPoints: [entry], bundle: true, format: "cjs", platform: "node", outfile, logLevel: "error" });
	require(outfile);
}
