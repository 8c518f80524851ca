import { MarkdownRenderChild, setIcon } from "obsidian";
import type { CnnLabHost } from "./host";
import { parseConvSpec, checkDepths } from "../notation/conv/parse-conv";
import type { ConvBlockSpec, Planes } from "../notation/conv/types";
import type { Diagnostic } from "../notation/diagnostic";
import { buildConvModel } from "../render/conv/model";
import { ConvView, type StepIcon } from "../render/conv/conv-view";
import { readVaultImage, VaultImageError } from "./vault-image";
import { t } from "../i18n";
import "../i18n/strings-conv";
import { appendWithCode } from "../render/code-spans";
import { showNotice } from "./notice";

/** ```cnn-conv: one convolution, step by step, on the note's numbers or an image from the vault. */
export function registerConvBlock(host: CnnLabHost): void {
	host.registerMarkdownCodeBlockProcessor("cnn-conv", (source, el, ctx) => {
		ctx.addChild(new ConvBlock(el, host, source, ctx.sourcePath));
	});
}

const ICONS: Record<StepIcon, string> = { first: "skip-back", back: "chevron-left", play: "play", pause: "pause", next: "chevron-right", last: "skip-forward" };

/** One block on the page; everything it starts (animation, observers, listeners) ends in onunload. */
export class ConvBlock extends MarkdownRenderChild {
	view: ConvView | null = null;
	/** Settles when the block has drawn (after the image is read, for image inputs); for tests. */
	ready: Promise<void> = Promise.resolve();
	/** False once unloaded, so an image that arrives late is not drawn into a dead block. */
	private alive = true;

	constructor(
		containerEl: HTMLElement,
		private readonly host: CnnLabHost,
		private readonly source: string,
		private readonly sourcePath: string,
	) {
		super(containerEl);
	}

	onload(): void {
		const root = this.containerEl.createDiv({ cls: ["cnn-lab", "cnn-conv-block"] });
		const spec = parseConvSpec(this.source);
		if (this.showDiagnostics(root, spec.diagnostics)) return;
		const input = spec.input;
		if (!input) return;
		if (input.kind === "numbers") {
			this.draw(root, spec, input.planes, false);
			return;
		}
		const status = root.createDiv({ cls: "cnn-conv-status", text: t("conv.loading-image", { name: input.link }) });
		this.ready = readVaultImage(this.host.app, root.ownerDocument, input.link, this.sourcePath, input.mode, input.size).then(
			(img) => {
				if (!this.alive) return;
				status.setText(t("conv.image-caption", { name: img.file.name, h: img.height, w: img.width, mode: t(input.mode === "rgb" ? "conv.mode-rgb" : "conv.mode-gray") }));
				const diags: Diagnostic[] = [];
				checkDepths(spec, img.planes.length, diags);
				if (this.showDiagnostics(root, diags)) return;
				this.draw(root, spec, img.planes, true);
			},
			(e: unknown) => {
				if (!this.alive) return;
				status.detach();
				const message = e instanceof VaultImageError ? e.message : t("conv-img.decode");
				this.showDiagnostics(root, [{ line: input.line, column: 1, severity: "error", message }]);
			},
		);
	}

	onunload(): void {
		this.alive = false;
		this.view?.destroy();
		this.view = null;
	}

	private draw(root: HTMLElement, spec: ConvBlockSpec, planes: Planes, pixels: boolean): void {
		const { model, diagnostics } = buildConvModel(spec, planes);
		if (this.showDiagnostics(root, diagnostics) || !model) return;
		const s = this.host.settings;
		this.view = new ConvView(root, model, {
			decimals: s.decimals,
			colormap: s.colormap,
			speed: s.animationSpeed,
			pixels,
			setIcon: (b, icon) => setIcon(b, ICONS[icon]),
			onCopied: (ok) => showNotice(ok ? t("conv.copied") : t("conv.copy-failed")),
		});
	}

	/** Shows the messages with their line numbers; true when there is an error (nothing else is drawn). */
	private showDiagnostics(root: HTMLElement, diags: Diagnostic[]): boolean {
		if (diags.length === 0) return false;
		const list = root.createEl("ul", { cls: "cnn-conv-diagnostics" });
		// in the order of the source, as a reader fixes them top to bottom (the parser finds some only at the end)
		const inOrder = [...diags].sort((a, b) => a.line - b.line || a.column - b.column);
		for (const d of inOrder) {
			const li = list.createEl("li", { cls: d.severity === "error" ? "cnn-lab-error" : "cnn-lab-warning" });
			li.createSpan({ cls: "cnn-conv-diagnostic-line", text: `${t("common.line", { n: d.line })}: ` });
			appendWithCode(li.createSpan(), d.message);
			if (d.suggestion) appendWithCode(li.createSpan({ cls: "cnn-conv-suggestion" }), ` ${d.suggestion}`);
		}
		return diags.some((d) => d.severity === "error");
	}
}
