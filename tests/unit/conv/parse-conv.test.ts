import { describe, expect, it } from "vitest";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import type { NumberInput } from "../../../src/notation/conv/types";

const planes = (src: string): number[][][] => (parseConvSpec(src).input as NumberInput).planes;
const errors = (src: string): string[] => parseConvSpec(src).diagnostics.map((d) => `${d.line}: ${d.message}`);

describe("cnn-conv parser: grids", () => {
	it("reads rows with spaces, commas, brackets and a typographic minus", () => {
		expect(planes("input\n[1, 2, -3]\n4 5 −6\nkernel\n1")).toEqual([
			[
				[1, 2, -3],
				[4, 5, -6],
			],
		]);
	});
	it("reads rows on the input line separated by / or ;", () => {
		expect(planes("input 1 2 / 3 4; 5 6\nkernel 1")).toEqual([
			[
				[1, 2],
				[3, 4],
				[5, 6],
			],
		]);
	});
	it("a single row is a 1-D input", () => {
		const s = parseConvSpec("input 1 2 3 4 5\nkernel 1 0 -1");
		expect(s.diagnostics).toEqual([]);
		expect((s.input as NumberInput).planes).toEqual([[[1, 2, 3, 4, 5]]]);
		expect(s.kernels[0].planes).toEqual([[[1, 0, -1]]]);
	});
	it("several channels with `channel N` lines", () => {
		const p = planes("input channel 1\n1 2\n3 4\nchannel 2\n5 6\n7 8\nchannel 3\n0 0\n0 1\nkernel\n1");
		expect(p).toHaveLength(3);
		expect(p[1]).toEqual([
			[5, 6],
			[7, 8],
		]);
	});
	it("several channels as blank-line-separated grids after `input 2 channels`", () => {
		const s = parseConvSpec("input 2 channels\n1 2\n3 4\n\n5 6\n7 8\nkernel 2 channels\n1 0\n0 1\n\n0 1\n1 0");
		expect(s.diagnostics).toEqual([]);
		expect((s.input as NumberInput).planes).toHaveLength(2);
		expect(s.kernels[0].planes).toHaveLength(2);
	});
	it("under a multi-channel input, blank lines separate the kernel's grids too", () => {
		const s = parseConvSpec("input 2 channels\n1 2\n3 4\n\n5 6\n7 8\nkernel\n1 0\n0 1\n\n0 1\n1 0");
		expect(s.diagnostics).toEqual([]);
		expect(s.kernels).toHaveLength(1);
		expect(s.kernels[0].planes).toEqual([
			[
				[1, 0],
				[0, 1],
			],
			[
				[0, 1],
				[1, 0],
			],
		]);
	});
	it("under a one-channel input, a blank line in the kernel is only spacing", () => {
		const s = parseConvSpec("input\n1 2 3\n4 5 6\nkernel\n1 0\n\n0 1");
		expect(s.diagnostics).toEqual([]);
		expect(s.kernels[0].planes).toEqual([
			[
				[1, 0],
				[0, 1],
			],
		]);
	});
	it("a blank line inside a grid without `N channels` is only spacing", () => {
		expect(planes("input\n1 2\n\n3 4\nkernel 1")).toEqual([
			[
				[1, 2],
				[3, 4],
			],
		]);
	});
	it("each further `kernel` grid is another filter", () => {
		const s = parseConvSpec("input 1 2 3\nkernel 1 1\nkernel\n1 -1");
		expect(s.kernels.map((k) => [k.label, k.planes])).toEqual([
			["kernel 1", [[[1, 1]]]],
			["kernel 2", [[[1, -1]]]],
		]);
	});
	it("says when the channel count and the grids disagree", () => {
		expect(errors("input 3 channels\n1 2\n\n3 4\nkernel\n1")).toContain("1: The input says 3 channels but has 2 grid(s) (separate the grids with a blank line).");
	});
	it("says when channels differ in size", () => {
		expect(errors("input channel 1\n1 2\n3 4\nchannel 2\n5 6\nkernel 1")[0]).toMatch(/^5: Channel 2 of the input is 1×2 but channel 1 is 2×2/);
	});
	it("kernel depth must equal the input's channels", () => {
		expect(errors("input channel 1\n1 2\nchannel 2\n3 4\nkernel 1")[0]).toMatch(/^5: The kernel's depth \(1\) must equal the input's channels \(2\)/);
	});
	it("comments and blank lines are ignored", () => {
		expect(parseConvSpec("# a comment\ninput   # the image\n1 2\n\nkernel\n1 # one\n").diagnostics).toEqual([]);
	});
});

