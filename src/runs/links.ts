/** Wiki links in run notes: to the source note and to the weights file. */

/** A wiki link to a vault path: the path without ".md", which Obsidian resolves exactly. */
export function linkTo(path: string): string {
	return `[[${path.replace(/\.md$/i, "")}]]`;
}

/** The path a `[[link]]` written by linkTo points at ("" when the text is not a link). */
export function pathFromLink(link: string): string {
	const m = /^\s*\[\[([^\]|#]+)(?:[#|][^\]]*)?\]\]\s*$/.exec(link);
	if (!m) return "";
	const p = m[1].trim();
	return /\.[a-z0-9]+$/i.test(p) ? p : `${p}.md`;
}
