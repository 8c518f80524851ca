/** Where run notes may go: note names safe on every platform, and runs folders that stay inside the vault. */

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

export type FolderProblem = "url" | "absolute" | "parent" | "hidden" | "chars";

/**
 * A folder named in the settings or a note, as a vault-relative path that stays inside the vault: no `..`, no
 * absolute or drive paths, no URLs, no hidden (dot) folders such as .obsidian. "" and "/" mean the vault's root ("").
 * The one check for the settings field, the plugin's writer and `cnn-lab train`.
 */
export function vaultFolderPath(raw: string): { ok: true; path: string } | { ok: false; problem: FolderProblem } {
	const s = raw.trim();
	if (s === "/" || s === "") return { ok: true, path: "" };
	if (/^[a-z][\w+.-]*:\/\//i.test(s)) return { ok: false, problem: "url" };
	if (/^[a-z]:/i.test(s) || s.startsWith("/") || s.startsWith("\\") || s.startsWith("~")) return { ok: false, problem: "absolute" };
	const parts = s.split(/[\\/]+/).filter((p) => p !== "" && p !== ".");
	if (parts.some((p) => p === "..")) return { ok: false, problem: "parent" };
	if (parts.some((p) => p.startsWith("."))) return { ok: false, problem: "hidden" };
	if (parts.some((p) => /[*"<>:|?\p{Cc}]/u.test(p))) return { ok: false, problem: "chars" };
	return { ok: true, path: parts.join("/") };
}

const pad = (n: number): string => String(n).padStart(2, "0");

/** Note names to try for a run, first free one wins: `<title> YYYY-MM-DD HHmm`, then with seconds, then numbered. */
export function runNoteStems(title: string, d: Date): string[] {
	const day = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
	const hm = `${pad(d.getHours())}${pad(d.getMinutes())}`;
	const stems = [`${title} ${day} ${hm}`, `${title} ${day} ${hm}${pad(d.getSeconds())}`];
	for (let n = 2; n < 100; n++) stems.push(`${stems[1]} ${n}`);
	return stems;
}
