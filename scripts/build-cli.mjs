// Bundles the command line (src/cli/main.ts and the src/notation, src/runs, src/interop, src/engine, src/data code it uses) for Node into
// cli/cnn-lab.mjs. The plugin's own bundle (main.js) never includes it, so main.js stays free of Node APIs.
import esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const CLI_BUNDLE = join(root, "cli", "cnn-lab.mjs");

export async function buildCli({ quiet = false } = {}) {
	await esbuild.build({
		entryPoints: [join(root, "src", "cli", "main.ts")],
		bundle: true,
		platform: "node",
		format: "esm",
		target: "node18",
		outfile: CLI_BUNDLE,
		// A bundled CommonJS dependency may call require(); give it Node's.
		banner: { js: 'import { createRequire as __cnnLabRequire } from "node:module"; const require = __cnnLabRequire(import.meta.url);' },
		external: ["obsidian"],
		logLevel: quiet ? "error" : "info",
		sourcemap: false,
	});
	return CLI_BUNDLE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	await buildCli();
}
