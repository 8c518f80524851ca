/**
 * A small Markdown reader for the demo page and the browser tests: enough of Obsidian's reading view to show the
 * demo notes (headings, paragraphs, lists, tables, callouts with nested blocks, code fences, embeds, inline
 * code, emphasis, highlights, wiki links) and, like Obsidian, to hand code fences to the plugin's registered
 * processors and every rendered section to its post processors.
 */

export interface Section {
	kind: "frontmatter" | "code" | "heading" | "callout" | "quote" | "list" | "table" | "hr" | "embed" | "paragraph";
	/** 0-based line numbers in the note, inclusive. */
	lineStart: number;
	lineEnd: number;
	lines: string[];
	lang?: string;
	/** Code fence body. */
	code?: string;
	level?: number;
	calloutType?: string;
	calloutTitle?: string;
	fold?: string;
	/** Callout / quote body, parsed recursively. */
	children?: Section[];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w-]*)[^`]*$/;

/** Splits Markdown into top-level sections (the way Obsidian cuts a note into rendered sections). */
export function parseSections(text: string, offset = 0): Section[] {
	const lines = text.split("\n");
	const out: Section[] = [];
	let i = 0;
	const push = (s: Omit<Section, "lines" | "lineStart" | "lineEnd">, a: number, b: number): void => {
		out.push({ ...s, lines: lines.slice(a, b + 1), lineStart: a + offset, lineEnd: b + offset });
	};
	if (offset === 0 && lines[0] === "---") {
		const end = lines.indexOf("---", 1);
		if (end > 0) {
			push({ kind: "frontmatter" }, 0, end);
			i = end + 1;
		}
	}
	while (i < lines.length) {
		const line = lines[i];
		if (line.trim() === "") {
			i++;
			continue;
		}
		const fence = FENCE.exec(line);
		if (fence) {
			const marker = fence[2];
			let j = i + 1;
			while (j < lines.length && !(lines[j].trim().startsWith(marker[0].repeat(marker.length)) && lines[j].trim().replace(/[`~]/g, "") === "")) j++;
			const body = lines.slice(i + 1, j).map((l) => (fence[1] && l.startsWith(fence[1]) ? l.slice(fence[1].length) : l));
			push({ kind: "code", lang: fence[3], code: body.join("\n") }, i, Math.min(j, lines.length - 1));
			i = j + 1;
			continue;
		}
		const h = /^(#{1,6})\s+(.*)$/.exec(line);
		if (h) {
			push({ kind: "heading", level: h[1].length }, i, i);
			i++;
			continue;
		}
		if (/^\s*>/.test(line)) {
			let j = i;
			while (j < lines.length && /^\s*>/.test(lines[j])) j++;
			const inner = lines.slice(i, j).map((l) => l.replace(/^\s*> ?/, ""));
			const c = /^\[!([\w-]+)\]([+-]?)\s*(.*)$/.exec(inner[0]);
			if (c) {
				// Child line numbers stay relative to the note.
				push({ kind: "callout", calloutType: c[1].toLowerCase(), fold: c[2], calloutTitle: c[3], children: parseSections(inner.slice(1).join("\n"), i + 1 + offset) }, i, j - 1);
			} else {
				push({ kind: "quote", children: parseSections(inner.join("\n"), i + offset) }, i, j - 1);
			}
			i = j;
			continue;
		}
		if (/^(-{3,}|\*{3,}|_{3,})\s*$/.test(line)) {
			push({ kind: "hr" }, i, i);
			i++;
			continue;
		}
		if (/^!\[\[[^\]]+\]\]\s*$/.test(line.trim())) {
			push({ kind: "embed" }, i, i);
			i++;
			continue;
		}
		if (/^\s*\|/.test(line)) {
			let j = i;
			while (j < lines.length && /^\s*\|/.test(lines[j])) j++;
			push({ kind: "table" }, i, j - 1);
			i = j;
			continue;
		}
		if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
			let j = i + 1;
			while (j < lines.length && lines[j].trim() !== "" && (/^\s*([-*+]|\d+[.)])\s+/.test(lines[j]) || /^\s+\S/.test(lines[j]))) j++;
			push({ kind: "list" }, i, j - 1);
			i = j;
			continue;
		}
		let j = i + 1;
		while (j < lines.length && lines[j].trim() !== "" && !FENCE.test(lines[j]) && !/^(#{1,6})\s|^\s*>|^\s*\||^\s*([-*+]|\d+[.)])\s+/.test(lines[j])) j++;
		push({ kind: "paragraph" }, i, j - 1);
		i = j;
	}
	return out;
}

export interface InlineHost {
	/** Resolves `![[name]]` to a URL the page can show (or null when the file is missing). */
	resourceUrl(link: string): string | null;
	/** Opens a note when a wiki link is clicked. */
	openLink(link: string): void;
}

