// @vitest-environment jsdom
import { describe, expect, it, beforeEach } from "vitest";
import { App, Plugin, Setting, Vault } from "../../support/obsidian-stub";
import { CnnLabSettingTab } from "../../../src/plugin/setting-tab";
import { DEFAULT_SETTINGS, type CnnLabSettings } from "../../../src/plugin/settings";
import type { CnnLabHost } from "../../../src/plugin/host";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { setLanguage } from "../../../src/i18n";

type Input = { simulate: (v: unknown) => Promise<unknown> | unknown; getValue: () => unknown };

function makeHost(vault = new Vault()): CnnLabHost {
	const plugin = new Plugin(new App(vault), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "0", description: "", author: "" });
	const host = plugin as unknown as CnnLabHost;
	host.settings = { ...DEFAULT_SETTINGS };
	host.training = new TrainingHub();
	host.saveSettings = () => plugin.saveData(host.settings);
	return host;
}

/** The rendered rows by their visible name, with the control the row holds. */
function rows(tab: CnnLabSettingTab): Map<string, { el: HTMLElement; control: HTMLInputElement | HTMLSelectElement | null }> {
	const out = new Map<string, { el: HTMLElement; control: HTMLInputElement | HTMLSelectElement | null }>();
	tab.containerEl.querySelectorAll<HTMLElement>(".setting-item").forEach((el) => {
		out.set(el.querySelector(".setting-item-name")?.textContent ?? "", { el, control: el.querySelector("input, select") });
	});
	return out;
}

// The stub's Setting keeps its components; reach the one in a row to act as the user.
let made: Setting[] = [];
const origAdd = Setting.prototype.setName;
Setting.prototype.setName = function (this: Setting, n: string | DocumentFragment) {
	made.push(this);
	return origAdd.call(this, n);
};
function control(name: string): Input {
	const s = made.find((x) => x.nameEl.textContent === name);
	if (!s) throw new Error(`no setting named ${name}`);
	return s.components[0] as Input;
}

