import { type Editor, type MarkdownFileInfo, type MarkdownView } from "obsidian";
import type { CnnLabHost } from "./host";
import { CONV_TEMPLATE, NETWORK_TEMPLATE, logTemplate, placeBlock } from "./templates";
import { fenceAt } from "./code-fence";
import { parseCnn } from "../notation/cnn/parse";
import { toKeras, toPyTorch } from "../worker/shared-engine";
import { pyTorchToCopy } from "./copy-weights";
import { t, type Key } from "../i18n";
import { startBlockRun, trainableBlock } from "./training/start-run";
import "../i18n/strings-training";
import "../i18n/strings-plugin";
import { showNotice } from "./notice";

/** Command palette entries (no default hotkeys: the user picks them). */
export function registerCommands(host: CnnLabHost): void {
	const insert = (id: string, nameKey: Key, block: () => string): void => {
		host.addCommand({
			id,
			name: t(nameKey),
			editorCallback: (editor: Editor) => insertBlock(editor, block()),
		});
	};
	insert("insert-network-block", "command.insertNetwork", () => NETWORK_TEMPLATE);
	insert("insert-conv-block", "command.insertConv", () => CONV_TEMPLATE);
	insert("insert-log-block", "command.insertLog", () => logTemplate(host.settings.runsFolder));

	host.addCommand({
		id: "train-block-under-cursor",
		name: t("command.trainUnderCursor"),
		editorCallback: (editor: Editor, ctx: MarkdownView | MarkdownFileInfo) => {
			const said = trainUnderCursor(host, editor, ctx.file?.path ?? "");
			if (said) showNotice(said);
		},
	});

	// In the palette only while something trains or waits to.
	host.addCommand({
		id: "stop-all-training",
		name: t("command.stopAll"),
		checkCallback: (checking: boolean) => {
			const n = host.training.activeRuns().length + host.training.extraRunning;
			if (n === 0) return false;
			if (!checking) {
				host.training.stopAll();
				showNotice(t("command.stopped", { n }));
			}
			return true;
		},
	});

	const copy = (id: string, nameKey: Key, framework: "pytorch" | "keras"): void => {
		host.addCommand({
			id,
			name: t(nameKey),
			editorCallback: (editor: Editor, ctx: MarkdownView | MarkdownFileInfo) => copyNetwork(host, editor, framework, ctx.file?.basename, ctx.file?.path),
		});
	};
	copy("copy-as-pytorch", "command.copyPyTorch", "pytorch");
	copy("copy-as-keras", "command.copyKeras", "keras");
}

/**
 * Starts the run of the ```cnn block under the cursor, as its Train button would (a block on show attaches to it).
 * Returns what to tell the user.
 */
export function trainUnderCursor(host: CnnLabHost, editor: Editor, sourcePath: string): string {
	const lines = editor.getValue().split("\n");
	const fence = fenceAt(lines, editor.getCursor().line);
	if (!fence || fence.lang.toLowerCase() !== "cnn") return t("command.noBlock");
	const parsed = parseCnn(fence.source);
	const firstError = parsed.diagnostics.find((d) => d.severity === "error");
	if (!parsed.model || firstError) {
		const d = firstError ?? parsed.diagnostics[0];
		return t("command.notExportable", { line: d?.line ?? 1, message: d?.message ?? "" });
	}
	const block = trainableBlock(parsed, fence.source, sourcePath);
	if (!block) return t("command.noTrainLine");
	// The run shown last for this block (this session's), else none: the command cannot see what the block shows.
	const previous = host.training.find({ sourcePath, source: fence.source });
	const started = startBlockRun(host, block, activeDocument, previous ? [...previous.epochs] : null);
	if ("refused" in started) return t("training.refused", { reasons: started.refused });
	const name = (sourcePath.split("/").pop() ?? sourcePath).replace(/\.md$/i, "");
	return t("command.training", { note: name });
}

export function insertBlock(editor: Editor, block: string): void {
	const cur = editor.getCursor();
	const line = editor.getLine(cur.line);
	editor.replaceSelection(placeBlock(block, line.slice(0, cur.ch), line.slice(cur.ch)));
}

/**
 * The exported code for the ```cnn block under the cursor, or the message that says why there is none. With the
 * host and the note's path, a PyTorch script loads the block's weights when it has some (src/plugin/copy-weights.ts).
 */
export async function exportUnderCursor(editor: Editor, framework: "pytorch" | "keras", title?: string, withWeights?: { host: CnnLabHost; sourcePath: string }): Promise<{ code: string } | { problem: string }> {
	const lines = editor.getValue().split("\n");
	const fence = fenceAt(lines, editor.getCursor().line);
	if (!fence || fence.lang.toLowerCase() !== "cnn") return { problem: t("command.noBlock") };
	const parsed = parseCnn(fence.source);
	const firstError = parsed.diagnostics.find((d) => d.severity === "error");
	if (!parsed.model || firstError) {
		const d = firstError ?? parsed.diagnostics[0];
		return { problem: t("command.notExportable", { line: d?.line ?? 1, message: d?.message ?? "" }) };
	}
	const opts = { source: fence.source, title, train: parsed.train };
	if (framework === "pytorch" && withWeights) return { code: (await pyTorchToCopy(withWeights.host, withWeights.sourcePath, fence.source, parsed, parsed.model, opts)).code };
	return { code: framework === "pytorch" ? toPyTorch(parsed.model, opts) : toKeras(parsed.model, opts) };
}

async function copyNetwork(host: CnnLabHost, editor: Editor, framework: "pytorch" | "keras", title?: string, sourcePath?: string): Promise<void> {
	const r = await exportUnderCursor(editor, framework, title, sourcePath === undefined ? undefined : { host, sourcePath });
	if ("problem" in r) {
		showNotice(r.problem);
		return;
	}
	try {
		await navigator.clipboard.writeText(r.code);
		showNotice(t(framework === "pytorch" ? "command.copiedPyTorch" : "command.copiedKeras"));
	} catch (e) {
		showNotice(t("command.copyFailed", { message: e instanceof Error ? e.message : String(e) }));
	}
}
