/** The vault a note lives in, the plugin's settings there, and run notes written into it without overwriting anyone's file. */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { DEFAULT_SETTINGS, type CnnLabSettings } from "../plugin/settings";
import { isOwnRunNote, vaultFolderPath } from "../runs/run-log";

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

const pad = (n: number): string => String(n).padStart(2, "0");

/**
 * Writes one run's note again and again (after every epoch) under a name chosen once: `<title> YYYY-MM-DD HHmm`,
 * then with seconds, then numbered; a file that exists and was not written for this run is never touched. Each
 * write goes to a temporary file first and is renamed over the note, so a crash leaves the previous epoch's note.
 */
export class RunNoteFile {
	path: string | null = null;

	constructor(
		private readonly folderAbs: string,
		private readonly title: string,
		private readonly runId: string,
		private readonly startedAt: Date,
	) {}

	private choose(): string {
		if (existsSync(this.folderAbs) && !statSync(this.folderAbs).isDirectory()) {
			throw new Error(`the runs folder ${this.folderAbs} is a file`);
		}
		mkdirSync(this.folderAbs, { recursive: true });
		const d = this.startedAt;
		const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
		const hm = `${pad(d.getHours())}${pad(d.getMinutes())}`;
		const stems = [`${this.title} ${day} ${hm}`, `${this.title} ${day} ${hm}${pad(d.getSeconds())}`];
		for (let i = 2; i < 1000; i++) stems.push(`${this.title} ${day} ${hm}${pad(d.getSeconds())} ${i}`);
		for (const s of stems) {
			const p = join(this.folderAbs, `${s}.md`);
			if (!existsSync(p)) return p;
		}
		throw new Error(`no free note name in ${this.folderAbs}`);
	}

	/** Writes `render(stem)` (the note's name without .md, its title) and returns the note's path. */
	write(render: (stem: string) => string): string {
		if (this.path && existsSync(this.path) && !isOwnRunNote(readFileSync(this.path, "utf8"), this.runId)) {
			// Someone replaced our note while the run went on: leave theirs and continue under a new name.
			this.path = null;
		}
		this.path ??= this.choose();
		const tmp = `${this.path}.${process.pid}.tmp`;
		writeFileSync(tmp, render(basename(this.path).replace(/\.md$/i, "")), { flag: "wx" });
		renameSync(tmp, this.path);
		return this.path;
	}
}
