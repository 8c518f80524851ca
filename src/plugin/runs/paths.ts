import { normalizePath } from "obsidian";
import { t } from "../../i18n";
import "../../i18n/strings-log";
import { vaultFolderPath } from "../../runs/vault-paths";

export type FolderCheck = { ok: true; path: string } | { ok: false; error: string };

/** The pure check (src/runs/vault-paths.ts) with the reason in the user's language and Obsidian's path normalisation. */
export function checkVaultFolder(raw: string): FolderCheck {
	const r = vaultFolderPath(raw);
	if (!r.ok) return { ok: false, error: t("log.path.bad", { path: raw, why: t(`log.path.${r.problem}`) }) };
	if (r.path === "") return { ok: true, path: "" };
	const path = normalizePath(r.path);
	return { ok: true, path: path === "/" ? "" : path };
}

export function joinPath(folder: string, name: string): string {
	return normalizePath(folder === "" ? name : `${folder}/${name}`);
}
