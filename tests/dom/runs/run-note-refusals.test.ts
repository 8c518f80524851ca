// @vitest-environment jsdom
/**
 * Run notes read exactly or refused: a byte-order mark or a missing closing `---` does not hide a run; a property
 * that is not what it names (`date: 42`, `lr: "fast"`) is refused with the note's name instead of being shown as
 * 2042 or 0; a note larger than the pasted-log cap is refused, with its name and size, before it is read.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { TFile, Vault } from "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";
import { makeHost, renderBlock, unloadBlock, type Host, type Rendered } from "../robustness/harness";
import { RunNoteCache } from "../../../src/plugin/runs/run-notes";
import { MAX_LOG_CHARS } from "../../../src/notation/log/log-block";
import { formatRunNote } from "../../../src/runs/run-note";
import type { RunRecord } from "../../../src/runs/run-record";
import { setLanguage } from "../../../src/i18n";

const MODEL = "input 8x8x1\nflatten\ndense 10\ntrain digits epochs 2 batch 32 adam lr 0.01 seed 7";

function note(id: string, minute: number): string {
	const r: RunRecord = {
		runId: id,
		status: "completed",
		date: `2026-11-25T10:${String(minute).padStart(2, "0")}:00`,
		sourcePath: "Notes/CNN.md",
		settings: { model: MODEL, dataset: "digits", epochs: 2, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7 },
		durationS: 2,
		samplesPerS: 900,
		epochs: [
			{ epoch: 1, loss: 1.5, acc: 0.5, valLoss: 1.4, valAcc: 0.52 },
			{ epoch: 2, loss: 0.9, acc: 0.7, valLoss: 1.0, valAcc: 0.66 },
		],
		batches: [],
	};
	return formatRunNote(r);
}

const good = note("good", 1);
const files: Record<string, string> = {
	"CNN runs/good.md": good,
	"CNN runs/bom.md": `\uFEFF${note("bom", 2)}`,
	"CNN runs/bom crlf.md": `\uFEFF${note("bomcrlf", 3)}`.replace(/\n/g, "\r\n"),
	// The closing `---` lost (a hand edit): the properties end at the blank line before the title.
	"CNN runs/unclosed.md": note("unclosed", 4).replace(/\n---\n/, "\n"),
	"CNN runs/date 42.md": note("d42", 5).replace(/^date: .*$/m, "date: 42"),
	"CNN runs/fast.md": note("fast", 6).replace(/^lr: .*$/m, 'lr: "fast"'),
	// A valid run note with a few MB of pasted text under it.
	"CNN runs/huge.md": `${note("huge", 7)}\n${"x".repeat(99)}\n`.padEnd(3_000_000, "y\n"),
};

let host: Host;
let reads: string[];
const rendered: Rendered[] = [];

beforeAll(() => installFakeCanvas());
beforeEach(() => {
	setLanguage("en");
	host = makeHost(new Vault({ "Notes/CNN.md": "# CNN\n", ...files }));
	(host.app.metadataCache as unknown as { indexed: boolean }).indexed = true;
	host.runNotes = new RunNoteCache(host.app as unknown as ObsidianApp);
	reads = [];
	const vault = host.app.vault as unknown as Vault;
	const real = vault.cachedRead.bind(vault);
	vault.cachedRead = (f: TFile) => {
		reads.push(f.path);
		return real(f);
	};
});
afterEach(() => {
	for (const r of rendered.splice(0)) unloadBlock(host, r);
	host.unload();
});

async function render(source: string): Promise<Rendered> {
	const r = await renderBlock(host, "cnn-log", source, "Notes/Compare.md");
	rendered.push(r);
	return r;
}
const problems = (r: Rendered): string[] => [...r.el.querySelectorAll(".cnn-lab-log-diagnostics li")].map((li) => li.textContent ?? "");
const loss = (r: Rendered): number[] => [...r.el.querySelectorAll(".cnn-lab-log-table td")].map((td) => td.textContent ?? "").filter((x) => x === "0.9").map(Number);

describe("run notes read exactly or refused", () => {
	for (const name of ["bom", "bom crlf", "unclosed"]) {
		it(`reads a run note ${name === "unclosed" ? "without its closing ---" : `that starts with a byte-order mark (${name})`}`, async () => {
			const r = await render(`runs [[CNN runs/${name}]]`);
			expect(problems(r)).toEqual([]);
			expect(r.el.querySelector(".cnn-lab-log-table")).not.toBeNull();
			// Its settings and last epoch, as in the intact note.
			expect(r.el.textContent).toContain("digits");
			expect(r.el.textContent).toContain("2 / 2");
			expect(loss(r)).toEqual([0.9]);
		});
	}

	it("a folder view lists them too, and names each note it refuses", async () => {
		const r = await render("folder CNN runs");
		const text = r.el.textContent ?? "";
		for (const name of ["good", "bom", "bom crlf", "unclosed"]) expect(text).toContain(name);
		const said = problems(r).join("\n");
		expect(said).toMatch(/"date 42": the property date is 42, not a date and time/);
		expect(said).toMatch(/"fast": the property lr is "fast", not a number/);
		expect(said).toMatch(/"huge" is 3\.0 MB; run notes over 2\.0 MB are not read/);
		expect(text).not.toContain("2042");
	});

	it("refuses date: 42 and lr: \"fast\" behind runs [[…]] with the note's name, instead of showing 2042 and 0", async () => {
		const d = await render("runs [[CNN runs/date 42]]");
		expect(problems(d)).toEqual(['line 1: "date 42": the property date is 42, not a date and time such as 2026-11-25T14:12:00; the run is not shown.']);
		expect(d.el.textContent).not.toContain("2042");
		expect(d.el.querySelector(".cnn-lab-log-table")).toBeNull();
		const f = await render("runs [[CNN runs/good]]\nruns [[CNN runs/fast]]");
		expect(problems(f)).toEqual(['line 2: "fast": the property lr is "fast", not a number; the run is not shown.']);
		// The good run is still drawn beside the refusal.
		expect(f.el.querySelector(".cnn-lab-log-table")).not.toBeNull();
	});

	it("refuses a run note larger than the pasted-log cap behind runs [[…]], with its name and size, without reading it", async () => {
		expect(files["CNN runs/huge.md"].length).toBeGreaterThan(MAX_LOG_CHARS);
		const r = await render("runs [[CNN runs/huge]]");
		expect(problems(r)).toEqual(['line 1: "huge" is 3.0 MB; run notes over 2.0 MB are not read (as pasted logs over 2.0 MB are not).']);
		expect(reads).not.toContain("CNN runs/huge.md");
	});
});
