// The e2e scripts and benchmarks (.mjs, type-checked with checkJs by tsconfig.scripts.json) read the demo page's API
// inside page.evaluate callbacks. plugin() is the plugin's own class here: the scripts call it once the note has
// rendered, when the page has loaded the plugin (tests/support/browser/page.ts).
import type {} from "obsidian";
import type CnnLabPlugin from "../../../main";
import type { DemoApi } from "./page";

declare global {
	interface Window {
		cnnDemo: Omit<DemoApi, "plugin"> & { plugin: () => CnnLabPlugin };
	}
}
