/**
 * Every user-facing string goes through t(). The table is one object built from per-area parts
 * (strings-*.ts) so that each area keeps its own words; Simplified Chinese is used when the app's language is Chinese.
 */
import { common } from "./strings-common";
import { langOf, type Lang } from "./lang";
import type { chartStrings } from "./strings-chart";
import type { convStrings } from "./strings-conv";
import type { dataStrings } from "./strings-data";
import type { engineStrings } from "./strings-engine";
import type { explorerStrings } from "./strings-explorer";
import type { frameworkErrorsStrings } from "./strings-framework-errors";
import type { interopStrings } from "./strings-interop";
import type { layersStrings } from "./strings-layers";
import type { limitsStrings } from "./strings-limits";
import type { logStrings } from "./strings-log";
import type { pluginStrings } from "./strings-plugin";
import type { residualStrings } from "./strings-residual";
import type { robustnessStrings } from "./strings-robustness";
import type { specStrings } from "./strings-spec";
import type { trainingStrings } from "./strings-training";
import type { trainPracticeStrings } from "./strings-train-practice";

export { langOf, type Lang } from "./lang";
export interface Entry {
	en: string;
	zh?: string;
}

/**
 * Every key of every table, so that t("no.such.key") fails the type check. A part is still registered at run time by
 * importing its module (addStrings), as before; these imports are types only. A new part is an exported const
 * `satisfies Record<string, Entry>` passed to addStrings, and its keys are added here.
 */
export type Key =
	| keyof typeof common
	| keyof typeof chartStrings
	| keyof typeof convStrings
	| keyof typeof dataStrings
	| keyof typeof engineStrings
	| keyof typeof explorerStrings
	| keyof typeof frameworkErrorsStrings
	| keyof typeof interopStrings
	| keyof typeof layersStrings
	| keyof typeof limitsStrings
	| keyof typeof logStrings
	| keyof typeof pluginStrings
	| keyof typeof residualStrings
	| keyof typeof robustnessStrings
	| keyof typeof specStrings
	| keyof typeof trainingStrings
	| keyof typeof trainPracticeStrings;

const table: Record<string, Entry> = { ...common };
let lang: Lang = "en";

export function addStrings(part: Record<string, Entry>): void {
	Object.assign(table, part);
}

export function setLanguage(code: string | null | undefined): void {
	lang = langOf(code);
}

export function getLanguage(): Lang {
	return lang;
}

/** Looks a key up and fills {name} placeholders; an unknown key returns itself so a gap shows rather than breaks. */
export function t(key: Key, vars?: Record<string, string | number>): string {
	return translate(lang, key, vars);
}

/**
 * Parts of one text, one after another: English puts a space between them, Chinese none (its full-width 。，（） carry
 * their own spacing, and a space after them shows as a gap). Empty parts are left out.
 */
export function joinText(parts: readonly string[], language: Lang = lang): string {
	return parts.filter((p) => p !== "").join(language === "zh" ? "" : " ");
}

/** t() in a language given explicitly (the engine's messages: the language travels in its context). */
export function translate(language: Lang, key: Key, vars?: Record<string, string | number>): string {
	const e = table[key];
	let s = e ? (language === "zh" && e.zh ? e.zh : e.en) : key;
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
	return s;
}
