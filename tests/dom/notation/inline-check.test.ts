// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { App, Plugin, Vault } from "../../support/obsidian-stub";
import type { CnnLabHost } from "../../../src/plugin/host";
import { registerInlineCheck } from "../../../src/plugin/inline-check";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";

let host: CnnLabHost & Plugin;

beforeEach(() => {
	const plugin = new Plugin(new App(new Vault({})), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	registerInlineCheck(host);
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

/** Builds a rendered paragraph the way the reading view does, then runs the registered post processors on it. */
async function process(build: (root: HTMLElement) => void): Promise<HTMLElement> {
	const root = document.body.createDiv();
	build(root);
	for (const p of host.postProcessors) {
		await p(root, { docId: "d", sourcePath: "note.md", frontmatter: null, addChild: () => {}, getSectionInfo: () => null });
	}
	return root;
}

describe("inline `cnn:` check", () => {
	it("replaces `cnn: 32 k4 s3 p1` with the formula and a tick, inside a highlight callout", async () => {
		const root = await process((r) => {
			const callout = r.createDiv({ cls: "callout", attr: { "data-callout": "quote" } });
			const p = callout.createDiv({ cls: "callout-content" }).createEl("p");
			p.append("padding 1 gives ");
			p.createEl("code", { text: "cnn: 32 k4 s3 p1" });
			p.append(", an 11×11 output");
		});
		const span = root.querySelector(".callout .cnn-lab-inline")!;
		expect(span).not.toBeNull();
		expect(span.textContent).toBe("((32 + 2·1 − 4)/3) + 1 = 11 ✓");
		expect(span.classList.contains("is-valid")).toBe(true);
		expect(root.querySelector("code")).toBeNull();
		expect(root.textContent).toBe("padding 1 gives ((32 + 2·1 − 4)/3) + 1 = 11 ✓, an 11×11 output");
	});

	it("flags `cnn: 32 k4 s3` as 10.33 with the fix, the others in the tooltip", async () => {
		const root = await process((r) => r.createEl("p").createEl("code", { text: "cnn: 32 k4 s3" }));
		const span = root.querySelector(".cnn-lab-inline")!;
		expect(span.textContent).toBe("(32 − 4)/3 + 1 = 10.33 ✗ not an integer — try p1 → 11");
		expect(span.classList.contains("is-flagged")).toBe(true);
		const tip = span.getAttribute("aria-label")!;
		expect(tip).toContain("floor it to 10");
		expect(tip).toContain("s4 → 8");
		expect(tip).toContain("s2 → 15");
	});

	it("two sizes with dilation, and leaves other code and code blocks alone", async () => {
		const root = await process((r) => {
			const p = r.createEl("p");
			p.createEl("code", { text: "cnn: 32x28 k4 s2 p1" });
			p.createEl("code", { text: "print(x)" });
			r.createEl("pre").createEl("code", { text: "cnn: 32 k4 s3" });
		});
		expect(root.querySelector(".cnn-lab-inline")!.textContent).toContain("= 16");
		expect(root.querySelector(".cnn-lab-inline")!.textContent).toContain("= 14");
		expect(root.querySelectorAll("code")).toHaveLength(2);
		expect(root.querySelector("pre code")!.textContent).toBe("cnn: 32 k4 s3");
	});

	it("unreadable input is flagged, not thrown", async () => {
		const root = await process((r) => r.createEl("p").createEl("code", { text: "cnn: what is this" }));
		const span = root.querySelector(".cnn-lab-inline")!;
		expect(span.classList.contains("is-unreadable")).toBe(true);
		expect(span.getAttribute("aria-label")).toContain("cnn: 32 k4 s3 p1");
	});
});

describe("inline `cnn:` check: its tooltip", () => {
	it("quotes the code in an unreadable check's explanation instead of showing raw backticks", async () => {
		const root = await process((r) => r.createEl("p").createEl("code", { text: "cnn: 32 k4 s3 p1 op1" }));
		const span = root.querySelector(".cnn-lab-inline")!;
		const title = span.getAttribute("title") ?? "";
		expect(title).toContain("add “t”, e.g. “cnn: 3 k3 s2 p1 t op1”");
		expect(title).not.toContain("`");
		expect(span.getAttribute("aria-label")).toBe(title);
	});
});
