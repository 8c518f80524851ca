/**
 * Every user-facing string goes through t(). The table is one object built from per-area parts
 * (strings-*.ts) so that each area keeps its own words; Simplified Chinese is used when the app's language is Chinese.
 */
import { common } from "./strings-common";
import { langOf, type Lang } from "./lang";

export { langOf, type Lang } from "./lang";
export interface Entry {
	en: string;
	zh?: string;
}

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
export function t(key: string, vars?: Record<string, string | number>): string {
	return translate(lang, key, vars);
}

/** t() in a language given explicitly (the engine's messages: the language travels in its context). */
export function translate(language: Lang, key: string, vars?: Record<string, string | number>): string {
	const e = table[key];
	let s = e ? (language === "zh" && e.zh ? e.zh : e.en) : key;
	if (vars) s = s.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
	return s;
}
