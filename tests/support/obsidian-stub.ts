/**
 * A small stand-in for the `obsidian` module: what CNN Lab uses, implemented on a real DOM (jsdom in the tests,
 * Chromium in the demo page). It is a test and demo tool; nothing in src/ imports it directly.
 */

import { StateEffect, StateField } from "@codemirror/state";
import { processFrontMatterText, splitFrontMatter } from "../../src/runs/yaml";

type Attrs = Record<string, string | number | boolean | null>;
interface DomElementInfo {
	cls?: string | string[];
	text?: string | DocumentFragment;
	attr?: Attrs;
	title?: string;
	type?: string;
	value?: string;
	placeholder?: string;
	href?: string;
	parent?: Node;
	prepend?: boolean;
}

function applyInfo(el: HTMLElement, o?: DomElementInfo | string): void {
	if (o === undefined) return;
	if (typeof o === "string") {
		el.className = o;
		return;
	}
	if (o.cls) el.className = Array.isArray(o.cls) ? o.cls.join(" ") : o.cls;
	if (o.text !== undefined) {
		if (typeof o.text === "string") el.textContent = o.text;
		else el.appendChild(o.text);
	}
	if (o.attr) for (const [k, v] of Object.entries(o.attr)) if (v !== null && v !== false) el.setAttribute(k, String(v));
	if (o.title) el.title = o.title;
	if (o.type) el.setAttribute("type", o.type);
	if (o.value !== undefined) (el as HTMLInputElement).value = o.value;
	if (o.placeholder) el.setAttribute("placeholder", o.placeholder);
	if (o.href) el.setAttribute("href", o.href);
}

/** Installs Obsidian's element helpers (createEl, empty, addClass, setText, …) on the DOM prototypes. */
export function installDomHelpers(win: typeof globalThis = globalThis): void {
	const NodeProto = (win as unknown as { Node?: typeof Node }).Node?.prototype;
	const ElProto = (win as unknown as { HTMLElement?: typeof HTMLElement }).HTMLElement?.prototype;
	if (!NodeProto || !ElProto) return;
	if ((ElProto as unknown as { createEl?: unknown }).createEl) return;
	const doc = (win as unknown as { document: Document }).document;
	const define = (proto: object, name: string, fn: unknown): void => {
		Object.defineProperty(proto, name, { value: fn, configurable: true, writable: true });
	};
	const createEl = function (this: Node, tag: string, o?: DomElementInfo | string, cb?: (el: HTMLElement) => void): HTMLElement {
		const el = doc.createElement(tag);
		applyInfo(el, o);
		if (typeof o === "object" && o.prepend) this.insertBefore(el, this.firstChild);
		else this.appendChild(el);
		cb?.(el);
		return el;
	};
	define(NodeProto, "createEl", createEl);
	define(NodeProto, "createDiv", function (this: Node, o?: DomElementInfo | string, cb?: (el: HTMLElement) => void) {
		return createEl.call(this, "div", o, cb);
	});
	define(NodeProto, "createSpan", function (this: Node, o?: DomElementInfo | string, cb?: (el: HTMLElement) => void) {
		return createEl.call(this, "span", o, cb);
	});
	define(NodeProto, "empty", function (this: Node) {
		while (this.firstChild) this.removeChild(this.firstChild);
	});
	define(NodeProto, "detach", function (this: Node) {
		this.parentNode?.removeChild(this);
	});
	define(ElProto, "addClass", function (this: HTMLElement, ...c: string[]) {
		this.classList.add(...c.flatMap((s) => s.split(" ").filter(Boolean)));
	});
	define(ElProto, "addClasses", function (this: HTMLElement, c: string[]) {
		this.classList.add(...c);
	});
	define(ElProto, "removeClass", function (this: HTMLElement, ...c: string[]) {
		this.classList.remove(...c);
	});
	define(ElProto, "toggleClass", function (this: HTMLElement, c: string | string[], on: boolean) {
		for (const x of Array.isArray(c) ? c : [c]) this.classList.toggle(x, on);
	});
	define(ElProto, "hasClass", function (this: HTMLElement, c: string) {
		return this.classList.contains(c);
	});
	define(ElProto, "setText", function (this: HTMLElement, s: string) {
		this.textContent = s;
	});
	define(ElProto, "getText", function (this: HTMLElement) {
		return this.textContent ?? "";
	});
	define(ElProto, "setAttr", function (this: HTMLElement, k: string, v: string | number | boolean | null) {
		if (v === null || v === false) this.removeAttribute(k);
		else this.setAttribute(k, String(v));
	});
	define(ElProto, "setAttrs", function (this: HTMLElement, o: Attrs) {
		for (const [k, v] of Object.entries(o)) (this as unknown as { setAttr: (k: string, v: unknown) => void }).setAttr(k, v);
	});
	define(ElProto, "setCssProps", function (this: HTMLElement, props: Record<string, string>) {
		for (const [k, v] of Object.entries(props)) this.style.setProperty(k, v);
	});
	define(ElProto, "setCssStyles", function (this: HTMLElement, props: Record<string, string>) {
		Object.assign(this.style, props);
	});
	define(ElProto, "isShown", function (this: HTMLElement) {
		return this.isConnected;
	});
	const g = win as unknown as Record<string, unknown>;
	g.createEl = (tag: string, o?: DomElementInfo | string) => {
		const el = doc.createElement(tag);
		applyInfo(el, o);
		return el;
	};
	g.createDiv = (o?: DomElementInfo | string) => (g.createEl as (t: string, o?: unknown) => HTMLElement)("div", o);
	g.createSpan = (o?: DomElementInfo | string) => (g.createEl as (t: string, o?: unknown) => HTMLElement)("span", o);
	g.createFragment = (cb?: (f: DocumentFragment) => void) => {
		const f = doc.createDocumentFragment();
		cb?.(f);
		return f;
	};
	g.activeDocument = doc;
	g.activeWindow = win;
}

