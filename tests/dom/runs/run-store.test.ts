// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp, Component as ObsidianComponent } from "obsidian";
import { App, Component, TFile, Vault, shownNotices } from "../../support/obsidian-stub";
import { RunStore, type RunBeginOptions } from "../../../src/plugin/runs/run-store";
import { findLatestRun, findRuns, listRuns } from "../../../src/plugin/runs/find-runs";
import { checkVaultFolder } from "../../../src/plugin/runs/paths";
import { mountSaveStatus } from "../../../src/plugin/runs/save-status";
import { decodeWeights, loadWeights } from "../../../src/plugin/runs/weights-file";
import { parseRunNote } from "../../../src/runs/run-note";
import { splitFrontMatter } from "../../../src/runs/yaml";

const model = "input 8x8x1\nconv 8 3x3 pad 1\nrelu\nflatten\ndense 10\ntrain digits epochs 3 batch 32 adam lr 0.01 seed 7";
const settings = { runsFolder: "CNN runs" };
const when = new Date(2026, 10, 25, 14, 12, 5);

function opts(over: Partial<RunBeginOptions> = {}): RunBeginOptions {
	return { sourcePath: "Notes/CNN.md", modelText: model, dataset: "digits", epochs: 3, batch: 32, optimizer: "adam", lr: 0.01, weightDecay: 0, seed: 7, now: when, ...over };
}
const ep = (epoch: number) => ({ epoch, loss: 1 / epoch, acc: 0.5 + epoch / 10, valLoss: 1.2 / epoch, valAcc: 0.45 + epoch / 10 });

async function read(app: App, path: string): Promise<string> {
	const f = app.vault.getFileByPath(path);
	if (!f) throw new Error(`missing ${path}`);
	return app.vault.read(f);
}

let app: App;
/** The stand-in app as the plugin's code sees it (the vitest alias makes them the same module at run time). */
const o = (a: App): ObsidianApp => a as unknown as ObsidianApp;
beforeEach(() => {
	app = new App(new Vault({ "Notes/CNN.md": "# CNN\n" }));
	shownNotices.length = 0;
});

