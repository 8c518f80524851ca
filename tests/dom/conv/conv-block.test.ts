// @vitest-environment jsdom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock, shownNotices, type Component } from "../../support/obsidian-stub";
import { registerConvBlock, ConvBlock } from "../../../src/plugin/conv-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";
import { notifyThemeChange, themeListenerCount } from "../../../src/render/theme";

const ACCEPTANCE = `input
  1 2 3 0 1
  0 1 2 3 1
  3 0 1 2 2
  2 3 0 1 0
  1 0 2 1 3
kernel
  1 0 -1
  1 0 -1
  1 0 -1
stride 2x1
pad 1`;

/** jsdom has no canvas: a 2D context that records putImageData and hands back pixels for getImageData. */
const drawn: number[] = [];
beforeAll(() => {
	HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
		return {
			canvas: this,
			imageSmoothingEnabled: true,
			imageSmoothingQuality: "low",
			createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
			putImageData(this: { canvas: HTMLCanvasElement }) {
				drawn.push(this.canvas.width);
			},
			drawImage: () => undefined,
			// A horizontal ramp: column x of w has gray level 255·x/(w−1).
			getImageData: (_x: number, _y: number, w: number, h: number) => {
				const data = new Uint8ClampedArray(w * h * 4);
				for (let y = 0; y < h; y++)
					for (let x = 0; x < w; x++) {
						const o = (y * w + x) * 4;
						data[o] = data[o + 1] = data[o + 2] = Math.round((255 * x) / (w - 1));
						data[o + 3] = 255;
					}
				return { data };
			},
		} as unknown as CanvasRenderingContext2D;
	} as unknown as HTMLCanvasElement["getContext"];
});

let observers: { disconnected: boolean; cb: IntersectionObserverCallback; target: Element | null }[] = [];
class FakeIO {
	rec: { disconnected: boolean; cb: IntersectionObserverCallback; target: Element | null };
	constructor(cb: IntersectionObserverCallback) {
		this.rec = { disconnected: false, cb, target: null };
		observers.push(this.rec);
	}
	observe(el: Element): void {
		this.rec.target = el;
	}
	disconnect(): void {
		this.rec.disconnected = true;
	}
}

let frames: Map<number, FrameRequestCallback>;
let nextId = 1;
let host: CnnLabHost;