installDomHelpers();

// ---------------------------------------------------------------- components

type EventRefLike = { off: () => void };

export class Component {
	private children: Component[] = [];
	private cleanups: (() => void)[] = [];
	_loaded = false;

	load(): void {
		if (this._loaded) return;
		this._loaded = true;
		this.onload();
		for (const c of this.children) c.load();
	}
	onload(): void {}
	unload(): void {
		if (!this._loaded) return;
		this._loaded = false;
		for (const c of this.children.splice(0)) c.unload();
		for (const f of this.cleanups.splice(0).reverse()) f();
		this.onunload();
	}
	onunload(): void {}
	addChild<T extends Component>(c: T): T {
		this.children.push(c);
		if (this._loaded) c.load();
		return c;
	}
	removeChild<T extends Component>(c: T): T {
		const i = this.children.indexOf(c);
		if (i >= 0) this.children.splice(i, 1);
		c.unload();
		return c;
	}
	register(cb: () => void): void {
		this.cleanups.push(cb);
	}
	registerEvent(ref: EventRefLike): void {
		this.register(() => ref.off());
	}
	registerDomEvent(el: EventTarget, type: string, cb: EventListener, options?: boolean | AddEventListenerOptions): void {
		el.addEventListener(type, cb, options);
		this.register(() => el.removeEventListener(type, cb, options));
	}
	registerInterval(id: number): number {
		this.register(() => clearInterval(id));
		return id;
	}
}

export class MarkdownRenderChild extends Component {
	constructor(public containerEl: HTMLElement) {
		super();
	}
}

export class Events {
	private handlers = new Map<string, Set<(...a: unknown[]) => unknown>>();
	on(name: string, cb: (...a: unknown[]) => unknown): EventRefLike {
		let s = this.handlers.get(name);
		if (!s) this.handlers.set(name, (s = new Set()));
		s.add(cb);
		return { off: () => s.delete(cb) };
	}
	off(name: string, cb: (...a: unknown[]) => unknown): void {
		this.handlers.get(name)?.delete(cb);
	}
	offref(ref: EventRefLike): void {
		ref.off();
	}
	trigger(name: string, ...args: unknown[]): void {
		for (const cb of [...(this.handlers.get(name) ?? [])]) cb(...args);
	}
	/** For tests: how many listeners are attached. */
	listenerCount(name?: string): number {
		if (name) return this.handlers.get(name)?.size ?? 0;
		let n = 0;
		for (const s of this.handlers.values()) n += s.size;
		return n;
	}
}

// ---------------------------------------------------------------- vault

export abstract class TAbstractFile {
	vault!: Vault;
	parent: TFolder | null = null;
	constructor(public path: string) {}
	get name(): string {
		return this.path.split("/").pop() ?? this.path;
	}
}
export class TFile extends TAbstractFile {
	stat = { ctime: Date.now(), mtime: Date.now(), size: 0 };
	get basename(): string {
		return this.name.replace(/\.[^.]*$/, "");
	}
	get extension(): string {
		const m = /\.([^.]*)$/.exec(this.name);
		return m ? m[1] : "";
	}
}
export class TFolder extends TAbstractFile {
	children: TAbstractFile[] = [];
	isRoot(): boolean {
		return this.path === "/" || this.path === "";
	}
}

