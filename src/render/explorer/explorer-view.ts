/**
 * The network explorer: ask the network the block describes (trained or not) about one input — a dataset sample or
 * a drawing — and see the class probabilities, every layer's output, and, for any value clicked, how it was computed
 * with the real numbers. DOM only (no `obsidian`); the owner calls destroy() on unload.
 */
import { t } from "../../i18n";
import "../../i18n/strings-explorer";
import type { ColormapName } from "../colormap";
import type { ConvView, StepIcon } from "../conv/conv-view";
import type { ConvCell, Probe, ProbeResult } from "../../engine/probe";
import type { LayerSpec } from "../../engine/model-spec";
import { DrawPad } from "./draw-pad";
import { LayerStrip } from "./layer-strip";
import { PredictionView } from "./prediction-view";
import { CALC_DECIMALS, convModelFor, moveConvCell, neighbourIndex, renderExplanation, showConvCell } from "./computation-view";
import { ADD, addTerms, branchAfter, innerEntry, innerInput, innerSpec, isAdd, stepName } from "./block-paths";
import { explainValue } from "../../worker/shared-engine";
import { AttributionView } from "./attribution-view";
import { argmax } from "./layer-range";
import { formatValue } from "../heatmap";
import { Stager } from "../training/stager";

type Mode = "sample" | "draw" | "image";

export interface ExplorerSamples {
	/** N×C×H×W values, as the network takes them. */
	x: Float32Array;
	y: ArrayLike<number>;
	n: number;
}

/** How much of asking the network one task does (ExplorerView.ask). */
type AskPace = "now" | "staged" | "opening";

export interface ExplorerOptions {
	probe: Probe;
	/**
	 * Build the view now and ask about the first sample in the next task (the panel's opening, on a click): opening
	 * is the first run of all this code on the page, its compilation included, and view, forward pass, prediction,
	 * strip and attribution in the click's one task were 55–80 ms of CPU.
	 */
	firstSampleLater?: boolean;
	classNames: readonly string[];
	samples: ExplorerSamples | null;
	/** What the weights are ("run lenet 2026-11-25 1412, epoch 15"), or null for the seed's random weights. */
	weightsFrom: string | null;
	/** The line as written for layer index i, for captions. */
	lineText: (layer: number) => string | null;
	colormap: ColormapName;
	decimals: number;
	setIcon?: (el: HTMLElement, icon: StepIcon) => void;
	/** The sample shown first. */
	startIndex?: number;
	/**
	 * Reads a vault image (a link as written, `![[x.png]]` or a path) fitted to the input shape, values 0..1; throws
	 * an Error whose message is shown. Without it there is no image tab.
	 */
	loadImage?: (link: string) => Promise<Float32Array>;
}

/** Layers inside a residual block whose arithmetic the explorer shows from the outputs alone (no weights needed). */
const WEIGHTLESS = new Set(["relu", "leakyrelu", "sigmoid", "tanh", "dropout", "flatten", "maxpool", "avgpool", "gap", "adaptiveavgpool", "softmax"]);


/** Where a conv stepper's cell comes from: a top-level conv (stage) or one inside a block (stage and path). */
interface ConvSource {
	stage: number;
	path?: string;
	/** The channels of the conv's input (a grouped filter's note says which it sees). */
	of: number;
	/** The layers after the conv (its branch's, inside a block): a ReLU or pooling right after joins the stepper's chain. */
	after: readonly LayerSpec[];
	cellOf: (filter: number) => ConvCell | null;
}

/** What a picked value is called: "conv 8 3x3, channel 2, row 3, column 4 = 0.51", or a unit of a flat output. */
function cellTitle(label: string, shape: readonly number[], index: number, v: number): string {
	if (shape.length !== 3) return t("explorer.calc.unitValue", { label, n: index + 1, v: formatValue(v, 6) });
	const [, h, w] = shape;
	const rest = index % (h * w);
	return t("explorer.calc.cell", { label, c: Math.floor(index / (h * w)) + 1, row: Math.floor(rest / w) + 1, col: (rest % w) + 1, v: formatValue(v, 6) });
}
/** Samples checked per task when looking for a misclassified one (a forward pass each). */
const SCAN_CHUNK = 200;

