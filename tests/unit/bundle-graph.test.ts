import { describe, expect, it } from "vitest";
import esbuild from "esbuild";
import { builtinModules } from "node:module";

/**
 * main.js holds the engine once, in the function made from src/worker/shared-engine.ts, and the page reaches that
 * code only through shared-engine.ts. The lint rule in eslint.config.mjs states that at each import; this backs it
 * for what a lint rule cannot see, a page module reaching engine code through another module. A second copy would
 * compute right (the engine keeps no state in its modules) but make main.js bigger. This walks the real import
 * graphs esbuild sees.
 */
async function graph(entry: string): Promise<esbuild.Metafile> {
	const r = await esbuild.build({
		entryPoints: [entry],
		bundle: true,
		format: "esm",
		target: "es2020",
		write: false,
		metafile: true,
		logLevel: "silent",
		external: ["obsidian", "electron", "@codemirror/*", "@lezer/*", ...builtinModules],
	});
	return r.metafile;
}

/** Modules reachable from main.ts without going through shared-engine.ts. */
function pageModules(meta: esbuild.Metafile): Set<string> {
	const seen = new Set<string>();
	const stack = ["main.ts"];
	while (stack.length) {
		const f = stack.pop() as string;
		if (seen.has(f)) continue;
		seen.add(f);
		for (const i of meta.inputs[f]?.imports ?? []) if (!i.external && !i.path.endsWith("src/worker/shared-engine.ts")) stack.push(i.path);
	}
	return seen;
}

describe("the page and the shared engine", () => {
	it("share no module but the string tables: every page use of engine code goes through shared-engine.ts", async () => {
		const page = pageModules(await graph("main.ts"));
		const engine = Object.keys((await graph("src/worker/shared-engine.ts")).inputs);
		expect(engine).toContain("src/engine/trainer.ts");
		expect(page.has("src/render/conv/model.ts")).toBe(true);
		// The i18n tables hold words only; the engine side is told the language through its context.
		const both = engine.filter((f) => page.has(f) && !f.startsWith("src/i18n/"));
		expect(both).toEqual([]);
	}, 30_000);
});
