/**
 * The demo page: a stand-in for Obsidian's reading view in a real browser. It seeds the stand-in's Vault from the
 * served demo vault, loads the REAL built main.js (a CommonJS bundle whose `require("obsidian")` gets the
 * stand-in), and renders notes with the plugin's registered processors. It also counts what the e2e tests check
 * for leaks (workers, charts, animation frames) and long tasks. Bundled as an IIFE by build.mjs.
 */
import * as obsidian from "../obsidian-stub";
// Obsidian hands plugins its own CodeMirror 6 (main.js keeps these external, as for every plugin).
import * as cmState from "@codemirror/state";
import * as cmView from "@codemirror/view";
import * as cmLanguage from "@codemirror/language";
import { App, Component, Plugin, Vault, shownNotices, setStubLanguage, type MarkdownPostProcessorContext, type PluginManifest } from "../obsidian-stub";
import { parseSections, renderSections, type Section } from "./markdown";
import { splitFrontMatter } from "../../../src/runs/yaml";

// The project's lib is ES2020; Chromium has WeakRef (ES2021).
declare class WeakRef<T extends object> {
	constructor(target: T);
	deref(): T | undefined;
}

// ---------------------------------------------------------------- counters (installed before main.js runs)

const counters = {
	workersCreated: 0, workersTerminated: 0, rafRequested: 0, rafPending: new Set<number>(), longTasks: [] as { start: number; duration: number }[],
	/** WebAssembly modules compiled on the page (the plugin must compile none while it loads). */
	wasmCompiles: 0,
	/** How long each plugin onload took, in ms (Obsidian awaits it before rendering the notes). */
	onloadMs: [] as number[],
	/** How long main.js took to parse and run its top level (bundled libraries' module code), in ms. */
	mainJsMs: [] as number[],
	/** Of that, the top level's run alone (the rest is parsing and compiling). */
	mainJsRunMs: [] as number[],
};

// Every way a page compiles WebAssembly: the async compile / instantiate from bytes and the synchronous Module.
const nativeCompile = WebAssembly.compile.bind(WebAssembly);
WebAssembly.compile = (bytes: BufferSource): Promise<WebAssembly.Module> => {
	counters.wasmCompiles++;
	return nativeCompile(bytes);
};
const nativeInstantiate = WebAssembly.instantiate.bind(WebAssembly) as (b: BufferSource | WebAssembly.Module, i?: WebAssembly.Imports) => Promise<unknown>;
(WebAssembly as { instantiate: unknown }).instantiate = (b: BufferSource | WebAssembly.Module, i?: WebAssembly.Imports): Promise<unknown> => {
	if (!(b instanceof WebAssembly.Module)) counters.wasmCompiles++;
	return nativeInstantiate(b, i);
};
const NativeModule = WebAssembly.Module;
WebAssembly.Module = class extends NativeModule {
	constructor(bytes: BufferSource) {
		super(bytes);
		counters.wasmCompiles++;
	}
};

const NativeWorker = window.Worker;
const liveWorkers = new Set<Worker>();
class CountingWorker extends NativeWorker {
	constructor(url: string | URL, opts?: WorkerOptions) {
		super(url, opts);
		counters.workersCreated++;
		liveWorkers.add(this);
	}
	terminate(): void {
		if (liveWorkers.delete(this)) counters.workersTerminated++;
		super.terminate();
	}
}
window.Worker = CountingWorker;

const nativeRaf = window.requestAnimationFrame.bind(window);
const nativeCancel = window.cancelAnimationFrame.bind(window);
window.requestAnimationFrame = (cb: FrameRequestCallback): number => {
	counters.rafRequested++;
	const id: number = nativeRaf((t) => {
		counters.rafPending.delete(id);
		cb(t);
	});
	counters.rafPending.add(id);
	return id;
};
window.cancelAnimationFrame = (id: number): void => {
	counters.rafPending.delete(id);
	nativeCancel(id);
};

