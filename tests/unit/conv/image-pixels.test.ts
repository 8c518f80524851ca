import { describe, expect, it } from "vitest";
import { fitSize, imageSizeFromHeader, rgbaToPlanes } from "../../../src/render/conv/image-pixels";

const bytes = (...parts: (number[] | string)[]): ArrayBuffer => {
	const out: number[] = [];
	for (const p of parts) out.push(...(typeof p === "string" ? [...p].map((c) => c.charCodeAt(0)) : p));
	while (out.length < 64) out.push(0);
	return new Uint8Array(out).buffer;
};

describe("image size from the header, before decoding", () => {
	it("PNG: IHDR width and height, big-endian", () => {
		expect(imageSizeFromHeader(bytes([0x89], "PNG", [13, 10, 26, 10, 0, 0, 0, 13], "IHDR", [0, 0, 0x4e, 0x20, 0, 0, 0x01, 0x00]))).toEqual({ width: 20000, height: 256, format: "png" });
	});
	it("GIF: logical screen size, little-endian", () => {
		expect(imageSizeFromHeader(bytes("GIF89a", [0x40, 0x01, 0xf0, 0x00]))).toEqual({ width: 320, height: 240, format: "gif" });
	});
	it("BMP: width and |height| (bottom-up bitmaps have a negative height)", () => {
		const b = bytes("BM", new Array(16).fill(0), [0x10, 0, 0, 0], [0xf0, 0xff, 0xff, 0xff]);
		expect(imageSizeFromHeader(b)).toEqual({ width: 16, height: 16, format: "bmp" });
	});
	it("JPEG: skips segments to the start-of-frame", () => {
		// SOI, an APP0 segment of length 16, then SOF0 with height 480 and width 640.
		const b = bytes([0xff, 0xd8, 0xff, 0xe0, 0, 16], new Array(14).fill(0), [0xff, 0xc0, 0, 17, 8, 0x01, 0xe0, 0x02, 0x80, 3]);
		expect(imageSizeFromHeader(b)).toEqual({ width: 640, height: 480, format: "jpeg" });
	});
	it("WebP (VP8X): 24-bit sizes minus one", () => {
		const b = bytes("RIFF", [0, 0, 0, 0], "WEBP", "VP8X", [10, 0, 0, 0], [0, 0, 0, 0], [0x1f, 0x4e, 0x00], [0x1f, 0x4e, 0x00]);
		expect(imageSizeFromHeader(b)).toEqual({ width: 20000, height: 20000, format: "webp" });
	});
	it("anything else is not recognised", () => {
		expect(imageSizeFromHeader(bytes("hello world"))).toBeNull();
	});
});

describe("scaling and pixels", () => {
	it("scales the longest side down to the limit, never up", () => {
		expect(fitSize(200, 100, 64)).toEqual({ width: 64, height: 32 });
		expect(fitSize(30, 20, 64)).toEqual({ width: 30, height: 20 });
		expect(fitSize(5000, 1, 64)).toEqual({ width: 64, height: 1 });
	});
	it("gray uses Rec. 601 luma; transparent pixels count as white", () => {
		const rgba = [255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 0, 0, 0, 0];
		expect(rgbaToPlanes(rgba, 4, 1, "gray")).toEqual([[[0.299, 0.587, 0.114, 1]]]);
		const rgb = rgbaToPlanes(rgba, 2, 2, "rgb");
		expect(rgb.map((p) => p[0][0])).toEqual([1, 0, 0]);
		expect(rgb.map((p) => p[1][1])).toEqual([1, 1, 1]);
	});
});
