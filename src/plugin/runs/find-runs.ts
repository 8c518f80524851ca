import { TFile, TFolder, type App } from "obsidian";
import type { RunRecord } from "../../runs/run-record";
import { sameModel } from "../../runs/run-note";
import { modelSummary, runFromFrontMatter, runPropertyProblem } from "../../runs/run-properties";
import type { FrontMatter } from "../../runs/yaml";
import { matchesFilters, type RunFilter } from "../../notation/log/log-block";
import { DEFAULT_SETTINGS } from "../settings";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { checkVaultFolder } from "./paths";
import type { LiveRuns } from "./live-runs";
import { RunNoteCache, RunNoteRefused } from "./run-notes";

/** A run as its properties give it: enough to list, sort and filter runs without reading their notes. */
export type RunSummary = Omit<RunRecord, "epochs" | "batches" | "confusion">;

export interface RunHead {
	/** Vault path of the run note. */
	path: string;
	file: TFile;
	run: RunSummary;
	/** The note's front matter as written (for filters and the settings table). */
	frontMatter: FrontMatter;
}

/** A run with its tables: what a block draws. */
export interface FoundRun {
	/** Vault path of the run note. */
	path: string;
	run: RunRecord;
	frontMatter: FrontMatter;
}

/** A run note that was found but not read, and why (its name is in the message). */
export interface Refusal {
	path: string;
	message: string;
}

export { RunNoteCache, RunNoteRefused };

/** The plugin's cache when it has one; a fresh one (nothing kept after the call) for callers that pass the app. */
const notesFrom = (source: App | RunNoteCache): RunNoteCache => (source instanceof RunNoteCache ? source : new RunNoteCache(source));

function markdownFilesUnder(folder: TFolder, out: TFile[] = []): TFile[] {
	for (const c of folder.children) {
		if (c instanceof TFile && c.extension === "md") out.push(c);
		else if (c instanceof TFolder) markdownFilesUnder(c, out);
	}
	return out;
}

/**
 * A note left `running` by a closed app (or a crash) says `interrupted` from now on, in the note itself. Checked
 * again inside the write: a run that ended between the read and the write keeps the status it wrote.
 */
async function markInterrupted(app: App, file: TFile): Promise<void> {
	await app.fileManager.processFrontMatter(file, (fm: Record<string, unknown>) => {
		if (fm.status === "running") fm.status = "interrupted";
	});
}

function refusedProperty(file: TFile, fm: FrontMatter): string | null {
	const p = runPropertyProblem(fm);
	if (!p) return null;
	return p.key === "date" ? t("log.error.badDate", { note: file.basename, value: p.value }) : t("log.error.badNumber", { note: file.basename, key: p.key, value: p.value });
}

/**
 * A run note's properties (null when it is not a CNN Lab run), from the metadata cache: the note is not read.
 * Throws RunNoteRefused when a property cannot be what it names. With `live`, a note that says `running` for a run
 * this session does not train is marked `interrupted`.
 */
export async function readRunHead(source: App | RunNoteCache, file: TFile, live?: LiveRuns): Promise<RunHead | null> {
	const notes = notesFrom(source);
	let fm = await notes.frontMatter(file);
	const head = fm ? runFromFrontMatter(fm) : null;
	if (!fm || !head) return null;
	const problem = refusedProperty(file, fm);
	if (problem) throw new RunNoteRefused(problem);
	if (live && head.status === "running" && !live(head.runId)) {
		try {
			await markInterrupted(notes.app, file);
		} catch {
			// Read-only or gone: it is still shown as interrupted.
		}
		head.status = "interrupted";
		fm = { ...fm, status: "interrupted" };
	}
	return { path: file.path, file, run: head, frontMatter: fm };
}

/** The run with its tables and model text: the note's text, read once per version of the note (RunNoteCache). */
export async function loadRun(source: App | RunNoteCache, head: RunHead): Promise<FoundRun> {
	const body = await notesFrom(source).body(head.file);
	// The model's text is the note's ```cnn block (the `model` property is its one-line summary).
	const settings = body.model === null ? head.run.settings : { ...head.run.settings, model: body.model };
	const run: RunRecord = { ...head.run, settings, epochs: body.epochs, batches: body.batches, ...(body.confusion ? { confusion: body.confusion } : {}) };
	return { path: head.path, run, frontMatter: head.frontMatter };
}

