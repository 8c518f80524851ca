import { describe, expect, it } from "vitest";
import { t, translate, type Key } from "../../../src/i18n";
import "../../../src/i18n/strings-spec";

describe("i18n keys", () => {
	it("a key of the tables reads its words in either language, and a missing key is a type error", () => {
		expect(translate("en", "spec.unused.rows", { n: 2 })).toBe("the last 2 input rows");
		expect(translate("zh", "spec.unused.rows", { n: 2 })).toBe("输入的最后 2 行");
		// The check here is tsc's (npm test's types step): t() takes only keys of the tables.
		// @ts-expect-error "no.such.key" is in no table
		expect(t("no.such.key")).toBe("no.such.key");
		// A key built at run time needs its own narrow type.
		const side = (s: string): Key => `spec.unused.${s === "row" ? "row" : "col"}`;
		expect(t(side("row"), { n: 1 })).toBe("the last input row");
	});
});
