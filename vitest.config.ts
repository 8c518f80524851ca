import { defineConfig } from "vitest/config";

export default defineConfig({
	test: {
		include: ["tests/unit/**/*.test.ts", "tests/dom/**/*.test.ts"],
		testTimeout: 60_000,
		hookTimeout: 60_000,
		pool: "forks",
	},
	resolve: {
		alias: {
			// DOM tests render the real processors against a small stand-in of the app.
			obsidian: new URL("./tests/support/obsidian-stub.ts", import.meta.url).pathname,
		},
	},
});