describe("RunStore", () => {
	it("writes the note after every epoch, in the runs folder, named after the note and time", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		expect(await run.epoch(ep(1))).toBe(true);
		expect(run.path).toBe("CNN runs/CNN 2026-11-25 1412.md");
		let back = parseRunNote(await read(app, run.path ?? ""));
		expect(back?.status).toBe("running");
		expect(back?.epochs).toHaveLength(1);
		await run.epoch(ep(2));
		await run.epoch(ep(3));
		expect(await run.finish("completed", { durationS: 4.5, samplesPerS: 960 })).toBe(true);
		back = parseRunNote(await read(app, run.path ?? ""));
		expect(back?.status).toBe("completed");
		expect(back?.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
		expect(back?.durationS).toBe(4.5);
		expect(back?.settings.model).toBe(model);
		expect(app.vault.getFiles().filter((f) => f.path.startsWith("CNN runs/"))).toHaveLength(1);
	});

	it("writes the start as Obsidian's local date-time property and tags the note", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		const text = await read(app, run.path ?? "");
		expect(text).toContain("\ndate: 2026-11-25T14:12:05\n");
		expect(splitFrontMatter(text).fm?.tags).toEqual(["cnn-run"]);
	});

	it("text the user writes in the note between two epochs survives every update", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		const path = run.path ?? "";
		const file = app.vault.getFileByPath(path);
		if (!file) throw new Error("no note");
		const mine = (await read(app, path))
			.replace("\n---\n", "\nreviewed: yes\n---\n")
			.replace("```cnn-log", "My notes: lr looks high.\n\n```cnn-log")
			.concat("\n## Next\nTry lr 0.001.\n");
		await app.vault.modify(file, mine);
		await run.epoch(ep(2));
		await run.finish("completed", { durationS: 3 });
		const text = await read(app, path);
		expect(text).toContain("My notes: lr looks high.\n\n```cnn-log");
		expect(text).toContain("\n## Next\nTry lr 0.001.\n");
		const { fm } = splitFrontMatter(text);
		expect(fm?.reviewed).toBe("yes");
		expect(fm?.status).toBe("completed");
		expect(fm?.epochs_done).toBe(2);
		expect(parseRunNote(text)?.epochs.map((e) => e.epoch)).toEqual([1, 2]);
	});

	it("a note deleted during the run is not written again: the run goes on and Save log brings it back", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		const path = run.path ?? "";
		const file = app.vault.getFileByPath(path);
		if (!file) throw new Error("no note");
		await app.vault.delete(file);
		expect(await run.epoch(ep(2))).toBe(false);
		expect(await run.finish("completed")).toBe(false);
		expect(app.vault.getFiles().filter((f) => f.path.startsWith("CNN runs/"))).toHaveLength(0);
		expect(run.detached).toBe(true);
		expect(run.lastError).toMatch(/deleted/);
		expect(run.record.epochs).toHaveLength(2);
		expect(await run.retry()).toBe(true);
		expect(parseRunNote(await read(app, run.path ?? ""))?.epochs).toHaveLength(2);
	});

	it("an interrupted run keeps the epochs it finished", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		await run.epoch(ep(2));
		// The app closes here: nothing else is written, yet the note holds two epochs.
		const back = parseRunNote(await read(app, run.path ?? ""));
		expect(back?.epochs.map((e) => e.loss)).toEqual([1, 0.5]);
		const stopped = RunStore.begin(o(app), settings, opts({ now: new Date(2026, 10, 25, 15, 0, 0) }));
		await stopped.epoch(ep(1));
		await stopped.finish("stopped");
		expect(splitFrontMatter(await read(app, stopped.path ?? "")).fm?.status).toBe("stopped");
	});

	it("never touches an existing note it did not write, and picks another name", async () => {
		const mine = "# My own note\nDo not touch.";
		await app.vault.createFolder("CNN runs");
		await app.vault.create("CNN runs/CNN 2026-11-25 1412.md", mine);
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		await run.finish("completed");
		expect(await read(app, "CNN runs/CNN 2026-11-25 1412.md")).toBe(mine);
		expect(run.path).toBe("CNN runs/CNN 2026-11-25 141205.md");
	});

	it("does not overwrite a run note that the user replaced mid-run", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		const first = run.path ?? "";
		const f = app.vault.getFileByPath(first) as TFile;
		await app.vault.modify(f, "# I pasted my notes here");
		await run.epoch(ep(2));
		expect(await read(app, first)).toBe("# I pasted my notes here");
		expect(run.path).not.toBe(first);
		expect(parseRunNote(await read(app, run.path ?? ""))?.epochs).toHaveLength(2);
	});

	it("two runs finishing in the same second get different names", async () => {
		const a = RunStore.begin(o(app), settings, opts());
		const b = RunStore.begin(o(app), settings, opts());
		const c = RunStore.begin(o(app), settings, opts());
		await Promise.all([a.epoch(ep(1)), b.epoch(ep(1)), c.epoch(ep(1))]);
		await Promise.all([a.finish("completed"), b.finish("completed"), c.finish("completed")]);
		const paths = [a.path, b.path, c.path];
		expect(new Set(paths).size).toBe(3);
		for (const [r, p] of [[a, paths[0]], [b, paths[1]], [c, paths[2]]] as const) expect(parseRunNote(await read(app, p ?? ""))?.runId).toBe(r.record.runId);
	});

	it("a runs folder that is a file gives a clear error and keeps the data", async () => {
		await app.vault.create("CNN runs", "I am a file");
		const run = RunStore.begin(o(app), settings, opts());
		expect(await run.epoch(ep(1))).toBe(false);
		expect(run.saved).toBe(false);
		expect(run.lastError).toMatch(/"CNN runs" is a file/);
		expect(shownNotices.some((n) => n.includes("is a file"))).toBe(true);
		expect(await read(app, "CNN runs")).toBe("I am a file");
		expect(run.record.epochs).toHaveLength(1);
	});

	it("a write failing half-way keeps the run in memory; Save log (retry) writes it all", async () => {
		const states: boolean[] = [];
		const run = RunStore.begin(o(app), settings, opts({ onState: (r) => states.push(r.saved) }));
		await run.epoch(ep(1));
		app.vault.failWrites = new Error("disk full");
		expect(await run.epoch(ep(2))).toBe(false);
		expect(await run.epoch(ep(3))).toBe(false);
		expect(await run.finish("completed")).toBe(false);
		expect(run.lastError).toBe("disk full");
		// One notice for the failure, not one per epoch.
		expect(shownNotices.filter((n) => n.includes("disk full"))).toHaveLength(1);
		expect(parseRunNote(await read(app, run.path ?? ""))?.epochs).toHaveLength(1);
		app.vault.failWrites = null;
		expect(await run.retry()).toBe(true);
		const back = parseRunNote(await read(app, run.path ?? ""));
		expect(back?.epochs).toHaveLength(3);
		expect(back?.status).toBe("completed");
		expect(states).toEqual([true, false, false, false, true]);
	});

	it("the block shows the failure with a Save log button that saves the run", async () => {
		const parent = document.createElement("div");
		const run = RunStore.begin(o(app), settings, opts());
		const remove = mountSaveStatus(parent, run);
		expect(parent.textContent).toContain("after the first epoch");
		app.vault.failWrites = new Error("permission denied");
		await run.epoch(ep(1));
		await run.epoch(ep(2));
		expect(parent.textContent).toContain("permission denied");
		expect(parent.textContent).toContain("2 epochs are kept in memory");
		const btn = parent.querySelector("button");
		expect(btn?.textContent).toBe("Save log");
		app.vault.failWrites = null;
		btn?.click();
		await run.flush();
		expect(parent.querySelector("button")).toBeNull();
		expect(parent.textContent).toContain("saved to CNN runs/CNN 2026-11-25 1412");
		expect(parseRunNote(await read(app, run.path ?? ""))?.epochs).toHaveLength(2);
		remove();
		expect(parent.children).toHaveLength(0);
	});

	it("follows the source note when it is renamed while training", async () => {
		const owner = new Component();
		owner.load();
		const run = RunStore.begin(o(app), settings, opts({ owner: owner as unknown as ObsidianComponent }));
		await run.epoch(ep(1));
		await app.vault.rename(app.vault.getFileByPath("Notes/CNN.md") as TFile, "Notes/Convolution.md");
		await run.flush();
		await run.epoch(ep(2));
		await run.finish("completed");
		const text = await read(app, run.path ?? "");
		expect(splitFrontMatter(text).fm?.source).toBe("[[Notes/Convolution]]");
		expect(parseRunNote(text)?.sourcePath).toBe("Notes/Convolution.md");
		expect(app.vault.listenerCount("rename")).toBe(0);
		owner.unload();
	});

	it("without an owner, finish() still ends the rename listener even when the save failed", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		app.vault.failWrites = new Error("offline");
		await run.finish("failed", { message: "NaN at epoch 1, batch 3" });
		expect(app.vault.listenerCount("rename")).toBe(0);
		app.vault.failWrites = null;
		expect(await run.retry()).toBe(true);
		expect(splitFrontMatter(await read(app, run.path ?? "")).fm?.message).toBe("NaN at epoch 1, batch 3");
	});

	it("stops listening to renames when its block unloads", () => {
		const owner = new Component();
		owner.load();
		RunStore.begin(o(app), settings, opts({ owner: owner as unknown as ObsidianComponent }));
		expect(app.vault.listenerCount("rename")).toBe(1);
		owner.unload();
		expect(app.vault.listenerCount("rename")).toBe(0);
	});

	it("refuses folders outside the vault", async () => {
		for (const bad of ["../outside", "a/../../b", "/etc", "C:\\Users\\me", "~/runs", ".obsidian/plugins", "https://example.com/x"]) {
			expect(checkVaultFolder(bad).ok, bad).toBe(false);
			const run = RunStore.begin(o(app), { runsFolder: bad }, opts());
			expect(await run.epoch(ep(1)), bad).toBe(false);
			expect(run.lastError, bad).toMatch(/cannot be used/);
		}
		expect(app.vault.getFiles().map((f) => f.path)).toEqual(["Notes/CNN.md"]);
		expect(checkVaultFolder("Study/CNN runs/")).toEqual({ ok: true, path: "Study/CNN runs" });
		expect(checkVaultFolder("")).toEqual({ ok: true, path: "" });
		expect(checkVaultFolder("/")).toEqual({ ok: true, path: "" });
		expect(checkVaultFolder("//etc")).toMatchObject({ ok: false });
	});
});

