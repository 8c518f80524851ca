import { Platform, Plugin, getLanguage } from "obsidian";
import { DEFAULT_SETTINGS, defaultSettings, type CnnLabSettings } from "./src/plugin/settings";
import type { CnnLabHost } from "./src/plugin/host";
import { settingsFromData, settingsToData } from "./src/plugin/settings-load";
import { TrainingHub } from "./src/plugin/training/hub";
import { RunNoteCache } from "./src/plugin/runs/run-notes";
import type { RunHandle } from "./src/plugin/runs/run-store";
import { registerCnnBlock } from "./src/plugin/cnn-block";
import { registerConvBlock } from "./src/plugin/conv-block";
import { registerLogBlock } from "./src/plugin/log-block";
import { registerInlineCheck } from "./src/plugin/inline-check";
import { registerCommands } from "./src/plugin/commands";
import { registerTrainingStatus } from "./src/plugin/training/status-bar";
import { CnnLabSettingTab } from "./src/plugin/setting-tab";
import { registerPrintSnapshotsInWindows } from "./src/plugin/print";
import { registerVaultLinks } from "./src/plugin/vault-link";
import { setLanguage } from "./src/i18n";
import { notifyThemeChange } from "./src/render/theme";
import { PageEngine } from "./src/worker/shared-engine";
import { loadDigits } from "./src/data/digits";

export default class CnnLabPlugin extends Plugin implements CnnLabHost {
	settings: CnnLabSettings = { ...DEFAULT_SETTINGS };
	training = new TrainingHub<RunHandle>();
	/** The engine for runs on this thread; its WebAssembly is compiled on the first such run, not here. */
	engine = new PageEngine(loadDigits);
	/** Run notes read by the blocks, by path and mtime: a re-rendered block reads only the notes that changed. */
	runNotes = new RunNoteCache(this.app);

	async onload(): Promise<void> {
		await this.loadSettings();
		setLanguage(getLanguage());
		registerCnnBlock(this);
		registerConvBlock(this);
		registerLogBlock(this);
		registerInlineCheck(this);
		registerCommands(this);
		registerTrainingStatus(this);
		this.addSettingTab(new CnnLabSettingTab(this.app, this));
		registerPrintSnapshotsInWindows(this);
		registerVaultLinks(this);
		this.registerEvent(this.app.workspace.on("css-change", () => notifyThemeChange()));
		// A run follows its note's rename, so the renamed note's block still finds it.
		this.registerEvent(this.app.vault.on("rename", (file, oldPath) => this.training.renamed(oldPath, file.path)));
		this.registerEvent(this.app.vault.on("rename", (_file, oldPath) => this.runNotes.forget(oldPath)));
		this.registerEvent(this.app.vault.on("delete", (file) => this.runNotes.forget(file.path)));
		// Runs outlive their blocks, not the plugin: unload ends every run now, its note kept as stopped.
		this.register(() => this.training.dispose());
	}

	async loadSettings(): Promise<void> {
		this.settings = settingsFromData(await this.loadData(), defaultSettings(Platform.isMobile));
		this.training.maxConcurrent = this.settings.maxConcurrentRuns;
	}

	async saveSettings(): Promise<void> {
		// A raised limit starts waiting runs now, not at the next Train press.
		this.training.maxConcurrent = this.settings.maxConcurrentRuns;
		await this.saveData(settingsToData(this.settings, defaultSettings(Platform.isMobile)));
	}
}