describe("cnn-conv parser: settings", () => {
	it("stride, pad, dilation, bias as single values or VxH", () => {
		const s = parseConvSpec("input\n1 2 3\nkernel 1\nstride 2x3\npad 1x2\ndilation 2\nbias -0.5");
		expect(s.stride).toEqual([2, 3]);
		expect(s.pad).toEqual({ kind: "fixed", top: 1, bottom: 1, left: 2, right: 2 });
		expect(s.dilation).toEqual([2, 2]);
		expect(s.bias).toEqual([-0.5]);
	});
	it("pad same / valid", () => {
		expect(parseConvSpec("input 1 2\nkernel 1\npad same").pad).toEqual({ kind: "same" });
		expect(parseConvSpec("input 1 2\nkernel 1\npad valid").pad).toEqual({ kind: "fixed", top: 0, bottom: 0, left: 0, right: 0 });
	});
	it("the chain after `then`", () => {
		const s = parseConvSpec("input 1 2\nkernel 1\nthen relu, maxpool 2, avgpool 3 stride 1");
		expect(s.chain).toEqual([
			{ kind: "relu", line: 3 },
			{ kind: "maxpool", size: [2, 2], stride: [2, 2], line: 3 },
			{ kind: "avgpool", size: [3, 3], stride: [1, 1], line: 3 },
		]);
	});
	it("an image input with mode and size", () => {
		expect(parseConvSpec("input ![[photos/cat.png|200]] rgb 32\nkernel edge").input).toEqual({ kind: "image", link: "photos/cat.png", mode: "rgb", size: 32, line: 1 });
		expect(parseConvSpec("input ![[cat.jpg]]\nkernel edge").input).toMatchObject({ mode: "gray", size: 64 });
	});
	it("several named kernels on one line, with sizes", () => {
		const s = parseConvSpec("input 1 2 3\nkernel sobel-x, gaussian 5, box 3");
		expect(s.kernels.map((k) => k.label)).toEqual(["sobel-x", "gaussian 5", "box 3"]);
		expect(s.kernels[1].planes[0]).toHaveLength(5);
	});
	it("one bias per kernel, or an error naming both counts", () => {
		expect(parseConvSpec("input 1 2 3\nkernel sobel-x, sobel-y\nbias 1, -1").bias).toEqual([1, -1]);
		expect(errors("input 1 2 3\nkernel sobel-x, sobel-y\nbias 1, 2, 3")).toContain("3: 3 biases for 2 kernel(s): give one bias, or one per kernel.");
	});
});

describe("cnn-conv parser: messages", () => {
	it.each([
		["stride 0", "input 1 2\nkernel 1\nstride 0", /^3: The stride must be a whole number ≥ 1/],
		["negative pad", "input 1 2\nkernel 1\npad -1", /^3: Padding is a whole number ≥ 0/],
		["dilation 0", "input 1 2\nkernel 1\ndilation 0", /^3: The dilation must be a whole number ≥ 1/],
		["even box", "input 1 2\nkernel box 4", /^2: The size of `box` is an odd whole number/],
		["size on sobel", "input 1 2\nkernel sobel-x 5", /^2: `sobel-x` is 3×3 and takes no size/],
		["typo", "input 1 2\nkernle 1", /^2: Unknown word "kernle". Did you mean `kernel`\?/],
		["missing kernel", "input 1 2", /^1: No kernel/],
		["missing input", "kernel 1", /^1: No input/],
		["numbers before any grid", "1 2 3\ninput 1\nkernel 1", /^1: Numbers outside a grid/],
		["too many kernels", "input 1 2 3\nkernel edge, edge, edge, edge, edge, edge, edge, edge, edge", /^2: 9 kernels; one block steps through at most 8/],
		["bad pooling", "input 1 2\nkernel 1\nthen maxpool x", /^3: Pooling takes a window size/],
		["image options", "input ![[a.png]] purple\nkernel edge", /^1: After the image: `gray` or `rgb`/],
		["image too large a size", "input ![[a.png]] gray 4096\nkernel edge", /^1: The image size is the longest side in pixels, 1 to 512/],
	])("%s", (_name, src, re) => {
		expect(errors(src)[0]).toMatch(re);
	});
	it("points at the column of a bad number", () => {
		const d = parseConvSpec("input\n  1 2 q\nkernel 1").diagnostics[0];
		expect([d.line, d.column]).toEqual([2, 7]);
	});
	it("refuses grids larger than 256 a side without keeping them", () => {
		const row = Array.from({ length: 300 }, () => "1").join(" ");
		expect(errors(`input\n${row}\nkernel 1`)[0]).toMatch(/at most 256×256/);
	});
});
