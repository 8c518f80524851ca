// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App, Editor, Plugin, shownNoticeEls, shownNotices } from "../../support/obsidian-stub";
import { FOREIGN_TERMINATOR, LINE_TERMINATORS } from "../../support/line-terminators";
import { registerCommands } from "../../../src/plugin/commands";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import type { CnnLabHost } from "../../../src/plugin/host";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { setLanguage } from "../../../src/i18n";

type Cmd = {
	id: string;
	name: string;
	hotkeys?: unknown[];
	callback?: () => unknown;
	checkCallback?: (checking: boolean) => boolean | void;
	editorCallback?: (e: Editor, ctx: unknown) => unknown;
};

function setup(): { host: CnnLabHost; cmds: Map<string, Cmd> } {
	const plugin = new Plugin(new App(), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "0", description: "", author: "" });
	const host = plugin as unknown as CnnLabHost;
	host.settings = { ...DEFAULT_SETTINGS, runsFolder: "Study runs" };
	host.training = new TrainingHub();
	host.saveSettings = async () => {};
	registerCommands(host);
	return { host, cmds: new Map((plugin.commands as Cmd[]).map((c) => [c.id, c])) };
}

const ctx = { file: { basename: "LeNet notes" } };

let clip: string[] = [];
beforeEach(() => {
	setLanguage("en");
	clip = [];
	shownNotices.length = 0;
	Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: vi.fn(async (s: string) => void clip.push(s)) } });
});
afterEach(() => setLanguage("en"));

