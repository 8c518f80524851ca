import type { Plugin } from "obsidian";
import type { CnnLabSettings } from "./settings";
import type { TrainingHub } from "./training/hub";
import type { RunHandle } from "./runs/run-store";
import type { PageEngine } from "../worker/shared-engine";

/** What the block processors, commands and settings tab need from the plugin (main.ts implements it). */
export interface CnnLabHost extends Plugin {
	settings: CnnLabSettings;
	saveSettings(): Promise<void>;
	/** Every training run of the session; runs belong to it, not to the blocks that show them. */
	training: TrainingHub<RunHandle>;
	/** The engine for training on the page (the fallback without a worker). */
	engine: PageEngine;
}