function makeHost(vault = new Vault()): CnnLabHost {
	const p = new Plugin(new App(vault), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" }) as unknown as CnnLabHost;
	p.settings = { ...DEFAULT_SETTINGS, animationSpeed: 2 };
	p.training = new TrainingHub();
	p.saveSettings = () => Promise.resolve();
	registerConvBlock(p);
	(p as unknown as Plugin).load();
	return p;
}

async function render(source: string, h = host): Promise<{ el: HTMLElement; block: ConvBlock }> {
	const { el, children } = await renderCodeBlock(h as unknown as Plugin, "cnn-conv", source);
	const block = children[0] as unknown as ConvBlock;
	await block.ready;
	return { el, block };
}

const text = (el: Element | null): string => el?.textContent ?? "";

let savedIO: unknown;
beforeEach(() => {
	document.body.empty();
	observers = [];
	frames = new Map();
	vi.spyOn(window, "requestAnimationFrame").mockImplementation((cb) => {
		const id = nextId++;
		frames.set(id, cb);
		return id;
	});
	vi.spyOn(window, "cancelAnimationFrame").mockImplementation((id) => {
		frames.delete(id);
	});
	savedIO = (window as unknown as { IntersectionObserver: unknown }).IntersectionObserver;
	(window as unknown as { IntersectionObserver: unknown }).IntersectionObserver = FakeIO;
	host = makeHost();
});
afterEach(() => {
	// The window is shared with the files that run after this one in its worker (isolate: false): a FakeIO left
	// behind never reports, and their charts that wait until on screen (the explorer's dense layers) were never made.
	(window as unknown as { IntersectionObserver: unknown }).IntersectionObserver = savedIO;
	vi.restoreAllMocks();
	(host as unknown as ObsidianPlugin).unload();
});

/** Runs the pending animation frames at time `now`. */
function runFrames(now: number): void {
	const due = [...frames.entries()];
	frames.clear();
	for (const [, cb] of due) cb(now);
}

describe("cnn-conv block: the acceptance case", () => {
	it("draws the padded input, the kernel and the output with the right number of cells", async () => {
		const { el } = await render(ACCEPTANCE);
		const grids = el.querySelectorAll("table.cnn-conv-grid");
		expect(grids).toHaveLength(3);
		expect(grids[0].querySelectorAll("td")).toHaveLength(49);
		expect(grids[0].querySelectorAll("td.is-pad")).toHaveLength(49 - 25);
		expect(grids[1].querySelectorAll("td")).toHaveLength(9);
		expect(grids[2].querySelectorAll("td")).toHaveLength(15);
		const outputs = [...grids[2].querySelectorAll(".cnn-conv-value")].map((c) => c.textContent);
		expect(outputs.join(" ")).toBe("−3 −4 0 3 3 −4 2 −2 0 6 −3 1 1 −1 2");
		expect(text(el.querySelector(".cnn-conv-shape"))).toContain("Output 3×5");
		expect(text(el.querySelector(".cnn-conv-shape"))).toContain("⌊(5 + 2·1 − 3)/2⌋ + 1 = 3");
	});

	it("shows step 1's receptive field, output cell and sum, and moves with buttons", async () => {
		const { el } = await render(ACCEPTANCE);
		const input = el.querySelectorAll("table.cnn-conv-grid")[0];
		const output = el.querySelectorAll("table.cnn-conv-grid")[2];
		expect(input.querySelectorAll("td.is-window")).toHaveLength(9);
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toBe("0·1 + 0·0 + 0·(−1) + 0·1 + 1·0 + 2·(−1) + 0·1 + 0·0 + 1·(−1) = −3");
		expect(output.querySelectorAll("td.is-pending")).toHaveLength(14);
		expect([...output.querySelectorAll("td")].indexOf(output.querySelector("td.is-current") as HTMLTableCellElement)).toBe(0);
		const btn = (label: string): HTMLButtonElement => el.querySelector(`button[aria-label^="${label}"]`) as HTMLButtonElement;
		btn("Next").click();
		btn("Next").click();
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 3 / 15");
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toMatch(/= 0$/);
		btn("Last").click();
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toMatch(/= 2$/);
		expect(output.querySelectorAll("td.is-pending")).toHaveLength(0);
		// The last window covers padded rows 5–7 and columns 5–7.
		const cells = [...input.querySelectorAll("td")];
		const covered = cells.map((c, i) => (c.hasClass("is-window") ? i : -1)).filter((i) => i >= 0);
		expect(covered).toEqual([32, 33, 34, 39, 40, 41, 46, 47, 48]);
		btn("Previous").click();
		btn("First").click();
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 1 / 15");
	});

	it("answers the keyboard when focused: arrows, Home, End, space", async () => {
		const { el } = await render(ACCEPTANCE);
		const block = el.querySelector(".cnn-conv") as HTMLElement;
		expect(block.getAttribute("tabindex")).toBe("0");
		block.focus();
		expect(document.activeElement).toBe(block);
		const key = (k: string): void => void block.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
		key("ArrowRight");
		key("ArrowRight");
		key("ArrowLeft");
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 2 / 15");
		// Up / Down are the stepper's previous / next here (the explorer's computation moves a row with them instead)
		key("ArrowDown");
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 3 / 15");
		key("ArrowUp");
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 2 / 15");
		key("End");
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 15 / 15");
		key("Home");
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 1 / 15");
		expect(el.querySelector(".cnn-conv-play")?.getAttribute("data-icon")).toBe("play");
		key(" ");
		expect(el.querySelector(".cnn-conv-play")?.getAttribute("aria-label")).toMatch(/^Pause/);
		expect(el.querySelector(".cnn-conv-play")?.getAttribute("data-icon")).toBe("pause");
		key(" ");
		expect(el.querySelector(".cnn-conv-play")?.getAttribute("aria-label")).toMatch(/^Play/);
	});

	it("plays with one animation loop at the configured speed, pauses off screen, and jumps on a tapped output cell", async () => {
		const { el } = await render(ACCEPTANCE);
		(el.querySelector(".cnn-conv-play") as HTMLButtonElement).click();
		expect(frames.size).toBe(1);
		runFrames(0);
		runFrames(499);
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 1 / 15");
		runFrames(501); // 2 steps per second
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 2 / 15");
		expect(frames.size).toBe(1);
		// Scrolled off screen: the loop stops; back on screen: it resumes.
		const io = observers[0];
		io.cb([{ isIntersecting: false } as IntersectionObserverEntry], io as unknown as IntersectionObserver);
		expect(frames.size).toBe(0);
		io.cb([{ isIntersecting: true } as IntersectionObserverEntry], io as unknown as IntersectionObserver);
		expect(frames.size).toBe(1);
		const outCells = el.querySelectorAll("table.cnn-conv-grid")[2].querySelectorAll("td");
		(outCells[9] as HTMLElement).click();
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 10 / 15");
		expect(frames.size).toBe(0);
	});

	it("a sideways swipe on the grids steps forward or back; a mouse drag does not", async () => {
		const { el } = await render(ACCEPTANCE);
		const stage = el.querySelector(".cnn-conv-stage") as HTMLElement;
		const swipe = (type: string, from: number, to: number): void => {
			stage.dispatchEvent(Object.assign(new Event("pointerdown"), { pointerType: type, pointerId: 1, clientX: from, clientY: 100 }));
			stage.dispatchEvent(Object.assign(new Event("pointerup"), { pointerType: type, pointerId: 1, clientX: to, clientY: 104 }));
		};
		swipe("touch", 200, 100);
		swipe("touch", 200, 120);
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 3 / 15");
		swipe("touch", 100, 200);
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 2 / 15");
		swipe("touch", 100, 110);
		swipe("mouse", 200, 100);
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 2 / 15");
	});

	it("copies the step as Markdown with LaTeX", async () => {
		const writeText = vi.fn(() => Promise.resolve());
		Object.defineProperty(window.navigator, "clipboard", { value: { writeText }, configurable: true });
		const { el } = await render(ACCEPTANCE);
		(el.querySelector(".cnn-conv-copy") as HTMLButtonElement).click();
		await new Promise((r) => setTimeout(r, 0));
		expect(writeText).toHaveBeenCalledTimes(1);
		const md = (writeText.mock.calls[0] as unknown as [string])[0];
		expect(md).toContain("$$y_{1,1} = 0 \\cdot 1");
		expect(md).toContain("= -3$$");
		expect(shownNotices[shownNotices.length - 1]).toMatch(/copied/i);
	});

	it("leaves no animation frame, observer, theme listener or key listener behind on unload", async () => {
		const themeBefore = themeListenerCount();
		const { el, block } = await render(ACCEPTANCE);
		expect(themeListenerCount()).toBe(themeBefore + 1);
		(el.querySelector(".cnn-conv-play") as HTMLButtonElement).click();
		expect(frames.size).toBe(1);
		const root = el.querySelector(".cnn-conv") as HTMLElement;
		block.unload();
		expect(frames.size).toBe(0);
		expect(window.cancelAnimationFrame).toHaveBeenCalled();
		expect(observers.every((o) => o.disconnected)).toBe(true);
		expect(themeListenerCount()).toBe(themeBefore);
		root.dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe("Step 1 / 15");
		notifyThemeChange();
		runFrames(1000);
		expect(frames.size).toBe(0);
	});
});

describe("cnn-conv block: more inputs", () => {
	it("several channels: each channel's partial sum, then the total with the bias", async () => {
		const { el } = await render(`input channel 1
1 2
3 4
channel 2
0 1
1 0
kernel channel 1
1 1
1 1
channel 2
2 0
0 -1
bias 0.5`);
		const channels = [...el.querySelectorAll(".cnn-conv-sum-channel")].map((c) => c.textContent);
		expect(channels).toEqual(["channel 1: 1·1 + 2·1 + 3·1 + 4·1 = 10", "channel 2: 0·2 + 1·0 + 1·0 + 0·(−1) = 0"]);
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toBe("total: 10 + 0 + 0.5 = 10.5");
	});

	it("marks the rows and columns no window reaches, and says why", async () => {
		const rows = Array.from({ length: 6 }, () => "1 2 3 4 5 6").join("\n");
		const { el } = await render(`input\n${rows}\nkernel box 3\nstride 2`);
		const input = el.querySelectorAll("table.cnn-conv-grid")[0];
		expect(input.querySelectorAll("td.is-unused")).toHaveLength(11);
		const notes = [...el.querySelectorAll(".cnn-conv-note")].map((n) => n.textContent);
		expect(notes).toEqual([
			"(6 − 3)/2 + 1 = 2.5 is not an integer; PyTorch and Keras ('valid') floor it to 2 and never use the last input row",
			"(6 − 3)/2 + 1 = 2.5 is not an integer; PyTorch and Keras ('valid') floor it to 2 and never use the last input column",
		]);
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toBe("(1·1 + 2·1 + 3·1 + 1·1 + 2·1 + 3·1 + 1·1 + 2·1 + 3·1)/9 = 2");
		expect(text(el.querySelector(".cnn-conv-kernel-box"))).toContain("all weights ÷ 9");
	});

	it("large inputs become heatmaps with a legend, still stepped", async () => {
		const rows = Array.from({ length: 20 }, (_, y) => Array.from({ length: 20 }, (_, x) => ((x * y) % 7) - 3).join(" ")).join("\n");
		const { el } = await render(`input\n${rows}\nkernel sobel-x, laplacian`);
		expect(el.querySelectorAll("canvas.cnn-lab-heatmap-canvas").length).toBeGreaterThanOrEqual(3);
		expect(el.querySelector(".cnn-lab-legend")).not.toBeNull();
		expect(el.querySelector(".cnn-lab-heatmap-mark--window")).not.toBeNull();
		expect(text(el.querySelector(".cnn-conv-counter"))).toBe(`Step 1 / ${2 * 18 * 18}`);
		expect(text(el.querySelector(".cnn-conv-shape"))).toContain("18×18×2");
	});

	it("an image from the vault is decoded, scaled and convolved", async () => {
		const png = new Uint8Array(64);
		png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 200, 0, 0, 0, 100]);
		const h = makeHost(new Vault({ "pics/cat.png": png }));
		(window as unknown as { createImageBitmap: unknown }).createImageBitmap = () => Promise.resolve({ close: () => undefined });
		const { el } = await render("input ![[cat.png]] gray 32\nkernel sobel-x\nthen relu, maxpool 2", h);
		delete (window as unknown as { createImageBitmap?: unknown }).createImageBitmap;
		expect(el.querySelector(".cnn-lab-error")).toBeNull();
		expect(text(el.querySelector(".cnn-conv-status"))).toBe("cat.png, 16×32 gray");
		// A left-to-right ramp has a constant horizontal gradient: every sobel-x output is the same positive number.
		expect(text(el.querySelector(".cnn-conv-shape"))).toContain("Output 14×30");
		expect(el.querySelectorAll(".cnn-conv-chain .cnn-conv-figure")).toHaveLength(2);
		expect(text(el.querySelector(".cnn-conv-chain"))).toContain("Max pool 2: 7×15");
		(h as unknown as ObsidianPlugin).unload();
	});
});