export class ExplorerView {
	readonly el: HTMLElement;
	private readonly weightsNote: HTMLElement;
	private readonly sourceHost: HTMLElement;
	private readonly pred: PredictionView;
	private readonly strip: LayerStrip;
	private readonly calc: HTMLElement;
	private readonly why: AttributionView;
	private pad: DrawPad | null = null;
	private convView: ConvView | null = null;
	private result: ProbeResult | null = null;
	private index = 0;
	private truth = -1;
	private mode: Mode;
	private scanTimer = 0;
	private readonly win: Window;
	private readonly cleanups: (() => void)[] = [];
	/** A refresh while training: prediction and strip at once, the attribution and the open computation tasks later. */
	private readonly stager: Stager;
	private sampleInput: HTMLInputElement | null = null;
	private sampleCaption: HTMLElement | null = null;
	private labelSelect: HTMLSelectElement | null = null;
	private wrongNote: HTMLElement | null = null;

	constructor(parent: HTMLElement, private readonly opts: ExplorerOptions) {
		this.win = parent.ownerDocument.defaultView ?? window;
		this.stager = new Stager(this.win);
		this.el = parent.createDiv({ cls: "cnn-lab-explorer" });
		this.el.createDiv({ cls: "cnn-lab-section-title", text: t("explorer.title") });
		this.weightsNote = this.el.createDiv({ cls: "cnn-lab-note cnn-lab-explorer-weights" });
		this.setWeightsNote(opts.weightsFrom);
		const tabs = this.el.createDiv({ cls: "cnn-lab-explorer-tabs", attr: { role: "tablist", "aria-label": t("explorer.source.aria") } });
		this.mode = opts.samples && opts.samples.n > 0 ? "sample" : "draw";
		const tab = (mode: Mode, text: string): HTMLButtonElement => {
			const b = tabs.createEl("button", { cls: "cnn-lab-explorer-tab", text, attr: { role: "tab" } });
			this.on(b, "click", () => this.setMode(mode));
			return b;
		};
		this.tabButtons = {
			sample: opts.samples && opts.samples.n > 0 ? tab("sample", t("explorer.source.sample")) : null,
			draw: tab("draw", t("explorer.source.draw")),
			image: opts.loadImage ? tab("image", t("explorer.source.image")) : null,
		};
		const top = this.el.createDiv({ cls: "cnn-lab-explorer-top" });
		this.sourceHost = top.createDiv({ cls: "cnn-lab-explorer-source" });
		this.pred = new PredictionView(top, opts.classNames);
		this.strip = new LayerStrip(this.el, {
			colormap: opts.colormap,
			decimals: opts.decimals,
			lineText: opts.lineText,
			classNames: opts.classNames,
			onPick: (stage, index, path) => {
				this.pick(stage, index, path);
				this.focusCalc(false);
			},
		});
		// The computation takes the keyboard's focus (a click on a map leaves it nowhere, or in Live Preview's editor):
		// its arrow keys move to the neighbouring cell of the same map.
		this.calc = this.el.createDiv({
			cls: "cnn-lab-explorer-calc",
			attr: { "aria-live": "polite", role: "region", "aria-label": t("explorer.calc.aria"), "aria-keyshortcuts": "ArrowLeft ArrowRight ArrowUp ArrowDown" },
		});
		this.on(this.calc, "keydown", (e) => this.onCalcKey(e as KeyboardEvent));
		this.why = new AttributionView(this.el, opts.probe, opts.classNames, opts.lineText, opts.colormap);
		this.index = Math.max(0, Math.min((opts.samples?.n ?? 1) - 1, opts.startIndex ?? 0));
		this.setMode(this.mode, true);
	}

	private tabButtons: Record<Mode, HTMLButtonElement | null>;
	/** Bumped on every mode change and image load, so a late image read does not replace a newer input. */
	private generation = 0;