export function normalizePath(p: string): string {
	let s = p.replace(/\\/g, "/").replace(/\u00a0|\u202f/g, " ").replace(/\/+/g, "/").replace(/^\/+|\/+$/g, "");
	if (s === "") s = "/";
	return s.normalize("NFC");
}

/** An in-memory vault, optionally seeded with files (text or bytes). */
export class Vault extends Events {
	private files = new Map<string, string | ArrayBuffer>();
	private entries = new Map<string, TAbstractFile>();
	/** Set to make the next writes throw (vault fault tests). */
	failWrites: Error | null = null;
	adapter: {
		exists: (p: string) => Promise<boolean>;
		read: (p: string) => Promise<string>;
		write: (p: string, d: string) => Promise<void>;
		readBinary: (p: string) => Promise<ArrayBuffer>;
		list: (p: string) => Promise<{ files: string[]; folders: string[] }>;
	};

	constructor(seed: Record<string, string | ArrayBuffer | Uint8Array> = {}) {
		super();
		const root = new TFolder("/");
		root.vault = this;
		this.entries.set("/", root);
		for (const [p, d] of Object.entries(seed)) this.put(normalizePath(p), d instanceof Uint8Array ? d.slice().buffer : d);
		this.adapter = {
			exists: (p) => Promise.resolve(this.entries.has(normalizePath(p))),
			read: (p) => this.readPath(normalizePath(p)),
			write: async (p, d) => {
				this.checkWrite();
				this.put(normalizePath(p), d);
			},
			readBinary: (p) => this.readBinaryPath(normalizePath(p)),
			list: (p) => {
				const f = this.entries.get(normalizePath(p));
				if (!(f instanceof TFolder)) return Promise.reject(new Error(`not a folder: ${p}`));
				return Promise.resolve({
					files: f.children.filter((c) => c instanceof TFile).map((c) => c.path),
					folders: f.children.filter((c) => c instanceof TFolder).map((c) => c.path),
				});
			},
		};
	}

	private ensureFolder(path: string): TFolder {
		if (path === "" || path === "/") return this.entries.get("/") as TFolder;
		const e = this.entries.get(path);
		if (e instanceof TFolder) return e;
		if (e) throw new Error(`${path} is a file`);
		const parent = this.ensureFolder(path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "/");
		const f = new TFolder(path);
		f.vault = this;
		f.parent = parent;
		parent.children.push(f);
		this.entries.set(path, f);
		return f;
	}

	private put(path: string, data: string | ArrayBuffer): TFile {
		const existing = this.entries.get(path);
		if (existing instanceof TFolder) throw new Error(`${path} is a folder`);
		this.files.set(path, data);
		let f = existing as TFile | undefined;
		if (!f) {
			const parent = this.ensureFolder(path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "/");
			f = new TFile(path);
			f.vault = this;
			f.parent = parent;
			parent.children.push(f);
			this.entries.set(path, f);
		}
		// Each write moves mtime on, even within one millisecond (as a caller keyed on mtime relies on).
		f.stat = { ctime: f.stat.ctime, mtime: Math.max(Date.now(), f.stat.mtime + 1), size: typeof data === "string" ? new TextEncoder().encode(data).length : data.byteLength };
		return f;
	}

	private checkWrite(): void {
		if (this.failWrites) throw this.failWrites;
	}

	private readPath(path: string): Promise<string> {
		const d = this.files.get(path);
		if (d === undefined) return Promise.reject(new Error(`no such file: ${path}`));
		return Promise.resolve(typeof d === "string" ? d : new TextDecoder().decode(d));
	}

	private readBinaryPath(path: string): Promise<ArrayBuffer> {
		const d = this.files.get(path);
		if (d === undefined) return Promise.reject(new Error(`no such file: ${path}`));
		return Promise.resolve(typeof d === "string" ? new TextEncoder().encode(d).buffer : d.slice(0));
	}

