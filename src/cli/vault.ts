/** The vault a note lives in and the plugin's settings there (run notes: fs-note-store.ts and the shared recorder). */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { DEFAULT_SETTINGS, type CnnLabSettings } from "../plugin/settings";
import { vaultFolderPath } from "../runs/vault-paths";

/** The nearest ancestor folder holding `.obsidian`, else the note's own folder. */
export function vaultRoot(notePath: string): string {
	let dir = dirname(notePath);
	for (;;) {
		if (existsSync(join(dir, ".obsidian"))) return dir;
		const up = dirname(dir);
		if (up === dir) return dirname(notePath);
		dir = up;
	}
}

/** A path inside the vault with forward slashes, as Obsidian writes it. */
export function vaultPath(root: string, abs: string): string {
	return relative(root, abs).split(sep).join("/");
}

/** DEFAULT_SETTINGS overlaid with the vault's .obsidian/plugins/cnn-lab/data.json where it exists and parses. */
export function vaultSettings(root: string): CnnLabSettings {
	const file = join(root, ".obsidian", "plugins", "cnn-lab", "data.json");
	try {
		const raw = JSON.parse(readFileSync(file, "utf8")) as Partial<Record<keyof CnnLabSettings, unknown>>;
		const s: CnnLabSettings = { ...DEFAULT_SETTINGS };
		for (const k of Object.keys(DEFAULT_SETTINGS) as (keyof CnnLabSettings)[]) {
			const v = raw[k];
			if (v !== undefined && typeof v === typeof DEFAULT_SETTINGS[k]) (s as unknown as Record<string, unknown>)[k] = v;
		}
		return s;
	} catch {
		return { ...DEFAULT_SETTINGS };
	}
}

/** The runs folder setting as a vault-relative folder; null when it would leave the vault or enter a dot folder. */
export function runsFolder(setting: string): string | null {
	const r = vaultFolderPath(setting);
	return r.ok ? r.path : null;
}
