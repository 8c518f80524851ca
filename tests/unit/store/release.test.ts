/**
 * What the community store and Obsidian's installer read: the manifest, versions.json, the release workflow, and
 * `npm version`, which must keep package.json, manifest.json and versions.json in step.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../../", import.meta.url).pathname;
const read = (p: string): string => readFileSync(join(root, p), "utf8");
const json = (p: string): Record<string, unknown> => JSON.parse(read(p)) as Record<string, unknown>;

describe("ready for the community store", () => {
	it("manifest.json has what the store lists, at package.json's version, and versions.json maps it", () => {
		const manifest = json("manifest.json");
		expect(manifest.id).toBe("cnn-lab");
		expect(manifest.version).toBe(json("package.json").version);
		expect(String(manifest.authorUrl)).toMatch(/^https:\/\/\S+$/);
		// the store refuses an id or a description that says "Obsidian", and descriptions longer than 250 characters
		expect(String(manifest.description)).not.toMatch(/obsidian/i);
		expect(String(manifest.description).length).toBeLessThanOrEqual(250);
		expect(manifest.isDesktopOnly).toBe(false);
		expect(json("versions.json")[String(manifest.version)]).toBe(manifest.minAppVersion);
	});

	it("a tag builds and releases main.js, manifest.json and styles.css", () => {
		const wf = read(".github/workflows/release.yml");
		expect(wf).toMatch(/on:\s+push:\s+tags:/);
		expect(wf).toContain("npm run build");
		expect(wf).toMatch(/gh release create "\$tag"[\s\S]*main\.js manifest\.json styles\.css/);
		expect(wf).toContain("contents: write");
	});

	it("npm version runs scripts/version.mjs, which bumps manifest.json and adds the version to versions.json", () => {
		expect(json("package.json").scripts).toMatchObject({ version: "node scripts/version.mjs && git add manifest.json versions.json" });
		const dir = mkdtempSync(join(tmpdir(), "cnn-lab-version-"));
		try {
			copyFileSync(join(root, "manifest.json"), join(dir, "manifest.json"));
			copyFileSync(join(root, "versions.json"), join(dir, "versions.json"));
			const before = JSON.parse(readFileSync(join(dir, "versions.json"), "utf8")) as Record<string, string>;
			const minApp = String(json("manifest.json").minAppVersion);
			execFileSync(process.execPath, [join(root, "scripts/version.mjs")], { cwd: dir, env: { ...process.env, npm_package_version: "9.8.7" } });
			const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as Record<string, unknown>;
			const versions = JSON.parse(readFileSync(join(dir, "versions.json"), "utf8")) as Record<string, string>;
			expect(manifest.version).toBe("9.8.7");
			expect(manifest.minAppVersion).toBe(minApp);
			expect(versions).toEqual({ ...before, "9.8.7": minApp });
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("CHANGELOG.md has a section for the manifest's version", () => {
		expect(read("CHANGELOG.md")).toMatch(new RegExp(`^## ${String(json("manifest.json").version).replace(/\./g, "\\.")}\\b`, "m"));
	});
});
