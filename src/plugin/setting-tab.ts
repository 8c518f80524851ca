import { App, PluginSettingTab, Setting, type SettingDefinition, type SettingDefinitionItem, type TFolder } from "obsidian";
import { FolderSuggest } from "./folder-suggest";
import type { CnnLabHost } from "./host";
import { parseNumberInput, settingSections, type SettingDef, type SettingKey } from "./setting-definitions";

/**
 * The settings tab. Obsidian 1.13+ renders it from getSettingDefinitions() (searchable, validated inline); older
 * versions call display(), which renders the same definitions with Setting rows.
 */
export class CnnLabSettingTab extends PluginSettingTab {
	constructor(
		app: App,
		private readonly host: CnnLabHost,
	) {
		super(app, host);
	}

	getSettingDefinitions(): SettingDefinitionItem[] {
		const out: SettingDefinitionItem[] = [];
		for (const section of settingSections()) {
			const items: SettingDefinition[] = section.items.map((d) => this.definition(d));
			// The section's text (the Limits' mobile defaults among it) as a row without a control, as display() shows it.
			if (section.desc) items.unshift({ name: "", desc: section.desc });
			if (section.heading === null) out.push(...items);
			else out.push({ type: "group", heading: section.heading, items });
		}
		return out;
	}

	getControlValue(key: string): unknown {
		return this.host.settings[key as SettingKey];
	}

	async setControlValue(key: string, value: unknown): Promise<void> {
		const def = settingSections()
			.flatMap((s) => s.items)
			.find((d) => d.key === key);
		if (!def) return;
		await this.apply(def, value);
	}

	display(): void {
		const { containerEl } = this;
		containerEl.empty();
		containerEl.addClass("cnn-lab-settings");
		for (const section of settingSections()) {
			if (section.heading !== null) {
				const h = new Setting(containerEl).setName(section.heading).setHeading();
				if (section.desc) h.setDesc(section.desc);
			}
			for (const def of section.items) this.row(containerEl, def);
		}
	}

	private definition(d: SettingDef): SettingDefinition {
		const base = { name: d.name, desc: d.desc };
		switch (d.kind) {
			case "text":
				return { ...base, control: { type: "text", key: d.key, validate: (v: string) => d.validate(v) ?? undefined } };
			case "folder":
				// Obsidian's own folder control (its suggester), offering only folders the writer accepts.
				return { ...base, control: { type: "folder", key: d.key, includeRoot: true, filter: (f: TFolder) => d.validate(f.path) === null, validate: (v: string) => d.validate(v) ?? undefined } };
			case "number":
				return { ...base, control: { type: "number", key: d.key, min: d.min, max: d.max, step: d.step ?? "any", validate: (v: number) => d.validate(v) ?? undefined } };
			case "toggle":
				return { ...base, control: { type: "toggle", key: d.key } };
			case "dropdown":
				return { ...base, control: { type: "dropdown", key: d.key, options: d.options } };
			case "slider":
				return { ...base, control: { type: "slider", key: d.key, min: d.min, max: d.max, step: d.step, displayFormat: d.format } };
		}
	}

	/** Stores a value that passed its check and saves; returns the problem otherwise. */
	private async apply(def: SettingDef, value: unknown): Promise<string | null> {
		const s = this.host.settings as unknown as Record<SettingKey, unknown>;
		switch (def.kind) {
			case "text":
			case "folder": {
				const v = String(value);
				const problem = def.validate(v);
				if (problem) return problem;
				s[def.key] = def.parse(v);
				break;
			}
			case "number": {
				const v = typeof value === "number" ? value : parseNumberInput(String(value));
				const problem = def.validate(v);
				if (problem) return problem;
				s[def.key] = v;
				break;
			}
			case "toggle":
				s[def.key] = Boolean(value);
				break;
			case "dropdown":
				if (!(String(value) in def.options)) return null;
				s[def.key] = String(value);
				break;
			case "slider":
				s[def.key] = Math.min(def.max, Math.max(def.min, Number(value)));
				break;
		}
		await this.host.saveSettings();
		return null;
	}

	private row(containerEl: HTMLElement, def: SettingDef): void {
		const setting = new Setting(containerEl).setName(def.name);
		if (def.desc) setting.setDesc(def.desc);
		const current = this.host.settings[def.key];
		const error = setting.descEl.createDiv({ cls: "cnn-lab-setting-error" });
		const report = (problem: string | null): void => {
			error.setText(problem ?? "");
			setting.settingEl.toggleClass("cnn-lab-setting-invalid", problem !== null);
		};
		switch (def.kind) {
			case "folder":
				setting.addText((c) => {
					c.setValue(String(current));
					c.onChange(async (v) => report(await this.apply(def, v)));
					// Picking a folder is the same as typing its path: the same check, the same save.
					new FolderSuggest(this.app, c.inputEl, async (path) => report(await this.apply(def, path)));
				});
				break;
			case "text":
			case "number":
				setting.addText((c) => {
					c.setValue(String(current));
					c.onChange(async (v) => report(await this.apply(def, v)));
				});
				break;
			case "toggle":
				setting.addToggle((c) => {
					c.setValue(Boolean(current));
					c.onChange(async (v) => report(await this.apply(def, v)));
				});
				break;
			case "dropdown":
				setting.addDropdown((c) => {
					c.addOptions(def.options);
					c.setValue(String(current));
					c.onChange(async (v) => report(await this.apply(def, v)));
				});
				break;
			case "slider":
				setting.addSlider((c) => {
					c.setLimits(def.min, def.max, def.step);
					c.setValue(Number(current));
					c.onChange(async (v) => report(await this.apply(def, v)));
				});
				break;
		}
	}
}
