import { beforeAll, describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// tests/unit/bundle.test.ts covers eval, Function and HTML strings in the bundle; this one covers the network
// (nothing a note contains may reach it) and inline styles in our own sources.
let code = "";
beforeAll(() => {
	if (!existsSync("main.js")) execFileSync("node", ["esbuild.config.mjs", "production"], { stdio: "ignore" });
	code = readFileSync("main.js", "utf8");
}, 120_000);

/** [start, end) of every block comment in the bundle (license banners live there). */
function commentRanges(s: string): [number, number][] {
	const out: [number, number][] = [];
	const re = /\/\*[\s\S]*?\*\//g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(s)) !== null) out.push([m.index, m.index + m[0].length]);
	return out;
}

function sources(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) {
			// Only the command line runs under Node with a file system; it never ships in main.js.
			if (p !== join("src", "cli")) sources(p, out);
		} else if (p.endsWith(".ts")) out.push(p);
	}
	return out;
}

describe("no network access in the built main.js (the worker's inlined code included)", () => {
	it("has no fetch, XMLHttpRequest, WebSocket, EventSource, sendBeacon, requestUrl or importScripts", () => {
		for (const api of [/\bfetch\s*\(/, /\bXMLHttpRequest\b/, /\bWebSocket\b/, /\bEventSource\b/, /\bsendBeacon\b/, /\brequestUrl\b/, /\bimportScripts\b/, /\bserviceWorker\b/]) {
			expect(code, String(api)).not.toMatch(api);
		}
	});

	it("every http(s) URL in it sits in a comment (license banners), none in code that runs", () => {
		const comments = commentRanges(code);
		const inCode: string[] = [];
		for (const m of code.matchAll(/https?:\/\/[^\s"'`)]+/g)) {
			const at = m.index ?? 0;
			if (!comments.some(([a, b]) => at >= a && at < b)) inCode.push(m[0]);
		}
		expect(inCode).toEqual([]);
	});
});

describe("our sources (src/, main.ts; the command line aside)", () => {
	const files = [...sources("src"), "main.ts"];
	const text = files.map((f) => [f, readFileSync(f, "utf8")] as const);

	it("set no inline style: no el.style.x =, style attribute, cssText or setCssStyles (CSS classes and setCssProps instead)", () => {
		const bad: string[] = [];
		const patterns = [/\.style\.[a-zA-Z]+\s*=[^=]/, /\.style\.setProperty\s*\(/, /setAttr(?:ibute)?\s*\(\s*["']style["']/, /\battr\s*:\s*\{[^}]*\bstyle\s*:/, /\bcssText\b/, /\bsetCssStyles\s*\(/];
		for (const [f, s] of text) for (const p of patterns) if (p.test(s)) bad.push(`${f}: ${String(p)}`);
		expect(bad).toEqual([]);
	});

	it("reach no network and no Node or Electron module", () => {
		const bad: string[] = [];
		const patterns = [/\bfetch\s*\(/, /\bXMLHttpRequest\b/, /\bWebSocket\b/, /\brequestUrl\b/, /from\s+["'](?:node:)?(?:fs|path|http|https|net|child_process|electron)["']/];
		for (const [f, s] of text) for (const p of patterns) if (p.test(s)) bad.push(`${f}: ${String(p)}`);
		expect(bad).toEqual([]);
		expect(files.length).toBeGreaterThan(50);
	});
});