/** Renders inline Markdown (code, bold, italic, highlight, wiki and web links) into el with DOM calls only. */
export function renderInline(el: HTMLElement, text: string, host: InlineHost): void {
	const doc = el.ownerDocument;
	const re = /(`+)([\s\S]*?[^`])\1(?!`)|\*\*([^*]+)\*\*|==([^=]+)==|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|!\[\[([^\]]+)\]\]|\[\[([^\]]+)\]\]|\[([^\]]+)\]\(([^)]+)\)/g;
	let last = 0;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text))) {
		if (m.index > last) el.appendChild(doc.createTextNode(text.slice(last, m.index)));
		if (m[1]) el.createEl("code", { text: m[2].trim() });
		else if (m[3]) renderInline(el.createEl("strong"), m[3], host);
		else if (m[4]) renderInline(el.createEl("mark"), m[4], host);
		else if (m[5]) renderInline(el.createEl("em"), m[5], host);
		else if (m[6]) renderInline(el.createEl("em"), m[6], host);
		else if (m[7]) renderEmbed(el, m[7], host);
		else if (m[8]) {
			const [target, alias] = m[8].split("|");
			const a = el.createEl("a", { cls: "internal-link", text: alias ?? target, attr: { href: "#", "data-href": target } });
			a.addEventListener("click", (e) => {
				e.preventDefault();
				host.openLink(target);
			});
		} else if (m[9]) el.createEl("a", { cls: "external-link", text: m[9], attr: { href: m[10], target: "_blank", rel: "noopener" } });
		last = re.lastIndex;
	}
	if (last < text.length) el.appendChild(doc.createTextNode(text.slice(last)));
}

function renderEmbed(el: HTMLElement, link: string, host: InlineHost): void {
	const [target, size] = link.split("|");
	const url = host.resourceUrl(target);
	if (!url) {
		el.createSpan({ cls: "internal-embed is-unresolved", text: target });
		return;
	}
	const span = el.createSpan({ cls: "internal-embed image-embed", attr: { src: target } });
	const img = span.createEl("img", { attr: { src: url, alt: target } });
	if (size && /^\d+$/.test(size)) img.setAttribute("width", size);
}

/** What renderSections needs to render blocks the way Obsidian does. */
export interface RenderHost extends InlineHost {
	/** Called for a code fence: returns true when a processor handled it. */
	codeBlock(lang: string, source: string, el: HTMLElement, section: Section): Promise<boolean>;
}

/** Renders sections into parent; every top-level section gets its own div, as in Obsidian's reading view. */
export async function renderSections(parent: HTMLElement, sections: Section[], host: RenderHost, onSection?: (el: HTMLElement, s: Section) => Promise<void>): Promise<void> {
	for (const s of sections) {
		const div = parent.createDiv({ cls: `cnn-demo-section cnn-demo-${s.kind}` });
		div.setAttribute("data-line-start", String(s.lineStart));
		await renderSection(div, s, host);
		if (onSection) await onSection(div, s);
	}
}

async function renderSection(div: HTMLElement, s: Section, host: RenderHost): Promise<void> {
	switch (s.kind) {
		case "frontmatter": {
			const d = div.createEl("details", { cls: "cnn-demo-frontmatter" });
			d.createEl("summary", { text: "Properties" });
			d.createEl("pre", { text: s.lines.slice(1, -1).join("\n") });
			return;
		}
		case "code": {
			const lang = s.lang ?? "";
			const el = div.createDiv({ cls: `block-language-${lang}` });
			const handled = lang !== "" && (await host.codeBlock(lang, s.code ?? "", el, s));
			if (!handled) {
				el.detach();
				const pre = div.createEl("pre");
				pre.createEl("code", { cls: lang ? `language-${lang}` : "", text: s.code ?? "" });
			}
			return;
		}
		case "heading": {
			const text = s.lines[0].replace(/^#{1,6}\s+/, "");
			renderInline(div.createEl(`h${s.level ?? 1}` as "h1"), text, host);
			return;
		}
		case "callout": {
			const type = s.calloutType ?? "note";
			const c = div.createDiv({ cls: "callout", attr: { "data-callout": type } });
			if (s.fold) c.addClass("is-collapsible");
			const title = c.createDiv({ cls: "callout-title" });
			title.createDiv({ cls: "callout-icon" });
			const inner = title.createDiv({ cls: "callout-title-inner" });
			renderInline(inner, s.calloutTitle || type.charAt(0).toUpperCase() + type.slice(1), host);
			const content = c.createDiv({ cls: "callout-content" });
			if (s.fold === "-") content.addClass("is-collapsed");
			await renderSections(content, s.children ?? [], host);
			return;
		}
		case "quote": {
			const q = div.createEl("blockquote");
			await renderSections(q, s.children ?? [], host);
			return;
		}
		case "hr":
			div.createEl("hr");
			return;
		case "embed":
			renderInline(div.createEl("p"), s.lines[0].trim(), host);
			return;
		case "table": {
			const table = div.createEl("table");
			const rows = s.lines.map((l) => l.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim()));
			const hasHead = rows.length > 1 && rows[1].every((c) => /^:?-+:?$/.test(c));
			let body = rows;
			if (hasHead) {
				const tr = table.createEl("thead").createEl("tr");
				for (const c of rows[0]) renderInline(tr.createEl("th"), c, host);
				body = rows.slice(2);
			}
			const tb = table.createEl("tbody");
			for (const r of body) {
				const tr = tb.createEl("tr");
				for (const c of r) renderInline(tr.createEl("td"), c, host);
			}
			return;
		}
		case "list": {
			const ordered = /^\s*\d+[.)]/.test(s.lines[0]);
			const list = div.createEl(ordered ? "ol" : "ul");
			let li: HTMLElement | null = null;
			let text = "";
			const flush = (): void => {
				if (li) renderInline(li, text, host);
			};
			for (const l of s.lines) {
				const m = /^\s*([-*+]|\d+[.)])\s+(.*)$/.exec(l);
				if (m && !/^\s{2,}/.test(l)) {
					flush();
					li = list.createEl("li");
					text = m[2];
				} else if (m && li) {
					flush();
					li = list.createEl("li", { cls: "cnn-demo-nested" });
					text = m[2];
				} else text += " " + l.trim();
			}
			flush();
			return;
		}
		case "paragraph": {
			const p = div.createEl("p");
			// Lines of a paragraph join with a space (Obsidian's "strict line breaks"), so wrapped prose reads as one.
			renderInline(p, s.lines.map((l) => l.trim()).join(" "), host);
			return;
		}
	}
}
