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
import { demoCorpus, demoVaultSeed, installImageDecoder, LANGS, makeHost, renderBlock, renderInline, unloadBlock, type Lang } from "./harness";

const CYCLES = Number(process.env.CNN_LAB_LIFECYCLE_CYCLES) || 1000;

/** Outstanding resources by kind, kept by the wrappers below. */
const live = {
	listeners: new Map<string, number>(),
	timeouts: new Set<number>(),
	intervals: new Set<number>(),
	frames: new Set<number>(),
	observers: 0,
};

function listenerKey(target: EventTarget, type: string): string {
	return `${target === window ? "window" : target === document ? "document" : "body"}:${type}`;
}

const restore: (() => void)[] = [];

function countListeners(target: EventTarget): void {
	const add = target.addEventListener.bind(target);
	const remove = target.removeEventListener.bind(target);
	// The same (type, listener, capture) added twice is one listener, as the DOM counts it.
	const held = new Set<string>();
	const ids = new WeakMap<object, number>();
	let next = 1;
	const key = (type: string, l: unknown, o?: boolean | AddEventListenerOptions): string => {
		if (l && typeof l === "object" || typeof l === "function") {
			if (!ids.has(l as object)) ids.set(l as object, next++);
		}
		const capture = typeof o === "boolean" ? o : !!o?.capture;
		return `${type}|${ids.get(l as object) ?? 0}|${capture}`;
	};
	target.addEventListener = (type: string, l: EventListenerOrEventListenerObject | null, o?: boolean | AddEventListenerOptions) => {
		const k = key(type, l, o);
		if (!held.has(k)) {
			held.add(k);
			live.listeners.set(listenerKey(target, type), (live.listeners.get(listenerKey(target, type)) ?? 0) + 1);
		}
		add(type, l, o);
	};
	target.removeEventListener = (type: string, l: EventListenerOrEventListenerObject | null, o?: boolean | EventListenerOptions) => {
		const k = key(type, l, o);
		if (held.delete(k)) live.listeners.set(listenerKey(target, type), (live.listeners.get(listenerKey(target, type)) ?? 0) - 1);
		remove(type, l, o);
	};
	restore.push(() => {
		target.addEventListener = add;
		target.removeEventListener = remove;
	});
}

beforeAll(() => {
	installFakeCanvas();
	installImageDecoder(true);
	countListeners(window);
	countListeners(document);
	const st = window.setTimeout.bind(window);
	const ct = window.clearTimeout.bind(window);
	const si = window.setInterval.bind(window);
	const ci = window.clearInterval.bind(window);
	const w = window as unknown as Record<string, unknown>;
	w.setTimeout = (fn: () => void, ms?: number, ...a: unknown[]) => {
		const id: number = st(() => {
			live.timeouts.delete(id);
			fn(...(a as []));
		}, ms);
		live.timeouts.add(id);
		return id;
	};
	w.clearTimeout = (id: number) => {
		live.timeouts.delete(id);
		ct(id);
	};
	w.setInterval = (fn: () => void, ms?: number) => {
		const id: number = si(fn, ms);
		live.intervals.add(id);
		return id;
	};
	w.clearInterval = (id: number) => {
		live.intervals.delete(id);
		ci(id);
	};
	// Animation frames at 60 Hz from the real clock, each one counted until it runs or is cancelled.
	w.requestAnimationFrame = (fn: FrameRequestCallback) => {
		const id: number = st(() => {
			live.frames.delete(id);
			fn(performance.now());
		}, 16);
		live.frames.add(id);
		return id;
	};
	w.cancelAnimationFrame = (id: number) => {
		live.frames.delete(id);
		ct(id);
	};
	// Observers exist in Obsidian; jsdom has none. These report the element as on screen at once.
	class CountingObserver {
		private on = true;
		constructor(private readonly cb: (entries: { isIntersecting: boolean }[]) => void) {
			live.observers++;
		}
		observe(): void {
			queueMicrotask(() => this.on && this.cb([{ isIntersecting: true }]));
		}
		unobserve(): void {}
		disconnect(): void {
			if (this.on) live.observers--;
			this.on = false;
		}
	}
	// Sizes never change in jsdom: the resize observer only counts.
	class CountingResizeObserver {
		private on = true;
		constructor() {
			live.observers++;
		}
		observe(): void {}
		unobserve(): void {}
		disconnect(): void {
			if (this.on) live.observers--;
			this.on = false;
		}
	}
	w.IntersectionObserver = CountingObserver;
	w.ResizeObserver = CountingResizeObserver;
	Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: () => Promise.resolve() } });
});

afterAll(() => {
	for (const r of restore.splice(0)) r();
});

function snapshot(): Record<string, number> {
	const out: Record<string, number> = {
		timeouts: live.timeouts.size,
		intervals: live.intervals.size,
		frames: live.frames.size,
		observers: live.observers,
		charts: liveChartCount(),
		themeListeners: themeListenerCount(),
		workers: liveWorkerCount(),
	};
	for (const [k, v] of live.listeners) if (v !== 0) out[k] = v;
	return out;
}

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