describe("finding runs", () => {
	it("findLatestRun returns the block's newest run; other models and notes do not count", async () => {
		const old = RunStore.begin(o(app), settings, opts({ now: new Date(2026, 10, 24, 9, 0, 0) }));
		await old.epoch(ep(1));
		await old.finish("completed");
		const latest = RunStore.begin(o(app), settings, opts({ now: new Date(2026, 10, 25, 9, 0, 0) }));
		await latest.epoch(ep(1));
		await latest.epoch(ep(2));
		await latest.finish("stopped");
		const otherModel = RunStore.begin(o(app), settings, opts({ modelText: "input 8x8x1\ndense 10", now: new Date(2026, 10, 26, 9, 0, 0) }));
		await otherModel.finish("completed");
		const otherNote = RunStore.begin(o(app), settings, opts({ sourcePath: "Other.md", now: new Date(2026, 10, 27, 9, 0, 0) }));
		await otherNote.finish("completed");
		const found = await findLatestRun(o(app), "Notes/CNN.md", "  input 8x8x1\nconv 8 3x3 pad 1\nrelu\nflatten\ndense 10\ntrain digits epochs 3 batch 32 adam lr 0.01 seed 7\n", "CNN runs");
		expect(found?.path).toBe(latest.path);
		expect(found?.run.epochs).toHaveLength(2);
		expect((await findRuns(o(app), "Notes/CNN.md", model, "CNN runs")).map((r) => r.path)).toEqual([latest.path, old.path]);
		expect(await findLatestRun(o(app), "Nowhere.md", model, "CNN runs")).toBeNull();
	});

	it("uses Obsidian's metadata cache so notes that are not runs are never read", async () => {
		await RunStore.begin(o(app), settings, opts()).finish("completed");
		await app.vault.create("CNN runs/big notes.md", "# lots of text\n".repeat(1000));
		const cache = app.metadataCache as unknown as { getFileCache: (f: TFile) => unknown };
		cache.getFileCache = (f: TFile) => (f.path.endsWith("big notes.md") ? { frontmatter: undefined } : null);
		const reads: string[] = [];
		const real = app.vault.cachedRead.bind(app.vault);
		app.vault.cachedRead = (f: TFile) => {
			reads.push(f.path);
			return real(f);
		};
		const { runs } = await listRuns(o(app), "CNN runs");
		expect(runs).toHaveLength(1);
		expect(reads).toEqual([runs[0].path]);
	});

	it("listRuns filters on front matter and explains a missing folder", async () => {
		await RunStore.begin(o(app), settings, opts({ dataset: "digits" })).finish("completed");
		await RunStore.begin(o(app), settings, opts({ dataset: "shapes", lr: 0.1 })).finish("completed");
		await app.vault.create("CNN runs/notes.md", "# not a run");
		expect((await listRuns(o(app), "CNN runs")).runs).toHaveLength(2);
		const digits = await listRuns(o(app), "CNN runs", [{ key: "dataset", op: "=", value: "digits" }]);
		expect(digits.runs.map((r) => r.run.settings.dataset)).toEqual(["digits"]);
		expect((await listRuns(o(app), "Missing")).error).toMatch(/no folder "Missing"/);
		expect((await listRuns(o(app), "../x")).error).toMatch(/cannot be used/);
	});
});