	/** The last result (tests and the screen-reader summary read it). */
	get current(): ProbeResult | null {
		return this.result;
	}

	get drawPad(): DrawPad | null {
		return this.pad;
	}

	/** True while the open conv computation still builds pieces in later tasks (tests wait for it). */
	get computationBuilding(): boolean {
		return this.convView?.isBuilding ?? false;
	}

	/**
	 * New weights (an epoch finished, or a run was loaded): the same input is asked again. `staged` (during training):
	 * the rest of the page gets a turn between the prediction, the attribution and the open computation.
	 */
	setWeights(w: Float32Array, from: string, staged = false): void {
		this.opts.probe.setWeights(w);
		this.setWeightsNote(from);
		if (this.result) this.ask(this.result.input, this.truth, staged ? "staged" : "now");
	}

	private setWeightsNote(from: string | null): void {
		this.weightsNote.setText(from ? t("explorer.weights.trained", { what: from }) : t("explorer.weights.random"));
		this.weightsNote.toggleClass("is-untrained", !from);
	}

	private on(target: EventTarget, type: string, fn: (e: Event) => void): void {
		target.addEventListener(type, fn);
		this.cleanups.push(() => target.removeEventListener(type, fn));
	}

	/** `opening`: the constructor's call (with firstSampleLater, the first sample is asked in later tasks). */
	setMode(mode: Mode, opening = false): void {
		if ((mode === "sample" && !this.opts.samples) || (mode === "image" && !this.opts.loadImage)) mode = "draw";
		this.generation++;
		this.mode = mode;
		for (const [m, b] of Object.entries(this.tabButtons)) {
			if (!b) continue;
			b.toggleClass("is-active", m === mode);
			b.setAttr("aria-selected", String(m === mode));
		}
		this.pad?.destroy();
		this.pad = null;
		this.sourceHost.empty();
		if (mode === "sample") this.buildSampleSource();
		else if (mode === "image") this.buildImageSource();
		// While drawing, a frame redraws the prediction and the strip; the attribution follows a task later.
		else this.pad = new DrawPad(this.sourceHost, this.opts.probe.inputShape, (x) => this.ask(x, -1, "staged"));
		if (mode === "sample" && opening && this.opts.firstSampleLater) {
			const index = this.index;
			this.stager.stage(() => this.showSample(index, "opening"));
		} else if (mode === "sample") this.showSample(this.index);
		else this.clearResult();
	}

	private buildImageSource(): void {
		const load = this.opts.loadImage;
		if (!load) return;
		const row = this.sourceHost.createDiv({ cls: "cnn-lab-explorer-sample-row" });
		const label = row.createEl("label");
		label.createSpan({ text: t("explorer.image.link") });
		const input = label.createEl("input", { attr: { type: "text", placeholder: t("explorer.image.placeholder"), spellcheck: "false" } });
		const button = row.createEl("button", { text: t("explorer.image.load") });
		const inv = row.createEl("label");
		const invert = inv.createEl("input", { attr: { type: "checkbox" } });
		inv.createSpan({ text: t("explorer.image.invert") });
		const status = this.sourceHost.createDiv({ cls: "cnn-lab-note", attr: { "aria-live": "polite" } });
		let loaded: Float32Array | null = null;
		const show = (): void => {
			if (!loaded) return;
			this.ask(invert.checked ? loaded.map((v) => 1 - v) : loaded, -1);
		};
		const go = async (): Promise<void> => {
			const link = input.value.trim();
			if (!link) return;
			const gen = ++this.generation;
			status.removeClass("cnn-lab-error");
			status.setText(t("explorer.image.loading", { name: link }));
			try {
				const x = await load(link);
				if (gen !== this.generation) return;
				loaded = x;
				const [, h, w] = this.opts.probe.inputShape;
				status.setText(t("explorer.image.loaded", { name: link, shape: `${h}×${w}` }));
				show();
			} catch (e) {
				if (gen !== this.generation) return;
				status.addClass("cnn-lab-error");
				status.setText(e instanceof Error ? e.message : String(e));
			}
		};
		this.on(button, "click", () => void go());
		this.on(input, "keydown", (e) => {
			if ((e as KeyboardEvent).key === "Enter") void go();
		});
		this.on(invert, "change", show);
	}

