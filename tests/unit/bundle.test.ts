import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";

// The built main.js is what Obsidian loads, on desktop and on mobile: it may ask only for `obsidian` (and the
// CodeMirror modules Obsidian shares with plugins), and it
// must pass the community plugin review (no eval, no Function constructor, no HTML strings into the DOM).
let code = "";
beforeAll(() => {
	if (!existsSync("main.js")) execFileSync("node", ["esbuild.config.mjs", "production"], { stdio: "ignore" });
	code = readFileSync("main.js", "utf8");
	// The README quotes this figure (goal: under 400 KB).
	const dev = code.includes("sourceMappingURL=data:");
	console.log(`main.js: ${(Buffer.byteLength(code) / 1024).toFixed(0)} KB${dev ? " (a development build with an inline source map; npm run build makes the minified one)" : " minified"}`);
}, 120_000);

describe("the built main.js", () => {
	it("requires nothing but what Obsidian provides (no Node or Electron module, so it runs on mobile)", () => {
		const required = [...code.matchAll(/\brequire\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
		expect(required).toContain("obsidian");
		const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`), "electron", "@electron/remote"]);
		// Obsidian provides its CodeMirror 6 and Lezer modules to plugins on every platform; nothing else.
		const fromObsidian = (r: string): boolean => r === "obsidian" || /^@codemirror\/(state|view|language|commands|search|autocomplete|lint|collab)$/.test(r) || /^@lezer\/(common|highlight|lr)$/.test(r);
		expect(required.filter((r) => !fromObsidian(r))).toEqual([]);
		expect(required.filter((r) => builtins.has(r))).toEqual([]);
		// No computed require or dynamic import of a module either.
		expect(code).not.toMatch(/\brequire\s*\(\s*[a-zA-Z_$][\w$]*\s*\)/);
		expect(code).not.toMatch(/\bimport\s*\(\s*["'`](?:node:|fs|path|child_process|electron)/);
	});

	it("has no eval, no Function constructor and no innerHTML / outerHTML / insertAdjacentHTML", () => {
		// `model.eval()` inside the exported PyTorch text is a string, not a call: only a bare eval counts.
		expect(code).not.toMatch(/(?<![.\w$])eval\s*\(/);
		expect(code).not.toMatch(/\bnew\s+Function\s*\(/);
		expect(code).not.toMatch(/(?<![\w$])Function\s*\(\s*["'`]/);
		expect(code).not.toMatch(/\b(innerHTML|outerHTML)\b/);
		expect(code).not.toMatch(/\binsertAdjacentHTML\b/);
		expect(code).not.toMatch(/\bdocument\.write\s*\(/);
	});

	it("carries the engine once: the worker is started from the source text of the page's own engine function", () => {
		// A message of the engine's im2col, and the session's start, each appear exactly once in the file.
		expect(code.split("conv2d: input must be [N,C,H,W]").length - 1).toBe(1);
		expect(code).toMatch(/\.toString\(\)\s*\+\s*["']\)\(\)\.startWorker\(self\);?["']/);
	});

	it("exports a Plugin class as CommonJS, as Obsidian loads it", () => {
		expect(code).toMatch(/module\.exports\s*=/);
		expect(code.length).toBeGreaterThan(1000);
	});
});
