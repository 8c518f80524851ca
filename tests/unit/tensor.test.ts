import { describe, expect, it } from "vitest";
import { size, tensor } from "../../src/engine/tensor";

describe("tensor", () => {
	it("counts elements and copies data into float32", () => {
		expect(size([2, 3, 4])).toBe(24);
		const t = tensor([2, 2], [1, 2, 3, 4.5]);
		expect(Array.from(t.data)).toEqual([1, 2, 3, 4.5]);
		expect(() => tensor([2, 2], [1])).toThrow(/1 values for shape \[2, 2\]/);
	});
});