	private buildSampleSource(): void {
		const s = this.opts.samples;
		if (!s) return;
		const row = this.sourceHost.createDiv({ cls: "cnn-lab-explorer-sample-row" });
		const prev = row.createEl("button", { text: "‹", attr: { "aria-label": t("explorer.sample.prev") } });
		const label = row.createEl("label", { cls: "cnn-lab-explorer-sample-index" });
		label.createSpan({ text: t("explorer.sample.index") });
		this.sampleInput = label.createEl("input", { attr: { type: "number", min: "1", max: String(s.n), value: String(this.index + 1) } });
		label.createSpan({ text: t("explorer.sample.of", { n: s.n }) });
		const next = row.createEl("button", { text: "›", attr: { "aria-label": t("explorer.sample.next") } });
		const lab = row.createEl("label");
		lab.createSpan({ text: t("explorer.sample.label") });
		this.labelSelect = lab.createEl("select");
		this.labelSelect.createEl("option", { text: t("explorer.sample.anyLabel"), attr: { value: "-1" } });
		this.opts.classNames.forEach((n, i) => this.labelSelect?.createEl("option", { text: n, attr: { value: String(i) } }));
		const wrong = row.createEl("button", { text: t("explorer.sample.wrong") });
		this.sampleCaption = this.sourceHost.createDiv({ cls: "cnn-lab-note" });
		this.wrongNote = this.sourceHost.createDiv({ cls: "cnn-lab-note" });
		this.on(prev, "click", () => this.step(-1));
		this.on(next, "click", () => this.step(1));
		this.on(this.sampleInput, "change", () => this.showSample(Math.floor(Number(this.sampleInput?.value) || 1) - 1));
		this.on(this.labelSelect, "change", () => this.step(1, true));
		this.on(wrong, "click", () => this.findWrong());
	}

	/** Next / previous sample, of the chosen label when one is chosen. */
	private step(dir: 1 | -1, includeCurrent = false): void {
		const s = this.opts.samples;
		if (!s) return;
		const want = Number(this.labelSelect?.value ?? -1);
		for (let k = includeCurrent ? 0 : 1; k <= s.n; k++) {
			const i = (((this.index + dir * k) % s.n) + s.n) % s.n;
			if (want < 0 || s.y[i] === want) return this.showSample(i);
		}
	}

	/** Looks for the next sample the network gets wrong, a chunk of forward passes per task. */
	private findWrong(): void {
		const s = this.opts.samples;
		if (!s) return;
		if (this.scanTimer) this.win.clearTimeout(this.scanTimer);
		const size = this.opts.probe.inputShape.reduce((a, b) => a * b, 1);
		let k = 1;
		const chunk = (): void => {
			this.scanTimer = 0;
			for (const end = Math.min(s.n, k + SCAN_CHUNK); k < end; k++) {
				const i = (this.index + k) % s.n;
				const r = this.opts.probe.run(s.x.subarray(i * size, (i + 1) * size));
				if (argmax(r.probs) !== s.y[i]) return this.showSample(i);
			}
			if (k < s.n) this.scanTimer = this.win.setTimeout(chunk, 0);
			else this.wrongNote?.setText(t("explorer.sample.noneWrong"));
		};
		this.wrongNote?.setText("");
		chunk();
	}

	showSample(i: number, pace: AskPace = "now"): void {
		const s = this.opts.samples;
		if (!s) return;
		this.index = Math.max(0, Math.min(s.n - 1, i));
		const size = this.opts.probe.inputShape.reduce((a, b) => a * b, 1);
		if (this.sampleInput) this.sampleInput.value = String(this.index + 1);
		const truth = s.y[this.index];
		this.sampleCaption?.setText(t("explorer.sample.caption", { i: this.index + 1, label: this.opts.classNames[truth] ?? String(truth) }));
		this.ask(s.x.slice(this.index * size, (this.index + 1) * size), truth, pace);
	}

