// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { App, Plugin, renderCodeBlock, shownNotices, Vault } from "../../support/obsidian-stub";
import { registerCnnBlock } from "../../../src/plugin/cnn-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { PageEngine } from "../../../src/worker/page-engine";
import { loadDigits } from "../../../src/data/digits";
import { setLanguage } from "../../../src/i18n";

let host: CnnLabHost & Plugin;
let clip: string[];

beforeEach(() => {
	const app = new App(new Vault({ "note.md": "# note" }));
	const plugin = new Plugin(app, { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" });
	host = Object.assign(plugin, { settings: { ...DEFAULT_SETTINGS }, saveSettings: async () => {}, training: new TrainingHub(), engine: new PageEngine(loadDigits) }) as unknown as CnnLabHost & Plugin;
	host.load();
	// As main.ts does: runs belong to the plugin, and its unload ends them.
	host.register(() => host.training.dispose());
	registerCnnBlock(host);
	clip = [];
	Object.defineProperty(navigator, "clipboard", {
		configurable: true,
		value: { writeText: vi.fn(async (s: string) => void clip.push(s)) },
	});
	shownNotices.length = 0;
});

afterEach(() => {
	host.unload();
	document.body.empty();
});

async function render(source: string, parent?: HTMLElement): Promise<HTMLElement> {
	const { el } = await renderCodeBlock(host, "cnn", source, { parent });
	return el;
}

/** The table's layer rows as the user reads them: [line, layer, output, formula, filter, params, multiply-adds, receptive field]. */
function rows(el: HTMLElement): string[][] {
	return Array.from(el.querySelectorAll("tr.cnn-spec-row")).map((tr) => Array.from(tr.children).map((td) => (td.textContent ?? "").trim()));
}

function rowProblems(el: HTMLElement): string[] {
	return Array.from(el.querySelectorAll("tr.cnn-spec-diag-row")).map((tr) => tr.textContent ?? "");
}

function listed(el: HTMLElement): string[] {
	return Array.from(el.querySelectorAll(".cnn-spec-problems li")).map((li) => li.textContent ?? "");
}

const flat = (s: string) => s.replace(/\s+/g, " ");

describe("```cnn block: acceptance cases on the rendered text", () => {
	it("#1 flags 10.33 on its row and in the list, with PyTorch's 10×10×8 and the three fixes", async () => {
		const el = await render("input 32x32x3\nconv 8 4x4 stride 3");
		const r = rows(el);
		expect(r).toHaveLength(1);
		expect(r[0].slice(0, 3)).toEqual(["2", "conv 8 4x4 stride 3", "10×10×8 ⚠"]);
		expect(r[0][4]).toBe("4×4×3 × 8");
		expect(el.querySelector("tr.cnn-spec-row")!.classList.contains("is-warning")).toBe(true);
		const p = flat(rowProblems(el).join(" "));
		expect(p).toContain("(32 − 4)/3 + 1 = 10.33 is not an integer");
		expect(p).toContain("floor it to 10 and never use the last input row and column");
		for (const fix of ["pad 1 → 11×11×8", "stride 4 → 8×8×8", "stride 2 → 15×15×8"]) expect(p).toContain(fix);
		const l = listed(el);
		expect(l).toHaveLength(1);
		// read aloud or copied, the line number and the message stay separate words
		expect(l[0]).toMatch(/^⚠ line 2 \(32 − 4\)\/3 \+ 1 = 10\.33/);
		// the fixes are said once, at the row: the list names the line and the problem only
		expect(l[0]).not.toContain("pad 1 → 11×11×8");
	});

	it("#2 shows ((32 + 2·1 − 4)/3) + 1 = 11, 11×11×8, filter 4×4×3 and 392 parameters, no problem", async () => {
		const el = await render("input 32x32x3\nconv 8 4x4 stride 3 pad 1");
		const [r] = rows(el);
		expect(r.slice(2, 6)).toEqual(["11×11×8", "((32 + 2·1 − 4)/3) + 1 = 11", "4×4×3 × 8", "392"]);
		expect(el.querySelector(".cnn-spec-problems")).toBeNull();
	});

	it("#3 stride 2 → 15×15×8", async () => {
		expect(rows(await render("input 32x32x3\nconv 8 4x4 stride 2"))[0][2]).toBe("15×15×8");
	});

	it("#4 the filter depth error at its row, with both ways to write it", async () => {
		const el = await render("input 32x32x3\nconv 16 3x3x1");
		expect(rows(el)[0][2]).toContain("✗");
		const p = rowProblems(el).join(" ");
		expect(p).toContain("the filter depth (1) must equal the input's channels (3)");
		expect(p).toContain("write conv 16 3x3 or conv 16 3x3x3");
		// what to type is drawn as code, not as raw backticks
		expect([...el.querySelectorAll("tbody .cnn-spec-diag-fix code")].map((c) => c.textContent)).toEqual(["conv 16 3x3", "conv 16 3x3x3"]);
		expect(p).not.toContain("`");
		expect(listed(el)[0]).toContain("line 2");
		// no export of a broken network
		expect((el.querySelectorAll("button.cnn-spec-copy")[0] as HTMLButtonElement).disabled).toBe(true);
	});

	it("#5 stride 3x2 pad 1 → 11×16×4 with one formula per axis", async () => {
		const [r] = rows(await render("input 32x32x1\nconv 4 4x4 stride 3x2 pad 1"));
		expect(r[2]).toBe("11×16×4");
		expect(r[3]).toContain("vertical: ((32 + 2·1 − 4)/3) + 1 = 11");
		expect(r[3]).toContain("horizontal: ((32 + 2·1 − 4)/2) + 1 = 16");
	});

	it("#6 LeNet-5: shapes, receptive fields and 61 706 parameters in the totals", async () => {
		const el = await render("input 32x32x1\nconv 6 5x5\nrelu\nmaxpool 2\nconv 16 5x5\nrelu\nmaxpool 2\nflatten\ndense 120\nrelu\ndense 84\nrelu\ndense 10");
		const r = rows(el);
		expect([0, 2, 3, 5, 6, 7, 9, 11].map((i) => r[i][2])).toEqual(["28×28×6", "14×14×6", "10×10×16", "5×5×16", "400", "120", "84", "10"]);
		expect([0, 2, 3, 5].map((i) => r[i][7])).toEqual(["5 (jump 1)", "6 (jump 2)", "14 (jump 2)", "16 (jump 4)"]);
		expect(el.querySelector(".cnn-spec-totals")!.textContent).toContain("61 706 parameters");
		expect(el.querySelector(".cnn-spec-totals")!.textContent).toContain("416 520 multiply-adds per sample");
	});

	it("#7 dilation 2 → 24×24×4, saying the kernel covers 5×5", async () => {
		const [r] = rows(await render("input 28x28x1\nconv 4 3x3 dilation 2"));
		expect(r[2]).toBe("24×24×4");
		expect(r[3]).toContain("covers 5×5");
	});

	it("#8 maxpool 2 on 7×7 → 3×3 flagged; with ceil → 4×4", async () => {
		const a = await render("input 7x7x1\nmaxpool 2");
		expect(rows(a)[0][2]).toBe("3×3×1 ⚠");
		expect(rowProblems(a).join(" ")).toContain("ceil → 4×4×1");
		expect(rows(await render("input 7x7x1\nmaxpool 2 ceil"))[0][2]).toBe("4×4×1");
	});

	it("#9 pad same → 32×32×8; with stride 2, Keras's ⌈32/2⌉ = 16 and the uneven padding are said", async () => {
		const [r] = rows(await render("input 32x32x3\nconv 8 3x3 pad same"));
		expect(r[2]).toBe("32×32×8");
		expect(r[3]).toContain("32 + 2·1 − 3 + 1 = 32");
		const el = await render("input 32x32x3\nconv 8 3x3 pad same stride 2");
		expect(rows(el)[0][2]).toContain("16×16×8");
		const p = rowProblems(el).join(" ");
		expect(p).toContain("⌈32/2⌉ = 16");
		expect(p).toContain("0 on the top/left and 1 on the bottom/right");
	});

	it("#10 32*32*3 and 32 × 32 × 3 render the same table as 32x32x3", async () => {
		const ref = (await render("input 32x32x3\nconv 8 3x3")).querySelector("table")!.textContent!;
		for (const s of ["input 32*32*3", "input 32 × 32 × 3"]) {
			const t = (await render(`${s}\nconv 8 3x3`)).querySelector("table")!.textContent!;
			expect(t.replace(s, "input 32x32x3")).toBe(ref);
		}
	});
});

describe("```cnn block: behaviour", () => {
	it("an unknown word and a settings problem are listed with their line numbers", async () => {
		const el = await render("input 8x8x1\nconvv 4 3x3\nflatten\ndense 10\ntrain digits epochs 0");
		const l = listed(el);
		expect(l.some((x) => x.includes("line 2") && x.includes("convv is not a layer"))).toBe(true);
		expect(l.some((x) => x.includes("line 5") && x.includes("epochs"))).toBe(true);
		// the did-you-mean is said once, under the row; the list names the line and the problem
		expect(flat(rowProblems(el).join(" "))).toContain("did you mean conv?");
		expect(l.some((x) => x.includes("did you mean"))).toBe(false);
	});

	it("re-rendering the same source gives the same view (Live Preview re-renders on every edit)", async () => {
		const src = "input 32x32x3\nconv 8 4x4 stride 3\nrelu\nmaxpool 2\nflatten\ndense 10";
		const a = (await render(src)).querySelector(".cnn-spec")!.textContent;
		const b = (await render(src)).querySelector(".cnn-spec")!.textContent;
		expect(a).toBe(b);
		// nothing starts by itself on a render
		expect(host.training.running).toBe(0);
		expect(host.training.queuedCount).toBe(0);
	});

	it("copies the table as Markdown, and the network as PyTorch and Keras, with a notice", async () => {
		const el = await render("input 32x32x3\nconv 8 4x4 stride 3 pad 1\nrelu\nflatten\ndense 10");
		const [pt, keras, table] = Array.from(el.querySelectorAll("button.cnn-spec-copy")) as HTMLButtonElement[];
		expect([pt.textContent, keras.textContent, table.textContent]).toEqual(["Copy as PyTorch", "Copy as Keras", "Copy table as Markdown"]);
		table.click();
		await Promise.resolve();
		await Promise.resolve();
		expect(clip[0]).toContain("| 2 | conv 8 4x4 stride 3 pad 1 | 11×11×8 | ((32 + 2·1 − 4)/3) + 1 = 11 | 4×4×3 × 8 | 392 |");
		expect(shownNotices.at(-1)).toContain("copied");
		pt.click();
		// (the PyTorch copy first looks for the block's weights in the vault: a task or more)
		for (let i = 0; i < 100 && clip.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
		keras.click();
		await new Promise((r) => setTimeout(r, 0));
		expect(clip[1]).toMatch(/nn\.Conv2d\(3, 8/);
		expect(clip[2]).toMatch(/Conv2D\(\s*8/);
	});

	it("a failing clipboard says so in a notice instead of throwing", async () => {
		Object.defineProperty(navigator, "clipboard", { configurable: true, value: { writeText: () => Promise.reject(new Error("denied")) } });
		const el = await render("input 8x8x1\nflatten\ndense 10");
		(el.querySelectorAll("button.cnn-spec-copy")[2] as HTMLButtonElement).click();
		await new Promise((r) => setTimeout(r, 0));
		expect(shownNotices.at(-1)).toContain("denied");
	});

	it("inside a callout the table sits in a horizontal scroller", async () => {
		const callout = document.body.createDiv({ cls: "callout" }).createDiv({ cls: "callout-content" });
		const el = await render("input 32x32x3\nconv 8 3x3", callout);
		expect(el.closest(".callout")).not.toBeNull();
		expect(el.querySelector(".cnn-spec-scroll > table.cnn-spec-table")).not.toBeNull();
	});

	it("binary junk and an empty block render a message, never throw", async () => {
		const junk = await render("\u0000\u0001garbage\u0007\nconv ∞");
		expect(listed(junk).length).toBeGreaterThan(0);
		const empty = await render("");
		expect(empty.textContent).toContain("empty");
	});

	it("uses no inline styles", async () => {
		const el = await render("input 32x32x3\nconv 8 4x4 stride 3\nrelu");
		expect(el.querySelector("[style]")).toBeNull();
	});
});

describe("```cnn block layout in a narrow note", () => {
	it("a long layer line may break only before a keyword, and its text is unchanged", async () => {
		const el = await render("input 32x32x3\nconv 16 3x3x3 stride 2 pad same");
		const code = el.querySelectorAll("tr.cnn-spec-row td.cnn-spec-layer code")[0];
		expect(code.textContent).toBe("conv 16 3x3x3 stride 2 pad same");
		expect([...code.querySelectorAll(".cnn-spec-nowrap")].map((s) => s.textContent)).toEqual(["conv 16 3x3x3", "stride 2", "pad same"]);
	});
	it("a formula's result stays with its equals sign", async () => {
		const el = await render("input 32x32x3\nconv 8 4x4 stride 3");
		const f = el.querySelector("tr.cnn-spec-row td.cnn-spec-formula div")!;
		expect(f.textContent).toBe("(32 − 4)/3 + 1: 28/3 = 9.33 → ⌊10.33⌋ = 10");
		expect(f.querySelector(".cnn-spec-nowrap")?.textContent).toBe("= 10");
	});
});

describe("```cnn block in Simplified Chinese", () => {
	it("headers, problems and totals follow the app's language; the numbers stay the same", async () => {
		const { setLanguage } = await import("../../../src/i18n");
		setLanguage("zh-CN");
		try {
			const el = await render("input 32x32x3\nconv 16 3x3x1");
			const head = Array.from(el.querySelectorAll("th")).map((th) => th.textContent);
			expect(head.slice(0, 4)).toEqual(["行", "层", "输出", "公式"]);
			expect(listed(el)[0]).toContain("第 2 行");
			expect(listed(el)[0]).toContain("卷积核深度（1）必须等于输入的通道数（3）");
			expect(el.querySelector(".cnn-spec-totals")!.textContent).toContain("448 个参数");
		} finally {
			setLanguage("en");
		}
	});
});

describe("```cnn block: each problem said once, at its row", () => {
	it("a note (info) stands at its row only; the Problems list holds the warning, without repeating its fixes", async () => {
		const el = await render("input 224x224x3\nconv 96 11x11 stride 4\nmaxpool 3 stride 2");
		const p = rowProblems(el);
		expect(p).toHaveLength(2);
		const l = listed(el);
		expect(l).toHaveLength(1);
		expect(l[0]).toMatch(/^⚠ line 2 /);
		expect(l[0]).not.toContain("input 227x227x3");
		expect(flat(p[0])).toContain("input 227x227x3 → 55×55×96");
		// the overlapping pool's row is not marked as a problem
		expect(el.querySelectorAll("tr.cnn-spec-row")[1].classList.contains("is-warning")).toBe(false);
	});

	it("an error's fix is said under its row, not again in the Problems list", async () => {
		const el = await render("input 5x5x1\nconv 1 3x3 dilation 3");
		const p = flat(rowProblems(el).join(" "));
		expect(p).toContain("conv 1 3x3 dilation 2");
		const l = listed(el);
		expect(l).toHaveLength(1);
		expect(l[0]).toMatch(/^✗ line 2 the kernel covers 7×7, more than the padded input 5×5/);
		expect(l[0]).not.toContain("conv 1 3x3 dilation 2");
		// a problem at no row (the train line's) keeps its fix in the list: it is said nowhere else
		const un = listed(await render("input 8x8x1\nflatten\ndense 10\ntrain"));
		expect(un.some((x) => x.includes("train digits epochs 15"))).toBe(true);
	});

	it("a row's fixes stand under the rounding note they were made for, not under its other notes", async () => {
		const el = await render("input 28x28x1\nconv 8 3x3 stride 2 42");
		const p = rowProblems(el).map(flat);
		expect(p).toHaveLength(2);
		const [stray, rounding] = p[0].includes("42") ? p : [p[1], p[0]];
		expect(stray).toContain("42 is not understood on the conv line");
		expect(stray).not.toContain("pad 1 →");
		expect(rounding).toContain("(28 − 3)/2 + 1 = 13.5 is not an integer");
		expect(rounding).toContain("pad 1 → 14×14×8");
	});

	it("the hint to add a train line shows the line as code, without raw backticks", async () => {
		const el = await render("input 8x8x1\nflatten\ndense 10");
		const note = el.querySelector(".cnn-lab-note")!;
		expect(note.textContent).toBe("Add a line such as train digits epochs 15 batch 32 adam lr 0.01 to train this network.");
		expect(note.querySelector("code")?.textContent).toBe("train digits epochs 15 batch 32 adam lr 0.01");
	});

	it("a sentence about a row (the inputs a stride floors together) is set as prose under the formula, not as a formula", async () => {
		const el = await render("input 224x224x3\nconv 96 11x11 stride 4 pad 2");
		const cell = el.querySelector("tr.cnn-spec-row td.cnn-spec-formula")!;
		const parts = Array.from(cell.children).map((d) => [d.classList.contains("cnn-spec-formula-note"), flat(d.textContent ?? "")]);
		expect(parts[0]).toEqual([false, "((224 + 2·2 − 11)/4) + 1: 217/4 = 54.25 → ⌊55.25⌋ = 55"]);
		expect(parts[1][0]).toBe(true);
		expect(parts[1][1]).toMatch(/^inputs 223, 224, 225, 226 all give 55 here/);
	});

	it("explains the jump where the receptive field is shown", async () => {
		const el = await render("input 32x32x1\nconv 6 5x5");
		const rf = el.querySelector("tr.cnn-spec-row td.cnn-spec-rf") as HTMLElement;
		expect(rf.textContent).toBe("5 (jump 1)");
		expect(rf.title).toMatch(/Jump: how many input pixels apart two neighbouring outputs are/);
	});

	it("a touch screen has no tooltip: the ? beside the header opens the meaning of the jump under the table (跳距 in Chinese)", async () => {
		const el = await render("input 32x32x1\nconv 6 5x5");
		const help = el.querySelector("thead th.cnn-spec-rf button.cnn-spec-help") as HTMLButtonElement;
		const text = el.querySelector(".cnn-spec-jump-help") as HTMLElement;
		expect(help.getAttribute("aria-label")).toBe("What receptive field and jump mean");
		expect(text.hidden).toBe(true);
		help.click();
		expect(text.hidden).toBe(false);
		expect(help.getAttribute("aria-expanded")).toBe("true");
		expect(text.textContent).toMatch(/^Receptive field: how many input pixels one output value sees\. Jump: /);
		setLanguage("zh");
		try {
			const zh = await render("input 32x32x1\nconv 6 5x5");
			expect(zh.querySelector("tr.cnn-spec-row td.cnn-spec-rf")?.textContent).toBe("5（跳距 1）");
			expect(zh.querySelector(".cnn-spec-jump-help")?.textContent).toContain("跳距：");
			expect(zh.querySelector(".cnn-spec")?.textContent).not.toContain("步长");
		} finally {
			setLanguage("en");
		}
	});
});

describe("```cnn block: typos keep their rows", () => {
	it("maxpol 2 keeps its row, marked as read as maxpool, with its shape and the did-you-mean under it", async () => {
		const el = await render("input 28x28x1\nconv 16 3x3\nmaxpol 2\nflatten");
		const r = rows(el);
		expect(r.map((x) => x[0])).toEqual(["2", "3", "4"]);
		expect(r[1][1]).toBe("maxpol 2read as maxpool");
		expect(r[1][2]).toBe("13×13×16 ✗");
		expect(flat(rowProblems(el).join(" "))).toContain("did you mean maxpool?");
	});
});

describe("```cnn block without a train line", () => {
	it("draws the hint's train line as code, with no raw backticks", async () => {
		const el = await render("input 8x8x1\nconv 8 3x3\nflatten\ndense 10");
		const note = el.querySelector(".cnn-lab-training .cnn-lab-note")!;
		expect(note.querySelector("code")?.textContent).toBe("train digits epochs 15 batch 32 adam lr 0.01");
		expect(note.textContent).not.toContain("`");
	});
});

describe("```cnn block on a phone", () => {
	it("the columns a phone hides (line, filter, counts, receptive field) are marked, and the toggle shows them", async () => {
		const el = await render("input 32x32x1\nconv 6 5x5");
		const head = Array.from(el.querySelectorAll("thead th")).map((th) => [th.textContent, th.classList.contains("cnn-spec-extra")]);
		expect(head.filter(([, extra]) => !extra).map(([k]) => k)).toEqual(["Layer", "Output", "Formula"]);
		const row = el.querySelector("tr.cnn-spec-row")!;
		expect(Array.from(row.children).filter((td) => !td.classList.contains("cnn-spec-extra")).map((td) => td.textContent)).toEqual(["conv 6 5x5", "28×28×6", "32 − 5 + 1 = 28"]);
		const toggle = el.querySelector("button.cnn-spec-columns") as HTMLButtonElement;
		toggle.click();
		expect(el.querySelector(".cnn-spec")!.classList.contains("is-all-columns")).toBe(true);
		expect(toggle.getAttribute("aria-pressed")).toBe("true");
		expect(toggle.textContent).toBe("Fewer columns");
	});
});

describe("```cnn block: the training data's fitting said when it renders", () => {
	it("8×8 digits for an input 32x32x1: under the table, in the words the run uses, not as a problem", async () => {
		const el = await render("input 32x32x1\nconv 8 3x3\nflatten\ndense 10\ntrain digits epochs 1");
		const notes = Array.from(el.querySelectorAll(".cnn-spec-notes .cnn-spec-diag")).map((d) => flat(d.textContent ?? ""));
		expect(notes).toEqual(["ℹ line 5 When training on digits: images were resized from 8×8 to 32×32."]);
		expect(listed(el).join(" ")).not.toContain("resized");
	});
	it("a 3-channel input: the gray channel copied, said too; an 8×8×1 input: nothing to say", async () => {
		const el = await render("input 8x8x3\nconv 8 3x3\nflatten\ndense 10\ntrain digits epochs 1");
		expect(flat(el.querySelector(".cnn-spec-notes")?.textContent ?? "")).toContain("the gray channel was copied into 3 channels");
		const same = await render("input 8x8x1\nconv 8 3x3\nflatten\ndense 10\ntrain digits epochs 1");
		expect(same.querySelector(".cnn-spec-notes")).toBeNull();
	});
	it("in Chinese both changes in one sentence, joined by the full-width semicolon", async () => {
		const { setLanguage } = await import("../../../src/i18n");
		setLanguage("zh-CN");
		try {
			const el = await render("input 32x32x3\nconv 8 3x3\nflatten\ndense 10\ntrain digits epochs 1");
			expect(flat(el.querySelector(".cnn-spec-notes")?.textContent ?? "")).toContain("用 digits 训练时：灰度通道被复制为 3 个通道；图像从 8×8 缩放到 32×32。");
		} finally {
			setLanguage("en");
		}
	});
});
