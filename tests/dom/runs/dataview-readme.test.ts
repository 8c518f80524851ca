// @vitest-environment jsdom
/**
 * The README's Dataview queries work on run notes: every field they use is a property the run-note writer
 * (RunStore → the recorder) actually writes, with the type the query needs (a number to take max of, a date-time
 * Dataview sorts as a date, a link to compare with a note's link, a status the writer uses).
 */
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import type { App as ObsidianApp } from "obsidian";
import { App, Vault, type TFile } from "../../support/obsidian-stub";
import { RunStore, type RunBeginOptions } from "../../../src/plugin/runs/run-store";
import { RUN_STATUSES, RUN_TAG } from "../../../src/runs/run-record";
import { splitFrontMatter, type FrontMatter } from "../../../src/runs/yaml";

const README = readFileSync("README.md", "utf8");

/** The ```dataview blocks of the README's "Run notes and Dataview" section. */
function queries(): string[] {
	const start = README.indexOf("### Run notes and Dataview");
	expect(start).toBeGreaterThan(0);
	const section = README.slice(start, README.indexOf("\n## ", start));
	return [...section.matchAll(/^```dataview\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
}

const KEYWORDS = new Set(["TABLE", "LIST", "WITHOUT", "ID", "FROM", "WHERE", "GROUP", "BY", "SORT", "ASC", "DESC", "AND", "OR", "AS", "LIMIT", "FLATTEN", "null", "true", "false", "rows"]);

/** The note properties a query reads: identifiers that are not keywords, functions, `file.`/`this.` or `rows.` themselves. */
function fieldsOf(query: string): { fields: Set<string>; statuses: string[]; tags: string[] } {
	const statuses = [...query.matchAll(/status\s*!?=\s*"([^"]*)"/g)].map((m) => m[1]);
	const tags = [...query.matchAll(/#([\w/-]+)/g)].map((m) => m[1]);
	const bare = query
		.replace(/"[^"]*"/g, " ")
		.replace(/\[\[[^\]]*\]\]/g, " ")
		.replace(/#[\w/-]+/g, " ");
	const fields = new Set<string>();
	for (const m of bare.matchAll(/[A-Za-z_][\w.]*(?=\s*(\()?)/g)) {
		const [word, call] = [m[0], m[1]];
		if (call || KEYWORDS.has(word) || KEYWORDS.has(word.toUpperCase()) || /^(?:this|file)\./.test(word)) continue;
		fields.add(word.replace(/^rows\./, ""));
	}
	return { fields, statuses, tags };
}

type Kind = "string" | "number" | "date-time" | "link" | "status";
/** What each field a query may use must be in the note. */
const KIND: Record<string, Kind> = { dataset: "string", model: "string", message: "string", val_acc: "number", epochs_done: "number", date: "date-time", source: "link", status: "status" };

function isKind(v: unknown, kind: Kind): boolean {
	switch (kind) {
		case "string":
			return typeof v === "string" && v !== "";
		case "number":
			return typeof v === "number" && Number.isFinite(v);
		case "date-time":
			// Dataview reads an ISO date-time as a date (and so sorts it as one), as Obsidian's date-time property writes it.
			return typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(v);
		case "link":
			return typeof v === "string" && /^\[\[[^\]]+\]\]$/.test(v);
		case "status":
			return typeof v === "string" && (RUN_STATUSES as readonly string[]).includes(v);
	}
}

const opts = (now: Date): RunBeginOptions => ({ sourcePath: "Notes/CNN.md", modelText: "input 8x8x1\nflatten\ndense 10\ntrain digits epochs 2 batch 32 adam lr 0.01 seed 7", dataset: "digits", epochs: 2, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7, val: 0.2, now });

async function written(app: App, path: string | null): Promise<FrontMatter> {
	const f = app.vault.getFileByPath(path ?? "") as TFile | null;
	expect(f).not.toBeNull();
	const { fm } = splitFrontMatter(await app.vault.read(f as TFile));
	expect(fm).not.toBeNull();
	return fm as FrontMatter;
}

describe("the README's Dataview queries on run notes", () => {
	it("use only properties the writer produces, with the types the queries need", async () => {
		const app = new App(new Vault({ "Notes/CNN.md": "# CNN\n" }));
		const o = app as unknown as ObsidianApp;
		const done = RunStore.begin(o, { runsFolder: "CNN runs" }, opts(new Date(2026, 10, 25, 14, 12, 0)));
		await done.epoch({ epoch: 1, loss: 1.2, acc: 0.6, valLoss: 1.1, valAcc: 0.62 });
		await done.epoch({ epoch: 2, loss: 0.7, acc: 0.8, valLoss: 0.8, valAcc: 0.77 });
		await done.finish("completed");
		const failed = RunStore.begin(o, { runsFolder: "CNN runs" }, opts(new Date(2026, 10, 25, 15, 0, 0)));
		await failed.epoch({ epoch: 1, loss: 1.2, acc: 0.6, valLoss: 1.1, valAcc: 0.62 });
		await failed.finish("failed", { message: "The loss became NaN at epoch 2, batch 12." });
		const notes = { completed: await written(app, done.path), failed: await written(app, failed.path) };

		const qs = queries();
		expect(qs).toHaveLength(3);
		for (const q of qs) {
			const { fields, statuses, tags } = fieldsOf(q);
			expect(fields.size).toBeGreaterThan(0);
			// FROM #cnn-run: the tag every run note carries.
			expect(tags).toEqual([RUN_TAG]);
			for (const note of Object.values(notes)) expect(note.tags).toEqual([RUN_TAG]);
			for (const s of statuses) expect(RUN_STATUSES).toContain(s);
			for (const field of fields) {
				expect(KIND[field], `the query uses "${field}", which the test does not know`).toBeDefined();
				// The completed run has every field but message; the failed one has message too.
				const note = field === "message" ? notes.failed : notes.completed;
				expect(isKind(note[field], KIND[field]), `${field} = ${JSON.stringify(note[field])} in the written note`).toBe(true);
			}
		}
		// The values the queries compare with are the ones written.
		expect(notes.completed.status).toBe("completed");
		expect(notes.failed.status).toBe("failed");
		expect(notes.completed.source).toBe("[[Notes/CNN]]");
		expect(notes.completed.date).toBe("2026-11-25T14:12:00");
		expect(notes.completed.val_acc).toBe(0.77);
	});
});
