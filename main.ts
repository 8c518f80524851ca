import { Plugin, getLanguage } from "obsidian";
import { DEFAULT_SETTINGS, type CnnLabSettings } from "./src/plugin/settings";
import type { CnnLabHost } from "./src/plugin/host";
import { settingsFromData } from "./src/plugin/settings-load";
import { TrainingHub } from "./src/plugin/training/hub";
import { registerCnnBlock } from "./src/plugin/cnn-block";
import { registerConvBlock } from "./src/plugin/conv-block";
import { registerLogBlock } from "./src/plugin/log-block";
import { registerInlineCheck } from "./src/plugin/inline-check";
import { registerCommands } from "./src/plugin/commands";
import { CnnLabSettingTab } from "./src/plugin/setting-tab";
import { registerPrintSnapshots } from "./src/plugin/print";
import { registerVaultLinks } from "./src/plugin/vault-link";
import { setLanguage } from "./src/i18n";
import { notifyThemeChange } from "./src/render/theme";
import { setEngineLanguage, useWasmGemm } from "./src/worker/shared-engine";

export default class CnnLabPlugin extends Plugin implements CnnLabHost {
	settings: CnnLabSettings = { ...DEFAULT_SETTINGS };
	training = new TrainingHub();

	async onload(): Promise<void> {
		await this.loadSettings();
		// The cnn-conv block and the inline fallback compute on this thread: SIMD kernels where available.
		useWasmGemm(true);
		setLanguage(getLanguage());
		setEngineLanguage(getLanguage());
		registerCnnBlock(this);
		registerConvBlock(this);
		registerLogBlock(this);
		registerInlineCheck(this);
		registerCommands(this);
		this.addSettingTab(new CnnLabSettingTab(this.app, this));
		registerPrintSnapshots(this);
		registerVaultLinks(this);
		this.registerEvent(this.app.workspace.on("css-change", () => notifyThemeChange()));
		this.register(() => this.training.stopAll());
	}

	async loadSettings(): Promise<void> {
		this.settings = settingsFromData(await this.loadData());
		this.training.maxConcurrent = this.settings.maxConcurrentRuns;
	}

	async saveSettings(): Promise<void> {
		// A raised limit starts waiting runs now, not at the next Train press.
		this.training.maxConcurrent = this.settings.maxConcurrentRuns;
		await this.saveData(this.settings);
	}
}
