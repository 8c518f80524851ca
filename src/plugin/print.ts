import { Component, type Plugin } from "obsidian";
import { windowOf } from "../render/window-of";
import { DRAW_NOW_EVENT } from "../render/charts/chart-frame";
import { t } from "../i18n";
import "../i18n/strings-plugin";

const SNAPSHOT = "cnn-lab-print-snapshot";
// Obsidian gives each code block processor an element with the class block-language-<lang>.
const BLOCK_CANVASES = [".cnn-lab", ".block-language-cnn", ".block-language-cnn-conv", ".block-language-cnn-log"].map((s) => `${s} canvas`).join(", ");

/**
 * Canvases do not survive Obsidian's PDF export and print well (charts come out blank or cut): before printing,
 * every canvas inside a CNN Lab block gets an <img> copy shown only in print (CSS @media print), and the copies
 * are removed afterwards. The window listeners end with the plugin.
 */
export function registerPrintSnapshots(owner: Component, win: Window = window): void {
	const before = (): void => {
		addSnapshots(win.document);
	};
	const after = (): void => removeSnapshots(win.document);
	win.addEventListener("beforeprint", before);
	win.addEventListener("afterprint", after);
	owner.register(() => {
		win.removeEventListener("beforeprint", before);
		win.removeEventListener("afterprint", after);
		removeSnapshots(win.document);
	});
}

/**
 * Print snapshots in the main window and in every pop-out window (a note printed from a pop-out is printed by that
 * window): those open when the layout is ready, and each one opened later, until it closes or the plugin unloads.
 */
export function registerPrintSnapshotsInWindows(plugin: Plugin): void {
	registerPrintSnapshots(plugin, window);
	const popouts = new Map<Window, Component>();
	const add = (win: Window): void => {
		if (win === window || popouts.has(win)) return;
		const owner = plugin.addChild(new Component());
		registerPrintSnapshots(owner, win);
		popouts.set(win, owner);
	};
	const workspace = plugin.app.workspace;
	workspace.onLayoutReady(() => workspace.iterateAllLeaves((leaf) => add(windowOf(leaf.view.containerEl))));
	plugin.registerEvent(workspace.on("window-open", (_popout, win) => add(win)));
	plugin.registerEvent(
		workspace.on("window-close", (_popout, win) => {
			const owner = popouts.get(win);
			if (!owner) return;
			popouts.delete(win);
			plugin.removeChild(owner);
		}),
	);
}

export function addSnapshots(doc: Document): number {
	removeSnapshots(doc);
	// Charts that wait to be on screen (the explorer's dense layers) are drawn first: the print has them all.
	const EventOf = doc.defaultView?.Event ?? Event;
	doc.querySelectorAll(".cnn-lab-chart").forEach((el) => el.dispatchEvent(new EventOf(DRAW_NOW_EVENT)));
	let n = 0;
	doc.querySelectorAll<HTMLCanvasElement>(BLOCK_CANVASES).forEach((canvas) => {
		if (canvas.width === 0 || canvas.height === 0) return;
		let url: string;
		try {
			url = canvas.toDataURL("image/png");
		} catch {
			return;
		}
		const img = createEl("img", { cls: SNAPSHOT, attr: { src: url, alt: canvas.getAttribute("aria-label") ?? t("print.snapshot") } });
		const box = canvas.getBoundingClientRect();
		if (box.width > 0) img.setCssProps({ "--cnn-lab-print-width": `${Math.round(box.width)}px` });
		canvas.addClass("cnn-lab-print-hidden");
		canvas.insertAdjacentElement("afterend", img);
		n++;
	});
	return n;
}

export function removeSnapshots(doc: Document): void {
	doc.querySelectorAll(`.${SNAPSHOT}`).forEach((img) => img.remove());
	doc.querySelectorAll(".cnn-lab-print-hidden").forEach((c) => c.removeClass("cnn-lab-print-hidden"));
}