describe("settings tab", () => {
	beforeEach(() => {
		made = [];
		setLanguage("en");
	});

	it("shows every setting in sentence case, with headings only for the sections", () => {
		const host = makeHost();
		const tab = new CnnLabSettingTab(host.app, host);
		tab.display();
		const names = [...rows(tab).keys()];
		for (const n of ["Runs folder", "Default seed", "Colormap", "Largest model (parameters)", "Activation memory per batch (MB)", "Multiply-adds per epoch", "Longest run (seconds)", "Train in a background worker", "Animation speed", "Decimals shown", "Save weights"]) {
			expect(names).toContain(n);
		}
		const headings = [...tab.containerEl.querySelectorAll(".setting-item-heading .setting-item-name")].map((e) => e.textContent);
		expect(headings).toEqual(["Limits", "Display"]);
		// Sentence case: after the first word, no capitalised word except abbreviations such as MB.
		for (const n of names) for (const w of n.split(" ").slice(1)) expect(/^[A-Z][a-z]/.test(w), `${n}`).toBe(false);
		expect((rows(tab).get("Runs folder")?.control as HTMLInputElement).value).toBe("CNN runs");
	});

	it("saves what the user types, and refuses a runs folder outside the vault or a bad number", async () => {
		const host = makeHost();
		const tab = new CnnLabSettingTab(host.app, host);
		tab.display();
		await control("Runs folder").simulate("Study/Runs/");
		expect(host.settings.runsFolder).toBe("Study/Runs");
		expect(((await host.loadData()) as CnnLabSettings).runsFolder).toBe("Study/Runs");

		await control("Runs folder").simulate("../outside");
		expect(host.settings.runsFolder).toBe("Study/Runs");
		const row = rows(tab).get("Runs folder");
		expect(row?.el.querySelector(".cnn-lab-setting-error")?.textContent).toMatch(/inside the vault/);

		await control("Multiply-adds per epoch").simulate("3e11");
		expect(host.settings.maxMultiplyAddsPerEpoch).toBe(300_000_000_000);
		await control("Largest model (parameters)").simulate("1,000,000");
		expect(host.settings.maxParameters).toBe(1_000_000);
		await control("Longest run (seconds)").simulate("-5");
		expect(host.settings.maxRunSeconds).toBe(DEFAULT_SETTINGS.maxRunSeconds);
		await control("Decimals shown").simulate("2.5");
		expect(host.settings.decimals).toBe(DEFAULT_SETTINGS.decimals);

		await control("Train in a background worker").simulate(false);
		expect(host.settings.useWorker).toBe(false);
		await control("Colormap").simulate("magma");
		expect(host.settings.colormap).toBe("magma");
		await control("Animation speed").simulate(4);
		expect(host.settings.animationSpeed).toBe(4);
		expect((await host.loadData()) as CnnLabSettings).toMatchObject({ useWorker: false, colormap: "magma", animationSpeed: 4, maxParameters: 1_000_000 });
	});

	it("suggests the vault's folders under the runs folder field; picking one saves it, hidden and unusable folders are not offered", async () => {
		const host = makeHost(new Vault({ "CNN runs/a.md": "", "Study/Runs/b.md": "", "Study/Notes/c.md": "", ".obsidian/runs/d.md": "", "odd?/e.md": "", "Other/f.md": "" }));
		const tab = new CnnLabSettingTab(host.app, host);
		tab.display();
		document.body.appendChild(tab.containerEl);
		const input = rows(tab).get("Runs folder")?.control as HTMLInputElement;
		const shown = (): string[] => [...tab.containerEl.querySelectorAll(".suggestion-item")].map((e) => e.textContent ?? "");
		const type = async (v: string): Promise<void> => {
			input.value = v;
			input.dispatchEvent(new Event("input"));
			await new Promise((r) => setTimeout(r, 0));
		};
		await type("");
		expect(shown()).toEqual(["CNN runs", "Other", "Study", "Study/Notes", "Study/Runs"]);
		await type("run");
		// A folder whose name starts with what was typed comes first.
		expect(shown()).toEqual(["Study/Runs", "CNN runs"]);
		const pick = [...tab.containerEl.querySelectorAll<HTMLElement>(".suggestion-item")].find((e) => e.textContent === "Study/Runs");
		pick?.click();
		await new Promise((r) => setTimeout(r, 0));
		expect(input.value).toBe("Study/Runs");
		expect(host.settings.runsFolder).toBe("Study/Runs");
		expect(((await host.loadData()) as CnnLabSettings).runsFolder).toBe("Study/Runs");
		expect(shown()).toEqual([]);
		// What is typed is still checked at once, suggester or not.
		await control("Runs folder").simulate(".obsidian/runs");
		expect(host.settings.runsFolder).toBe("Study/Runs");
		expect(rows(tab).get("Runs folder")?.el.querySelector(".cnn-lab-setting-error")?.textContent).toMatch(/start with a dot/);
		tab.containerEl.remove();
	});

	it("offers the same settings to Obsidian's declarative settings API, validated the same way", async () => {
		const host = makeHost();
		const tab = new CnnLabSettingTab(host.app, host);
		const defs = tab.getSettingDefinitions();
		const flat = defs.flatMap((d) => ("items" in d && d.items ? d.items : [d])) as { name: string; control?: { key: string; validate?: (v: unknown) => unknown } }[];
		expect(flat.flatMap((d) => (d.control ? [d.control.key] : [])).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
		// the Limits' text, mobile defaults included, is a row of its own (a group has no description)
		expect(flat.some((d) => !d.control && String((d as { desc?: string }).desc).includes("On phones and tablets the defaults are lower"))).toBe(true);
		expect(defs.filter((d) => "type" in d).map((d) => (d as { heading?: string }).heading)).toEqual(["Limits", "Display"]);
		const folder = flat.find((d) => d.control?.key === "runsFolder")?.control;
		expect(folder?.validate?.("/etc")).toBeTruthy();
		expect(folder?.validate?.("CNN runs")).toBeFalsy();
		// Obsidian's folder control (its suggester), offering only folders the field would accept.
		const fc = folder as unknown as { type: string; filter: (f: { path: string }) => boolean };
		expect(fc.type).toBe("folder");
		expect(fc.filter({ path: "Study/Runs" })).toBe(true);
		expect(fc.filter({ path: "odd?" })).toBe(false);
		expect(tab.getControlValue("defaultSeed")).toBe(DEFAULT_SETTINGS.defaultSeed);
		await tab.setControlValue("defaultSeed", 7);
		expect(host.settings.defaultSeed).toBe(7);
		await tab.setControlValue("defaultSeed", -1);
		expect(host.settings.defaultSeed).toBe(7);
	});

	it("speaks Chinese when Obsidian does", () => {
		setLanguage("zh");
		const host = makeHost();
		const tab = new CnnLabSettingTab(host.app, host);
		tab.display();
		const names = [...rows(tab).keys()];
		expect(names).toContain("训练记录文件夹");
		expect(names).toContain("限制");
		expect(names.some((n) => /Runs folder|Limits/.test(n))).toBe(false);
		setLanguage("en");
	});
});
