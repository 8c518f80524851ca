import { MarkdownRenderChild, TFile, type HoverParent, type HoverPopover, type MarkdownPostProcessorContext, type TAbstractFile } from "obsidian";
import { runNotesOf, type CnnLabHost } from "./host";
import { parseLogBlock, type LogBlockSpec } from "../notation/log/log-block";
import { runFromFrontMatter } from "../runs/run-properties";
import { vaultFolderPath } from "../runs/vault-paths";
import { splitFrontMatter, type FrontMatter } from "../runs/yaml";
import type { Diagnostic } from "../notation/diagnostic";
import { loadRun, readRun, listRuns, RunNoteRefused, type FoundRun } from "./runs/find-runs";
import { liveIn } from "./runs/live-runs";
import { MAX_SHOWN_RUNS, renderRunsView, type RunsView, type ShownRun } from "../render/log/runs-view";
import { createVaultLink } from "./vault-link";
import { windowOf } from "../render/window-of";
import { t } from "../i18n";
import "../i18n/strings-log";
import "../i18n/strings-robustness";
import { appendWithCode } from "../render/code-spans";
import { registerRunNoteTables } from "./runs/run-note-tables";

/** Run notes are rewritten after every epoch; a block showing them redraws at most this often. */
const REFRESH_MS = 1000;
/** Run notes of a folder that cannot be read, named one per line; past this many, one line counts the rest. */
const MAX_REFUSALS_SAID = 5;

export function registerLogBlock(host: CnnLabHost): void {
	host.registerMarkdownCodeBlockProcessor("cnn-log", (source, el, ctx) => {
		ctx.addChild(new LogBlockChild(el, host, source, ctx));
	});
	// the run notes the block reads: their Markdown confusion table compact enough for a phone
	registerRunNoteTables(host);
}

function noteName(path: string): string {
	return (path.split("/").pop() ?? path).replace(/\.md$/i, "");
}

/**
 * One rendered ```cnn-log block. Reads the runs it names, draws them, and redraws when one of those notes changes
 * (a run still training, or a new run in a listed folder). Everything stops on unload.
 */
export class LogBlockChild extends MarkdownRenderChild implements HoverParent {
	/** The page preview of a run link hovered in this block (Obsidian sets and closes it). */
	hoverPopover: HoverPopover | null = null;
	/** Resolves when the current drawing is complete (tests and the demo wait on it). */
	ready: Promise<void> = Promise.resolve();
	view: RunsView | null = null;
	private watched = new Set<string>();
	private watchFolder: string | null = null;
	private timer: number | null = null;
	private generation = 0;
	private alive = false;
	private readonly spec: LogBlockSpec;
	/** How many runs a folder view lists (it reads and passes only the newest few). */
	private folderTotal = 0;

	constructor(
		containerEl: HTMLElement,
		private readonly host: CnnLabHost,
		source: string,
		private readonly ctx: MarkdownPostProcessorContext,
	) {
		super(containerEl);
		let spec: LogBlockSpec;
		try {
			spec = parseLogBlock(source);
		} catch (e) {
			spec = { kind: "empty", diagnostics: [{ line: 1, column: 1, severity: "error", message: e instanceof Error ? e.message : String(e) }] };
		}
		this.spec = spec;
	}

	onload(): void {
		this.alive = true;
		this.containerEl.addClass("cnn-lab", "cnn-lab-log-block");
		const onChange = (file: TAbstractFile, oldPath?: string): void => {
			if (this.concerns(file.path) || (oldPath !== undefined && this.concerns(oldPath))) this.scheduleRefresh();
		};
		this.registerEvent(this.host.app.vault.on("modify", onChange));
		this.registerEvent(this.host.app.vault.on("create", onChange));
		this.registerEvent(this.host.app.vault.on("delete", onChange));
		this.registerEvent(this.host.app.vault.on("rename", onChange));
		this.register(() => {
			this.alive = false;
			if (this.timer !== null) windowOf(this.containerEl).clearTimeout(this.timer);
			this.timer = null;
			this.generation++;
			this.view?.destroy();
			this.view = null;
		});
		this.ready = this.draw();
	}

