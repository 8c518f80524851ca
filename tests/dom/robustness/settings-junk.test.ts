// @vitest-environment jsdom
/**
 * data.json is a file in the vault: a sync conflict, a hand edit or an older version can leave anything in it.
 * The plugin loaded over junk settings still renders every demo block, trains, and shows sane numbers.
 */
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { App, Vault, renderCodeBlock, type Plugin } from "../../support/obsidian-stub";
import type { CnnLabSettings } from "../../../src/plugin/settings";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { installFakeCanvas } from "../training/fake-canvas";
import { demoCorpus, demoVaultSeed, installImageDecoder, LANGS } from "./harness";

const mainPath = new URL("../../../main.ts", import.meta.url).pathname;
const { default: CnnLabPlugin } = (await import(/* @vite-ignore */ mainPath)) as { default: new (app: App, m: unknown) => Plugin & { settings: CnnLabSettings } };

beforeAll(() => {
	installFakeCanvas();
	installImageDecoder(true);
});

let plugin: (Plugin & { settings: CnnLabSettings }) | null = null;
afterEach(() => {
	plugin?.unload();
	plugin = null;
	document.body.empty();
});

async function loadWith(data: unknown): Promise<Plugin & { settings: CnnLabSettings }> {
	const p = new CnnLabPlugin(new App(new Vault(demoVaultSeed())), { id: "cnn-lab", name: "CNN Lab", version: "0.1.0", minAppVersion: "1.5.0", description: "", author: "" });
	(p as unknown as { loadData: () => Promise<unknown> }).loadData = () => Promise.resolve(data);
	p.load();
	await new Promise((r) => setTimeout(r, 0));
	plugin = p;
	return p;
}

const JUNK: [string, unknown][] = [
	["every value of the wrong type", { runsFolder: null, defaultSeed: "x", colormap: 42, maxParameters: "lots", maxActivationMB: null, maxMultiplyAddsPerEpoch: {}, maxRunSeconds: [], useWorker: "yes", animationSpeed: "fast", decimals: "2", saveWeights: 1 }],
	["numbers out of range and an unknown colormap (it made every cnn-conv block throw)", { runsFolder: "../../outside", defaultSeed: -5, colormap: "rainbow", maxParameters: -1, maxActivationMB: 0, maxMultiplyAddsPerEpoch: NaN, maxRunSeconds: Infinity, animationSpeed: 0, decimals: 200 }],
	["negative decimals and a huge speed", { decimals: -1, animationSpeed: 1e9 }],
	["not an object at all", "corrupt"],
	["an array", [1, 2, 3]],
];

describe("junk in data.json", () => {
	it.each(JUNK)("%s: every demo block renders, settings fall back to defaults where invalid", async (_what, data) => {
		const p = await loadWith(data);
		const s = p.settings;
		expect(typeof s.runsFolder).toBe("string");
		expect(s.runsFolder.includes("..")).toBe(false);
		expect(Number.isInteger(s.decimals) && s.decimals >= 0 && s.decimals <= 6).toBe(true);
		expect(["viridis", "magma", "gray", "coolwarm"]).toContain(s.colormap);
		for (const k of ["maxParameters", "maxActivationMB", "maxMultiplyAddsPerEpoch", "maxRunSeconds", "animationSpeed"] as const) {
			expect(Number.isFinite(s[k]) && s[k] > 0, k).toBe(true);
		}
		expect(typeof s.useWorker).toBe("boolean");
		const corpus = demoCorpus();
		for (const lang of LANGS) {
			for (const b of corpus.blocks[lang]) {
				const { el, children } = await renderCodeBlock(p, lang, b, { sourcePath: "Clippings/CNN study notes.md" });
				await Promise.all(children.map((c) => (c as unknown as { ready?: Promise<void> }).ready));
				expect((el.textContent ?? "").trim(), `${lang}: ${b.slice(0, 40)}`).not.toBe("");
			}
		}
	});

	it("valid values are kept as they were saved", async () => {
		const saved = { ...DEFAULT_SETTINGS, runsFolder: "Study/Runs", decimals: 4, colormap: "magma", maxParameters: 123456, useWorker: false, animationSpeed: 3.5 };
		const p = await loadWith(saved);
		expect(p.settings).toEqual(saved);
	});
});
