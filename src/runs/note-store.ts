/**
 * What the recorder needs from a place that holds notes: the vault (src/plugin/runs/vault-note-store.ts, through
 * app.vault and FileManager.processFrontMatter) or a folder on disk (src/cli/fs-note-store.ts). Paths are
 * vault-relative with forward slashes.
 */
export interface NoteStore {
	/** Makes the folder (and its parents) unless it exists; throws when a file has its name. "" is the root. */
	ensureFolder(folder: string): Promise<void>;
	/** Whether a file or folder has this path. */
	exists(path: string): boolean;
	/** Creates a note; throws when the path is taken. */
	create(path: string, text: string): Promise<void>;
	/** Rewrites a note's text through fn in one read-change-write step; false when the note is gone. */
	process(path: string, fn: (text: string) => string): Promise<boolean>;
	/** Changes a note's properties in place through fn (Obsidian's processFrontMatter); false when the note is gone. */
	processFrontMatter(path: string, fn: (fm: Record<string, unknown>) => void): Promise<boolean>;
}

export function joinVaultPath(folder: string, name: string): string {
	return folder === "" ? name : `${folder}/${name}`;
}