	/**
	 * Runs the network on `x` and redraws the prediction and the strip (a drawing: truth −1). `pace`: everything in
	 * this task ("now"); the prediction and the strip now, the attribution and the open computation in later tasks
	 * ("staged": a stroke's frame, an epoch while training); or only the forward pass now ("opening": the first
	 * forward pass on the page runs cold, 30–45 ms of CPU on the 28×28 LeNet, and the rest follows task by task).
	 */
	ask(x: Float32Array | null, truth: number, pace: AskPace = "now"): void {
		this.stager.clear();
		if (!x) return this.clearResult();
		this.truth = truth;
		const r = this.opts.probe.run(x);
		this.result = r;
		const show = (): void => {
			this.pred.update(r.probs, truth);
			this.strip.show(r);
		};
		const why = (): void => this.why.show(r);
		const calc = (): void => {
			if (this.picked) this.pick(this.picked.stage, this.picked.index, this.picked.path);
		};
		if (pace === "opening") this.stager.stage(show);
		else show();
		if (pace === "now") {
			why();
			calc();
		} else {
			this.stager.stage(why);
			this.stager.stage(calc);
		}
	}

	private clearResult(): void {
		this.stager.clear();
		this.result = null;
		this.pred.clear();
		this.strip.clear();
		this.why.show(null);
		this.closeCalc();
	}

	private picked: { stage: number; index: number; path?: string } | null = null;
	/** The conv layer whose stepper is open, for which result and filter, and the lines above it that name the cell. */
	private convOpen: { stage: number; path: string | undefined; result: ProbeResult; filter: number; title: HTMLElement; filterNote: HTMLElement; groupNote: HTMLElement | null } | null = null;

	/**
	 * A value was clicked: stage 0 is the input (nothing to explain), stage i ≥ 1 is layer i − 1's output; `path`
	 * is the output inside a residual block (its sum when absent).
	 */
	pick(stage: number, index: number, path?: string): void {
		const r = this.result;
		if (!r || stage <= 0) return;
		const st = r.stages[stage];
		if (st.spec?.type === "residual" && st.inner) return this.pickInBlock(r, stage, index, path ?? ADD);
		this.picked = { stage, index };
		this.strip.mark(stage, index);
		const layer = st.layer;
		const spec = st.spec;
		if (!spec) return this.closeCalc(false);
		const label = this.opts.lineText(layer) ?? st.label;
		const title = cellTitle(label, st.shape, index, st.data[index]);
		const cellAt = { c: 0, row: 0, col: 0 };
		if (st.shape.length === 3) {
			const [, h, w] = st.shape;
			const rest = index % (h * w);
			Object.assign(cellAt, { c: Math.floor(index / (h * w)), row: Math.floor(rest / w), col: rest % w });
		}
		if (spec.type === "conv" || spec.type === "depthwise") {
			const after = r.stages.slice(stage + 1).map((s) => s.spec).filter((s): s is NonNullable<typeof s> => s !== null);
			const of = r.stages[stage - 1].shape[0];
			return this.showConv(r, { stage, of, after, cellOf: (f) => this.opts.probe.convCell(r, layer, f) }, label, title, cellAt);
		}
		this.closeCalc(false);
		this.calcHead(title);
		const e = this.opts.probe.explain(r, layer, index);
		if (e) renderExplanation(this.calc, e);
	}

	/** The head of the computation: its close button, the title naming the value, and what the arrow keys do. */
	private calcHead(title: string): HTMLElement {
		this.calc.setAttr("tabindex", "0");
		const head = this.calc.createDiv({ cls: "cnn-lab-explorer-calc-head" });
		const close = head.createEl("button", { text: t("explorer.calc.close") });
		this.on(close, "click", () => this.closeCalc());
		const titleEl = head.createDiv({ cls: "cnn-lab-explorer-calc-title", text: title });
		this.calc.createDiv({ cls: "cnn-lab-explorer-calc-keys", text: t("explorer.calc.keys") });
		return titleEl;
	}

