import { setIcon } from "obsidian";
import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import type { CnnLabHost } from "../host";
import type { StepIcon } from "../../render/conv/conv-view";
import { ExplorerView } from "../../render/explorer/explorer-view";
import { explorerData, Probe } from "../../worker/shared-engine";
import type { DatasetDescriptor } from "../../worker/messages";
import { loadDigits } from "../../data/digits";
import { explorerImage } from "../explorer-image";
import { builtinDataset } from "./dataset-source";
import type { TrainableBlock } from "./start-run";

const ICONS: Record<StepIcon, string> = { first: "skip-back", back: "chevron-left", play: "play", pause: "pause", next: "chevron-right", last: "skip-forward" };

/**
 * The network explorer under a block's results, opened on demand: building it draws every layer, which a block must
 * not do on every Live Preview re-render. It follows the block's weights: the seed's random ones, a stored run's,
 * or the run that just ended here.
 */
export class ExplorerMount {
	private readonly button: HTMLButtonElement;
	private readonly body: HTMLElement;
	private view: ExplorerView | null = null;
	private weights: Float32Array | null = null;
	private from: string | null = null;
	private dataset: DatasetDescriptor | null = null;
	/** The data the open view's samples and class names come from (null: none, or the block's built-in set). */
	private shownData: DatasetDescriptor | null = null;
	/** The classes' names when no data names them (a stored run on the vault's data: its note's names). */
	private classNames: string[] | null = null;

	constructor(
		private readonly host: CnnLabHost,
		parent: HTMLElement,
		private readonly block: TrainableBlock,
	) {
		const wrap = parent.createDiv({ cls: "cnn-lab-explorer-mount" });
		this.button = wrap.createEl("button", { cls: "cnn-lab-explorer-open", text: t("explorer.open"), attr: { "aria-expanded": "false" } });
		this.button.addEventListener("click", () => (this.view ? this.close() : this.open()));
		this.body = wrap.createDiv();
	}

	get isOpen(): boolean {
		return this.view !== null;
	}

	get explorer(): ExplorerView | null {
		return this.view;
	}

	/**
	 * New weights for the network (an epoch of a run, a run ended, a stored run was read); an open explorer asks again
	 * with them (`staged` while training, so the page gets turns between its parts).
	 */
	setWeights(weights: Float32Array | null, from: string | null, dataset?: DatasetDescriptor | null, staged = false): void {
		this.weights = weights;
		this.from = weights ? from : null;
		if (dataset !== undefined) this.dataset = dataset;
		if (!this.view) return;
		// A run on the vault's data (a folder, a CSV) brings samples and class names the open view was built without.
		const newData = dataset !== undefined && dataset !== null && !sameData(dataset, this.shownData);
		if (weights && from && !newData) this.view.setWeights(weights, from, staged);
		else {
			this.close();
			this.open();
		}
	}

	/** Names for the classes when the view has no data of its own to name them; an open view without data takes them. */
	setClassNames(names: readonly string[]): void {
		if (names.length !== outputs(this.block.model)) return;
		const same = this.classNames?.join("\n") === names.join("\n");
		this.classNames = names.slice();
		if (this.view && !same && !this.shownData) {
			this.close();
			this.open();
		}
	}

	open(): void {
		if (this.view) return;
		const { model, train, parsed, sourcePath } = this.block;
		const seed = train.seed ?? this.host.settings.defaultSeed;
		const desc = this.dataset ?? builtinDataset(train.dataset, model, seed, train.limit);
		this.shownData = desc;
		const data = desc ? explorerData(desc, model, seed, loadDigits) : null;
		const doc = this.body.ownerDocument;
		this.view = new ExplorerView(this.body, {
			probe: new Probe(model, seed, this.weights),
			firstSampleLater: true,
			classNames: data?.classNames ?? this.classNames ?? Array.from({ length: outputs(model) }, (_, i) => String(i)),
			samples: data,
			weightsFrom: this.from,
			lineText: (i) => parsed.layers[i]?.text.trim() ?? null,
			colormap: this.host.settings.colormap,
			decimals: this.host.settings.decimals,
			setIcon: (el, icon) => setIcon(el, ICONS[icon]),
			startIndex: parsed.sample?.index ?? 0,
			loadImage: (link) => explorerImage(this.host.app, doc, link, sourcePath, model.input),
		});
		this.button.setText(t("explorer.hide"));
		this.button.setAttr("aria-expanded", "true");
	}

	close(): void {
		this.view?.destroy();
		this.view = null;
		this.body.empty();
		this.button.setText(t("explorer.open"));
		this.button.setAttr("aria-expanded", "false");
	}

	redraw(): void {
		this.view?.redraw();
	}

	destroy(): void {
		this.close();
	}
}

/** The same data for the explorer: the same arrays, or a built-in set with the same parameters. */
function sameData(a: DatasetDescriptor, b: DatasetDescriptor | null): boolean {
	if (a === b) return true;
	if (!b || a.kind !== b.kind) return false;
	if (a.kind === "arrays" || b.kind === "arrays") return a.kind === "arrays" && b.kind === "arrays" && a.x === b.x && a.y === b.y && a.classNames.join("\n") === b.classNames.join("\n");
	return JSON.stringify(a) === JSON.stringify(b);
}

/** The network's number of class scores (the last dense layer's units), for naming classes without a dataset. */
function outputs(model: TrainableBlock["model"]): number {
	for (let i = model.layers.length - 1; i >= 0; i--) {
		const l = model.layers[i];
		if (l.type === "dense") return l.units;
	}
	return 10;
}
