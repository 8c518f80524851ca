/**
 * Chinese text has no space after its full-width punctuation, nor between a Chinese character and such a mark:
 * "数字。 在手机上" shows a gap a reader sees as a typo. Every zh string is checked with sample arguments (a
 * number, code, Chinese words; empty where a part is optional), and so are the texts built from several strings.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { joinText, setLanguage, type Entry } from "../../../src/i18n";
import { analyzeCnn } from "../../../src/notation/cnn/parse";
import { checkInline } from "../../../src/notation/inline/inline";
import { parseConvSpec } from "../../../src/notation/conv/parse-conv";
import { settingSections } from "../../../src/plugin/setting-definitions";
import { refusal } from "../../../src/plugin/training/limit-check";
import { explainMismatch } from "../../../src/data/fit";
import { DEFAULT_SETTINGS } from "../../../src/plugin/settings";

const I18N = join(__dirname, "../../../src/i18n");
const VAULT = join(__dirname, "../../../examples/vault");

const CJK = "\\u3400-\\u9fff";
const AFTER = "。，：；！？、）”"; // marks a space must not follow
const BESIDE = "。，：；！？、（）“”"; // marks a space must not separate from a Chinese character
const BAD = new RegExp(`[${AFTER}] |[${CJK}] +[${BESIDE}]`);

/** Where the text breaks the rule, with a little context, or null. */
function badSpace(s: string): string | null {
	const m = BAD.exec(s);
	return m ? s.slice(Math.max(0, m.index - 12), m.index + 12) : null;
}

/** Placeholders that some callers leave empty (a cause that is not known). */
const OPTIONAL = new Set(["cause", "why"]);
const SAMPLES = ["3", "conv 8 3x3", "卷积核", "4×4×16"];

async function allZh(): Promise<[string, string][]> {
	const out: [string, string][] = [];
	for (const f of readdirSync(I18N).filter((x) => /^strings-.*\.ts$/.test(x))) {
		const mod = (await import(join(I18N, f))) as Record<string, unknown>;
		for (const part of Object.values(mod)) {
			if (!part || typeof part !== "object") continue;
			for (const [key, e] of Object.entries(part as Record<string, Entry>)) if (typeof e?.zh === "string") out.push([key, e.zh]);
		}
	}
	return out;
}

describe("no space after full-width punctuation in Chinese", () => {
	beforeAll(() => setLanguage("zh"));
	afterAll(() => setLanguage("en"));

	it("in every zh string, with sample arguments", async () => {
		const entries = await allZh();
		// every table is read: hundreds of strings, not an empty walk
		expect(entries.length).toBeGreaterThan(700);
		const found: string[] = [];
		for (const [key, zh] of entries) {
			for (const sample of SAMPLES) {
				const filled = zh.replace(/\{(\w+)\}/g, (_m, name: string) => (OPTIONAL.has(name) ? "" : sample));
				const bad = badSpace(filled);
				if (bad) found.push(`${key}: …${bad}…`);
			}
		}
		expect([...new Set(found)]).toEqual([]);
	});

	it("the rule itself catches what the limits' settings text used to say", () => {
		expect(badSpace("并给出具体数字。 在手机和平板上")).not.toBeNull();
		expect(badSpace("报错 “The size")).not.toBeNull();
		expect(badSpace("转置（outpad 1） → 6×6")).not.toBeNull();
		expect(badSpace("上限是 512 MB。")).toBeNull();
	});

	it("in texts built from several strings", () => {
		const texts: string[] = [];
		for (const s of settingSections()) texts.push(s.desc ?? "", ...s.items.map((i) => i.desc ?? ""));
		const over = analyzeCnn("input 224x224x3\nconv 64 3x3 pad 1\nflatten\ndense 4096\ndense 10\ntrain digits epochs 50");
		texts.push(refusal(over.parsed.model!, over.parsed.train!, DEFAULT_SETTINGS) ?? "");
		const near = analyzeCnn("input 64x64x3\nconv 32 3x3 pad 1\nflatten\ndense 10\ntrain digits epochs 40");
		texts.push(refusal(near.parsed.model!, near.parsed.train!, { ...DEFAULT_SETTINGS, maxRunSeconds: 1, maxMultiplyAddsPerEpoch: 1e6 }) ?? "");
		texts.push(explainMismatch({ shape: [3, 32, 32], classes: 10, name: "cifar" }, [1, 28, 28], "zh", 5) ?? "");
		texts.push(...parseConvSpec("input\n1 2 3\nkernel sobelx").diagnostics.map((d) => d.message));
		texts.push(...parseConvSpec("input\n1 2 3\nkernel nosuchkernelname").diagnostics.map((d) => d.message));
		texts.push(checkInline("cnn: 28 k3 d2").text, checkInline("cnn: 5 k3 d3").detail, checkInline("cnn: 3 k3 s2 p1 t op1").detail);
		texts.push(joinText(["第一句。", "第二句。"]));
		for (const s of texts) expect(badSpace(s), s).toBeNull();
		// the texts are Chinese, not an English fallback that would pass trivially
		expect(texts.filter((s) => /[\u4e00-\u9fff]/.test(s)).length).toBeGreaterThan(10);
	});

	it("in every message and formula of the demo vault's cnn blocks", () => {
		const notes: string[] = [];
		const walk = (dir: string): void => {
			for (const f of readdirSync(dir, { withFileTypes: true })) {
				const p = join(dir, f.name);
				if (f.isDirectory()) walk(p);
				else if (p.endsWith(".md")) notes.push(readFileSync(p, "utf8"));
			}
		};
		walk(VAULT);
		let checked = 0;
		for (const note of notes) {
			for (const m of note.matchAll(/```cnn\n([\s\S]*?)```/g)) {
				const a = analyzeCnn(m[1].replace(/^> ?/gm, ""));
				const said = [...a.parsed.diagnostics.flatMap((d) => [d.message, d.suggestion ?? ""]), ...(a.report?.rows ?? []).flatMap((r) => r.formulas)];
				for (const s of said) expect(badSpace(s), s).toBeNull();
				checked += said.length;
			}
			for (const m of note.matchAll(/`(cnn:[^`]+)`/g)) {
				const r = checkInline(m[1]);
				for (const s of [r.text, r.detail]) expect(badSpace(s), s).toBeNull();
				checked++;
			}
		}
		expect(checked).toBeGreaterThan(50);
	});
});
