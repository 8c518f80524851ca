import { describe, expect, it } from "vitest";
import { splitIndices } from "../../../src/engine/trainer";
import { Rng } from "../../../src/engine/rng";

/** n samples over `classes` labels, round robin. */
function labels(n: number, classes: number): Uint8Array {
	return Uint8Array.from({ length: n }, (_, i) => i % classes);
}

describe("the train/validation split at tiny limits", () => {
	it.each([
		[2, 0.5],
		[3, 0.5],
		[2, 0.9],
		[10, 0.9],
		[1, 0.9],
	])("limit %i, val %f over 10 classes: every sample kept has a class that still trains", (limit, val) => {
		const y = labels(1797, 10);
		const { train, val: held } = splitIndices(y, 1797, 10, val, limit, new Rng(3));
		expect(train.length + held.length).toBe(limit);
		expect(train.length).toBeGreaterThan(0);
		const trained = new Set(Array.from(train, (i) => y[i]));
		for (const i of held) expect(trained.has(y[i])).toBe(true);
	});

	it("large classes split as before: round(m · val) of each class held out", () => {
		// 1797 samples over 10 classes, round robin: 7 classes of 180 and 3 of 179; val 0.2 holds 36 of each.
		const y = labels(1797, 10);
		const { train, val } = splitIndices(y, 1797, 10, 0.2, null, new Rng(1));
		expect(val.length).toBe(10 * 36);
		expect(train.length).toBe(1797 - 360);
	});
});
