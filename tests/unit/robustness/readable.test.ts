import { describe, expect, it } from "vitest";
import { readable } from "../../../src/notation/cnn/limits";

// The limit messages quote these figures next to the limit: they must never round to something misleading.
describe("readable numbers in the limit messages", () => {
	it("a mantissa that rounds up to 10 moves to the next power (was 10.0e15)", () => {
		expect(readable(9.98e15)).toBe("1.0e16");
		expect(readable(9_999_999_999)).toBe("1.0e10");
		expect(readable(2.9404e9)).toBe("2.9e9");
		expect(readable(-9.96e8)).toBe("-1.0e9");
	});
	it("fractions of a MB keep their digits (was 0 MB, and 512.7 against a 512 limit read as 512)", () => {
		expect(readable(0.00596)).toBe("0.006");
		expect(readable(512.7)).toBe("512.7");
		expect(readable(488.66)).toBe("488.7");
	});
	it("whole numbers below 1e7 are grouped by spaces, as before", () => {
		expect(readable(5_000_000)).toBe("5 000 000");
		expect(readable(1490)).toBe("1 490");
		expect(readable(0)).toBe("0");
		expect(readable(NaN)).toBe("NaN");
	});
});
