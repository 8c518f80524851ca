// @vitest-environment jsdom
/**
 * A vault that has trained a lot: 2 000 run notes in the runs folder. A ```cnn block with a train line looks for
 * its latest run on every render; it must sort and filter on the front matter and parse only the epoch tables it
 * shows (the latest and the previous run), not all 2 000.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { readFileSync } from "node:fs";
import { Vault } from "../../support/obsidian-stub";
import { installFakeCanvas } from "../training/fake-canvas";

const counted = vi.hoisted(() => ({ parses: 0 }));
vi.mock("../../../src/runs/run-note", async (importOriginal) => {
	const m = await importOriginal<typeof import("../../../src/runs/run-note")>();
	return {
		...m,
		parseRunNote: (text: string) => {
			counted.parses++;
			return m.parseRunNote(text);
		},
	};
});
const { demoCorpus, makeHost, renderBlock, unloadBlock } = await import("./harness");
const { listRuns, loadRun } = await import("../../../src/plugin/runs/find-runs");

const NOTE = readFileSync("examples/vault/CNN runs/CNN study notes 2026-11-26 0155.md", "utf8");
const N = 2000;

/** The demo run note, dated i minutes after midnight, with its first epoch's loss set to i (to tell them apart). */
function runNote(i: number): string {
	const minute = String(i % 60).padStart(2, "0");
	const hour = String(Math.floor(i / 60) % 24).padStart(2, "0");
	const day = String(1 + Math.floor(i / 1440)).padStart(2, "0");
	return NOTE.replace(/date: "[^"]+"/, `date: "2026-11-${day}T${hour}:${minute}:00.000Z"`).replace(/\n1,[\d.]+,/, `\n1,${i},`);
}

function vault(): Vault {
	const seed: Record<string, string> = { "Clippings/CNN study notes.md": "# notes" };
	for (let i = 0; i < N; i++) seed[`CNN runs/run ${i}.md`] = runNote(i);
	return new Vault(seed);
}

beforeAll(() => installFakeCanvas());
afterEach(() => {
	document.body.empty();
});

describe(`${N} run notes in the runs folder`, () => {
	it("listRuns sorts them newest first from the front matter, and reads an epoch table only when it is used", async () => {
		const v = vault();
		counted.parses = 0;
		const host = makeHost(v);
		const { runs } = await listRuns(host.app, "CNN runs");
		expect(runs).toHaveLength(N);
		expect(counted.parses).toBe(0);
		expect(runs[0].path).toBe(`CNN runs/run ${N - 1}.md`);
		const newest = await loadRun(host.app, runs[0]);
		expect(newest.run.epochs[0].loss).toBe(N - 1);
		expect(newest.run.epochs).toHaveLength(15);
		expect((await loadRun(host.app, runs[N - 1])).run.epochs[0].loss).toBe(0);
		expect(counted.parses).toBe(2);
		host.unload();
	});

	it("a ```cnn block shows its latest run after parsing at most the latest and the previous one", async () => {
		const host = makeHost(vault());
		const block = demoCorpus().blocks.cnn.find((b) => b.includes("train digits epochs 15"));
		expect(block).toBeDefined();
		counted.parses = 0;
		const r = await renderBlock(host, "cnn", block!, "Clippings/CNN study notes.md");
		const t0 = Date.now();
		while (!(r.el.textContent ?? "").includes(`Latest run: run ${N - 1}`) && Date.now() - t0 < 5000) await new Promise((res) => setTimeout(res, 5));
		expect(r.el.textContent).toContain(`Latest run: run ${N - 1}`);
		expect(counted.parses).toBeLessThanOrEqual(2);
		unloadBlock(host, r);
		host.unload();
	});
});
