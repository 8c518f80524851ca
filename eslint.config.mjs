import { defineConfig } from "eslint/config";
import obsidianmd from "eslint-plugin-obsidianmd";

// The plugin's own code (main.ts and src/) is held to Obsidian's recommended rules; tests, scripts and
// benchmarks run in Node and are type-checked by tsc instead.
export default defineConfig([
	{
		ignores: ["node_modules/**", "main.js", "cli/**", "out/**", "tests/**", "scripts/**", "examples/**", "*.config.*", "esbuild.config.mjs", "version-bump.mjs"],
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
]);