	getName(): string {
		return "Test vault";
	}
	getRoot(): TFolder {
		return this.entries.get("/") as TFolder;
	}
	getAbstractFileByPath(path: string): TAbstractFile | null {
		return this.entries.get(normalizePath(path)) ?? null;
	}
	getFileByPath(path: string): TFile | null {
		const f = this.getAbstractFileByPath(path);
		return f instanceof TFile ? f : null;
	}
	getFolderByPath(path: string): TFolder | null {
		const f = this.getAbstractFileByPath(path);
		return f instanceof TFolder ? f : null;
	}
	getAllFolders(includeRoot = false): TFolder[] {
		return [...this.entries.values()].filter((e): e is TFolder => e instanceof TFolder && (includeRoot || !e.isRoot()));
	}
	/** For the stand-in's metadata cache: a note's text now, without an (asynchronous) read. */
	textNow(path: string): string | null {
		const d = this.files.get(path);
		return typeof d === "string" ? d : null;
	}
	getFiles(): TFile[] {
		return [...this.entries.values()].filter((e): e is TFile => e instanceof TFile);
	}
	getMarkdownFiles(): TFile[] {
		return this.getFiles().filter((f) => f.extension === "md");
	}
	async create(path: string, data: string): Promise<TFile> {
		const p = normalizePath(path);
		if (this.entries.has(p)) throw new Error("File already exists.");
		this.checkWrite();
		const f = this.put(p, data);
		this.trigger("create", f);
		return f;
	}
	async createBinary(path: string, data: ArrayBuffer): Promise<TFile> {
		const p = normalizePath(path);
		if (this.entries.has(p)) throw new Error("File already exists.");
		this.checkWrite();
		const f = this.put(p, data);
		this.trigger("create", f);
		return f;
	}
	async createFolder(path: string): Promise<TFolder> {
		const p = normalizePath(path);
		if (this.entries.has(p)) throw new Error("Folder already exists.");
		return this.ensureFolder(p);
	}
	async modify(file: TFile, data: string): Promise<void> {
		this.checkWrite();
		this.put(file.path, data);
		this.trigger("modify", file);
	}
	async modifyBinary(file: TFile, data: ArrayBuffer): Promise<void> {
		this.checkWrite();
		this.put(file.path, data);
		this.trigger("modify", file);
	}
	async process(file: TFile, fn: (data: string) => string): Promise<string> {
		const next = fn(await this.readPath(file.path));
		await this.modify(file, next);
		return next;
	}
	read(file: TFile): Promise<string> {
		return this.readPath(file.path);
	}
	cachedRead(file: TFile): Promise<string> {
		return this.readPath(file.path);
	}
	readBinary(file: TFile): Promise<ArrayBuffer> {
		return this.readBinaryPath(file.path);
	}
	getResourcePath(file: TFile): string {
		return `app://local/${encodeURI(file.path)}`;
	}
	async delete(file: TAbstractFile): Promise<void> {
		this.entries.delete(file.path);
		this.files.delete(file.path);
		if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
		this.trigger("delete", file);
	}
	async rename(file: TAbstractFile, newPath: string): Promise<void> {
		const p = normalizePath(newPath);
		const data = this.files.get(file.path);
		this.entries.delete(file.path);
		if (file.parent) file.parent.children = file.parent.children.filter((c) => c !== file);
		if (data !== undefined) {
			this.files.delete(file.path);
			const nf = this.put(p, data);
			this.trigger("rename", nf, file.path);
		}
	}
}

export class MetadataCache extends Events {
	constructor(private vault: Vault) {
		super();
	}
	getFirstLinkpathDest(linkpath: string, sourcePath: string): TFile | null {
		void sourcePath;
		const clean = normalizePath(linkpath.split("#")[0].split("|")[0]);
		const exact = this.vault.getFileByPath(clean) ?? this.vault.getFileByPath(`${clean}.md`);
		if (exact) return exact;
		const byName = this.vault.getFiles().find((f) => f.name === clean || f.basename === clean || f.path.endsWith(`/${clean}`) || f.path.endsWith(`/${clean}.md`));
		return byName ?? null;
	}
	/**
	 * Off: every note is "not indexed yet" (null), so callers read the notes. On: the front matter as Obsidian's
	 * index gives it (only between a first line `---` and a closing `---` line), and for a note whose front matter
	 * Obsidian cannot see, what its Markdown parser makes of the first line: a thematic break (no closing `---`) or a
	 * setext heading (a BOM before `---`).
	 */
	indexed = false;
	getFileCache(file: TFile): { frontmatter?: Record<string, unknown>; sections?: { type: string; position: { start: { line: number } } }[]; headings?: { heading: string; level: number; position: { start: { line: number } } }[] } | null {
		if (!this.indexed) return null;
		const text = this.vault.textNow(file.path);
		if (text === null) return null;
		const lines = text.split(/\r?\n/);
		const close = lines.indexOf("---", 1);
		if (lines[0] === "---" && close > 0) return { frontmatter: splitFrontMatter(text).fm ?? {} };
		if (lines[0] === "---") return { sections: [{ type: "thematicBreak", position: { start: { line: 0 } } }] };
		if (lines[0] === "\uFEFF---" && close > 0) return { headings: [{ heading: lines.slice(0, close).join(" "), level: 2, position: { start: { line: 0 } } }], sections: [{ type: "heading", position: { start: { line: 0 } } }] };
		return { sections: [{ type: "paragraph", position: { start: { line: 0 } } }] };
	}
	fileToLinktext(file: TFile, sourcePath: string): string {
		void sourcePath;
		return file.path.replace(/\.md$/, "");
	}
}

