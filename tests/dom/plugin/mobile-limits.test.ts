// @vitest-environment jsdom
/**
 * On a phone or tablet (Platform.isMobile) the default limits are lower, the settings tab says which, and a limit
 * left at its default stays each device's own when data.json syncs between a desktop and a phone.
 */
import { afterEach, describe, expect, it } from "vitest";
import { App, Platform, Vault, type Plugin } from "../../support/obsidian-stub";
import type { CnnLabSettings } from "../../../src/plugin/settings";
import type { CnnLabSettingTab } from "../../../src/plugin/setting-tab";

const mainPath = new URL("../../../main.ts", import.meta.url).pathname;
const { default: CnnLabPlugin } = (await import(/* @vite-ignore */ mainPath)) as { default: new (app: App, m: unknown) => Plugin & { settings: CnnLabSettings; saveSettings(): Promise<void> } };

type Loaded = Plugin & { settings: CnnLabSettings; saveSettings(): Promise<void> };
const loaded: Loaded[] = [];

afterEach(() => {
	for (const p of loaded.splice(0)) p.unload();
	Platform.isMobile = false;
	document.body.empty();
});

/** Loads the plugin on a device, with data.json holding `data` (as synced from another device). */
async function loadOn(mobile: boolean, data: unknown): Promise<Loaded> {
	Platform.isMobile = mobile;
	const p = new CnnLabPlugin(new App(new Vault({})), { id: "cnn-lab", name: "CNN Lab", version: "0.1.0", minAppVersion: "1.5.0", description: "", author: "" });
	await p.saveData(data);
	p.load();
	await new Promise((r) => setTimeout(r, 0));
	loaded.push(p);
	return p;
}

const limits = (s: CnnLabSettings): number[] => [s.maxParameters, s.maxActivationMB, s.maxMultiplyAddsPerEpoch, s.maxRunSeconds];

describe("limits on mobile", () => {
	it("a phone starts with lower limits than a desktop", async () => {
		expect(limits((await loadOn(false, null)).settings)).toEqual([5_000_000, 512, 2e12, 1800]);
		expect(limits((await loadOn(true, null)).settings)).toEqual([1_000_000, 128, 2e11, 600]);
	});

	it("the settings tab names the lower mobile defaults in the Limits section", async () => {
		const p = await loadOn(true, null);
		const tab = p.settingTabs[0] as unknown as CnnLabSettingTab;
		tab.display();
		const text = tab.containerEl.textContent ?? "";
		expect(text).toContain("On phones and tablets the defaults are lower: 1,000,000 parameters, 128 MB of activations, 2e11 multiply-adds per epoch, 600 s per run.");
	});

	it("settings saved on a desktop keep the phone's own default limits, and a limit the user changed goes with them", async () => {
		const desktop = await loadOn(false, null);
		desktop.settings.maxRunSeconds = 300;
		desktop.settings.runsFolder = "Lab/runs";
		await desktop.saveSettings();
		const synced = await desktop.loadData();
		const phone = await loadOn(true, synced);
		expect(limits(phone.settings)).toEqual([1_000_000, 128, 2e11, 300]);
		expect(phone.settings.runsFolder).toBe("Lab/runs");
	});

	it("a data.json of 0.1.0, which saved every value, still gives a phone its own defaults", async () => {
		const old = { runsFolder: "CNN runs", defaultSeed: 42, colormap: "viridis", maxParameters: 5_000_000, maxActivationMB: 512, maxMultiplyAddsPerEpoch: 2e12, maxRunSeconds: 1800, useWorker: true, animationSpeed: 2, decimals: 3, saveWeights: false, maxConcurrentRuns: 1 };
		const phone = await loadOn(true, old);
		expect(limits(phone.settings)).toEqual([1_000_000, 128, 2e11, 600]);
		expect(phone.settings.decimals).toBe(3);
		expect(limits((await loadOn(false, old)).settings)).toEqual([5_000_000, 512, 2e12, 1800]);
	});
});
