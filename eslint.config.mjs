import { defineConfig } from "eslint/config";
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import obsidianmd from "eslint-plugin-obsidianmd";

// The plugin's own code (main.ts and src/) is held to Obsidian's recommended rules. The Node scripts (.mjs) get the
// JavaScript rules below, and tsc checks their types (tsconfig.scripts.json). The TypeScript tests, benchmarks,
// TypeScript scripts and config files get ESLint's and typescript-eslint's recommended rules (last block); tsc
// type-checks them (tsconfig.json).
const testsAndTools = ["tests/**/*.ts", "scripts/**/*.ts", "*.config.ts"];

export default defineConfig([
	{
		ignores: ["node_modules/**", "main.js", "cli/**", "out/**", "examples/**"],
	},
	// Obsidian's rules are for code that runs in the app: the tests (jsdom, Node) and build tools are left out of them.
	// A block holding nothing but `ignores` would be a global ignore, so only blocks with content get them.
	...obsidianmd.configs.recommended.map((c) => (Object.keys(c).length === 0 ? c : { ...c, ignores: [...(c.ignores ?? []), ...testsAndTools] })),
	{
		files: ["main.ts", "src/**/*.ts"],
		languageOptions: {
			parserOptions: {
				projectService: true,
				tsconfigRootDir: import.meta.dirname,
			},
		},
	},
	{
		// The page/engine boundary, at the import site. main.js carries the engine once: the code that also runs in
		// the training worker (src/engine, the worker's session and job, the data helpers the job uses) is bundled as
		// one function (scripts/shared-engine-plugin.mjs) and the page takes it only through
		// src/worker/shared-engine.ts. A page module importing one of those modules itself would bundle a second copy
		// of it. The engine keeps no state in its modules (the backend, the language and the digits are values passed
		// in), so such a copy would still compute right; this rule keeps main.js from carrying it. Types are free.
		files: ["main.ts", "src/plugin/**/*.ts", "src/render/**/*.ts", "src/notation/**/*.ts", "src/runs/**/*.ts", "src/interop/**/*.ts"],
		rules: {
			"@typescript-eslint/no-restricted-imports": [
				"error",
				{
					patterns: [
						{
							group: ["**/engine/**", "**/worker/**", "!**/worker/shared-engine", "!**/worker/worker-source", "**/data/dataset", "**/data/shapes", "**/data/fit"],
							allowTypeImports: true,
							message: "Page code takes the engine's code through src/worker/shared-engine.ts (it is in main.js once); type imports are fine.",
						},
					],
				},
			],
		},
	},
	{
		// The Node scripts (.mjs: the build, the CLI's launcher, the browser tests and benchmarks) get the recommended
		// JavaScript rules; tsc checks their types (tsconfig.scripts.json, checkJs, run by npm run lint).
		files: ["*.mjs", "scripts/**/*.mjs", "bin/**/*.mjs", "tests/**/*.mjs", "scripts/**/*.d.mts"],
		languageOptions: {
			globals: { process: "readonly", console: "readonly", setTimeout: "readonly", clearTimeout: "readonly", setInterval: "readonly", clearInterval: "readonly", URL: "readonly", Buffer: "readonly" },
		},
		// What guards a plugin in Obsidian does not apply to them: they print to the terminal (console.log is their
		// output; the Function constructor stays banned), import modules of this repository that they locate or build
		// at run time (bin/: the CLI's bundle; pack-digits: an esbuild output), and their page.evaluate callbacks run
		// in the demo page, which has no popout windows.
		rules: {
			"obsidianmd/no-nodejs-modules": "off",
			"obsidianmd/hardcoded-config-path": "off",
			"obsidianmd/rule-custom-message": "off",
			"no-new-func": "error",
			"no-unsanitized/method": "off",
			"obsidianmd/prefer-window-timers": "off",
		},
	},
	{
		// The types of scripts/range-encoder.mjs (a .d.mts) get the typed TypeScript rules, in the scripts' project.
		files: ["scripts/**/*.d.mts"],
		languageOptions: { parserOptions: { project: "./tsconfig.scripts.json", tsconfigRootDir: import.meta.dirname } },
	},
	{
		// The command line (npx cnn-lab) runs in Node only and is bundled apart from main.js (scripts/build-cli.mjs).
		files: ["src/cli/**/*.ts"],
		languageOptions: { globals: { process: "readonly", setImmediate: "readonly", console: "readonly" } },
		rules: { "obsidianmd/no-nodejs-modules": "off", "obsidianmd/hardcoded-config-path": "off" },
	},
	{
		// Tests, benchmarks and the TypeScript build tools: the recommended rules without type information (tsc checks
		// the types; the typed rules would double lint's time for the ~200 test files).
		files: testsAndTools,
		extends: [js.configs.recommended, tseslint.configs.recommended],
	},
]);
