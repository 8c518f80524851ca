import type { RunHandle } from "./run-store";
import { t } from "../../i18n";
import "../../i18n/strings-log";

/**
 * A line under a training panel saying where the run log is, or why it could not be saved, with a "Save log"
 * button that writes the in-memory run again. Returns the function that removes it (call it on unload).
 */
export function mountSaveStatus(parent: HTMLElement, run: RunHandle, openNote?: (path: string) => void): () => void {
	const el = parent.createDiv({ cls: "cnn-lab-log-save" });
	const draw = (): void => {
		el.empty();
		el.toggleClass("cnn-lab-error", !run.saved && run.lastError !== null);
		if (run.saved && run.path) {
			const path = run.path;
			el.createSpan({ text: t("log.save.savedTo") + " " });
			const a = el.createEl("a", { text: path.replace(/\.md$/i, ""), cls: "internal-link", href: "#" });
			a.addEventListener("click", (ev) => {
				ev.preventDefault();
				openNote?.(path);
			});
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