describe("weights beside the run", () => {
	it("saves and loads weights bit for bit, and never overwrites a foreign file", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		const w = new Float32Array([0.1, -2.5, 3e-8, 1e30, -0]);
		const b = new Float32Array([7]);
		expect(await run.saveWeights([{ name: "conv1.w", shape: [5, 1, 1, 1], data: w }, { name: "conv1.b", shape: [1], data: b }])).toBe(true);
		expect(run.weightsPath).toBe("CNN runs/CNN 2026-11-25 1412.weights.bin");
		// A link, so that Obsidian shows it as one and keeps it when the file moves.
		expect(splitFrontMatter(await read(app, run.path ?? "")).fm?.weights).toBe("[[CNN runs/CNN 2026-11-25 1412.weights.bin]]");
		const back = await loadWeights(o(app), run.path ?? "");
		if ("error" in back) throw new Error(back.error);
		expect(back.runId).toBe(run.record.runId);
		expect(back.tensors.map((x) => x.name)).toEqual(["conv1.w", "conv1.b"]);
		expect(Array.from(back.tensors[0].data)).toEqual(Array.from(w));
		expect(back.tensors[1].shape).toEqual([1]);

		const other = RunStore.begin(o(app), settings, opts({ now: new Date(2026, 10, 25, 16, 0, 0) }));
		await other.epoch(ep(1));
		const foreign = new Uint8Array([1, 2, 3]).buffer;
		await app.vault.createBinary((other.path ?? "").replace(/\.md$/, ".weights.bin"), foreign);
		expect(await other.saveWeights([{ name: "x", shape: [1], data: new Float32Array([1]) }])).toBe(false);
		expect(other.lastError).toMatch(/not written by CNN Lab/);
		expect(decodeWeights(foreign)).toEqual({ error: "not a CNN Lab weights file" });
	});
});
