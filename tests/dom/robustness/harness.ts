/**
 * The real plugin as the reading view sees it, for the robustness tests: every block processor and the inline
 * check registered on a stub Plugin, a vault seeded with the demo notes, and a render that waits for the
 * block's asynchronous part (image reads, run notes) with a deadline.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { App, Plugin, renderCodeBlock, Vault, type Component } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import { registerConvBlock } from "../../../src/plugin/conv-block";
import { registerLogBlock } from "../../../src/plugin/log-block";
import { registerInlineCheck } from "../../../src/plugin/inline-check";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";

export type Lang = "cnn" | "cnn-conv" | "cnn-log";
export const LANGS: readonly Lang[] = ["cnn", "cnn-conv", "cnn-log"];

const VAULT_DIR = join(process.cwd(), "examples/vault");

function walk(dir: string, out: string[] = []): string[] {
	for (const name of readdirSync(dir)) {
		const p = join(dir, name);
		if (statSync(p).isDirectory()) walk(p, out);
		else out.push(p);
	}
	return out;
}

/** The demo vault's files, as the stub vault's seed (markdown as text, images as bytes). */
export function demoVaultSeed(): Record<string, string | Uint8Array> {
	const seed: Record<string, string | Uint8Array> = {};
	for (const p of walk(VAULT_DIR)) {
		const rel = relative(VAULT_DIR, p);
		seed[rel] = p.endsWith(".md") ? readFileSync(p, "utf8") : new Uint8Array(readFileSync(p));
	}
	return seed;
}

export interface Corpus {
	blocks: Record<Lang, string[]>;
	inline: string[];
}

/** Every ```cnn / ```cnn-conv / ```cnn-log block of the demo notes (callout quotes stripped) and every inline `cnn:`. */
export function demoCorpus(): Corpus {
	const blocks: Record<Lang, string[]> = { cnn: [], "cnn-conv": [], "cnn-log": [] };
	const inline: string[] = [];
	for (const p of walk(VAULT_DIR).filter((f) => f.endsWith(".md"))) {
		const lines = readFileSync(p, "utf8").split("\n");
		for (let i = 0; i < lines.length; i++) {
			for (const m of lines[i].matchAll(/`(cnn:[^`]*)`/g)) inline.push(m[1]);
			const open = /^((?:>\s?)*)(`{3,})(cnn(?:-conv|-log)?)\s*$/.exec(lines[i]);
			if (!open) continue;
			const [, prefix, fence, lang] = open;
			const body: string[] = [];
			let j = i + 1;
			for (; j < lines.length; j++) {
				const line = lines[j].startsWith(prefix) ? lines[j].slice(prefix.length) : lines[j].replace(/^(?:>\s?)*/, "");
				if (line.trimEnd() === fence) break;
				body.push(line);
			}
			blocks[lang as Lang].push(body.join("\n"));
			i = j;
		}
	}
	return { blocks, inline };
}

export type Host = CnnLabHost & Plugin;

export function makeHost(vault = new Vault(demoVaultSeed())): Host {
	const plugin = new Plugin(new App(vault), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	const host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as Host;
	host.load();
	// As main.ts does: runs belong to the plugin, and its unload ends them.
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
	registerConvBlock(host);
	registerLogBlock(host);
	registerInlineCheck(host);
	return host;
}

/** How long a block may take, its asynchronous part included, before the test calls it a hang. */
export const DEADLINE_MS = 5000;

export interface Rendered {
	el: HTMLElement;
	children: Component[];
	ms: number;
	timedOut: boolean;
}

export async function renderBlock(host: Host, lang: Lang, source: string, sourcePath = "Clippings/CNN study notes.md"): Promise<Rendered> {
	const t0 = performance.now();
	const { el, children } = await renderCodeBlock(host, lang, source, { sourcePath });
	let timedOut = false;
	let timer: ReturnType<typeof setTimeout> | undefined;
	const ready = Promise.all(children.map((c) => (c as unknown as { ready?: Promise<void> }).ready));
	await Promise.race([
		ready,
		new Promise<void>((r) => {
			timer = setTimeout(() => {
				timedOut = true;
				r();
			}, DEADLINE_MS);
		}),
	]);
	clearTimeout(timer);
	return { el, children, ms: performance.now() - t0, timedOut };
}

export function unloadBlock(host: Host, r: Rendered): void {
	for (const c of r.children) host.removeChild(c);
	r.el.remove();
}

/** Runs the inline post processor over a paragraph holding `code` as inline code; returns the paragraph. */
export async function renderInline(host: Host, code: string): Promise<HTMLElement> {
	const p = document.body.createEl("p");
	p.append("text ");
	p.createEl("code", { text: code });
	for (const pp of host.postProcessors) {
		await pp(p, { docId: "d", sourcePath: "note.md", frontmatter: null, addChild: () => {}, getSectionInfo: () => null });
	}
	return p;
}

/**
 * jsdom has no image decoder (an <img> from a Blob never loads, so an image block would wait forever). With
 * `ok` the decoder hands back a bitmap (drawn through the fake canvas, all black); without, it refuses as on a
 * corrupt file.
 */
export function installImageDecoder(ok: boolean): void {
	const decode = (): Promise<ImageBitmap> => (ok ? Promise.resolve({ width: 1, height: 1, close: () => {} } as ImageBitmap) : Promise.reject(new Error("no decoder in jsdom")));
	Object.defineProperty(window, "createImageBitmap", { configurable: true, value: decode });
}
