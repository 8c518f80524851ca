import type { Plugin } from "obsidian";
import type { CnnLabSettings } from "./settings";
import type { TrainingHub } from "./training/hub";
import type { RunHandle } from "./runs/run-store";
import type { PageEngine } from "../worker/shared-engine";
import { RunNoteCache } from "./runs/run-notes";

/** What the block processors, commands and settings tab need from the plugin (main.ts implements it). */
export interface CnnLabHost extends Plugin {
	settings: CnnLabSettings;
	saveSettings(): Promise<void>;
	/** Every training run of the session; runs belong to it, not to the blocks that show them. */
	training: TrainingHub<RunHandle>;
	/** The engine for training on the page (the fallback without a worker). */
	engine: PageEngine;
	/** The run notes read so far (by path and mtime), so re-rendered blocks read only notes that changed. */
	runNotes?: RunNoteCache;
}

/** The plugin's run-note cache; a host without one (a test's stand-in) gets a fresh one, kept for no longer than the call. */
export function runNotesOf(host: CnnLabHost): RunNoteCache {
	return host.runNotes ?? new RunNoteCache(host.app);
}
