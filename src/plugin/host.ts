import type { Plugin } from "obsidian";
import type { CnnLabSettings } from "./settings";
import type { TrainingHub } from "./training/hub";

/** What the block processors, commands and settings tab need from the plugin (main.ts implements it). */
export interface CnnLabHost extends Plugin {
	settings: CnnLabSettings;
	saveSettings(): Promise<void>;
	training: TrainingHub;
}