// Live charts, seen from outside: a chart sizes itself with a ResizeObserver on its box and disconnects it when
// destroyed, so the charts still alive are the `.cnn-lab-chart` elements some connected observer still watches
// (whether or not they are still on the page: one that left it without being destroyed is a leak). Targets are
// held weakly, so the memory checks are not skewed.
interface Watch {
	target: WeakRef<Element>;
}
const watched = new Set<Watch>();
const NativeResizeObserver = window.ResizeObserver;
window.ResizeObserver = class extends NativeResizeObserver {
	private watches: Watch[] = [];
	override observe(target: Element, options?: ResizeObserverOptions): void {
		super.observe(target, options);
		const w = { target: new WeakRef(target) };
		this.watches.push(w);
		watched.add(w);
	}
	override unobserve(target: Element): void {
		super.unobserve(target);
		this.watches = this.watches.filter((w) => {
			if (w.target.deref() !== target) return true;
			watched.delete(w);
			return false;
		});
	}
	override disconnect(): void {
		super.disconnect();
		for (const w of this.watches) watched.delete(w);
		this.watches = [];
	}
};

function liveCharts(): HTMLElement[] {
	const out = new Set<HTMLElement>();
	for (const w of watched) {
		const chart = w.target.deref()?.closest<HTMLElement>(".cnn-lab-chart");
		if (chart) out.add(chart);
	}
	return [...out];
}

/**
 * What a reader of the chart can tell: its series and their number of points from the text summary kept for screen
 * readers ("validation loss: 15 points, last …"), and its colours from the canvas's pixels (the eight commonest
 * opaque colours, a signature that changes when lines, ticks or grid change colour).
 */
function describeChart(el: HTMLElement): { canvas: HTMLCanvasElement | null; series: { label: string; points: number }[]; colors: string } {
	const canvas = el.querySelector("canvas");
	const series = [...el.querySelectorAll(".cnn-lab-sr-only li")].flatMap((li) => {
		const m = /^(.*): (\d+) points?,/.exec(li.textContent ?? "");
		return m ? [{ label: m[1], points: Number(m[2]) }] : [];
	});
	const counts = new Map<string, number>();
	const ctx = canvas && canvas.width > 0 && canvas.height > 0 ? canvas.getContext("2d") : null;
	if (canvas && ctx) {
		const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
		for (let i = 0; i < px.length; i += 4) {
			if (px[i + 3] < 250) continue;
			const k = `${px[i]},${px[i + 1]},${px[i + 2]}`;
			counts.set(k, (counts.get(k) ?? 0) + 1);
		}
	}
	const colors = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k]) => k).sort().join(" ");
	return { canvas, series, colors };
}

try {
	new PerformanceObserver((list) => {
		for (const e of list.getEntries()) counters.longTasks.push({ start: e.startTime, duration: e.duration });
	}).observe({ type: "longtask", buffered: true });
} catch {
	// longtask is Chromium-only; the e2e tests run there.
}

const errors: string[] = [];
window.addEventListener("error", (e) => errors.push(`uncaught: ${e.message}`));
window.addEventListener("unhandledrejection", (e) => errors.push(`unhandled rejection: ${String((e.reason as Error)?.stack ?? e.reason)}`));

// ---------------------------------------------------------------- vault, plugin

interface IndexEntry {
	path: string;
	binary: boolean;
}

async function loadVault(): Promise<Vault> {
	const index = (await (await fetch("vault-index.json")).json()) as IndexEntry[];
	const seed: Record<string, string | ArrayBuffer> = {};
	await Promise.all(
		index.map(async (e) => {
			const r = await fetch(`vault/${e.path.split("/").map(encodeURIComponent).join("/")}`);
			seed[e.path] = e.binary ? await r.arrayBuffer() : await r.text();
		}),
	);
	return new Vault(seed);
}

