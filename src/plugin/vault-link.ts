/**
 * A link to a note of the vault, drawn by the plugin (a run's name in ```cnn-log, "Run log saved to …"), that
 * behaves like the links Obsidian draws: click opens the note, Mod-click or a middle click opens it in a new tab,
 * and hovering shows the page preview (under "CNN Lab" in the Page preview settings).
 */
import { Keymap, type App, type HoverParent, type Plugin } from "obsidian";

/** The id the plugin's links carry in `hover-link` events, registered once in onload. */
export const HOVER_SOURCE = "cnn-lab";

/** Makes CNN Lab a source of page previews; hovering its links shows one without a modifier, as note links do. */
export function registerVaultLinks(plugin: Plugin): void {
	plugin.registerHoverLinkSource(HOVER_SOURCE, { display: plugin.manifest.name, defaultMod: false });
}

export interface VaultLinkTarget {
	/** What the link points to: a note's path or link text. */
	linktext: string;
	/** The note the link is drawn in (link text resolves from there). */
	sourcePath: string;
	/** A plain click opens a new tab while this says so (a training panel's link while its run goes on). */
	newTab?: () => boolean;
}

/** Appends `<a class="internal-link">` with the text, opening and previewing the target the way Obsidian's links do. */
export function createVaultLink(app: App, parent: HTMLElement, text: string, target: VaultLinkTarget, hoverParent: HoverParent): HTMLAnchorElement {
	const { linktext, sourcePath, newTab } = target;
	const a = parent.createEl("a", { text, cls: "internal-link", href: linktext, attr: { "data-href": linktext } });
	a.addEventListener("click", (ev) => {
		ev.preventDefault();
		void app.workspace.openLinkText(linktext, sourcePath, Keymap.isModEvent(ev) || (newTab?.() ? "tab" : false));
	});
	// A middle click is an auxclick, not a click.
	a.addEventListener("auxclick", (ev) => {
		if (ev.button !== 1) return;
		ev.preventDefault();
		void app.workspace.openLinkText(linktext, sourcePath, "tab");
	});
	a.addEventListener("mouseover", (ev) => {
		app.workspace.trigger("hover-link", { event: ev, source: HOVER_SOURCE, hoverParent, targetEl: a, linktext, sourcePath });
	});
	return a;
}