	private concerns(path: string): boolean {
		if (this.watched.has(path)) return true;
		return this.watchFolder !== null && (this.watchFolder === "" || path.startsWith(`${this.watchFolder}/`));
	}

	private scheduleRefresh(): void {
		if (this.timer !== null) return;
		this.timer = windowOf(this.containerEl).setTimeout(() => {
			this.timer = null;
			this.ready = this.draw();
		}, REFRESH_MS);
	}

	private async draw(): Promise<void> {
		const gen = ++this.generation;
		let runs: ShownRun[] = [];
		let total = 0;
		const diagnostics: Diagnostic[] = [...this.spec.diagnostics];
		try {
			({ runs, total } = await this.collect(diagnostics));
		} catch (e) {
			diagnostics.push({ line: 1, column: 1, severity: "error", message: e instanceof Error ? e.message : String(e) });
		}
		if (gen !== this.generation || !this.alive) return;
		const el = this.containerEl;
		// Same runs with new numbers (a run still training): update the charts in place rather than redraw.
		if (this.view && runs.length && !diagnostics.length && this.view.update(runs, total)) return;
		this.view?.destroy();
		this.view = null;
		el.empty();
		if (diagnostics.length) renderDiagnostics(el, diagnostics);
		if (runs.length) this.view = renderRunsView(el, runs, total);
	}

	/** The runs to draw, and how many there are in all (a folder's notes are read only for the newest few). */
	private async collect(diagnostics: Diagnostic[]): Promise<{ runs: ShownRun[]; total: number }> {
		const runs = await this.collectRuns(diagnostics);
		return { runs, total: Math.max(runs.length, this.folderTotal) };
	}