async function loadPluginClass(): Promise<new (app: App, m: PluginManifest) => Plugin> {
	const g = window as unknown as Record<string, unknown>;
	const mod = { exports: {} as Record<string, unknown> };
	const req = (name: string): unknown => {
		if (name === "obsidian") return obsidian;
		if (name === "@codemirror/state") return cmState;
		if (name === "@codemirror/view") return cmView;
		if (name === "@codemirror/language") return cmLanguage;
		throw new Error(`main.js asked for "${name}", which Obsidian on mobile does not have`);
	};
	g.__cnnLabLoader = { require: req, module: mod };
	// Obsidian runs main.js inside a function(require, module, exports), so its top-level names stay private; a bare
	// <script> would make them globals (a bundled library's helper named like a DOM global would replace the window's).
	const code = await (await fetch(`main.js?v=${Date.now()}`)).text();
	// the marks around the function time main.js's top level alone (its parse and compile come before the first)
	const wrapped = `window.__cnnLabLoader.started = performance.now();\n(function (require, module, exports) {\n${code}\n})(window.__cnnLabLoader.require, window.__cnnLabLoader.module, window.__cnnLabLoader.module.exports);\nwindow.__cnnLabLoader.ran = performance.now();\n//# sourceURL=main.js`;
	const url = URL.createObjectURL(new Blob([wrapped], { type: "text/javascript" }));
	const t0 = performance.now();
	await new Promise<void>((resolve, reject) => {
		const s = document.createElement("script");
		s.src = url;
		s.onload = () => {
			const marks = g.__cnnLabLoader as { started: number; ran: number };
			counters.mainJsMs.push(performance.now() - t0);
			counters.mainJsRunMs.push(marks.ran - marks.started);
			resolve();
		};
		s.onerror = () => reject(new Error("main.js failed to load"));
		document.head.appendChild(s);
	});
	URL.revokeObjectURL(url);
	const exp = mod.exports;
	return (exp.default ?? exp) as new (app: App, m: PluginManifest) => Plugin;
}

const params = new URLSearchParams(location.search);
const state = {
	app: null as App | null,
	plugin: null as Plugin | null,
	manifest: null as PluginManifest | null,
	PluginClass: null as (new (app: App, m: PluginManifest) => Plugin) | null,
	note: "" as string,
	noteComponent: null as Component | null,
	blocks: [] as { lang: string; source: string; el: HTMLElement; owner: Component; section: Section; ctx: MarkdownPostProcessorContext }[],
	rendering: Promise.resolve() as Promise<void>,
};

async function startPlugin(): Promise<void> {
	const app = state.app;
	if (!app || !state.PluginClass || !state.manifest) return;
	const plugin = new state.PluginClass(app, state.manifest);
	// Obsidian awaits onload before rendering notes with the plugin's processors.
	(plugin as unknown as { _loaded: boolean })._loaded = true;
	const t0 = performance.now();
	await (plugin as unknown as { onload: () => Promise<void> }).onload();
	counters.onloadMs.push(performance.now() - t0);
	state.plugin = plugin;
}

function stopPlugin(): void {
	state.noteComponent?.unload();
	state.noteComponent = null;
	state.blocks = [];
	state.plugin?.unload();
	state.plugin = null;
}

// ---------------------------------------------------------------- rendering notes

function resourceUrl(link: string): string | null {
	const app = state.app;
	const f = app?.metadataCache.getFirstLinkpathDest(link, state.note);
	return f ? `vault/${f.path.split("/").map(encodeURIComponent).join("/")}` : null;
}

async function renderNote(path: string): Promise<void> {
	const app = state.app;
	const plugin = state.plugin;
	const view = document.querySelector<HTMLElement>(".markdown-preview-view");
	if (!app || !plugin || !view) return;
	state.noteComponent?.unload();
	state.blocks = [];
	view.empty();
	state.note = path;
	const file = app.vault.getFileByPath(path);
	document.querySelectorAll(".cnn-demo-nav a").forEach((a) => a.toggleClass("is-active", a.getAttribute("data-path") === path));
	if (!file) {
		view.createEl("p", { text: `No note at ${path}` });
		return;
	}
	const text = await app.vault.read(file);
	const owner = new Component();
	owner.load();
	state.noteComponent = owner;
	const sizer = view.createDiv({ cls: "markdown-preview-sizer markdown-preview-section" });
	sizer.createEl("div", { cls: "inline-title", text: file.basename });
	const lines = text.split("\n");
	// Obsidian's reading view hands every processor the note's front matter
	const frontmatter = splitFrontMatter(text).fm;
	const makeCtx = (section: Section): MarkdownPostProcessorContext => ({
		docId: path,
		sourcePath: path,
		frontmatter,
		addChild: (c) => owner.addChild(c),
		getSectionInfo: () => ({ text, lineStart: section.lineStart, lineEnd: section.lineEnd }),
	});
	await renderSections(
		sizer,
		parseSections(text),
		{
			resourceUrl,
			openLink: (l) => void openLink(l),
			codeBlock: async (lang, source, el, section) => {
				const handler = plugin.codeBlockProcessors.get(lang);
				if (!handler) return false;
				const ctx = makeCtx(section);
				// Each block gets its own owner so that one block can be re-rendered alone, as Live Preview does.
				const blockOwner = owner.addChild(new Component());
				const blockCtx: MarkdownPostProcessorContext = { ...ctx, addChild: (c) => blockOwner.addChild(c) };
				state.blocks.push({ lang, source, el, owner: blockOwner, section, ctx: blockCtx });
				try {
					await handler(source, el, blockCtx);
				} catch (e) {
					errors.push(`processor ${lang} threw: ${(e as Error).stack ?? String(e)}`);
				}
				return true;
			},
		},
		async (el, section) => {
			for (const pp of plugin.postProcessors) {
				try {
					await pp(el, makeCtx(section));
				} catch (e) {
					errors.push(`post processor threw: ${(e as Error).stack ?? String(e)}`);
				}
			}
		},
	);
	void lines;
}

