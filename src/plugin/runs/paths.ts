import { normalizePath } from "obsidian";
import { t } from "../../i18n";
import "../../i18n/strings-log";

export type FolderCheck = { ok: true; path: string } | { ok: false; error: string };

/**
 * A folder named in the settings or a note, made a vault path that stays inside the vault: no `..`, no absolute
 * or drive paths, no URLs, no hidden (dot) folders such as .obsidian. "" and "/" mean the vault's root ("").
 */
export function checkVaultFolder(raw: string): FolderCheck {
	const s = raw.trim();
	if (s === "/" || s === "") return { ok: true, path: "" };
	const bad = (why: string): FolderCheck => ({ ok: false, error: t("log.path.bad", { path: raw, why }) });
	if (/^[a-z][\w+.-]*:\/\//i.test(s)) return bad(t("log.path.url"));
	if (/^[a-z]:/i.test(s) || s.startsWith("/") || s.startsWith("\\") || s.startsWith("~")) return bad(t("log.path.absolute"));
	const parts = s.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
	if (parts.some((p) => p === "..")) return bad(t("log.path.parent"));
	if (parts.some((p) => p.startsWith("."))) return bad(t("log.path.hidden"));
	if (parts.some((p) => /[*"<>:|?\p{Cc}]/u.test(p))) return bad(t("log.path.chars"));
	if (parts.length === 0) return { ok: true, path: "" };
	const path = normalizePath(parts.join("/"));
	return { ok: true, path: path === "/" ? "" : path };
}

/** A string made safe as a note name on every platform Obsidian runs on. */
export function safeFileName(s: string): string {
	const clean = s
		.replace(/[\\/:*?"<>|#^[\]\p{Cc}]/gu, " ")
		.replace(/\s+/g, " ")
		.trim()
		.replace(/^\.+|\.+$/g, "")
		.slice(0, 80)
		.trim();
	return clean === "" ? "run" : clean;
}

export function joinPath(folder: string, name: string): string {
	return normalizePath(folder === "" ? name : `${folder}/${name}`);
}
