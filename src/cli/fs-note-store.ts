/** The recorder's notes in a vault folder on disk, for `cnn-lab train`: what the plugin does through app.vault. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { NoteStore } from "../runs/note-store";
import { processFrontMatterText } from "../runs/yaml";

export class FsNoteStore implements NoteStore {
	constructor(private readonly root: string) {}

	private abs(path: string): string {
		return join(this.root, ...path.split("/").filter((p) => p !== ""));
	}

	ensureFolder(folder: string): Promise<void> {
		const abs = this.abs(folder);
		if (existsSync(abs) && !statSync(abs).isDirectory()) return Promise.reject(new Error(`the runs folder ${abs} is a file`));
		mkdirSync(abs, { recursive: true });
		return Promise.resolve();
	}

	exists(path: string): boolean {
		return existsSync(this.abs(path));
	}

	/** A note that could not be written whole (a full disk) is removed: no half note is left in the vault. */
	create(path: string, text: string): Promise<void> {
		const abs = this.abs(path);
		try {
			writeFileSync(abs, text, { flag: "wx" });
		} catch (e) {
			// EEXIST: the name is someone else's note, left alone; any other failure came after creating the file
			if ((e as { code?: unknown }).code !== "EEXIST") rmSync(abs, { force: true });
			throw e;
		}
		return Promise.resolve();
	}

	/** Each write goes to a temporary file first and is renamed over the note, so a crash leaves the previous one. */
	process(path: string, fn: (text: string) => string): Promise<boolean> {
		const abs = this.abs(path);
		if (!existsSync(abs)) return Promise.resolve(false);
		const next = fn(readFileSync(abs, "utf8"));
		const tmp = `${abs}.${process.pid}.tmp`;
		try {
			writeFileSync(tmp, next, { flag: "wx" });
			renameSync(tmp, abs);
		} catch (e) {
			// A full disk (ENOSPC) leaves a partial temporary file: remove it, or every later write fails on its name
			// with EEXIST and the vault keeps the fragment. The note itself still holds the previous write.
			rmSync(tmp, { force: true });
			throw e;
		}
		return Promise.resolve(true);
	}

	processFrontMatter(path: string, fn: (fm: Record<string, unknown>) => void): Promise<boolean> {
		return this.process(path, (text) => processFrontMatterText(text, fn));
	}
}
