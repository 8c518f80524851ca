import { Platform } from "obsidian";
import type { CnnLabHost } from "../host";
import { joinText, t } from "../../i18n";
import "../../i18n/strings-training";
import type { RunController, RunLog } from "./run-controller";
import { showNotice } from "../notice";

/** "CNN Lab: epoch 3/10 · 82 %" for the first run that trains, "+1" for each other; null when nothing runs. */
export function statusText(runs: readonly RunController<RunLog>[]): string | null {
	if (runs.length === 0) return null;
	const shown = runs.find((r) => r.state === "running" || r.state === "stopping") ?? runs[0];
	const p = shown.lastProgress;
	let text: string;
	if (shown.state === "queued") text = t("status.queued");
	else if (!p) text = t("status.preparing");
	else text = t("status.training", { epoch: p.epoch, epochs: p.epochs, pct: Math.floor(p.fraction * 100) });
	return runs.length > 1 ? joinText([text, t("status.more", { n: runs.length - 1 })]) : text;
}

/** "CNN: Completed: 10 of 10 epochs" — the note's name and how its run ended. */
export function endedText(run: RunController<RunLog>): string | null {
	const end = run.end;
	if (!end || end.early === "cancelled") return null;
	const name = (run.key.sourcePath.split("/").pop() ?? run.key.sourcePath).replace(/\.md$/i, "");
	const how = end.early ? t("training.status.failed", { done: 0, epochs: run.plan.start.train.epochs }) : t(`training.status.${end.status}`, { done: run.epochs.length, epochs: run.plan.start.train.epochs });
	return t("status.ended", { note: name, status: how });
}

/**
 * While anything trains, a status-bar item says how far it is; a click opens the note whose block runs. Mobile has
 * no status bar: there a Notice says when a run ends while no block shows it (its note closed or scrolled away).
 */
export function registerTrainingStatus(host: CnnLabHost): void {
	const hub = host.training;
	if (Platform.isMobile) {
		host.register(
			hub.watch((run, e) => {
				if (e.type !== "end" || run.viewCount > 0) return;
				const text = endedText(run);
				if (text) showNotice(text);
			}),
		);
		return;
	}
	const el = host.addStatusBarItem();
	el.addClass("cnn-lab-status");
	el.setAttr("aria-live", "polite");
	let target: string | null = null;
	const draw = (): void => {
		const runs = hub.activeRuns();
		const text = statusText(runs);
		el.toggleClass("cnn-lab-status--idle", text === null);
		el.setText(text ?? "");
		target = runs.find((r) => r.state === "running" || r.state === "stopping")?.key.sourcePath ?? runs[0]?.key.sourcePath ?? null;
		el.setAttr("aria-label", target ? t("status.open", { note: target }) : "");
	};
	host.registerDomEvent(el, "click", () => {
		if (target) void host.app.workspace.openLinkText(target, "", false);
	});
	host.register(hub.watch((_run, e) => {
		if (e.type !== "attached" && e.type !== "detached") draw();
	}));
	draw();
}
