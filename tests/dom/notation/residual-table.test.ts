// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App, Plugin, renderCodeBlock, Vault } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { MINI_RESNET_BLOCK } from "../../support/mini-resnet";

let host: CnnLabHost & Plugin;
let clip: string[];

beforeEach(() => {
	const app = new App(new Vault({ "note.md": "# note" }));
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
	clip = [];
	Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: vi.fn(async (s: string) => void clip.push(s)) } });
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

/** Each layer row: its classes that say where it stands in a block, its line, layer and output cells. */
function rows(el: HTMLElement): string[][] {
	return Array.from(el.querySelectorAll("tr.cnn-spec-row")).map((tr) => {
		const marks = Array.from(tr.classList).filter((c) => /^cnn-spec-(nest-\d|shortcut|add)$/.test(c));
		const cells = Array.from(tr.children).map((td) => (td.textContent ?? "").trim());
		return [marks.join(" "), cells[0], cells[1], cells[2]];
	});
}

describe("the shape table of a residual block", () => {
	it("indents the body by depth and marks the shortcut and the add rows; the add's error is at `end` in the table and the Problems list", async () => {
		const { el } = await renderCodeBlock(host, "cnn", MINI_RESNET_BLOCK);
		const r = rows(el);
		expect(r.slice(3, 11)).toEqual([
			["cnn-spec-shortcut", "5", "residual", "32×32×16"],
			["cnn-spec-nest-1", "6", "conv 16 3x3 pad 1", "32×32×16"],
			["cnn-spec-nest-1", "7", "batchnorm", "32×32×16"],
			["cnn-spec-nest-1", "8", "relu", "32×32×16"],
			["cnn-spec-nest-1", "9", "conv 16 3x3 pad 1", "32×32×16"],
			["cnn-spec-nest-1", "10", "batchnorm", "32×32×16"],
			["cnn-spec-add", "11", "end", "32×32×16"],
			["", "12", "relu", "32×32×16"],
		]);
		expect(el.querySelector(".cnn-spec-problems")).toBeNull();
		// the PyTorch export is offered for a complete block
		const copy = Array.from(el.querySelectorAll("button")).find((b) => b.textContent === "Copy table as Markdown")!;
		copy.click();
		await vi.waitFor(() => expect(clip).toHaveLength(1));
		expect(clip[0]).toContain("| 6 | \u00a0\u00a0conv 16 3x3 pad 1 |");

		const bad = await renderCodeBlock(host, "cnn", "input 16x16x16\nresidual\n  residual\n    conv 32 3x3 pad 1\n  end\nend");
		const br = rows(bad.el);
		expect(br.map((x) => x[0])).toEqual(["cnn-spec-shortcut", "cnn-spec-nest-1 cnn-spec-shortcut", "cnn-spec-nest-2", "cnn-spec-nest-1 cnn-spec-add", "cnn-spec-add"]);
		const errRow = Array.from(bad.el.querySelectorAll("tr.cnn-spec-row"))[3];
		expect(errRow.classList.contains("is-error")).toBe(true);
		const listed = Array.from(bad.el.querySelectorAll(".cnn-spec-problems li")).map((li) => li.textContent ?? "");
		expect(listed[0]).toContain("line 5");
		expect(listed[0]).toContain("the body gives 16×16×32, the shortcut 16×16×16");
	});
});
