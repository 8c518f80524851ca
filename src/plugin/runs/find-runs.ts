import { TFile, TFolder, type App } from "obsidian";
import { CREATED_BY, type RunRecord } from "../../runs/run-record";
import { modelFromBody, parseRunNote, sameModel } from "../../runs/run-note";
import { runFromFrontMatter } from "../../runs/run-properties";
import { splitFrontMatter, type FrontMatter } from "../../runs/yaml";
import { matchesFilters, type RunFilter } from "../../notation/log/log-block";
import { DEFAULT_SETTINGS } from "../settings";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { checkVaultFolder } from "./paths";
import type { LiveRuns } from "./live-runs";

export interface FoundRun {
	/** Vault path of the run note. */
	path: string;
	run: RunRecord;
	/** The note's front matter as written (for filters and the settings table). */
	frontMatter: FrontMatter;
}

function markdownFilesUnder(folder: TFolder, out: TFile[] = []): TFile[] {
	for (const c of folder.children) {
		if (c instanceof TFile && c.extension === "md") out.push(c);
		else if (c instanceof TFolder) markdownFilesUnder(c, out);
	}
	return out;
}

/**
 * What Obsidian's metadata cache already knows: "not a run" (skip without reading), the front matter, or null when
 * the file is not indexed yet (read it to find out). A large folder is thus filtered without reading every note.
 */
function cachedFrontMatter(app: App, file: TFile): FrontMatter | "not-a-run" | null {
	const cache = app.metadataCache.getFileCache(file);
	if (!cache) return null;
	const fm: FrontMatter | undefined = cache.frontmatter;
	return fm && fm.created_by === CREATED_BY ? fm : "not-a-run";
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

/**
 * Reads one run note; null when it is not a CNN Lab run. The front matter is read at once; the epoch table (most of
 * the cost) only when `epochs`, `batches` or `confusion` is first used, so a folder of 2 000 runs is sorted and
 * filtered without parsing every table when a block shows one or eight of them. With `live`, a note that says
 * `running` for a run this session does not train is marked `interrupted`.
 */
export async function readRun(app: App, file: TFile, live?: LiveRuns): Promise<FoundRun | null> {
	const text = await app.vault.cachedRead(file);
	const split = splitFrontMatter(text);
	const body = split.body;
	let fm = split.fm;
	const head = fm ? runFromFrontMatter(fm) : null;
	if (!fm || !head) return null;
	if (live && head.status === "running" && !live(head.runId)) {
		try {
			await markInterrupted(app, file);
		} catch {
			// Read-only or gone: it is still shown as interrupted.
		}
		head.status = "interrupted";
		fm = { ...fm, status: "interrupted" };
	}
	// The model's text is the note's ```cnn block (the `model` property is its one-line summary).
	const model = modelFromBody(body);
	if (model !== null) head.settings.model = model;
	let full: RunRecord | null = null;
	const parsed = (): RunRecord => (full ??= parseRunNote(text) ?? { ...head, epochs: [], batches: [] });
	const run = { ...head } as RunRecord;
	for (const key of ["epochs", "batches", "confusion"] as const) {
		Object.defineProperty(run, key, { enumerable: true, configurable: true, get: () => parsed()[key] });
	}
	return { path: file.path, run, frontMatter: fm };
}

/** Newest first: by start date, then by name (same-second runs are numbered). */
function newestFirst(a: FoundRun, b: FoundRun): number {
	if (a.run.date !== b.run.date) return a.run.date < b.run.date ? 1 : -1;
	return b.path.localeCompare(a.path, undefined, { numeric: true });
}

/**
 * Every CNN Lab run under a folder that passes the filters, newest first. `error` explains a bad or missing
 * folder; a folder without runs gives an empty list.
 */
export async function listRuns(app: App, folder: string, filters: readonly RunFilter[] = [], keep?: (fm: FrontMatter) => boolean, live?: LiveRuns): Promise<{ runs: FoundRun[]; error?: string; missing?: boolean }> {
	const check = checkVaultFolder(folder);
	if (!check.ok) return { runs: [], error: check.error };
	const root = check.path === "" ? app.vault.getRoot() : app.vault.getAbstractFileByPath(check.path);
	if (!root) return { runs: [], error: t("log.error.noFolder", { path: check.path }), missing: true };
	if (!(root instanceof TFolder)) return { runs: [], error: t("log.error.notFolder", { path: check.path }) };
	const runs: FoundRun[] = [];
	for (const file of markdownFilesUnder(root)) {
		const fm = cachedFrontMatter(app, file);
		if (fm === "not-a-run" || (fm && (!matchesFilters(fm, filters) || (keep && !keep(fm))))) continue;
		try {
			const r = await readRun(app, file, live);
			if (r && matchesFilters(r.frontMatter, filters) && (!keep || keep(r.frontMatter))) runs.push(r);
		} catch {
			// A note that cannot be read is not a run we can show; the others still are.
		}
	}
	runs.sort(newestFirst);
	return { runs };
}

/** The source note's path: the link resolved as Obsidian would (it may have been shortened on a rename). */
function sourceOf(app: App, r: FoundRun): string {
	const link = /^\s*\[\[([^\]|#]+)/.exec(String(r.frontMatter.source ?? ""));
	const dest = link ? app.metadataCache.getFirstLinkpathDest(link[1].trim(), r.path) : null;
	return dest?.path ?? r.run.sourcePath;
}

/**
 * The runs of one ```cnn block, newest first: runs whose source is the note and whose model text is the block's
 * (whitespace aside). With `modelText` null, every run from that note.
 */
export async function findRuns(app: App, sourcePath: string, modelText: string | null, folder = DEFAULT_SETTINGS.runsFolder, live?: LiveRuns): Promise<FoundRun[]> {
	const { runs } = await listRuns(app, folder, [], undefined, live);
	return runs.filter((r) => sourceOf(app, r) === sourcePath && (modelText === null || sameModel(r.run.settings.model, modelText)));
}

/** The latest run of a ```cnn block (see findRuns), or null when it has none. */
export async function findLatestRun(app: App, sourcePath: string, modelText: string | null, folder = DEFAULT_SETTINGS.runsFolder, live?: LiveRuns): Promise<FoundRun | null> {
	return (await findRuns(app, sourcePath, modelText, folder, live))[0] ?? null;
}
