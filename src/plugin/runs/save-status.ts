import type { RunHandle } from "./run-store";
import { t } from "../../i18n";
import "../../i18n/strings-log";

/**
 * A line under a training panel saying where the run log is, or why it could not be saved, with a "Save log"
 * button that writes the in-memory run again. `link` draws the note's name as a link (the plugin's vault link);
 * without it the name is plain text. Returns the function that removes it (call it on unload).
 */
export function mountSaveStatus(parent: HTMLElement, run: RunHandle, link?: (parent: HTMLElement, text: string, path: string) => HTMLElement): () => void {
	const el = parent.createDiv({ cls: "cnn-lab-log-save" });
	const draw = (): void => {
		el.empty();
		el.toggleClass("cnn-lab-error", !run.saved && run.lastError !== null);
		if (run.saved && run.path) {
			const path = run.path;
			el.createSpan({ text: t("log.save.savedTo") + " " });
			const name = path.replace(/\.md$/i, "");
			if (link) link(el, name, path);
			else el.createSpan({ text: name });
			return;
		}
		if (run.lastError === null) {
			el.setText(t("log.save.pending"));
			return;
		}
		el.createSpan({ text: t("log.save.failed", { error: run.lastError, epochs: run.record.epochs.length }) + " " });
		const btn = el.createEl("button", { text: t("log.save.button"), cls: "mod-cta" });
		btn.addEventListener("click", () => {
			btn.disabled = true;
			void run.retry();
		});
	};
	const off = run.subscribe(draw);
	draw();
	return () => {
		off();
		el.remove();
	};
}