	/**
	 * The open computation takes the focus when it has none inside the explorer, so that its arrow keys work at once
	 * (a keyboard's pick from a unit's button keeps the focus there); `always`: an arrow key's move removed the
	 * focused element (the close button of the view drawn again).
	 */
	private focusCalc(always: boolean): void {
		if (!this.picked || !this.calc.hasAttribute("tabindex")) return;
		const active = this.el.ownerDocument.activeElement;
		if (always ? this.calc.contains(active) : this.el.contains(active)) return;
		this.calc.focus({ preventScroll: true });
	}

	/** The shape of the picked output: a layer's, or an output's inside a residual block. */
	private pickedShape(r: ProbeResult, p: { stage: number; path?: string }): readonly number[] | null {
		const st = r.stages[p.stage];
		if (!st) return null;
		if (p.path === undefined) return st.shape;
		return innerEntry(st.inner ?? [], p.path)?.shape ?? null;
	}

	/**
	 * Arrow keys in the computation: the neighbouring cell of the same map (Left / Right a column, Up / Down a row,
	 * clamped at the edges; a flat output's unit before or after), shown as a click on it would. From a conv's
	 * stepper, the cell it shows (its own play or step buttons may have moved it since the click).
	 */
	private onCalcKey(e: KeyboardEvent): void {
		const r = this.result;
		const p = this.picked;
		if (!r || !p || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
		const tag = (e.target as HTMLElement).tagName;
		if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") return;
		const shape = this.pickedShape(r, p);
		if (!shape) return;
		let from = p.index;
		const open = this.convOpen;
		if (open && this.convView && open.stage === p.stage && open.path === p.path && shape.length === 3) {
			const [, h, w] = shape;
			const cols = this.convView.shownModel.cols.output;
			const step = this.convView.current.index;
			if (cols === w && Math.floor(step / cols) < h) from = p.index - (p.index % (h * w)) + step;
		}
		const to = neighbourIndex(shape, from, e.key);
		if (to === null) return;
		e.preventDefault();
		if (to !== p.index || from !== p.index) this.pick(p.stage, to, p.path);
		this.focusCalc(true);
	}

	/**
	 * A conv cell in the cnn-conv stepper. Another cell of the layer whose stepper is open (a click, an arrow key, a
	 * stroke with a cell picked) moves that stepper in place: its numbers rewritten, not its tables made again.
	 */
	private showConv(r: ProbeResult, src: ConvSource, label: string, title: string, at: { c: number; row: number; col: number }): void {
		const { stage, of } = src;
		const filterLabel = t("explorer.strip.channel", { label, n: at.c + 1 });
		const open = this.convOpen;
		const cellOf = (): ConvCell | null => src.cellOf(at.c);
		const after = (): readonly LayerSpec[] => src.after;
		const groupText = (cell: ConvCell): string | null => {
			return cell.channels.length < of ? t("explorer.calc.group", { channels: cell.channels.map((k) => k + 1).join(", "), of }) : null;
		};
		if (open && this.convView && open.stage === stage && open.path === src.path) {
			const same = open.result === r && open.filter === at.c;
			const cell = same ? null : cellOf();
			const group = cell ? groupText(cell) : null;
			const model = cell ? convModelFor(cell, filterLabel, after()) : null;
			const fits = same || (model !== null && (group !== null) === (open.groupNote !== null));
			if (fits && moveConvCell(this.convView, model, at.row, at.col)) {
				open.title.setText(title);
				open.filterNote.setText(t("explorer.calc.filter", { f: at.c + 1, label }));
				if (group !== null) open.groupNote?.setText(group);
				open.result = r;
				open.filter = at.c;
				return;
			}
		}
		this.closeCalc(false);
		const titleEl = this.calcHead(title);
		const cell = cellOf();
		if (!cell) return;
		const filterNote = this.calc.createDiv({ cls: "cnn-lab-note", text: t("explorer.calc.filter", { f: at.c + 1, label }) });
		const group = groupText(cell);
		const groupNote = group !== null ? this.calc.createDiv({ cls: "cnn-lab-note", text: group }) : null;
		this.convView = showConvCell(this.calc, cell, filterLabel, after(), at.row, at.col, { colormap: this.opts.colormap, setIcon: this.opts.setIcon });
		if (this.convView) this.convOpen = { stage, path: src.path, result: r, filter: at.c, title: titleEl, filterNote, groupNote };
	}

	/**
	 * A value inside a residual block: a sum as "body + shortcut = value" with both branches' numbers; a layer
	 * without weights (ReLU, pooling, …) as elsewhere, from the output before it in its branch.
	 */
	private pickInBlock(r: ProbeResult, stage: number, index: number, path: string): void {
		const st = r.stages[stage];
		const inner = st.inner ?? [];
		const entry = innerEntry(inner, path);
		if (!entry || st.spec?.type !== "residual") return;
		this.picked = { stage, index, path };
		this.strip.mark(stage, index, path);
		const block = this.opts.lineText(st.layer) ?? st.label;
		const where = isAdd(path) || entry.label === "identity" ? stepName(path) : t("explorer.strip.innerLayer", { where: stepName(path), label: entry.label });
		const title = cellTitle(`${block} › ${where}`, entry.shape, index, entry.data[index]);
		const spec = innerSpec(st.spec, path);
		const input = innerInput(r.stages[stage - 1], inner, path);
		if (spec && input && (spec.type === "conv" || spec.type === "depthwise") && entry.shape.length === 3) {
			const [, h, w] = entry.shape;
			const rest = index % (h * w);
			const at = { c: Math.floor(index / (h * w)), row: Math.floor(rest / w), col: rest % w };
			const src: ConvSource = { stage, path, of: input.shape[0], after: branchAfter(st.spec, path), cellOf: (f) => this.opts.probe.convCellInner(r, st.layer, path, f) };
			return this.showConv(r, src, `${block} › ${where}`, title, at);
		}
		this.closeCalc(false);
		this.calcHead(title);
		const box = this.calc.createDiv({ cls: "cnn-lab-explorer-calc-body" });
		if (isAdd(path)) {
			const terms = addTerms(inner, path);
			if (!terms) return;
			box.createDiv({ cls: "cnn-lab-note", text: t("explorer.calc.addNote") });
			const v = (a: { data: Float32Array }): string => formatValue(a.data[index], CALC_DECIMALS);
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.add", { body: v(terms.body), shortcut: v(terms.shortcut), v: v(terms.sum) }) });
			return;
		}
		if (entry.label === "identity") {
			box.createDiv({ cls: "cnn-lab-explorer-calc-sum", text: t("explorer.calc.identity", { x: formatValue(entry.data[index], CALC_DECIMALS) }) });
			return;
		}
		if (!spec || !input) return;
		// a layer with weights or running statistics reads them from the engine's sublayer; the rest needs only the outputs
		const e = WEIGHTLESS.has(spec.type) ? explainValue(spec, input.shape, input.data, {}, entry.shape, index) : this.opts.probe.explainInner(r, st.layer, path, index);
		if (e) renderExplanation(this.calc, e);
	}

	private closeCalc(forget = true): void {
		this.convView?.destroy();
		this.convView = null;
		this.convOpen = null;
		this.calc.empty();
		if (forget) {
			this.picked = null;
			this.calc.removeAttribute("tabindex");
		}
	}

	get attribution(): AttributionView {
		return this.why;
	}

	redraw(): void {
		this.strip.redraw();
		this.why.redraw();
	}

	destroy(): void {
		this.stager.destroy();
		if (this.scanTimer) this.win.clearTimeout(this.scanTimer);
		this.scanTimer = 0;
		for (const f of this.cleanups.splice(0)) f();
		this.pad?.destroy();
		this.pad = null;
		this.closeCalc();
		this.strip.destroy();
		this.why.destroy();
		this.pred.destroy();
	}
}