describe("commands", () => {
	it("registers the commands without default hotkeys and with ids free of the plugin id", () => {
		const { cmds } = setup();
		expect([...cmds.keys()].sort()).toEqual(["copy-as-keras", "copy-as-pytorch", "insert-conv-block", "insert-log-block", "insert-network-block", "stop-all-training", "train-block-under-cursor"]);
		for (const c of cmds.values()) {
			expect(c.hotkeys).toBeUndefined();
			expect(c.id).not.toMatch(/cnn-lab/);
			expect(c.name).not.toMatch(/CNN Lab/);
		}
	});

	it("inserts each template at the cursor as a block of its own", () => {
		const { cmds } = setup();
		const ed = new Editor("Intro line\nmore", { line: 0, ch: 5 });
		cmds.get("insert-network-block")?.editorCallback?.(ed, ctx);
		const lines = ed.getValue().split("\n");
		expect(lines[0]).toBe("Intro");
		expect(lines[1]).toBe("```cnn");
		expect(lines).toContain("train digits epochs 15 batch 32 adam lr 0.01 seed 7");
		expect(ed.getValue()).toMatch(/```\n\n line\nmore$/);

		const ed2 = new Editor("", { line: 0, ch: 0 });
		cmds.get("insert-conv-block")?.editorCallback?.(ed2, ctx);
		expect(ed2.getValue().startsWith("```cnn-conv\ninput\n  1 2 3 0 1")).toBe(true);

		const ed3 = new Editor("", { line: 0, ch: 0 });
		cmds.get("insert-log-block")?.editorCallback?.(ed3, ctx);
		expect(ed3.getValue()).toBe("```cnn-log\nfolder Study runs\n```\n");
	});

	it("stops every running training and says how many; it is in the palette only while something runs", () => {
		const { host, cmds } = setup();
		const stop = cmds.get("stop-all-training");
		expect(stop?.callback).toBeUndefined();
		expect(stop?.checkCallback?.(true)).toBe(false);
		const stopped: string[] = [];
		host.training.add(() => stopped.push("a"));
		host.training.add(() => stopped.push("b"));
		expect(stop?.checkCallback?.(true)).toBe(true);
		expect(stopped).toEqual([]);
		stop?.checkCallback?.(false);
		expect(stopped.sort()).toEqual(["a", "b"]);
		expect(host.training.running).toBe(0);
		expect(shownNotices.at(-1)).toBe("Stopped 2 training runs.");
		expect(stop?.checkCallback?.(true)).toBe(false);
	});

	const lenetNote = ["# LeNet", "", "```cnn", "input 32x32x1", "conv 6 5x5", "relu", "maxpool 2", "flatten", "dense 10", "```", "after"].join("\n");

	it("copies the block under the cursor as PyTorch code", async () => {
		const { cmds } = setup();
		await cmds.get("copy-as-pytorch")?.editorCallback?.(new Editor(lenetNote, { line: 4, ch: 2 }), ctx);
		expect(clip).toHaveLength(1);
		const code = clip[0];
		expect(code).toMatch(/import torch/);
		expect(code).toMatch(/nn\.Conv2d\(1, 6, kernel_size=\(?5/);
		expect(code).toMatch(/nn\.MaxPool2d/);
		// flatten of 14×14×6 feeds 1176 inputs into the dense layer
		expect(code).toMatch(/nn\.Linear\(1176, 10\)/);
		expect(shownNotices.at(-1)).toBe("Copied the network as PyTorch code.");
	});

	it("copies a header in which neither the note's name nor the block can start a line of code, whatever line terminator they hold", async () => {
		const { cmds } = setup();
		const safe = (name: string): void => {
			for (const code of clip) {
				expect(code, name).not.toMatch(FOREIGN_TERMINATOR);
				for (const line of code.split("\n")) if (line.includes("import os")) expect(line.trimStart().startsWith("#"), `${name}: ${JSON.stringify(line)}`).toBe(true);
			}
		};
		for (const [name, term] of Object.entries(LINE_TERMINATORS)) {
			// In the note's name: copied, and harmless.
			clip.length = 0;
			for (const id of ["copy-as-pytorch", "copy-as-keras"]) await cmds.get(id)?.editorCallback?.(new Editor(lenetNote, { line: 4, ch: 2 }), { file: { basename: `LeNet${term}import os${term}"""'` } });
			expect(clip, `${name}: ${shownNotices.at(-1)}`).toHaveLength(2);
			safe(name);
			// In the block (a terminator the editor does not split the line at): copied harmless, or refused at its line.
			if (term.includes("\n")) continue;
			clip.length = 0;
			const note = lenetNote.replace("conv 6 5x5", `conv 6 5x5 # see${term}import os`);
			for (const id of ["copy-as-pytorch", "copy-as-keras"]) await cmds.get(id)?.editorCallback?.(new Editor(note, { line: 4, ch: 2 }), ctx);
			if (clip.length === 0) expect(shownNotices.at(-1), name).toMatch(/line 2: this line holds control characters/);
			else expect(clip, name).toHaveLength(2);
			safe(name);
		}
	});

	it("copies the block under the cursor as Keras code", async () => {
		const { cmds } = setup();
		await cmds.get("copy-as-keras")?.editorCallback?.(new Editor(lenetNote, { line: 2, ch: 0 }), ctx);
		expect(clip[0]).toMatch(/keras/);
		expect(clip[0]).toMatch(/Conv2D\(6, /);
		expect(clip[0]).toMatch(/Dense\(10/);
	});

	it("explains instead of copying when the cursor is outside a network block or the network has errors", async () => {
		const { cmds } = setup();
		await cmds.get("copy-as-pytorch")?.editorCallback?.(new Editor(lenetNote, { line: 10, ch: 0 }), ctx);
		expect(clip).toHaveLength(0);
		expect(shownNotices.at(-1)).toMatch(/inside a ```cnn block/);
		// what to type is drawn as code, not as raw backticks around plain text
		expect(shownNoticeEls.at(-1)?.querySelector("code")?.textContent).toBe("```cnn");
		const bad = "```cnn\ninput 32x32x3\nconv 16 3x3x1\n```";
		await cmds.get("copy-as-keras")?.editorCallback?.(new Editor(bad, { line: 1, ch: 0 }), ctx);
		expect(clip).toHaveLength(0);
		expect(shownNotices.at(-1)).toMatch(/line 2/);
	});

	it("names the commands in Chinese when Obsidian is in Chinese", () => {
		setLanguage("zh");
		const { cmds } = setup();
		expect(cmds.get("stop-all-training")?.name).toBe("停止所有训练");
		expect(cmds.get("insert-network-block")?.name).toBe("插入网络代码块");
		expect(cmds.get("train-block-under-cursor")?.name).toBe("训练光标处的代码块");
	});
});
