// @vitest-environment jsdom
/**
 * Render and unload every block of the demo notes (with a conv animation playing and the run charts drawn),
 * 1 000 times over, then unload the real plugin: no listener, timer, animation frame, observer, worker, chart
 * or theme listener may be left. Everything that can be left behind is counted here, at its source.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveChartCount } from "../../../src/render/charts/line-chart";
import { App, Vault, renderCodeBlock, type Component, type Plugin } from "../../support/obsidian-stub";
import { themeListenerCount } from "../../../src/render/theme";
import { liveWorkerCount } from "../../../src/plugin/training/worker-client";
import { installFakeCanvas } from "../training/fake-canvas";
import { countLiveResources, type LiveCounter } from "../../support/live-resources";
import { demoCorpus, demoVaultSeed, installImageDecoder, LANGS, makeHost, renderBlock, renderInline, unloadBlock, type Lang } from "./harness";

const CYCLES = Number(process.env.CNN_LAB_LIFECYCLE_CYCLES) || 1000;

let counter: LiveCounter;

beforeAll(() => {
	installFakeCanvas();
	installImageDecoder(true);
	counter = countLiveResources({ intersecting: true });
	Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: () => Promise.resolve() } });
});

afterAll(() => counter.restore());

/** What is live now: the window's resources, and the plugin's charts, theme listeners and workers. */
const snapshot = (): Record<string, number> => ({ ...counter.snapshot(), charts: liveChartCount(), themeListeners: themeListenerCount(), workers: liveWorkerCount() });

/** Lets pending zero-delay timers (staged drawing) and promise callbacks run. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

const corpus = demoCorpus();
const blocks: [Lang, string][] = LANGS.flatMap((lang) => corpus.blocks[lang].map((b) => [lang, b] as [Lang, string]));

describe("blocks rendered and unloaded over and over leave nothing behind", () => {
	it(`${CYCLES} render/unload cycles over every demo block, conv animations playing`, { timeout: 120_000 }, async () => {
		const host = makeHost();
		await settle();
		const before = snapshot();
		const vaultEvents = (host.app.vault as unknown as { listenerCount: () => number }).listenerCount();
		const workspaceEvents = (host.app.workspace as unknown as { listenerCount: () => number }).listenerCount();
		const timing = new Map<string, number>();
		let played = 0;
		let charted = 0;
		for (let i = 0; i < CYCLES; i++) {
			const [lang, source] = blocks[i % blocks.length];
			const t0 = performance.now();
			const r = await renderBlock(host, lang, source);
			const k = `${lang}#${i % blocks.length}`;
			timing.set(k, (timing.get(k) ?? 0) + performance.now() - t0);
			const play = r.el.querySelector<HTMLButtonElement>(".cnn-conv-play");
			if (play) {
				play.click();
				played++;
			}
			if (r.el.querySelector("canvas")) charted++;
			// Every 50th block lives long enough for its frames, staged views and refresh timers to start.
			if (i % 50 === 0) await settle();
			unloadBlock(host, r);
			if (i % 10 === 0) await renderInline(host, `cnn: ${28 + (i % 7)} k3 s${1 + (i % 3)}`).then((p) => p.remove());
		}
		await settle();
		console.log([...timing].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${k}: ${v.toFixed(0)} ms`).join("\n"));
		expect(played).toBeGreaterThan(0);
		expect(charted).toBeGreaterThan(0);
		expect(snapshot()).toEqual(before);
		expect((host.app.vault as unknown as { listenerCount: () => number }).listenerCount()).toBe(vaultEvents);
		expect((host.app.workspace as unknown as { listenerCount: () => number }).listenerCount()).toBe(workspaceEvents);
		host.unload();
	});
});

describe("plugin unload stops everything", () => {
	it("the real plugin with blocks on the page (one animating): unload returns every count to where it was", { timeout: 60_000 }, async () => {
		await settle();
		const before = snapshot();
		// Import main.ts itself: a bare "../../../main" would resolve to the built main.js under vitest.
		const mainPath = new URL("../../../main.ts", import.meta.url).pathname;
		const { default: CnnLabPlugin } = (await import(/* @vite-ignore */ mainPath)) as { default: new (app: App, m: unknown) => Plugin };
		const vault = new Vault(demoVaultSeed());
		const app = new App(vault);
		const plugin = new CnnLabPlugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0.1.0", minAppVersion: "1.5.0", description: "", author: "" });
		plugin.load();
		await settle();
		const children: Component[] = [];
		for (const [lang, source] of blocks) {
			const r = await renderCodeBlock(plugin, lang, source, { sourcePath: "Clippings/CNN study notes.md" });
			children.push(...r.children);
			r.el.querySelector<HTMLButtonElement>(".cnn-conv-play")?.click();
		}
		await settle();
		const during = snapshot();
		console.log(`with every demo block on the page: ${JSON.stringify(during)}`);
		expect(during).not.toEqual(before);
		plugin.unload();
		await settle();
		expect(snapshot()).toEqual(before);
		expect((vault as unknown as { listenerCount: () => number }).listenerCount()).toBe(0);
		expect((app.workspace as unknown as { listenerCount: () => number }).listenerCount()).toBe(0);
		document.body.empty();
	});
});
