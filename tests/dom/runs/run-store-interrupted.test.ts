// @vitest-environment jsdom
/** A run note left `running` by a closed app says `interrupted` the next time it is read, in the note itself. */
import { beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp } from "obsidian";
import { App, Vault } from "../../support/obsidian-stub";
import { RunStore, type RunBeginOptions } from "../../../src/plugin/runs/run-store";
import { findLatestRun, listRuns, loadRun } from "../../../src/plugin/runs/find-runs";
import { liveIn } from "../../../src/plugin/runs/live-runs";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { splitFrontMatter } from "../../../src/runs/yaml";

const model = "input 8x8x1\nflatten\ndense 10\ntrain digits epochs 3 batch 32 adam lr 0.01 seed 7";
const opts = (over: Partial<RunBeginOptions>): RunBeginOptions => ({ sourcePath: "Notes/CNN.md", modelText: model, dataset: "digits", epochs: 3, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7, ...over });
const ep = (epoch: number) => ({ epoch, loss: 1 / epoch, acc: 0.5, valLoss: 1, valAcc: 0.4 });

let app: App;
const o = (a: App): ObsidianApp => a as unknown as ObsidianApp;
beforeEach(() => {
	app = new App(new Vault({ "Notes/CNN.md": "# CNN\n" }));
});

async function statusInNote(path: string): Promise<unknown> {
	const f = app.vault.getFileByPath(path);
	if (!f) throw new Error(`missing ${path}`);
	return splitFrontMatter(await app.vault.read(f)).fm?.status;
}

/** A run that wrote one epoch and was never finished: the app closed under it. */
async function leftRunning(now: Date): Promise<string> {
	const run = RunStore.begin(o(app), { runsFolder: "CNN runs" }, opts({ now }));
	await run.epoch(ep(1));
	return run.path ?? "";
}

describe("runs left running by a closed app", () => {
	it("are marked interrupted in the note when a new session reads them; finished runs are left as they are", async () => {
		const left = await leftRunning(new Date(2026, 10, 25, 14, 12));
		const done = RunStore.begin(o(app), { runsFolder: "CNN runs" }, opts({ now: new Date(2026, 10, 25, 15, 0) }));
		await done.epoch(ep(1));
		await done.finish("completed");
		expect(await statusInNote(left)).toBe("running");
		const doneText = await app.vault.read(app.vault.getFileByPath(done.path ?? "")!);

		// A new session: its hub trains nothing.
		const { runs } = await listRuns(o(app), "CNN runs", [], undefined, liveIn(new TrainingHub()));
		expect(runs.map((r) => [r.path, r.run.status])).toEqual([
			[done.path, "completed"],
			[left, "interrupted"],
		]);
		expect(runs[1].frontMatter.status).toBe("interrupted");
		expect(await statusInNote(left)).toBe("interrupted");
		// The rest of the note is as it was: its epoch is still there.
		expect((await findLatestRun(o(app), "Notes/CNN.md", null, "CNN runs"))?.run.status).toBe("completed");
		expect((await loadRun(o(app), (await listRuns(o(app), "CNN runs")).runs[1])).run.epochs).toHaveLength(1);
		expect(await app.vault.read(app.vault.getFileByPath(done.path ?? "")!)).toBe(doneText);
	});

	it("a run this session is still training keeps `running`, and its next epoch still writes", async () => {
		const run = RunStore.begin(o(app), { runsFolder: "CNN runs" }, opts({ now: new Date(2026, 10, 25, 14, 12) }));
		await run.epoch(ep(1));
		const path = run.path ?? "";
		const live = (id: string): boolean => id === run.record.runId;
		const { runs } = await listRuns(o(app), "CNN runs", [], undefined, live);
		expect(runs[0].run.status).toBe("running");
		expect(await statusInNote(path)).toBe("running");
		expect(await run.epoch(ep(2))).toBe(true);
		expect(await statusInNote(path)).toBe("running");
		// Read without knowing which runs are live (no hub): nothing is changed.
		await listRuns(o(app), "CNN runs");
		expect(await statusInNote(path)).toBe("running");
	});
});