export class Workspace extends Events {
	activeEditor: { editor?: Editor; file?: TFile | null } | null = null;
	getActiveViewOfType<T>(type: new (...a: never[]) => T): T | null {
		void type;
		return null;
	}
	getActiveFile(): TFile | null {
		return this.activeEditor?.file ?? null;
	}
	onLayoutReady(cb: () => void): void {
		cb();
	}
	/** The stand-in has no leaves (no pop-out windows open at start). */
	iterateAllLeaves(cb: (leaf: { view: { containerEl: HTMLElement } }) => unknown): void {
		void cb;
	}
	/** For tests: every openLinkText call, in order. */
	opened: { linktext: string; sourcePath: string; newLeaf: unknown }[] = [];
	openLinkText(linktext: string, sourcePath: string, newLeaf?: unknown): Promise<void> {
		this.opened.push({ linktext, sourcePath, newLeaf: newLeaf ?? false });
		return Promise.resolve();
	}
}

export class App {
	vault: Vault;
	metadataCache: MetadataCache;
	workspace = new Workspace();
	fileManager = {
		generateMarkdownLink: (file: TFile) => `[[${file.path.replace(/\.md$/, "")}]]`,
		// Rewrites the properties fn changes, as Obsidian does (its YAML layout may differ; the values are the same).
		processFrontMatter: async (file: TFile, fn: (fm: Record<string, unknown>) => void) => {
			await this.vault.process(file, (text) => processFrontMatterText(text, fn));
		},
	};
	constructor(vault?: Vault) {
		this.vault = vault ?? new Vault();
		this.metadataCache = new MetadataCache(this.vault);
	}
}

// ---------------------------------------------------------------- plugin

export interface MarkdownPostProcessorContext {
	docId: string;
	sourcePath: string;
	frontmatter: unknown;
	addChild(child: Component): void;
	getSectionInfo(el: HTMLElement): { text: string; lineStart: number; lineEnd: number } | null;
}

