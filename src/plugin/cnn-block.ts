import { MarkdownRenderChild, type MarkdownPostProcessorContext } from "obsidian";
import { t } from "../i18n";
import "../i18n/strings-spec";
import { renderShapeTable } from "../render/shape-table";
import { toKeras } from "../worker/shared-engine";
import { markdownTable } from "../notation/cnn/markdown-table";
import { analyzeCnn } from "../notation/cnn/parse";
import type { CnnLabHost } from "./host";
import { mountTrainingPanel } from "./training/panel";
import { showNotice } from "./notice";
import { pyTorchToCopy } from "./copy-weights";

/** One ```cnn block: parse and draw on load (cheap, so Live Preview may re-render at will); nothing starts by itself. */
class CnnBlockChild extends MarkdownRenderChild {
	constructor(
		containerEl: HTMLElement,
		private readonly host: CnnLabHost,
		private readonly source: string,
		private readonly ctx: MarkdownPostProcessorContext,
	) {
		super(containerEl);
	}

	onload(): void {
		const el = this.containerEl;
		el.empty();
		const analysis = analyzeCnn(this.source);
		const view = renderShapeTable(el, analysis);
		const model = analysis.parsed.model;
		const copy = (what: string, make: () => string | Promise<string>): void => {
			const failed = (e: unknown): void => {
				showNotice(t("spec.copyFailed", { message: e instanceof Error ? e.message : String(e) }));
			};
			let made: Promise<string>;
			try {
				made = Promise.resolve(make());
			} catch (e) {
				failed(e);
				return;
			}
			void made
				.then((text) => {
					const clip = navigator.clipboard;
					if (!clip) {
						showNotice(t("spec.copyFailed", { message: "clipboard unavailable" }));
						return;
					}
					return clip.writeText(text).then(() => {
						showNotice(t("spec.copied", { what }));
					});
				})
				.catch(failed);
		};
		this.registerDomEvent(view.buttons.pytorch, "click", () => {
			// With weights (the block's weights line, or its latest run's) the script loads them.
			if (model) copy("PyTorch", async () => (await pyTorchToCopy(this.host, this.ctx.sourcePath, this.source, analysis.parsed, model)).code);
			else showNotice(t("spec.exportBlocked"));
		});
		this.registerDomEvent(view.buttons.keras, "click", () => {
			if (model) copy("Keras", () => toKeras(model));
			else showNotice(t("spec.exportBlocked"));
		});
		this.registerDomEvent(view.buttons.table, "click", () => copy("Markdown", () => markdownTable(view.summary)));
		mountTrainingPanel(this.host, el, analysis.parsed, this.source, this.ctx, this);
	}
}

export function registerCnnBlock(host: CnnLabHost): void {
	host.registerMarkdownCodeBlockProcessor("cnn", (source, el, ctx) => {
		ctx.addChild(new CnnBlockChild(el, host, source, ctx));
	});
}
