// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from "vitest";
import type { App as ObsidianApp, Component as ObsidianComponent } from "obsidian";
import { App, Component, TFile, Vault, shownNotices } from "../../support/obsidian-stub";
import { RunStore, type RunBeginOptions } from "../../../src/plugin/runs/run-store";
import { findLatestRun, findRuns, listRuns } from "../../../src/plugin/runs/find-runs";
import { checkVaultFolder } from "../../../src/plugin/runs/paths";
import { mountSaveStatus } from "../../../src/plugin/runs/save-status";
import { encodeWeights, loadRunWeights } from "../../../src/plugin/runs/weights-file";
import { runWeightsFile } from "../../../src/worker/run-weights";
import { readSafetensors } from "../../../src/interop/safetensors";
import type { ModelSpec } from "../../../src/engine/model-spec";
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

	it("spaces epoch writes by writeEveryMs, and writes the end of the run at once", async () => {
		// Each rewrite of a run note ends with one processFrontMatter call (its properties).
		let writes = 0;
		const fm = app.fileManager.processFrontMatter.bind(app.fileManager);
		app.fileManager.processFrontMatter = (f, fn) => {
			writes++;
			return fm(f, fn);
		};
		const run = RunStore.begin(o(app), settings, opts({ writeEveryMs: 300 }));
		const t0 = Date.now();
		await run.epoch(ep(1));
		const first = writes;
		// Five epochs at once: they fold into one write, made when the spacing has passed.
		const pending = [2, 3, 4, 5, 6].map((e) => run.epoch(ep(e)));
		expect(writes).toBe(first);
		await Promise.all(pending);
		expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
		expect(writes).toBe(first + 1);
		expect(parseRunNote(await read(app, run.path ?? ""))?.epochs).toHaveLength(6);
		// An epoch, then the end straight after: the end does not wait out the spacing and carries the epoch.
		const t1 = Date.now();
		void run.epoch(ep(7));
		expect(await run.finish("completed")).toBe(true);
		expect(Date.now() - t1).toBeLessThan(250);
		const back = parseRunNote(await read(app, run.path ?? ""));
		expect(back?.status).toBe("completed");
		expect(back?.epochs).toHaveLength(7);
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
	// conv → batch norm → relu → flatten → dense: parameters and running statistics both go into the file.
	const net: ModelSpec = {
		input: [1, 4, 4],
		layers: [
			{ type: "conv", filters: 2, kernel: [3, 3], stride: [1, 1], pad: [1, 1], dilation: [1, 1], bias: true },
			{ type: "batchnorm" },
			{ type: "relu" },
			{ type: "flatten" },
			{ type: "dense", units: 3, bias: true },
		],
	};
	// 2·1·3·3 + 2 conv, 2 + 2 batch-norm affine, 3·32 + 3 dense; then running mean 2, var 2, the batch counter 1.
	const count = 18 + 2 + 4 + 96 + 3 + 5;
	const flat = Float32Array.from({ length: count }, (_, i) => (i === count - 1 ? 12 : Math.sin(i) * 3));
	const bytesFor = (runId: string): Uint8Array => {
		const f = runWeightsFile(net, flat, runId);
		if (!f.ok) throw new Error(f.error);
		return f.bytes;
	};

	it("saves <note>.safetensors with state_dict names and running statistics, linked from the note, and loads it back bit for bit", async () => {
		const run = RunStore.begin(o(app), settings, opts());
		await run.epoch(ep(1));
		expect(await run.saveWeights(bytesFor)).toBe(true);
		expect(run.weightsPath).toBe("CNN runs/CNN 2026-11-25 1412.safetensors");
		// A link, so that Obsidian shows it as one and keeps it when the file moves.
		expect(splitFrontMatter(await read(app, run.path ?? "")).fm?.weights).toBe("[[CNN runs/CNN 2026-11-25 1412.safetensors]]");
		const file = app.vault.getFileByPath(run.weightsPath ?? "");
		if (!file) throw new Error("no weights file");
		const parsed = readSafetensors(new Uint8Array(await app.vault.readBinary(file)));
		if (!parsed.ok) throw new Error(parsed.error);
		expect([...parsed.file.tensors.keys()]).toEqual(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "4.bias"]);
		expect(parsed.file.tensors.get("4.weight")?.shape).toEqual([3, 32]);
		expect(parsed.file.tensors.get("1.num_batches_tracked")).toMatchObject({ dtype: "I64", shape: [] });
		expect(parsed.file.metadata.run_id).toBe(run.record.runId);
		const back = await loadRunWeights(o(app), run.path ?? "", run.record.weights ?? null, net);
		if ("error" in back) throw new Error(back.error);
		expect(Array.from(back.weights)).toEqual(Array.from(flat));
	});

	it("never overwrites a file it did not write, and says why a file does not fit the network", async () => {
		const other = RunStore.begin(o(app), settings, opts({ now: new Date(2026, 10, 25, 16, 0, 0) }));
		await other.epoch(ep(1));
		const path = (other.path ?? "").replace(/\.md$/, ".safetensors");
		await app.vault.createBinary(path, new Uint8Array([1, 2, 3]).buffer);
		expect(await other.saveWeights(bytesFor)).toBe(false);
		expect(other.lastError).toMatch(/not written by CNN Lab/);
		const bad = await loadRunWeights(o(app), other.path ?? "", null, net);
		expect(bad).toEqual({ error: expect.stringMatching(/1600\.safetensors: not a valid safetensors file/) });
		const smaller: ModelSpec = { input: [1, 4, 4], layers: [{ type: "flatten" }, { type: "dense", units: 3, bias: true }] };
		const f = runWeightsFile(smaller, new Float32Array(51), "x");
		if (!f.ok) throw new Error(f.error);
		await app.vault.modifyBinary(app.vault.getFileByPath(path) as TFile, f.bytes.slice().buffer);
		const misfit = await loadRunWeights(o(app), other.path ?? "", null, net);
		expect("error" in misfit && misfit.error).toMatch(/0\.weight: missing from the file \(layer 1 needs 2×1×3×3\)/);
	});

	it("still reads the older CNNW weights file of a run", async () => {
		await app.vault.createBinary("CNN runs/Old.weights.bin", encodeWeights("r1", [{ name: "parameters", shape: [count], data: flat }]));
		const back = await loadRunWeights(o(app), "CNN runs/Old.md", "Old.weights.bin", net);
		if ("error" in back) throw new Error(back.error);
		expect(Array.from(back.weights)).toEqual(Array.from(flat));
	});
});