export type CodeBlockProcessor = (source: string, el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<unknown> | void;
export type PostProcessor = (el: HTMLElement, ctx: MarkdownPostProcessorContext) => Promise<unknown> | void;

export interface Command {
	id: string;
	name: string;
	callback?: () => unknown;
	checkCallback?: (checking: boolean) => boolean | void;
	editorCallback?: (editor: Editor, ctx: unknown) => unknown;
	editorCheckCallback?: (checking: boolean, editor: Editor, ctx: unknown) => boolean | void;
	hotkeys?: unknown[];
}

export interface PluginManifest {
	id: string;
	name: string;
	version: string;
	minAppVersion: string;
	description: string;
	author: string;
	isDesktopOnly?: boolean;
	dir?: string;
}

export class Plugin extends Component {
	codeBlockProcessors = new Map<string, CodeBlockProcessor>();
	postProcessors: PostProcessor[] = [];
	commands: Command[] = [];
	settingTabs: PluginSettingTab[] = [];
	private data: unknown = null;
	constructor(
		public app: App,
		public manifest: PluginManifest,
	) {
		super();
	}
	registerMarkdownCodeBlockProcessor(language: string, handler: CodeBlockProcessor): void {
		this.codeBlockProcessors.set(language, handler);
	}
	registerMarkdownPostProcessor(handler: PostProcessor): void {
		this.postProcessors.push(handler);
	}
	addCommand(c: Command): Command {
		this.commands.push(c);
		return c;
	}
	hoverLinkSources = new Map<string, { display: string; defaultMod: boolean }>();
	registerHoverLinkSource(id: string, info: { display: string; defaultMod: boolean }): void {
		this.hoverLinkSources.set(id, info);
	}
	addSettingTab(tab: PluginSettingTab): void {
		this.settingTabs.push(tab);
	}
	addRibbonIcon(): HTMLElement {
		return document.createElement("div");
	}
	/** Every status-bar item the plugin added, so tests can read and click them. */
	statusBarItems: HTMLElement[] = [];
	addStatusBarItem(): HTMLElement {
		const el = document.createElement("div");
		el.className = "status-bar-item";
		this.statusBarItems.push(el);
		return el;
	}
	loadData(): Promise<unknown> {
		return Promise.resolve(this.data);
	}
	saveData(d: unknown): Promise<void> {
		this.data = JSON.parse(JSON.stringify(d));
		return Promise.resolve();
	}
}

export class PluginSettingTab {
	containerEl: HTMLElement;
	constructor(
		public app: App,
		public plugin: Plugin,
	) {
		this.containerEl = document.createElement("div");
	}
	display(): void {}
	hide(): void {}
}

class ValueComponent<T> {
	protected value!: T;
	protected changeCb: ((v: T) => unknown) | null = null;
	constructor(public inputEl: HTMLElement) {}
	getValue(): T {
		return this.value;
	}
	setValue(v: T): this {
		this.value = v;
		if ("value" in this.inputEl) (this.inputEl as HTMLInputElement).value = String(v);
		if (this.inputEl instanceof HTMLInputElement && this.inputEl.type === "checkbox") this.inputEl.checked = Boolean(v);
		return this;
	}
	onChange(cb: (v: T) => unknown): this {
		this.changeCb = cb;
		return this;
	}
	setPlaceholder(p: string): this {
		this.inputEl.setAttribute("placeholder", p);
		return this;
	}
	setDisabled(d: boolean): this {
		(this.inputEl as HTMLInputElement).disabled = d;
		return this;
	}
	setLimits(min: number, max: number, step: number | "any"): this {
		this.inputEl.setAttribute("min", String(min));
		this.inputEl.setAttribute("max", String(max));
		this.inputEl.setAttribute("step", String(step));
		return this;
	}
	setDynamicTooltip(): this {
		return this;
	}
	addOption(value: string, display: string): this {
		const o = document.createElement("option");
		o.value = value;
		o.textContent = display;
		this.inputEl.appendChild(o);
		return this;
	}
	addOptions(opts: Record<string, string>): this {
		for (const [k, v] of Object.entries(opts)) this.addOption(k, v);
		return this;
	}
	/** For tests and the demo: behave as if the user changed the control. */
	simulate(v: T): unknown {
		this.setValue(v);
		return this.changeCb?.(v);
	}
}

export class ButtonComponent {
	private cb: (() => unknown) | null = null;
	constructor(public buttonEl: HTMLButtonElement) {
		buttonEl.addEventListener("click", () => void this.cb?.());
	}
	setButtonText(t: string): this {
		this.buttonEl.textContent = t;
		return this;
	}
	setCta(): this {
		this.buttonEl.classList.add("mod-cta");
		return this;
	}
	setWarning(): this {
		this.buttonEl.classList.add("mod-warning");
		return this;
	}
	setIcon(i: string): this {
		this.buttonEl.setAttribute("data-icon", i);
		return this;
	}
	setTooltip(t: string): this {
		this.buttonEl.setAttribute("aria-label", t);
		return this;
	}
	setDisabled(d: boolean): this {
		this.buttonEl.disabled = d;
		return this;
	}
	onClick(cb: () => unknown): this {
		this.cb = cb;
		return this;
	}
}

/**
 * Obsidian's suggester on a text field: typing lists getSuggestions' items under the field (`.suggestion-item`),
 * clicking one calls selectSuggestion. Items are in `.suggestion-container` beside the input.
 */
export abstract class AbstractInputSuggest<T> {
	limit = 100;
	suggestEl: HTMLElement;
	private selectCb: ((value: T, evt: MouseEvent | KeyboardEvent) => unknown) | null = null;
	constructor(
		public app: App,
		protected textInputEl: HTMLInputElement | HTMLDivElement,
	) {
		this.suggestEl = textInputEl.ownerDocument.createElement("div");
		this.suggestEl.className = "suggestion-container";
		textInputEl.addEventListener("input", () => void this.open());
		textInputEl.addEventListener("focus", () => void this.open());
	}
	protected abstract getSuggestions(query: string): T[] | Promise<T[]>;
	abstract renderSuggestion(value: T, el: HTMLElement): void;
	async open(): Promise<void> {
		const items = await this.getSuggestions(this.getValue());
		this.suggestEl.replaceChildren();
		for (const item of this.limit > 0 ? items.slice(0, this.limit) : items) {
			const el = this.suggestEl.appendChild(this.suggestEl.ownerDocument.createElement("div"));
			el.className = "suggestion-item";
			this.renderSuggestion(item, el);
			el.addEventListener("click", (evt) => this.selectSuggestion(item, evt));
		}
		this.textInputEl.after(this.suggestEl);
	}
	close(): void {
		this.suggestEl.remove();
	}
	setValue(value: string): void {
		if (this.textInputEl instanceof HTMLInputElement) this.textInputEl.value = value;
		else this.textInputEl.textContent = value;
	}
	getValue(): string {
		return this.textInputEl instanceof HTMLInputElement ? this.textInputEl.value : (this.textInputEl.textContent ?? "");
	}
	selectSuggestion(value: T, evt: MouseEvent | KeyboardEvent): void {
		this.selectCb?.(value, evt);
		this.close();
	}
	onSelect(cb: (value: T, evt: MouseEvent | KeyboardEvent) => unknown): this {
		this.selectCb = cb;
		return this;
	}
}

export class Setting {
	settingEl: HTMLElement;
	infoEl: HTMLElement;
	nameEl: HTMLElement;
	descEl: HTMLElement;
	controlEl: HTMLElement;
	components: unknown[] = [];
	constructor(containerEl: HTMLElement) {
		const d = containerEl.ownerDocument;
		this.settingEl = containerEl.appendChild(d.createElement("div"));
		this.settingEl.className = "setting-item";
		this.infoEl = this.settingEl.appendChild(d.createElement("div"));
		this.infoEl.className = "setting-item-info";
		this.nameEl = this.infoEl.appendChild(d.createElement("div"));
		this.nameEl.className = "setting-item-name";
		this.descEl = this.infoEl.appendChild(d.createElement("div"));
		this.descEl.className = "setting-item-description";
		this.controlEl = this.settingEl.appendChild(d.createElement("div"));
		this.controlEl.className = "setting-item-control";
	}
	setName(n: string | DocumentFragment): this {
		if (typeof n === "string") this.nameEl.textContent = n;
		else this.nameEl.appendChild(n);
		return this;
	}
	setDesc(n: string | DocumentFragment): this {
		if (typeof n === "string") this.descEl.textContent = n;
		else this.descEl.appendChild(n);
		return this;
	}
	setHeading(): this {
		this.settingEl.classList.add("setting-item-heading");
		return this;
	}
	setClass(c: string): this {
		this.settingEl.classList.add(c);
		return this;
	}
	private add<C>(tag: string, make: (el: HTMLElement) => C, cb: (c: C) => unknown, type?: string): this {
		const el = this.controlEl.appendChild(this.controlEl.ownerDocument.createElement(tag));
		if (type) el.setAttribute("type", type);
		const c = make(el);
		this.components.push(c);
		cb(c);
		return this;
	}
	addText(cb: (c: ValueComponent<string>) => unknown): this {
		return this.add("input", (el) => new ValueComponent<string>(el), cb, "text");
	}
	addTextArea(cb: (c: ValueComponent<string>) => unknown): this {
		return this.add("textarea", (el) => new ValueComponent<string>(el), cb);
	}
	addToggle(cb: (c: ValueComponent<boolean>) => unknown): this {
		return this.add("input", (el) => new ValueComponent<boolean>(el), cb, "checkbox");
	}
	addDropdown(cb: (c: ValueComponent<string>) => unknown): this {
		return this.add("select", (el) => new ValueComponent<string>(el), cb);
	}
	addSlider(cb: (c: ValueComponent<number>) => unknown): this {
		return this.add("input", (el) => new ValueComponent<number>(el), cb, "range");
	}
	addButton(cb: (c: ButtonComponent) => unknown): this {
		return this.add("button", (el) => new ButtonComponent(el as HTMLButtonElement), cb);
	}
}

export class Modal {
	contentEl: HTMLElement;
	titleEl: HTMLElement;
	constructor(public app: App) {
		this.contentEl = document.createElement("div");
		this.titleEl = document.createElement("div");
	}
	open(): void {
		this.onOpen();
	}
	close(): void {
		this.onClose();
	}
	onOpen(): void {}
	onClose(): void {}
	setTitle(t: string): this {
		this.titleEl.textContent = t;
		return this;
	}
}

/** Every Notice shown, newest last, so tests can read what the user was told. */
export const shownNotices: string[] = [];
/** The notices' elements, for tests that look at what a message draws (code spans). */
export const shownNoticeEls: HTMLElement[] = [];
export class Notice {
	noticeEl: HTMLElement;
	constructor(message: string | DocumentFragment, duration?: number) {
		void duration;
		this.noticeEl = document.createElement("div");
		const text = typeof message === "string" ? message : (message.textContent ?? "");
		if (typeof message === "string") this.noticeEl.textContent = text;
		else this.noticeEl.append(message);
		shownNotices.push(text);
		shownNoticeEls.push(this.noticeEl);
	}
	setMessage(m: string): this {
		this.noticeEl.textContent = m;
		return this;
	}
	hide(): void {}
}

export interface EditorPosition {
	line: number;
	ch: number;
}
/** A plain-text editor over one string, enough for the commands. */
export class Editor {
	constructor(public text = "", public cursor: EditorPosition = { line: 0, ch: 0 }) {}
	getValue(): string {
		return this.text;
	}
	setValue(s: string): void {
		this.text = s;
	}
	getLine(n: number): string {
		return this.text.split("\n")[n] ?? "";
	}
	lineCount(): number {
		return this.text.split("\n").length;
	}
	getCursor(): EditorPosition {
		return this.cursor;
	}
	setCursor(p: EditorPosition): void {
		this.cursor = p;
	}
	getSelection(): string {
		return "";
	}
	replaceSelection(s: string): void {
		const lines = this.text.split("\n");
		const line = lines[this.cursor.line] ?? "";
		lines[this.cursor.line] = line.slice(0, this.cursor.ch) + s + line.slice(this.cursor.ch);
		this.text = lines.join("\n");
	}
	replaceRange(s: string, from: EditorPosition): void {
		this.cursor = from;
		this.replaceSelection(s);
	}
}

export class MarkdownView {
	editor = new Editor();
	file: TFile | null = null;
}

/** Obsidian's reading of a click: Mod opens a new tab, Mod-Alt a split, Mod-Alt-Shift a window; a middle click a tab. */
export class Keymap {
	static isModEvent(evt?: MouseEvent | KeyboardEvent | null): "tab" | "split" | "window" | boolean {
		if (!evt) return false;
		if ("button" in evt && evt.button === 1) return "tab";
		const mod = Platform.isMacOS ? evt.metaKey : evt.ctrlKey;
		if (!mod) return false;
		if (evt.altKey) return evt.shiftKey ? "window" : "split";
		return "tab";
	}
}

export const Platform = {
	isDesktop: true,
	isMobile: false,
	isDesktopApp: true,
	isMobileApp: false,
	isIosApp: false,
	isAndroidApp: false,
	isPhone: false,
	isTablet: false,
	isMacOS: false,
	isWin: false,
	isLinux: true,
	isSafari: false,
};

let language = "en";
export function getLanguage(): string {
	return language;
}
/** For tests and the demo page. */
export function setStubLanguage(code: string): void {
	language = code;
}

export function setIcon(el: HTMLElement, icon: string): void {
	el.setAttribute("data-icon", icon);
}

export function debounce<A extends unknown[]>(fn: (...a: A) => unknown, wait = 0): (...a: A) => void {
	let t: ReturnType<typeof setTimeout> | null = null;
	return (...a: A) => {
		if (t) clearTimeout(t);
		t = setTimeout(() => fn(...a), wait);
	};
}

export function parseYaml(text: string): unknown {
	const out: Record<string, unknown> = {};
	for (const line of text.split("\n")) {
		const m = /^([\w-]+):\s*(.*)$/.exec(line);
		if (!m) continue;
		const v = m[2].trim();
		out[m[1]] = v === "" ? null : /^-?\d+(\.\d+)?(e-?\d+)?$/i.test(v) ? Number(v) : v.replace(/^"(.*)"$/, "$1");
	}
	return out;
}

export function stringifyYaml(o: unknown): string {
	return Object.entries(o as Record<string, unknown>)
		.map(([k, v]) => `${k}: ${typeof v === "string" ? JSON.stringify(v) : String(v)}`)
		.join("\n");
}

/**
 * Renders a code block with the processors a plugin registered, the way Obsidian's reading view does:
 * a fresh element, a context whose addChild loads the child. Returns the element and the children made.
 */
export async function renderCodeBlock(
	plugin: Plugin,
	language: string,
	source: string,
	opts: { sourcePath?: string; parent?: HTMLElement } = {},
): Promise<{ el: HTMLElement; children: Component[] }> {
	const handler = plugin.codeBlockProcessors.get(language);
	if (!handler) throw new Error(`no processor for ${language}`);
	const el = document.createElement("div");
	el.className = `block-language-${language}`;
	(opts.parent ?? document.body).appendChild(el);
	const children: Component[] = [];
	const ctx: MarkdownPostProcessorContext = {
		docId: "doc",
		sourcePath: opts.sourcePath ?? "note.md",
		frontmatter: null,
		addChild: (c) => {
			children.push(c);
			plugin.addChild(c);
		},
		getSectionInfo: () => ({ text: `\`\`\`${language}\n${source}\n\`\`\``, lineStart: 0, lineEnd: source.split("\n").length + 1 }),
	};
	await handler(source, el, ctx);
	return { el, children };
}

/** Switches a stub editor between Live Preview and source mode, as Obsidian does when the user toggles it. */
export const setLivePreview = StateEffect.define<boolean>();

/** Obsidian's field telling whether an editor is in Live Preview (false in source mode). */
export const editorLivePreviewField = StateField.define<boolean>({
	create: () => false,
	update: (v, tr) => {
		for (const e of tr.effects) if (e.is(setLivePreview)) v = e.value;
		return v;
	},
});
