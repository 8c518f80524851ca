import type { App, CachedMetadata, TFile } from "obsidian";
import type { EpochMetrics, LossPoint } from "../../engine/run-metrics";
import { modelFromBody, parseRunNote } from "../../runs/run-note";
import type { ConfusionRecord } from "../../runs/run-record";
import { splitFrontMatter, type FrontMatter } from "../../runs/yaml";
import { MAX_LOG_CHARS } from "../../notation/log/log-block";
import { t } from "../../i18n";
import "../../i18n/strings-log";

/** What only the note's text gives: the model as its ```cnn block, and the tables of its ```cnn-log block. */
export interface RunBody {
	/** The ```cnn block's text; null in notes written before the model moved into the body. */
	model: string | null;
	epochs: EpochMetrics[];
	batches: LossPoint[];
	confusion?: ConfusionRecord;
}

/** A run note that is not read: too large, or a property that cannot be what it names. Its message says which. */
export class RunNoteRefused extends Error {}

/**
 * Most bytes of a run note read: the pasted-log cap (MAX_LOG_CHARS). A note's ```cnn-log block is its log, and a
 * 32 MB note took 10–13 s to draw; the writer's notes stay far below it (the batch curve is thinned).
 */
export const MAX_RUN_NOTE_BYTES = MAX_LOG_CHARS;

const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

function refuseLarge(file: TFile, bytes: number): void {
	if (bytes > MAX_RUN_NOTE_BYTES) throw new RunNoteRefused(t("log.error.noteTooLarge", { note: file.basename, mb: mb(bytes), max: mb(MAX_RUN_NOTE_BYTES) }));
}

/**
 * Whether Obsidian's index may have missed a front matter that CNN Lab reads: with no closing `---` the first line
 * parses as a thematic break; after a byte-order mark, `---` … `---` parses as a setext heading. Only then is a
 * note without front matter read to find out.
 */
function mayHideFrontMatter(cache: CachedMetadata): boolean {
	const first = cache.sections?.[0];
	if (first?.position.start.line === 0 && first.type === "thematicBreak") return true;
	const h = cache.headings?.[0];
	return h?.position.start.line === 0 && /^\uFEFF?---/.test(h.heading);
}

interface Entry {
	mtime: number;
	size: number;
	/** The front matter read from the text (only for notes Obsidian has not indexed, or indexed without it). */
	fm?: FrontMatter | null;
	body?: RunBody;
}

/**
 * The run notes the plugin has read, by path, valid while the file's mtime and size stay the same. The front matter
 * comes from Obsidian's metadata cache (no read at all); a note's text is read only for the runs a block draws, and
 * once until the note changes. A block that re-renders (a new run in its folder, the note reopened) thus reads
 * only what changed. Owned by the plugin (main.ts), dropped with it.
 */
export class RunNoteCache {
	private readonly entries = new Map<string, Entry>();

	constructor(readonly app: App) {}

	/** The properties of a note: the metadata cache's, or the note's own when Obsidian has not indexed it (or missed them). */
	async frontMatter(file: TFile): Promise<FrontMatter | null> {
		const cache = this.app.metadataCache.getFileCache(file);
		const fm: FrontMatter | undefined = cache?.frontmatter;
		if (fm) return fm;
		if (cache && !mayHideFrontMatter(cache)) return null;
		const e = this.entry(file);
		if (e.fm === undefined) e.fm = splitFrontMatter(await this.text(file)).fm;
		return e.fm;
	}

	/** The model text and the tables, parsed once per version of the note. */
	async body(file: TFile): Promise<RunBody> {
		const e = this.entry(file);
		if (!e.body) {
			const text = await this.text(file);
			const r = parseRunNote(text);
			e.body = { model: modelFromBody(splitFrontMatter(text).body), epochs: r?.epochs ?? [], batches: r?.batches ?? [], ...(r?.confusion ? { confusion: r.confusion } : {}) };
		}
		return e.body;
	}

	/** Drops what was kept of a note (deleted, or renamed away from this path). */
	forget(path: string): void {
		this.entries.delete(path);
	}

	private entry(file: TFile): Entry {
		const e = this.entries.get(file.path);
		if (e && e.mtime === file.stat.mtime && e.size === file.stat.size) return e;
		const fresh: Entry = { mtime: file.stat.mtime, size: file.stat.size };
		this.entries.set(file.path, fresh);
		return fresh;
	}

	/** The note's text, refused before reading when the file is larger than the cap (and after, should its size have been stale). */
	private async text(file: TFile): Promise<string> {
		refuseLarge(file, file.stat.size);
		const text = await this.app.vault.cachedRead(file);
		refuseLarge(file, text.length);
		return text;
	}
}