/** One run note, read whole; null when it is not a CNN Lab run. Throws RunNoteRefused (too large, a bad property). */
export async function readRun(source: App | RunNoteCache, file: TFile, live?: LiveRuns): Promise<FoundRun | null> {
	const notes = notesFrom(source);
	const head = await readRunHead(notes, file, live);
	return head ? loadRun(notes, head) : null;
}

/** Newest first: by start date, then by name (same-second runs are numbered). */
function newestFirst(a: RunHead, b: RunHead): number {
	if (a.run.date !== b.run.date) return a.run.date < b.run.date ? 1 : -1;
	return b.path.localeCompare(a.path, undefined, { numeric: true });
}

/**
 * Every CNN Lab run under a folder that passes the filters, newest first, from the notes' properties (the notes
 * themselves are not read: loadRun reads the ones drawn). `error` explains a bad or missing folder; a folder
 * without runs gives an empty list; `refused` names the run notes that cannot be read, and why.
 */
export async function listRuns(
	source: App | RunNoteCache,
	folder: string,
	filters: readonly RunFilter[] = [],
	keep?: (fm: FrontMatter) => boolean,
	live?: LiveRuns,
): Promise<{ runs: RunHead[]; refused: Refusal[]; error?: string; missing?: boolean }> {
	const notes = notesFrom(source);
	const app = notes.app;
	const check = checkVaultFolder(folder);
	if (!check.ok) return { runs: [], refused: [], error: check.error };
	const root = check.path === "" ? app.vault.getRoot() : app.vault.getAbstractFileByPath(check.path);
	if (!root) return { runs: [], refused: [], error: t("log.error.noFolder", { path: check.path }), missing: true };
	if (!(root instanceof TFolder)) return { runs: [], refused: [], error: t("log.error.notFolder", { path: check.path }) };
	const runs: RunHead[] = [];
	const refused: Refusal[] = [];
	for (const file of markdownFilesUnder(root)) {
		try {
			const r = await readRunHead(notes, file, live);
			if (r && matchesFilters(r.frontMatter, filters) && (!keep || keep(r.frontMatter))) runs.push(r);
		} catch (e) {
			// A note that cannot be read is not a run we can show; the others still are.
			if (e instanceof RunNoteRefused) refused.push({ path: file.path, message: e.message });
		}
	}
	runs.sort(newestFirst);
	return { runs, refused };
}

/** The source note's path: the link resolved as Obsidian would (it may have been shortened on a rename). */
function sourceOf(app: App, r: RunHead): string {
	const link = /^\s*\[\[([^\]|#]+)/.exec(String(r.frontMatter.source ?? ""));
	const dest = link ? app.metadataCache.getFirstLinkpathDest(link[1].trim(), r.path) : null;
	return dest?.path ?? r.run.sourcePath;
}

/**
 * The runs of one ```cnn block, newest first: runs whose source is the note and whose model text is the block's
 * (whitespace aside). With `modelText` null, every run from that note. At most `max` runs: the notes are read newest
 * first only until that many match (a block shows its latest run and the one before).
 */
export async function findRuns(source: App | RunNoteCache, sourcePath: string, modelText: string | null, folder = DEFAULT_SETTINGS.runsFolder, live?: LiveRuns, max = Infinity): Promise<FoundRun[]> {
	const notes = notesFrom(source);
	// The `model` property is the layers in one line: a different one is a different model, with no need to read the note.
	const summary = modelText === null ? null : modelSummary(modelText);
	const { runs } = await listRuns(notes, folder, [], undefined, live);
	const out: FoundRun[] = [];
	for (const head of runs) {
		if (out.length >= max) break;
		if (sourceOf(notes.app, head) !== sourcePath) continue;
		if (summary !== null && head.run.settings.model !== "" && modelSummary(head.run.settings.model) !== summary) continue;
		let found: FoundRun;
		try {
			found = await loadRun(notes, head);
		} catch {
			continue;
		}
		if (modelText === null || sameModel(found.run.settings.model, modelText)) out.push(found);
	}
	return out;
}

/** The latest run of a ```cnn block (see findRuns), or null when it has none. */
export async function findLatestRun(source: App | RunNoteCache, sourcePath: string, modelText: string | null, folder = DEFAULT_SETTINGS.runsFolder, live?: LiveRuns): Promise<FoundRun | null> {
	return (await findRuns(source, sourcePath, modelText, folder, live, 1))[0] ?? null;
}
