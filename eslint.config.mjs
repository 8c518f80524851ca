import { defineConfig } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";

// The plugin's own code (main.ts and src/) is held to Obsidian's recommended rules; tests, scripts and
// benchmarks run in Node and are type-checked by tsc instead.
export default defineConfig([
	{
		ignores: ["node_modules/**", "main.js", "cli/**", "out/**", "tests/**", "scripts/**", "bin/**", "examples/**", "*.config.*", "esbuild.config.mjs", "version-bump.mjs"],
	},
	...obsidianmd.configs.recommended,
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
		// The command line (npx cnn-lab) runs in Node only and is bundled apart from main.js (scripts/build-cli.mjs).
		files: ["src/cli/**/*.ts"],
		languageOptions: { globals: { process: "readonly", setImmediate: "readonly", console: "readonly" } },
		rules: { "obsidianmd/no-nodejs-modules": "off", "obsidianmd/hardcoded-config-path": "off" },
	},
]);