/** Re-renders block i on a fresh element and unloads the old one, as Live Preview does on every edit. */
async function rerenderBlock(i: number): Promise<void> {
	const b = state.blocks[i];
	const plugin = state.plugin;
	const handler = plugin?.codeBlockProcessors.get(b?.lang ?? "");
	if (!b || !handler || !state.noteComponent) return;
	state.noteComponent.removeChild(b.owner);
	const el = document.createElement("div");
	el.className = `block-language-${b.lang}`;
	b.el.replaceWith(el);
	const owner = state.noteComponent.addChild(new Component());
	const ctx: MarkdownPostProcessorContext = { ...b.ctx, addChild: (c) => owner.addChild(c) };
	state.blocks[i] = { ...b, el, owner, ctx };
	await handler(b.source, el, ctx);
}

/** Renders an extra block at the end of the open note (tests use it for a long run); returns its index. */
async function addBlock(lang: string, source: string): Promise<number> {
	const handler = state.plugin?.codeBlockProcessors.get(lang);
	const sizer = document.querySelector<HTMLElement>(".markdown-preview-sizer");
	if (!handler || !sizer || !state.noteComponent) return -1;
	const el = sizer.createDiv({ cls: "cnn-demo-section cnn-demo-code" }).createDiv({ cls: `block-language-${lang}` });
	const owner = state.noteComponent.addChild(new Component());
	const section: Section = { kind: "code", lineStart: 0, lineEnd: 0, lines: [], lang, code: source };
	const ctx: MarkdownPostProcessorContext = {
		docId: state.note,
		sourcePath: state.note,
		frontmatter: null,
		addChild: (c) => owner.addChild(c),
		getSectionInfo: () => ({ text: source, lineStart: 0, lineEnd: source.split("\n").length + 1 }),
	};
	state.blocks.push({ lang, source, el, owner, section, ctx });
	await handler(source, el, ctx);
	return state.blocks.length - 1;
}

async function openLink(link: string): Promise<void> {
	const f = state.app?.metadataCache.getFirstLinkpathDest(link, state.note);
	if (f) await show(f.path);
}

async function show(path: string): Promise<void> {
	history.replaceState(null, "", `?${new URLSearchParams({ ...Object.fromEntries(params), note: path }).toString()}`);
	state.rendering = renderNote(path);
	await state.rendering;
}

// ---------------------------------------------------------------- the shell

function setTheme(dark: boolean): void {
	document.body.toggleClass("theme-dark", dark);
	document.body.toggleClass("theme-light", !dark);
	state.app?.workspace.trigger("css-change");
	const b = document.querySelector(".cnn-demo-theme");
	if (b) b.textContent = dark ? "Light theme" : "Dark theme";
}

function buildNav(): void {
	const app = state.app;
	const nav = document.querySelector<HTMLElement>(".cnn-demo-nav");
	if (!app || !nav) return;
	nav.empty();
	const notes = app.vault
		.getMarkdownFiles()
		.map((f) => f.path)
		.sort((a, b) => (a.includes("/") === b.includes("/") ? a.localeCompare(b) : a.includes("/") ? 1 : -1));
	for (const p of notes) {
		const a = nav.createEl("a", { text: p.replace(/\.md$/, ""), attr: { href: "#", "data-path": p } });
		a.toggleClass("is-active", p === state.note);
		a.addEventListener("click", (e) => {
			e.preventDefault();
			void show(p);
		});
	}
}