describe("cnn-conv block: bad input gives a message with its line", () => {
	const cases: [string, string, RegExp][] = [
		["ragged rows", "input\n1 2 3\n4 5\nkernel\n1", /line 3: This row has 2 numbers but the rows above it have 3/],
		["not a number", "input\n1 2 x\nkernel\n1", /line 2: "x" is not a number/],
		["kernel larger than the padded input", "input\n1 2\n3 4\nkernel\n1 1 1\n1 1 1\n1 1 1", /line 4: The kernel \(3×3\) is larger than the padded input \(2×2\)/],
		["stride 0", "input\n1 2\nkernel\n1\nstride 0", /line 5: The stride must be a whole number ≥ 1/],
		["kernel depth", "input channel 1\n1 2\nchannel 2\n3 4\nkernel\n1", /line 5: The kernel's depth \(1\) must equal the input's channels \(2\)/],
		["missing image", "input ![[nowhere.png]] gray 32\nkernel edge", /line 1: No image "nowhere.png" in the vault/],
		["image outside the vault", "input ![[../secret.png]]\nkernel edge", /line 1: .*outside the vault/],
		["unknown kernel", "input\n1 2 3\nkernel sobelx", /line 3: Unknown kernel "sobelx". Did you mean sobel-x\? /],
	];
	for (const [name, source, re] of cases)
		it(name, async () => {
			const { el } = await render(source);
			expect(text(el.querySelector(".cnn-conv-diagnostics"))).toMatch(re);
			expect(el.querySelector(".cnn-conv")).toBeNull();
		});

	it("several messages are listed in the order of their lines", async () => {
		// the depth error is found only after the whole block is read, the stride error while reading line 6
		const { el } = await render("input\n1 2 3\n4 5 6\nkernel 2 channels\n1\n\n1\nstride 0");
		const lines = [...el.querySelectorAll(".cnn-conv-diagnostics li")].map((li) => /^line (\d+)/.exec(text(li))?.[1]);
		expect(lines).toEqual(["4", "8"]);
	});

	it("a 20 000 × 20 000 image is refused before decoding", async () => {
		const png = new Uint8Array(64);
		png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20]);
		const h = makeHost(new Vault({ "huge.png": png }));
		const decode = vi.fn();
		(window as unknown as { createImageBitmap: unknown }).createImageBitmap = decode;
		const { el } = await render("input ![[huge.png]] gray 64\nkernel edge", h);
		delete (window as unknown as { createImageBitmap?: unknown }).createImageBitmap;
		expect(text(el.querySelector(".cnn-conv-diagnostics"))).toMatch(/line 1: huge.png is 20000 × 20000 pixels \(400 megapixels\)/);
		expect(decode).not.toHaveBeenCalled();
		(h as unknown as ObsidianPlugin).unload();
	});

	it("a file over 25 MB or one that is not an image is refused with its name", async () => {
		const h = makeHost(new Vault({ "big.png": new Uint8Array(26 * 1024 * 1024), "notes.txt": "hello" }));
		const read = vi.spyOn(h.app.vault, "readBinary");
		let r = await render("input ![[big.png]]\nkernel edge", h);
		expect(text(r.el.querySelector(".cnn-conv-diagnostics"))).toBe("line 1: big.png is 26.0 MB; images up to 25.0 MB are read. Save a smaller copy.");
		expect(read).not.toHaveBeenCalled();
		r = await render("input ![[notes.txt]]\nkernel edge", h);
		expect(text(r.el.querySelector(".cnn-conv-diagnostics"))).toMatch(/^line 1: notes.txt is not an image/);
		r = await render("input ![[/etc/passwd.png]]\nkernel edge", h);
		expect(text(r.el.querySelector(".cnn-conv-diagnostics"))).toMatch(/outside the vault/);
		(h as unknown as ObsidianPlugin).unload();
	});

	it("a 50 MB pasted matrix is refused at once", async () => {
		const row = "1 ".repeat(5000) + "\n";
		const source = "input\n" + row.repeat(5000) + "kernel\n1";
		const t0 = performance.now();
		const { el } = await render(source);
		expect(performance.now() - t0).toBeLessThan(500);
		expect(text(el.querySelector(".cnn-conv-diagnostics"))).toMatch(/line 1: This block has 50,0\d\d,\d{3} characters; cnn-conv reads at most 200,000/);
	});
});

