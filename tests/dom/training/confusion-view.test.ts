// @vitest-environment jsdom
import { describe, expect, it } from "vitest";
import "../../support/obsidian-stub";
import { renderConfusion } from "../../../src/render/training/confusion-view";

const eye = (k: number): number[][] => Array.from({ length: k }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 9 : j === (i + 1) % k ? 1 : 0)));

describe("the confusion matrix in a narrow column", () => {
	it("sits in a box of its own that scrolls sideways (keyboard-reachable, named), so the page never does", () => {
		const parent = document.body.createDiv();
		const wrap = renderConfusion(parent, eye(10), Array.from({ length: 10 }, (_, i) => String(i)));
		const box = wrap.querySelector(".cnn-lab-confusion-scroll");
		expect(box?.firstElementChild?.tagName).toBe("TABLE");
		expect(box?.getAttribute("tabindex")).toBe("0");
		expect(box?.getAttribute("aria-label")).toBe("Rows: true class; columns: predicted class");
		// Ten classes get their compact cells from the column's width (training.css), not from a class.
		expect(wrap.querySelector(".cnn-lab-confusion-table--many")).toBeNull();
	});

	it("more than ten classes are compact at any width", () => {
		const parent = document.body.createDiv();
		const wrap = renderConfusion(parent, eye(26), Array.from({ length: 26 }, (_, i) => String.fromCharCode(97 + i)));
		const table = wrap.querySelector("table.cnn-lab-confusion-table--many");
		expect(table?.querySelectorAll("tbody tr")).toHaveLength(26);
		expect(table?.querySelector("thead th:nth-child(2)")?.textContent).toBe("a");
	});
});