	private async collectRuns(diagnostics: Diagnostic[]): Promise<ShownRun[]> {
		this.folderTotal = 0;
		const app = this.host.app;
		const spec = this.spec;
		this.watched.clear();
		this.watchFolder = null;
		const notes = runNotesOf(this.host);
		const fromFound = (f: FoundRun): ShownRun => ({
			label: noteName(f.path),
			epochs: f.run.epochs,
			batches: f.run.batches,
			confusion: f.run.confusion ?? null,
			settings: f.run.settings,
			status: f.run.status,
			date: f.run.date,
			durationS: f.run.durationS,
			samplesPerS: f.run.samplesPerS,
			test: f.run.test ?? null,
			framework: f.run.framework ?? null,
			link: (parent, text) => createVaultLink(app, parent, text, { linktext: f.path, sourcePath: this.ctx.sourcePath }, this),
		});
		switch (spec.kind) {
			case "empty":
				return [];
			case "data": {
				const s = spec.series;
				if (s.epochs.length === 0 && s.batches.length === 0) {
					if (!diagnostics.some((d) => d.severity === "error")) diagnostics.push({ line: 1, column: 1, severity: "error", message: t("log.error.noRows") });
					return [];
				}
				// The block inside a run note: the note's own front matter gives the settings.
				// Live Preview gives a code block no front matter: the note's own, from the metadata cache, then.
				const file = app.vault.getFileByPath(this.ctx.sourcePath);
				const cache = file ? app.metadataCache.getFileCache(file) : null;
				// A note the cache has not indexed yet (just after start-up) is read for its front matter, so that the
				// run note's own log is titled as the run, not "Pasted log".
				const fm: unknown = this.ctx.frontmatter ?? (cache ? cache.frontmatter : file ? splitFrontMatter(await app.vault.cachedRead(file)).fm : null);
				const own = fm ? runFromFrontMatter(fm as FrontMatter) : null;
				const label = own ? noteName(this.ctx.sourcePath) : spec.format !== "csv" ? t("log.label.keras") : t("log.label.csv");
				return [
					{
						label,
						epochs: s.epochs,
						batches: s.batches,
						settings: own?.settings ?? null,
						status: own?.status ?? null,
						date: own?.date ?? null,
						durationS: own?.durationS ?? null,
						samplesPerS: own?.samplesPerS ?? null,
						test: own?.test ?? null,
						framework: own?.framework ?? null,
					},
				];
			}
			case "runs": {
				const out: ShownRun[] = [];
				for (const link of spec.links) {
					// A link that leaves the vault is refused before the vault is asked about it.
					const where = vaultFolderPath(link.target);
					if (!where.ok && where.problem !== "hidden" && where.problem !== "chars") {
						diagnostics.push({ line: link.line, column: 1, severity: "error", message: t("log-bounds.link-outside", { link: link.target, why: t(`log.path.${where.problem}`) }) });
						continue;
					}
					const file = app.metadataCache.getFirstLinkpathDest(link.target, this.ctx.sourcePath);
					this.watched.add(file?.path ?? (/\.md$/i.test(link.target) ? link.target : `${link.target}.md`));
					if (!(file instanceof TFile)) {
						diagnostics.push({ line: link.line, column: 1, severity: "error", message: t("log.error.missingRun", { link: link.target }) });
						continue;
					}
					let found: FoundRun | null;
					try {
						found = await readRun(notes, file, liveIn(this.host.training));
					} catch (e) {
						// Too large to read, or a property that is not what it names: said, with the note's name.
						if (!(e instanceof RunNoteRefused)) throw e;
						diagnostics.push({ line: link.line, column: 1, severity: "error", message: e.message });
						continue;
					}
					if (!found) {
						diagnostics.push({ line: link.line, column: 1, severity: "error", message: t("log.error.notARun", { link: link.target }) });
						continue;
					}
					if (found.run.epochs.length === 0) diagnostics.push({ line: link.line, column: 1, severity: "warning", message: t("log.error.noEpochs", { link: link.target }) });
					out.push(fromFound(found));
				}
				return out;
			}
			case "folder": {
				if (spec.folder === "") return [];
				const { runs, refused, error, missing } = await listRuns(notes, spec.folder, spec.filters, undefined, liveIn(this.host.training));
				// Watched even when missing: the first run creates the folder and the block then fills in.
				this.watchFolder = spec.folder.replace(/^\/+|\/+$/g, "");
				if (error && !missing) {
					diagnostics.push({ line: spec.line, column: 1, severity: "error", message: error });
					return [];
				}
				const listRefused = refused.length;
				// Only the runs the view draws have their notes read (the newest few of a folder that may hold thousands).
				const shown: FoundRun[] = [];
				for (const head of runs) {
					if (shown.length >= MAX_SHOWN_RUNS) break;
					try {
						shown.push(await loadRun(notes, head));
					} catch (e) {
						if (!(e instanceof RunNoteRefused)) throw e;
						refused.push({ path: head.path, message: e.message });
					}
				}
				for (const r of refused.slice(0, MAX_REFUSALS_SAID)) diagnostics.push({ line: spec.line, column: 1, severity: "warning", message: r.message });
				if (refused.length > MAX_REFUSALS_SAID) diagnostics.push({ line: spec.line, column: 1, severity: "warning", message: t("log.error.moreRefused", { n: refused.length - MAX_REFUSALS_SAID }) });
				if (runs.length === 0) {
					// No runs yet (or no folder yet: the first run creates it) is a state to explain, not a mistake.
					diagnostics.push({
						line: spec.line,
						column: 1,
						severity: "info",
						message: spec.filters.length ? t("log.error.noMatch", { folder: spec.folder }) : t("log.error.emptyFolder", { folder: spec.folder }),
					});
					return [];
				}
				this.folderTotal = runs.length - (refused.length - listRefused);
				return shown.map(fromFound);
			}
		}
	}
}

function renderDiagnostics(parent: HTMLElement, diagnostics: readonly Diagnostic[]): void {
	const list = parent.createEl("ul", { cls: "cnn-lab-log-diagnostics" });
	for (const d of [...diagnostics].sort((a, b) => a.line - b.line)) {
		const li = list.createEl("li", { cls: d.severity === "error" ? "cnn-lab-error" : d.severity === "warning" ? "cnn-lab-warning" : "cnn-lab-log-info" });
		li.setAttr("data-line", d.line);
		li.createSpan({ cls: "cnn-lab-log-line", text: `${t("common.line", { n: d.line })}: ` });
		appendWithCode(li.createSpan(), d.message);
		if (d.suggestion) appendWithCode(li.createSpan({ cls: "cnn-lab-log-suggestion" }), ` → ${d.suggestion}`);
	}
}
