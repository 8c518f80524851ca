// @vitest-environment jsdom
/**
 * Run notes are read through Obsidian's metadata cache first: listing a runs folder reads no note, a block reads the
 * notes it draws, and the plugin's cache (by path and mtime) keeps a re-render from reading them again.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { TFile, Vault } from "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { makeHost, renderBlock, unloadBlock, type Host, type Rendered } from "../robustness/harness";
import { RunNoteCache } from "../../../src/plugin/runs/run-notes";
import { formatRunNote } from "../../../src/runs/run-note";
import type { RunRecord } from "../../../src/runs/run-record";
import { setLanguage } from "../../../src/i18n";

const MODEL = "input 8x8x1\nconv 4 3x3 pad 1\nrelu\nflatten\ndense 10\ntrain digits epochs 3 batch 32 adam lr 0.01 seed 7";
const N = 20;

function record(i: number, epochs = 3): RunRecord {
	return {
		runId: `r${i}`,
		status: "completed",
		date: `2026-11-25T10:${String(i).padStart(2, "0")}:00`,
		sourcePath: "Notes/CNN.md",
		settings: { model: MODEL, dataset: "digits", epochs: 3, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7 },
		durationS: 2,
		samplesPerS: 900,
		epochs: Array.from({ length: epochs }, (_, e) => ({ epoch: e + 1, loss: 1 / (e + 1) + i, acc: 0.5, valLoss: 1, valAcc: 0.4 })),
		batches: [],
	};
}

let host: Host;
let reads: string[];
const rendered: Rendered[] = [];

beforeAll(() => installFakeCanvas());
beforeEach(() => {
	setLanguage("en");
	const seed: Record<string, string> = { "Notes/CNN.md": `# CNN\n\n\`\`\`cnn\n${MODEL}\n\`\`\`\n`, "CNN runs/readme.md": "# Not a run\n" };
	for (let i = 0; i < N; i++) seed[`CNN runs/run ${String(i).padStart(2, "0")}.md`] = formatRunNote(record(i));
	host = makeHost(new Vault(seed));
	// As in Obsidian: every note indexed, front matter in the metadata cache.
	(host.app.metadataCache as unknown as { indexed: boolean }).indexed = true;
	host.runNotes = new RunNoteCache(host.app as unknown as ObsidianApp);
	reads = [];
	const vault = host.app.vault as unknown as Vault;
	const count =
		(real: (f: TFile) => Promise<string>) =>
		(f: TFile): Promise<string> => {
			reads.push(f.path);
			return real.call(vault, f);
		};
	vault.read = count(vault.read);
	vault.cachedRead = count(vault.cachedRead);
});
afterEach(() => {
	for (const r of rendered.splice(0)) unloadBlock(host, r);
	host.unload();
});

async function render(lang: "cnn" | "cnn-log", source: string): Promise<Rendered> {
	const r = await renderBlock(host, lang, source, "Notes/CNN.md");
	rendered.push(r);
	return r;
}

describe("run notes through the metadata cache", () => {
	it("a ```cnn-log folder view reads only the notes it draws, nothing more when drawn again, and a changed note once", async () => {
		const first = await render("cnn-log", "folder CNN runs");
		expect(first.el.querySelector(".cnn-lab-log-more")?.textContent).toBe(`Showing the newest 8 of ${N} runs.`);
		// The 8 newest, each read once; the 12 others and the note that is no run are known from their properties.
		expect([...reads].sort()).toEqual(Array.from({ length: 8 }, (_, k) => `CNN runs/run ${String(N - 1 - k).padStart(2, "0")}.md`).sort());

		reads = [];
		const again = await render("cnn-log", "folder CNN runs");
		expect(again.el.querySelector(".cnn-lab-log-more")?.textContent).toBe(`Showing the newest 8 of ${N} runs.`);
		expect(reads).toEqual([]);

		// A run note that changed (a fourth epoch written) is read again, and only that one.
		const changed = host.app.vault.getFileByPath("CNN runs/run 19.md") as unknown as TFile;
		await (host.app.vault as unknown as Vault).modify(changed, formatRunNote(record(19, 4)));
		reads = [];
		const third = await render("cnn-log", "folder CNN runs where status = completed");
		expect(reads).toEqual(["CNN runs/run 19.md"]);
		expect(third.el.textContent).toContain("4 / 3");
	});

	it("a ```cnn block with a train line reads its latest two runs once, then nothing on the next render", async () => {
		const waitLatest = async (r: Rendered): Promise<void> => {
			const t0 = Date.now();
			while (!(r.el.textContent ?? "").includes("Latest run: run 19") && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 5));
			expect(r.el.textContent).toContain("Latest run: run 19");
		};
		await waitLatest(await render("cnn", MODEL));
		expect([...reads].sort()).toEqual(["CNN runs/run 18.md", "CNN runs/run 19.md"]);
		reads = [];
		await waitLatest(await render("cnn", MODEL));
		expect(reads).toEqual([]);
	});

	it("runs [[…]] reads its note once per version", async () => {
		await render("cnn-log", "runs [[CNN runs/run 03]]");
		expect(reads).toEqual(["CNN runs/run 03.md"]);
		reads = [];
		await render("cnn-log", "runs [[CNN runs/run 03]]");
		expect(reads).toEqual([]);
	});
});