function showSettings(): void {
	const plugin = state.plugin;
	const panel = document.querySelector<HTMLElement>(".cnn-demo-settings");
	if (!plugin || !panel) return;
	const open = !panel.hasClass("is-open");
	panel.toggleClass("is-open", open);
	panel.empty();
	if (!open) return;
	const tab = plugin.settingTabs[0];
	if (!tab) {
		panel.createEl("p", { text: "The plugin has no settings tab." });
		return;
	}
	panel.createEl("h2", { text: "CNN Lab settings" });
	panel.appendChild(tab.containerEl);
	tab.containerEl.addClass("vertical-tab-content");
	tab.display();
}

function watchNotices(): void {
	const box = document.querySelector<HTMLElement>(".notice-container");
	let seen = shownNotices.length;
	window.setInterval(() => {
		while (box && seen < shownNotices.length) {
			const n = box.createDiv({ cls: "notice", text: shownNotices[seen++] });
			window.setTimeout(() => n.remove(), 4000);
		}
	}, 250);
}

async function main(): Promise<void> {
	const lang = params.get("lang") ?? "en";
	setStubLanguage(lang);
	document.documentElement.lang = lang;
	setTheme(params.get("theme") === "dark");
	const [vault, manifest, PluginClass] = await Promise.all([loadVault(), fetch("manifest.json").then((r) => r.json() as Promise<PluginManifest>), loadPluginClass()]);
	state.app = new App(vault);
	state.manifest = manifest;
	state.PluginClass = PluginClass;
	await startPlugin();
	vault.on("create", () => buildNav());
	const notes = vault.getMarkdownFiles().map((f) => f.path);
	const first = params.get("note") ?? notes.find((p) => /study/i.test(p) && !/zh|中文/i.test(p)) ?? notes[0] ?? "";
	state.note = first;
	buildNav();
	document.querySelector(".cnn-demo-theme")?.addEventListener("click", () => setTheme(!document.body.hasClass("theme-dark")));
	document.querySelector(".cnn-demo-settings-button")?.addEventListener("click", showSettings);
	document.querySelector(".cnn-demo-lang")?.addEventListener("click", () => {
		params.set("lang", lang.startsWith("zh") ? "en" : "zh");
		params.set("note", state.note);
		location.search = params.toString();
	});
	watchNotices();
	if (first) await show(first);
	document.body.setAttribute("data-ready", "1");
}

/** What the e2e tests drive and read. */
const api = {
	errors,
	counters,
	show,
	rerenderBlock,
	addBlock,
	setTheme,
	blocks: () => state.blocks.map((b) => ({ lang: b.lang, line: b.section.lineStart, source: b.source })),
	blockEl: (i: number) => state.blocks[i]?.el ?? null,
	notes: () => state.app?.vault.getMarkdownFiles().map((f) => f.path) ?? [],
	readNote: async (p: string) => {
		const f = state.app?.vault.getFileByPath(p);
		return f && state.app ? state.app.vault.read(f) : null;
	},
	liveWorkers: () => liveWorkers.size,
	liveCharts: () => liveCharts().length,
	/** Live charts: their canvas, series (label and number of points, from the screen-reader summary) and colours. */
	charts: () => liveCharts().map(describeChart),
	pendingFrames: () => counters.rafPending.size,
	notices: () => [...shownNotices],
	unloadNote: () => {
		state.noteComponent?.unload();
		state.noteComponent = null;
		state.blocks = [];
		document.querySelector<HTMLElement>(".markdown-preview-view")?.empty();
	},
	stopPlugin,
	startPlugin,
	plugin: () => state.plugin,
	app: () => state.app,
	ready: () => state.rendering,
};
/** The demo page's API as the e2e scripts see it on window.cnnDemo (tests/support/browser/demo-window.d.ts). */
export type DemoApi = typeof api;
(window as unknown as { cnnDemo: DemoApi }).cnnDemo = api;

void main().catch((e: Error) => {
	errors.push(`demo page failed: ${e.stack ?? String(e)}`);
	document.body.setAttribute("data-ready", "failed");
	console.error(e);
});
