import { TFile, TFolder, type App } from "obsidian";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import type { NoteStore } from "../../runs/note-store";

/** The recorder's notes in the vault: app.vault for text, FileManager.processFrontMatter for properties. */
export class VaultNoteStore implements NoteStore {
	constructor(private readonly app: App) {}

	async ensureFolder(folder: string): Promise<void> {
		if (folder === "") return;
		const existing = this.app.vault.getAbstractFileByPath(folder);
		if (existing instanceof TFolder) return;
		if (existing) throw new Error(t("log.error.folderIsFile", { path: folder }));
		try {
			await this.app.vault.createFolder(folder);
		} catch (e) {
			// Another run may have made it in the meantime.
			if (!(this.app.vault.getAbstractFileByPath(folder) instanceof TFolder)) throw e;
		}
	}

	exists(path: string): boolean {
		return this.app.vault.getAbstractFileByPath(path) !== null;
	}

	async create(path: string, text: string): Promise<void> {
		await this.app.vault.create(path, text);
	}

	async process(path: string, fn: (text: string) => string): Promise<boolean> {
		const file = this.app.vault.getFileByPath(path);
		if (!(file instanceof TFile)) return false;
		await this.app.vault.process(file, fn);
		return true;
	}

	async processFrontMatter(path: string, fn: (fm: Record<string, unknown>) => void): Promise<boolean> {
		const file = this.app.vault.getFileByPath(path);
		if (!(file instanceof TFile)) return false;
		await this.app.fileManager.processFrontMatter(file, fn);
		return true;
	}
}
