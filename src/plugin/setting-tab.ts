import { App, PluginSettingTab } from "obsidian";
import type { CnnLabHost } from "./host";

export class CnnLabSettingTab extends PluginSettingTab {
	constructor(app: App, private readonly host: CnnLabHost) {
		super(app, host);
	}

	display(): void {
		this.containerEl.empty();
	}
}
