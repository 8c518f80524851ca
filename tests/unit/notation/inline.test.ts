import { describe, expect, it } from "vitest";
import { checkInline } from "../../../src/notation/inline/inline";
import { parseCnn } from "../../../src/notation/cnn/parse";

describe("inline cnn: check", () => {
	it("cnn: 32 k4 s3 p1 → ((32 + 2·1 − 4)/3) + 1 = 11 ✓", () => {
		const r = checkInline("cnn: 32 k4 s3 p1");
		expect(r).toMatchObject({ ok: true, fits: true, out: "11", text: "((32 + 2·1 − 4)/3) + 1 = 11 ✓" });
	});

	it("cnn: 32 k4 s3 → 10.33, flagged, with p1 → 11 first and the other fixes in the detail", () => {
		const r = checkInline("cnn: 32 k4 s3");
		expect(r.fits).toBe(false);
		expect(r.text).toBe("(32 − 4)/3 + 1 = 10.33 ✗ not an integer — try p1 → 11");
		expect(r.detail).toContain("floor it to 10");
		// at most three fixes, best first, as the block's table shows them
		expect(r.detail.split("\n").slice(1)).toEqual(["p1 → 11", "s4 → 8", "s2 → 15"]);
	});

	it("two sizes and dilation: cnn: 32x28 k3 s2 p1 d2", () => {
		const r = checkInline("cnn: 32x28 k3 s2 p1 d2");
		expect(r.text).toContain("vertical ((32 + 2·1 − 5)/2) + 1 = 15.5");
		expect(r.text).toContain("horizontal ((28 + 2·1 − 5)/2) + 1 = 13.5");
		expect(r.out).toBe("15×13");
		expect(r.fits).toBe(false);
		expect(checkInline("cnn: 28 k3 d2")).toMatchObject({ fits: true, out: "24", text: "28 − 5 + 1 = 24 (dilated kernel 2·(3 − 1) + 1 = 5) ✓" });
		expect(checkInline("cnn: 32x28 k4 s2 p1")).toMatchObject({ fits: true, out: "16×14" });
	});

	it("cnn: 3 k3 s2 p1 t op1 → the transposed conv's (3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6, and the conv it undoes", () => {
		const r = checkInline("cnn: 3 k3 s2 p1 t op1");
		expect(r).toMatchObject({ ok: true, fits: true, out: "6", text: "(3 − 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 6 ✓" });
		expect(r.detail).toContain("it undoes a conv: 6×6 k3 s2 p1 → 3×3; transposed with outpad 1 → 6×6");
		expect(r.detail).toContain("that conv maps 5, 6 to 3");
		// without op the same conv gives 5, as PyTorch's ConvTranspose2d(1, 1, 3, 2, 1) does on 3×3
		expect(checkInline("cnn: 3 kernel 3 stride 2 pad 1 transposed").out).toBe("5");
		expect(checkInline("cnn: 4x3 k3 s2 t outpad 1")).toMatchObject({ fits: true, out: "10×8" });
	});

	it("the transposed conv's refusals: outpad not under stride or dilation, no output left, op without t", () => {
		expect(checkInline("cnn: 3 k3 s2 p1 t op2")).toMatchObject({ ok: true, fits: false, out: "" });
		expect(checkInline("cnn: 3 k3 s2 p1 t op2").text).toContain("outpad 2 must be smaller than the stride (2) or the dilation (1)");
		expect(checkInline("cnn: 1 k3 p3 t")).toMatchObject({ fits: false, text: "(1 − 1)·1 − 2·3 + 1·(3 − 1) + 0 + 1 = −3 ✗ no output is left" });
		const r = checkInline("cnn: 3 k3 op1");
		expect(r.ok).toBe(false);
		expect(r.detail).toContain("add `t`");
	});

	it("long keys, odd spacing and junk", () => {
		expect(checkInline("CNN:  32 kernel 4 stride 3 pad 1 ").out).toBe("11");
		expect(checkInline("cnn: hello").ok).toBe(false);
		expect(checkInline("cnn:").ok).toBe(false);
		expect(checkInline("cnn: 32").ok).toBe(false);
		expect(checkInline("cnn: 4 k5")).toMatchObject({ ok: true, fits: false, out: "" });
	});

	it("a dilated window larger than the input (cnn: 5 k3 d3, 3·(3 − 1) + 1 = 7 > 5) offers the block form's fixes", () => {
		const r = checkInline("cnn: 5 k3 d3");
		expect(r.fits).toBe(false);
		// by hand: k2 covers 3·1 + 1 = 4 → 5 − 4 + 1 = 2; d2 covers 5 → 1; p1 pads to 7 → 7 − 7 + 1 = 1
		expect(r.text).toBe("5 − 7 + 1 = −1 (dilated kernel 3·(3 − 1) + 1 = 7) ✗ the kernel is larger than the padded input — try k2 → 2");
		expect(r.detail.split("\n").slice(1)).toEqual(["k2 → 2", "d2 → 1", "p1 → 1"]);
		// the same three as the block's `conv 1 3x3 dilation 3` on 5×5, none the failing window again
		const block = parseCnn("input 5x5x1\nconv 1 3x3 dilation 3").diagnostics.find((d) => d.line === 2)!;
		expect(block.suggestion!.split(" or ")).toEqual(["conv 1 2x2 dilation 3", "conv 1 3x3 dilation 2", "conv 1 3x3 pad 1 dilation 3"]);
		expect(r.detail).not.toContain("k3 d3");
	});
});
