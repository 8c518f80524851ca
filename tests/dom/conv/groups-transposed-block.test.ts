// @vitest-environment jsdom
/** The cnn-conv block on a page for grouped and transposed convolutions: what a reader sees and what is greyed out. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Plugin as ObsidianPlugin } from "obsidian";
import { App, Plugin, Vault, renderCodeBlock } from "../../support/obsidian-stub";
import { registerConvBlock, ConvBlock } from "../../../src/plugin/conv-block";
import type { CnnLabHost } from "../../../src/plugin/host";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";
import { TrainingHub } from "../../../src/plugin/training/hub";

let host: CnnLabHost;

beforeEach(() => {
	document.body.empty();
	const p = new Plugin(new App(new Vault()), { id: "cnn-lab", name: "CNN Lab", version: "0", minAppVersion: "1.5", description: "", author: "" }) as unknown as CnnLabHost;
	p.settings = { ...DEFAULT_SETTINGS, animationSpeed: 2 };
	p.training = new TrainingHub();
	p.saveSettings = () => Promise.resolve();
	registerConvBlock(p);
	(p as unknown as Plugin).load();
	host = p;
});
afterEach(() => (host as unknown as ObsidianPlugin).unload());

async function render(source: string): Promise<{ el: HTMLElement; block: ConvBlock }> {
	const { el, children } = await renderCodeBlock(host as unknown as Plugin, "cnn-conv", source);
	const block = children[0] as unknown as ConvBlock;
	await block.ready;
	return { el, block };
}

const text = (el: Element | null): string => el?.textContent ?? "";

const GROUPED = `input 4 channels
1 1 1
1 1 1
1 1 1

2 2 2
2 2 2
2 2 2

3 3 3
3 3 3
3 3 3

4 4 4
4 4 4
4 4 4
kernel
1 1
1 1

1 1
1 1
kernel
-1 -1
-1 -1

1 1
1 1
groups 2`;

describe("a grouped cnn-conv block", () => {
	it("greys out the channels the current filter does not see, and says which it sees", async () => {
		const { el, block } = await render(GROUPED);
		const boxes = [...el.querySelectorAll(".cnn-conv-figure")[0].querySelectorAll(".cnn-conv-channel")];
		expect(boxes.map((b) => b.classList.contains("is-unseen"))).toEqual([false, false, true, true]);
		// only the seen channels carry the window and its weights
		expect(boxes.map((b) => b.querySelectorAll("td.is-window").length)).toEqual([4, 4, 0, 0]);
		expect(text(el.querySelector(".cnn-conv-sees"))).toBe("kernel 1 sees channels 1, 2 of 4 (group 1 of 2); the other channels are not in its sum.");
		expect(text(el.querySelector(".cnn-conv-note"))).toContain("groups 2: the 4 input channels and the 2 filters are split into 2 groups; each filter sees the 2 channel(s) of its group, so its kernel is 2×2×2.");
		expect(text(el.querySelector(".cnn-conv-figure:nth-child(2) .cnn-conv-caption"))).toBe("Kernel 2×2×2");
		block.view!.dispatch("last");
		expect(boxes.map((b) => b.classList.contains("is-unseen"))).toEqual([true, true, false, false]);
		expect([...el.querySelectorAll(".cnn-conv-sum-channel")].map(text)).toEqual(["channel 3: 3·(−1) + 3·(−1) + 3·(−1) + 3·(−1) = −12", "channel 4: 4·1 + 4·1 + 4·1 + 4·1 = 16"]);
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toBe("total: (−12) + 16 = 4");
		// the kernel shown is the second filter's, its grids named by the channels they meet
		expect([...el.querySelectorAll(".cnn-conv-kernel-box .cnn-conv-channel-label")].map(text)).toEqual(["channel 3", "channel 4"]);
	});

	it("a bad group count is a message at its line, not a blank block", async () => {
		const { el } = await render(GROUPED.replace("groups 2", "groups 3"));
		expect(el.querySelector(".cnn-conv")).toBeNull();
		expect(text(el.querySelector(".cnn-conv-diagnostics"))).toContain("groups 3 does not divide the input's 4 channels");
		expect(text(el.querySelector(".cnn-conv-diagnostic-line"))).toBe(`line ${GROUPED.split("\n").length}: `);
	});
});

describe("a transposed cnn-conv block", () => {
	it("draws the stretched input with its zeros told apart, the rotated kernel and PyTorch's output size", async () => {
		const { el } = await render("input\n1 2 3\n4 5 6\n7 8 9\nkernel\n1 2 0\n0 1 0\n0 0 -1\nstride 2\npad 1\ntransposed\noutpad 1");
		const grids = el.querySelectorAll("table.cnn-conv-grid");
		expect(grids[0].querySelectorAll("td")).toHaveLength(64);
		// 8×8: 9 values, the zeros between them (25 − 9 inside the stretched 5×5), and the border (64 − 25)
		expect(grids[0].querySelectorAll("td.is-inserted")).toHaveLength(16);
		expect(grids[0].querySelectorAll("td.is-pad")).toHaveLength(39);
		expect(text(el.querySelector(".cnn-conv-shape"))).toContain("(3 − 1)·2 − 2·1 + (3 − 1) + 1 + 1 = 6");
		expect(text(el.querySelector(".cnn-conv-note"))).toBe(
			"Transposed convolution, as \"A guide to convolution arithmetic\" draws it: the input is stretched with s − 1 = 1 zero(s) between values (5×5), bordered with d·(k − 1) − p = 1 zero(s) and outpad 1 more at the bottom and right, and the kernel, rotated 180°, steps over it with stride 1.",
		);
		expect(text(el.querySelectorAll(".cnn-conv-figure")[0].querySelector(".cnn-conv-caption"))).toBe("Input 3×3, stretched to 8×8");
		expect(text(el.querySelectorAll(".cnn-conv-figure")[1].querySelector(".cnn-conv-caption"))).toBe("Kernel 3×3, rotated 180°");
		expect([...grids[1].querySelectorAll(".cnn-conv-value")].map(text).join(" ")).toBe("−1 0 0 0 1 0 0 2 1");
		expect(grids[2].querySelectorAll("td")).toHaveLength(36);
		expect(text(el.querySelector(".cnn-conv-step-heading"))).toBe("Step 1 of 36: output row 1, column 1 ← rows 1–3, columns 1–3 of the stretched input");
		// step 1: the window holds the border and the value 1 under the kernel's centre
		expect(text(el.querySelector(".cnn-conv-sum-total"))).toBe("0·(−1) + 0·0 + 0·0 + 0·0 + 1·1 + 0·0 + 0·0 + 0·2 + 0·1 = 1");
	});
});