void ({} as Component);

describe("cnn-conv block: the words under the grids", () => {
	it("says 'of the input' when nothing is padded, 'of the padded input' when something is", async () => {
		const bare = await render("input\n1 2 3\n4 5 6\n7 8 9\nkernel\n1 0\n0 1");
		const heading = text(bare.el.querySelector(".cnn-conv-step-heading"));
		expect(heading).toContain("rows 1–2, columns 1–2 of the input");
		expect(heading).not.toContain("padded");
		const padded = await render(ACCEPTANCE);
		expect(text(padded.el.querySelector(".cnn-conv-step-heading"))).toContain("of the padded input");
	});

	it("offers '1 step/s', not '1 steps/s', among the speeds", async () => {
		const { el } = await render(ACCEPTANCE);
		const options = [...el.querySelectorAll("select.cnn-conv-speed option")].map((o) => o.textContent);
		expect(options).toContain("1 step/s");
		expect(options).toContain("2 steps/s");
		expect(options.some((o) => /^1 steps/.test(o ?? ""))).toBe(false);
	});

	it("draws a message's backtick spans as code, with no backtick left", async () => {
		const { el } = await render("1 2 3\ninput\n1 2\n3 4\nkernel\n1");
		const li = el.querySelector(".cnn-conv-diagnostics li");
		expect(li?.textContent).toContain("start the grid with input or kernel");
		expect([...(li?.querySelectorAll("code") ?? [])].map((c) => c.textContent)).toEqual(["input", "kernel"]);
		expect(li?.textContent).not.toContain("`");
	});
});
