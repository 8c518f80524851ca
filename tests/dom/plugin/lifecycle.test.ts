// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { App, Vault, setStubLanguage, type Plugin } from "../../support/obsidian-stub";
import { setLanguage } from "../../../src/i18n";

// Import main.ts itself: a bare "../../../main" would resolve to the built main.js under vitest.
const mainPath = new URL("../../../main.ts", import.meta.url).pathname;
const { default: CnnLabPlugin } = (await import(/* @vite-ignore */ mainPath)) as typeof import("../../../main");
type CnnLabPlugin = InstanceType<typeof CnnLabPlugin>;

const manifest = { id: "cnn-lab", name: "CNN Lab", version: "0.1.0", minAppVersion: "1.5.0", description: "", author: "" };

async function loadPlugin(): Promise<CnnLabPlugin & Plugin> {
	const Ctor = CnnLabPlugin as unknown as new (app: App, m: typeof manifest) => CnnLabPlugin & Plugin;
	const plugin = new Ctor(new App(new Vault()), manifest);
	plugin.load();
	// onload is async (it awaits loadData); let it finish as Obsidian would before using the plugin.
	await new Promise((r) => setTimeout(r, 0));
	return plugin;
}

afterEach(() => {
	setStubLanguage("en");
	setLanguage("en");
});

describe("the plugin as Obsidian loads it", () => {
	it("registers the three block kinds, the inline check, the settings tab and the commands", async () => {
		const plugin = await loadPlugin();
		expect([...plugin.codeBlockProcessors.keys()].sort()).toEqual(["cnn", "cnn-conv", "cnn-log"]);
		expect(plugin.postProcessors.length).toBeGreaterThanOrEqual(1);
		expect(plugin.settingTabs).toHaveLength(1);
		expect(plugin.commands.map((c) => c.id)).toContain("stop-all-training");
		plugin.unload();
	});

	it("speaks Chinese when Obsidian's language is Chinese", async () => {
		setStubLanguage("zh");
		const plugin = await loadPlugin();
		const names = plugin.commands.map((c) => c.name);
		expect(names).toContain("停止所有训练");
		expect(names.filter((n) => /^[\x20-\x7e]+$/.test(n))).toEqual([]);
		plugin.unload();
	});

	it("stops everything when it unloads: training, theme and print listeners", async () => {
		const plugin = await loadPlugin();
		const stop = vi.fn();
		plugin.training.add(stop);
		const workspace = plugin.app.workspace as unknown as { listenerCount: (n?: string) => number };
		expect(workspace.listenerCount("css-change")).toBe(1);
		const removed = vi.spyOn(window, "removeEventListener");
		plugin.unload();
		expect(stop).toHaveBeenCalledTimes(1);
		expect(plugin.training.running).toBe(0);
		expect(workspace.listenerCount("css-change")).toBe(0);
		expect(removed.mock.calls.map((c) => c[0])).toEqual(expect.arrayContaining(["beforeprint", "afterprint"]));
		removed.mockRestore();
	});
});
