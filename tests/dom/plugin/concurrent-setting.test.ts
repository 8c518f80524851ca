// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import { App, Vault, type Plugin } from "../../support/obsidian-stub";
import { settingSections } from "../../../src/plugin/setting-definitions";
import { settingsFromData } from "../../../src/plugin/settings-load";

// Import main.ts itself: a bare "../../../main" would resolve to the built main.js under vitest.
const mainPath = new URL("../../../main.ts", import.meta.url).pathname;
const { default: CnnLabPlugin } = (await import(/* @vite-ignore */ mainPath)) as typeof import("../../../main");
type CnnLabPlugin = InstanceType<typeof CnnLabPlugin>;

const manifest = { id: "cnn-lab", name: "CNN Lab", version: "0.1.0", minAppVersion: "1.5.0", description: "", author: "" };

async function loadPlugin(data: unknown): Promise<CnnLabPlugin & Plugin> {
	const Ctor = CnnLabPlugin as unknown as new (app: App, m: typeof manifest) => CnnLabPlugin & Plugin;
	const plugin = new Ctor(new App(new Vault()), manifest);
	(plugin as unknown as { data: unknown }).data = data;
	plugin.load();
	await new Promise((r) => setTimeout(r, 0));
	return plugin;
}

const run = (log: string[], name: string) => ({ begin: () => log.push(name), stop: () => undefined });

describe("Concurrent training runs setting", () => {
	it("is listed with the other settings, 1 to 4, default 1; out-of-range saved values fall back to 1", () => {
		const def = settingSections()
			.flatMap((s) => s.items)
			.find((d) => d.key === "maxConcurrentRuns");
		expect(def?.name).toBe("Concurrent training runs");
		expect(def?.kind === "number" && [def.min, def.max]).toEqual([1, 4]);
		expect(settingsFromData({}).maxConcurrentRuns).toBe(1);
		expect(settingsFromData({ maxConcurrentRuns: 3 }).maxConcurrentRuns).toBe(3);
		for (const bad of [0, 5, 2.5, "2"]) expect(settingsFromData({ maxConcurrentRuns: bad }).maxConcurrentRuns).toBe(1);
	});

	it("the plugin's hub follows the saved value, and a raised value starts a waiting run when saved", async () => {
		const plugin = await loadPlugin({ maxConcurrentRuns: 1 });
		const log: string[] = [];
		plugin.training.enqueue(run(log, "a"));
		plugin.training.enqueue(run(log, "b"));
		expect(log).toEqual(["a"]);
		plugin.settings.maxConcurrentRuns = 2;
		await plugin.saveSettings();
		expect(log).toEqual(["a", "b"]);
		plugin.unload();

		const three = await loadPlugin({ maxConcurrentRuns: 3 });
		const log3: string[] = [];
		for (const n of ["a", "b", "c", "d"]) three.training.enqueue(run(log3, n));
		expect(log3).toEqual(["a", "b", "c"]);
		three.unload();
	});
});
