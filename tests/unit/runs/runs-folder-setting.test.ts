/** The runs-folder field refuses at once, with the reason, exactly the folders the run-note writer would refuse. */
import { describe, expect, it } from "vitest";
import { runsFolderProblem } from "../../../src/plugin/setting-definitions";
import { checkVaultFolder } from "../../../src/plugin/runs/paths";

describe("the runs folder setting", () => {
	it("refuses .obsidian/runs, runs? and runs|x with the reason, and accepts what the writer accepts", () => {
		expect(runsFolderProblem(".obsidian/runs")).toMatch(/start with a dot/);
		expect(runsFolderProblem("runs?")).toMatch(/cannot contain/);
		expect(runsFolderProblem("runs|x")).toMatch(/cannot contain/);
		expect(runsFolderProblem("../runs")).toMatch(/leave the vault/);
		expect(runsFolderProblem("https://x.org/runs")).toMatch(/web address/);
		for (const ok of ["CNN runs", "Lab/CNN runs", "runs/"]) expect(runsFolderProblem(ok)).toBeNull();
		for (const v of [".obsidian/runs", "runs?", "runs|x", "../runs", "C:/runs", "CNN runs", "a/b"]) {
			expect(runsFolderProblem(v) === null).toBe(checkVaultFolder(v).ok);
		}
	});
});
