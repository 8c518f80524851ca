import { describe, expect, it } from "vitest";
import { padToInput, penPixels } from "../../../src/data/pad-input";

const vertical = [[{ x: 0.3, y: 0.15 }, { x: 0.3, y: 0.85 }]];

function inkBox(x: Float32Array, h: number, w: number): { top: number; bottom: number; left: number; right: number; cx: number; cy: number } {
	let top = h, bottom = -1, left = w, right = -1, m = 0, mx = 0, my = 0;
	for (let y = 0; y < h; y++)
		for (let c = 0; c < w; c++) {
			const v = x[y * w + c];
			if (v <= 0.05) continue;
			top = Math.min(top, y); bottom = Math.max(bottom, y); left = Math.min(left, c); right = Math.max(right, c);
			m += v; mx += v * (c + 0.5); my += v * (y + 0.5);
		}
	return { top, bottom, left, right, cx: mx / m, cy: my / m };
}

describe("drawing pad → the input the network sees", () => {
	it("an empty pad gives no input", () => {
		expect(padToInput([], 0.09, [1, 28, 28])).toBeNull();
	});

	it("MNIST-like 28×28: the ink's box fits 20 px and its centre of mass sits at the centre, wherever it was drawn", () => {
		const x = padToInput(vertical, 0.09, [1, 28, 28]);
		expect(x).not.toBeNull();
		if (!x) return;
		const b = inkBox(x, 28, 28);
		expect(b.bottom - b.top + 1).toBeGreaterThanOrEqual(19);
		expect(b.bottom - b.top + 1).toBeLessThanOrEqual(21);
		// a 2–3 px wide line, as MNIST's
		expect(b.right - b.left + 1).toBeGreaterThanOrEqual(2);
		expect(b.right - b.left + 1).toBeLessThanOrEqual(4);
		expect(penPixels(0.09, 28)).toBeCloseTo(2.52, 2);
		expect(Math.abs(b.cx - 14)).toBeLessThan(0.75);
		expect(Math.abs(b.cy - 14)).toBeLessThan(0.75);
		for (const v of x) expect(v >= 0 && v <= 1).toBe(true);
	});

	it("8×8 digits: the box fills the frame (as the UCI bitmaps were normalised), centred", () => {
		const x = padToInput(vertical, 0.09, [1, 8, 8]);
		if (!x) throw new Error("no input");
		const b = inkBox(x, 8, 8);
		expect(b.top).toBe(0);
		expect(b.bottom).toBe(7);
		expect(Math.abs(b.cx - 4)).toBeLessThan(1);
		// a line about 1.6 px wide: strongly inked along it, as the digits' strokes are
		expect(Math.max(...x)).toBeGreaterThan(0.75);
	});

	it("every channel of an RGB input gets the same plane", () => {
		const x = padToInput(vertical, 0.09, [3, 16, 16]);
		if (!x) throw new Error("no input");
		expect(Array.from(x.subarray(256, 512))).toEqual(Array.from(x.subarray(0, 256)));
		expect(Array.from(x.subarray(512))).toEqual(Array.from(x.subarray(0, 256)));
	});

	it("a single tap is a dot of the pen's size in the middle", () => {
		const x = padToInput([[{ x: 0.2, y: 0.7 }]], 0.09, [1, 28, 28]);
		if (!x) throw new Error("no input");
		const b = inkBox(x, 28, 28);
		expect(b.bottom - b.top + 1).toBeLessThanOrEqual(4);
		expect(Math.abs(b.cx - 14)).toBeLessThan(0.75);
	});
});
