/**
 * The cnn-conv stepper on the page: padded input, kernel and output grids, the step control, the worked sum,
 * and the chain stages. DOM only (no `obsidian`); the block calls destroy() on unload, which stops the single
 * animation loop, the visibility observer, the theme subscription and every listener.
 */
import type { ColormapName } from "../colormap";
import { onThemeChange } from "../theme";
import { getLanguage, t } from "../../i18n";
import "../../i18n/strings-conv";
import { createGridView, type GridView } from "./grid-view";
import { shapeLine, stepInfo, type ConvModel } from "./model";
import { dueTicks, initialStepper, keyAction, reduceStep, SPEEDS, type StepAction, type StepperState } from "./stepper";
import { seesLine, shownWeight, stepMarkdown, stepHeading, sumLines } from "./sum-text";
import { formatValue } from "../heatmap";
import { LaterPieces } from "../later-pieces";

export interface ConvViewOptions {
	decimals: number;
	colormap: ColormapName;
	/** Steps per second when playing. */
	speed: number;
	/** The input is an image (gray colormap, "pixels"). */
	pixels: boolean;
	/** Puts a named icon (first, back, play, pause, next, last) in a button; text glyphs are used without it. */
	setIcon?: (el: HTMLElement, icon: StepIcon) => void;
	/** Told whether "Copy this step" reached the clipboard. */
	onCopied?: (ok: boolean) => void;
	/**
	 * Build what the step needs at once (the controls, the first input channel, the kernel, the output, the sum) and
	 * the rest in later tasks, one piece each: the other input channels, the chain's grids, then the heatmaps' hidden
	 * numbers. The explorer opens the view on a click in a page that already holds hundreds of maps: the whole view of
	 * a 28×28 layer in one task was over 100 ms, most of it the layout of its tables.
	 */
	chunked?: boolean;
	/**
	 * False: the arrow keys are left to the host (they bubble up unhandled): the network explorer moves its
	 * computation to the neighbouring cell of the map with them. Space, Home and End still drive the stepper.
	 */
	arrowKeys?: boolean;
}

export type StepIcon = "first" | "back" | "play" | "pause" | "next" | "last";

const GLYPHS: Record<StepIcon, string> = { first: "«", back: "‹", play: "▶", pause: "❚❚", next: "›", last: "»" };

/** How far a finger must travel sideways to count as a swipe. */
const SWIPE_PX = 40;

export class ConvView {
	readonly el: HTMLElement;
	private state: StepperState;
	private speed: number;
	private inputGrids: GridView[] = [];
	private kernelGrids: GridView[] = [];
	private outputGrids: GridView[] = [];
	private staticGrids: GridView[] = [];
	private outputFigures: HTMLElement[] = [];
	/** One box per input channel, greyed out while the current filter does not see that channel (groups). */
	private inputBoxes: HTMLElement[] = [];
	private counter!: HTMLElement;
	private playBtn!: HTMLButtonElement;
	private sumEl!: HTMLElement;
	private cleanups: (() => void)[] = [];
	private rafId = 0;
	private lastTime = -1;
	private carry = 0;
	private visible = true;
	private destroyed = false;
	private readonly win: Window;
	/** Pieces of the view still to build (opts.chunked): what is seen first, then the hidden numbers; one per task. */
	private readonly pieces: LaterPieces;

	constructor(
		parent: HTMLElement,
		private model: ConvModel,
		private readonly opts: ConvViewOptions,
	) {
		this.win = parent.ownerDocument.defaultView ?? window;
		this.state = initialStepper(model.steps);
		this.speed = opts.speed > 0 ? opts.speed : 2;
		this.el = parent.createDiv({ cls: ["cnn-lab", "cnn-conv"], attr: { tabindex: "0", role: "group", "aria-label": t("conv.aria") } });
		this.pieces = new LaterPieces(this.win, this.el);
		this.build();
		this.listen(this.el, "keydown", (e) => this.onKey(e as KeyboardEvent));
		this.cleanups.push(onThemeChange(() => this.redraw()));
		this.observeVisibility();
		this.show();
	}

	/** True while pieces of the view are still to be built in later tasks (chunked; tests wait for it). */
	get isBuilding(): boolean {
		return this.pieces.pending;
	}

	/** `step` now, or (chunked) in a later task of its own, after the pieces queued before it. */
	private defer(step: () => void): void {
		if (this.opts.chunked) this.pieces.add(step);
		else step();
	}

	/** A chunked view's heatmaps hand their first hidden numbers to the pieces, written after every seen piece. */
	private get gridLater(): { numbersLater?: (write: () => void) => void } {
		return this.opts.chunked ? { numbersLater: this.pieces.addHidden } : {};
	}

	/** Every grid built so far (a chunked view's later ones are holes until built). */
	private allGrids(): GridView[] {
		return [...this.inputGrids, ...this.kernelGrids, ...this.outputGrids, ...this.staticGrids].filter((g): g is GridView => g !== undefined);
	}

	/** The current step (0-based) and whether it is playing; for tests and the block. */
	get current(): Readonly<StepperState> {
		return this.state;
	}

	/** The model shown (the explorer's in-place moves read its geometry). */
	get shownModel(): ConvModel {
		return this.model;
	}

	dispatch(a: StepAction): void {
		if (this.destroyed) return;
		this.apply(a);
		if (this.state.playing) this.startLoop();
		else this.stopLoop();
	}

	/** Moves the state and updates what changed, without touching the animation loop. */
	private apply(a: StepAction): void {
		const before = this.state;
		this.state = reduceStep(this.state, a);
		if (this.state.index !== before.index) this.show();
		if (this.state.playing !== before.playing) this.showPlaying();
	}

	/**
	 * Another model of the same geometry (the explorer's next filter of a layer, or the same filter on a new input):
	 * its numbers written into the grids in place and the step shown again, at the same index. False (nothing
	 * changed) when any grid's size differs; the caller then makes a new view.
	 */
	update(model: ConvModel): boolean {
		const m = this.model;
		const dims = (g: number[][]): string => `${g.length}×${g[0]?.length ?? 0}`;
		const same =
			!this.destroyed &&
			model.steps === m.steps &&
			model.rows.formula === m.rows.formula &&
			model.cols.formula === m.cols.formula &&
			model.padded.length === m.padded.length &&
			model.padded.every((p, c) => dims(p) === dims(m.padded[c])) &&
			model.kernels.length === m.kernels.length &&
			model.kernels.every((k, i) => k.planes.length === m.kernels[i].planes.length && k.named === m.kernels[i].named && k.divisor === m.kernels[i].divisor && k.stages.length === m.kernels[i].stages.length && k.stages.every((st, j) => st.label === m.kernels[i].stages[j].label && dims(st.grid) === dims(m.kernels[i].stages[j].grid)));
		if (!same) return false;
		this.model = model;
		// Grids a chunked view has not built yet are built from this model when their turn comes.
		model.padded.forEach((plane, c) => this.inputGrids[c]?.update(plane));
		model.kernels.forEach((k, i) => this.outputGrids[i]?.update(k.output, t("conv.output-grid", { label: k.label })));
		let g = 0;
		for (const k of model.kernels) for (const st of k.stages) this.staticGrids[g++]?.update(st.grid, `${k.label} ${st.label}`);
		// The kernel box shows one kernel: its grids are written in place when it is the one shown, else made anew.
		if (!this.updateKernel()) this.kernelShown = -1;
		this.show();
		return true;
	}

	/** The shown kernel's numbers and bias from the current model, in place; false when it must be made again. */
	private updateKernel(): boolean {
		const i = this.kernelShown;
		const k = this.model.kernels[i];
		if (!k || this.model.kernels.length !== 1 || k.named || (k.bias !== 0 || this.model.showBias) !== (this.kernelBias !== null)) return false;
		const ok = k.planes.every((p, c) => this.kernelGrids[c]?.update(p.map((r) => r.map((w) => shownWeight(w, k.divisor))), t("conv.kernel-grid", { label: k.label, n: c + 1 })));
		if (ok) this.kernelBias?.setText(t("conv.bias", { b: formatValue(k.bias, this.opts.decimals) }));
		return ok;
	}

	destroy(): void {
		if (this.destroyed) return;
		this.destroyed = true;
		this.stopLoop();
		this.pieces.clear();
		for (const f of this.cleanups.splice(0).reverse()) f();
		for (const g of this.allGrids()) g.destroy();
	}

	// ------------------------------------------------------------------ building

	private listen(target: EventTarget, type: string, fn: (e: Event) => void): void {
		target.addEventListener(type, fn);
		this.cleanups.push(() => target.removeEventListener(type, fn));
	}

	private build(): void {
		const m = this.model;
		const d = this.opts.decimals;
		const shape = shapeLine(m);
		const head = this.el.createDiv({ cls: "cnn-conv-shape" });
		head.createSpan({ cls: "cnn-conv-shape-main", text: t("conv.output-shape", { shape: shape.shape }) });
		// a space after the English colon, none after the Chinese full-width one
		const gap = getLanguage() === "zh" ? "" : " ";
		head.createSpan({ cls: "cnn-conv-formula", text: m.is1d ? `${gap}${shape.cols}` : `${gap}${t("conv.rows")} ${shape.rows} · ${t("conv.cols")} ${shape.cols}` });
		for (const note of [m.rows.unusedNote, m.cols.unusedNote]) if (note) this.el.createDiv({ cls: ["cnn-conv-note", "cnn-lab-warning"], text: note });
		const depth = m.kernels[0].planes.length;
		const kShape = `${m.kernels[0].planes[0].length}×${m.kernels[0].planes[0][0].length}${m.input.length > 1 ? `×${depth}` : ""}`;
		if (m.groups > 1) this.el.createDiv({ cls: "cnn-conv-note", text: t("conv.groups-note", { g: m.groups, channels: m.input.length, k: m.kernels.length, per: depth, shape: kShape }) });
		const tr = m.transposed;
		if (tr) {
			const axis = (v: [number, number]): string => (m.is1d || v[0] === v[1] ? String(v[1]) : `${v[0]}×${v[1]}`);
			const gaps = axis([tr.stride[0] - 1, tr.stride[1] - 1]);
			const op = tr.outpad[0] + tr.outpad[1] > 0 ? t("conv.transposed-outpad", { op: axis(tr.outpad) }) : "";
			const stretched = m.is1d ? String(tr.stretched[1]) : `${tr.stretched[0]}×${tr.stretched[1]}`;
			this.el.createDiv({ cls: "cnn-conv-note", text: t("conv.transposed-note", { gaps, stretched, border: axis(tr.border), outpad: op }) });
		}

		this.buildControls();

		const stage = this.el.createDiv({ cls: "cnn-conv-stage" });
		this.listenSwipe(stage);
		const pad = m.pad;
		const pH = m.padded[0].length;
		const pW = m.padded[0][0].length;
		const kind = this.opts.pixels ? "pixels" : "values";
		const weightChars = Math.max(...m.kernels.flatMap((k) => k.planes.flat(2).map((w) => formatValue(shownWeight(w, k.divisor), d).length + 1)));
		const grown = tr ? t("conv.stretched", { shape: `${pH}×${pW}` }) : pad.top + pad.bottom + pad.left + pad.right > 0 ? t("conv.padded", { shape: `${pH}×${pW}` }) : "";
		const inFig = this.figure(stage, t("conv.input", { shape: `${m.input[0].length}×${m.input[0][0].length}${m.input.length > 1 ? `×${m.input.length}` : ""}` }) + grown);
		m.padded.forEach((_, c) => {
			// The box now (the channels keep their order), its grid now for the first channel, later for the others.
			const box = this.channelBox(inFig, m.padded.length > 1 ? t("conv.channel", { n: c + 1 }) : null);
			this.inputBoxes.push(box);
			const make = (): void => {
				this.inputGrids[c] = createGridView(box, this.model.padded[c], {
					label: t("conv.input-grid", { n: c + 1 }),
					decimals: d,
					kind,
					preferred: this.opts.colormap,
					colour: false,
					padding: [pad.top, pad.bottom, pad.left, pad.right],
					unusedRows: m.rows.unused,
					unusedCols: m.cols.unused,
					insertedRows: m.insertedRows,
					insertedCols: m.insertedCols,
					weightChars,
					...this.gridLater,
				});
				this.markInput(c);
			};
			if (c === 0) make();
			else this.defer(make);
		});

		const kFig = this.figure(stage, t(tr ? "conv.kernel-rotated" : "conv.kernel", { shape: kShape }));
		this.kernelBox = kFig.createDiv({ cls: "cnn-conv-kernel-box" });

		const oFig = this.figure(stage, t("conv.output", { shape: shape.shape }));
		m.kernels.forEach((k, i) => {
			const box = this.channelBox(oFig, m.kernels.length > 1 ? k.label : null);
			this.outputFigures.push(box);
			this.outputGrids.push(
				createGridView(box, k.output, {
					label: t("conv.output-grid", { label: k.label }),
					decimals: d,
					kind: "values",
					preferred: this.opts.colormap,
					colour: true,
					onPick: (row, col) => this.dispatch({ goto: i * m.positions + row * m.cols.output + col }),
					...this.gridLater,
				}),
			);
		});

		this.sumEl = this.el.createDiv({ cls: "cnn-conv-sum", attr: { "aria-live": "polite" } });

		if (m.kernels.some((k) => k.stages.length > 0)) {
			const chain = this.el.createDiv({ cls: "cnn-conv-chain" });
			m.kernels.forEach((k, ki) => {
				const row = chain.createDiv({ cls: "cnn-conv-chain-row" });
				if (m.kernels.length > 1) row.createDiv({ cls: "cnn-conv-chain-label", text: k.label });
				k.stages.forEach((st, j) => {
					const fig = this.figure(row, `${st.label}: ${st.shape}`);
					if (st.formula) fig.createDiv({ cls: "cnn-conv-formula", text: st.formula });
					const g = this.staticCount++;
					// From the model shown when its turn comes (a chunked view may have moved on by then).
					this.defer(() => {
						const now = this.model.kernels[ki].stages[j];
						this.staticGrids[g] = createGridView(fig, now.grid, { label: `${this.model.kernels[ki].label} ${now.label}`, decimals: d, kind: "values", preferred: this.opts.colormap, colour: true, size: "s", ...this.gridLater });
					});
				});
			});
		}
	}

	private kernelBox!: HTMLElement;
	private kernelShown = -1;
	/** The chain's grids, counted as they are laid out (staticGrids holds them by this index once built). */
	private staticCount = 0;

	/** Kernel grids for the current kernel (several kernels share one place; the current one is shown). */
	private showKernel(i: number): void {
		if (this.kernelShown === i) return;
		this.kernelShown = i;
		for (const g of this.kernelGrids) g.destroy();
		this.kernelGrids = [];
		this.kernelBox.empty();
		const k = this.model.kernels[i];
		if (this.model.kernels.length > 1) this.kernelBox.createDiv({ cls: "cnn-conv-caption", text: k.label });
		const many = k.planes.length > 1;
		if (k.named && many) this.kernelBox.createDiv({ cls: "cnn-conv-note", text: t("conv.named-every-channel", { n: k.planes.length }) });
		const planes = (k.named ? [k.planes[0]] : k.planes).map((p) => p.map((r) => r.map((w) => shownWeight(w, k.divisor))));
		planes.forEach((plane, c) => {
			const box = this.channelBox(this.kernelBox, many && !k.named ? t("conv.channel", { n: k.channels[c] + 1 }) : null);
			this.kernelGrids.push(createGridView(box, plane, { label: t("conv.kernel-grid", { label: k.label, n: c + 1 }), decimals: this.opts.decimals, kind: "values", preferred: this.opts.colormap, colour: false, size: "s", ...this.gridLater }));
		});
		if (k.divisor !== 1) this.kernelBox.createDiv({ cls: "cnn-conv-bias", text: t("conv.divisor", { d: k.divisor }) });
		this.kernelBias = k.bias !== 0 || this.model.showBias ? this.kernelBox.createDiv({ cls: "cnn-conv-bias", text: t("conv.bias", { b: formatValue(k.bias, this.opts.decimals) }) }) : null;
	}

	/** The shown kernel's bias line (null when none is shown). */
	private kernelBias: HTMLElement | null = null;

	/** A horizontal swipe (touch or pen) on the grids steps back or forward, like the arrow keys. */
	private listenSwipe(stage: HTMLElement): void {
		let start: { x: number; y: number; id: number } | null = null;
		this.listen(stage, "pointerdown", (e) => {
			const p = e as PointerEvent;
			start = p.pointerType === "mouse" ? null : { x: p.clientX, y: p.clientY, id: p.pointerId };
		});
		this.listen(stage, "pointerup", (e) => {
			const p = e as PointerEvent;
			if (!start || p.pointerId !== start.id) return;
			const dx = p.clientX - start.x;
			const dy = p.clientY - start.y;
			start = null;
			if (Math.abs(dx) >= SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) this.dispatch(dx < 0 ? "next" : "back");
		});
		this.listen(stage, "pointercancel", () => (start = null));
	}

	private figure(parent: HTMLElement, caption: string): HTMLElement {
		const fig = parent.createDiv({ cls: "cnn-conv-figure" });
		fig.createDiv({ cls: "cnn-conv-caption", text: caption });
		return fig;
	}

	/** A box for one channel (or one kernel's map), in a row under the figure's caption. */
	private channelBox(parent: HTMLElement, caption: string | null): HTMLElement {
		let row = parent.lastElementChild as HTMLElement | null;
		if (!row || !row.hasClass("cnn-conv-row")) row = parent.createDiv({ cls: "cnn-conv-row" });
		const box = row.createDiv({ cls: "cnn-conv-channel" });
		if (caption) box.createDiv({ cls: "cnn-conv-channel-label", text: caption });
		return box;
	}

	private setButtonIcon(b: HTMLElement, icon: StepIcon): void {
		b.empty();
		this.opts.setIcon?.(b, icon);
		// Without an icon (no icon set, or an icon name the app does not know) the glyph keeps the button usable.
		if (!b.firstChild) b.setText(GLYPHS[icon]);
	}

	private button(parent: HTMLElement, icon: StepIcon, label: string, action: StepAction): HTMLButtonElement {
		const b = parent.createEl("button", { cls: "cnn-conv-button", attr: { "aria-label": label, title: label, type: "button" } });
		this.setButtonIcon(b, icon);
		this.listen(b, "click", () => this.dispatch(action));
		return b;
	}

	private buildControls(): void {
		const bar = this.el.createDiv({ cls: "cnn-conv-controls" });
		this.button(bar, "first", t("conv.first"), "first");
		this.button(bar, "back", t("conv.back"), "back");
		this.playBtn = this.button(bar, "play", t("conv.play"), "toggle");
		this.playBtn.addClass("cnn-conv-play");
		this.button(bar, "next", t("conv.next"), "next");
		this.button(bar, "last", t("conv.last"), "last");
		const sel = bar.createEl("select", { cls: "cnn-conv-speed dropdown", attr: { "aria-label": t("conv.speed") } });
		const speeds = [...new Set<number>([...SPEEDS, this.speed])].sort((a, b) => a - b);
		for (const s of speeds) sel.createEl("option", { text: s === 1 ? t("conv.per-second.one") : t("conv.per-second", { n: s }), value: String(s) });
		sel.value = String(this.speed);
		this.listen(sel, "change", () => {
			this.speed = Number(sel.value) || this.speed;
			this.carry = 0;
		});
		this.counter = bar.createSpan({ cls: "cnn-conv-counter" });
		const copy = bar.createEl("button", { cls: "cnn-conv-copy", text: t("conv.copy-step"), attr: { type: "button" } });
		this.listen(copy, "click", () => void this.copyStep());
	}

	// ------------------------------------------------------------------ showing a step

	private show(): void {
		const m = this.model;
		const s = stepInfo(m, this.state.index);
		this.showKernel(s.kernel);
		m.padded.forEach((_, c) => this.markInput(c, s));
		this.outputGrids.forEach((g, i) => {
			const done = i < s.kernel ? m.positions : i === s.kernel ? s.oy * m.cols.output + s.ox + 1 : 0;
			g.revealUpTo(done);
			if (i === s.kernel) g.markCell(s.oy, s.ox);
		});
		this.outputFigures.forEach((f, i) => f.toggleClass("is-active", i === s.kernel));
		this.counter.setText(t("conv.counter", { step: s.index + 1, steps: m.steps }));
		this.sumEl.empty();
		this.sumEl.createDiv({ cls: "cnn-conv-step-heading", text: stepHeading(m, s) });
		const sees = seesLine(m, s.kernel);
		if (sees) this.sumEl.createDiv({ cls: "cnn-conv-sees", text: sees });
		const lines = sumLines(m, s, this.opts.decimals);
		for (const l of lines.channels) this.sumEl.createDiv({ cls: "cnn-conv-sum-channel", text: l });
		this.sumEl.createDiv({ cls: "cnn-conv-sum-total", text: lines.total });
	}

	/** Input channel c's window for the current step (none when the filter does not see c; nothing until it is built). */
	private markInput(c: number, s = stepInfo(this.model, this.state.index)): void {
		const m = this.model;
		const k = m.kernels[s.kernel];
		// With groups, a channel outside the filter's group gets no window: it is not in this sum.
		const local = k.channels.indexOf(c);
		this.inputBoxes[c]?.toggleClass("is-unseen", local < 0);
		const g = this.inputGrids[c];
		if (!g) return;
		if (local < 0) return g.markWindow(null);
		const plane = k.planes[local];
		g.markWindow({ top: s.top, left: s.left, rows: plane.length, cols: plane[0].length, dilation: [m.rows.dilation, m.cols.dilation], weights: plane.map((r) => r.map((w) => shownWeight(w, k.divisor))) });
	}

	private showPlaying(): void {
		const p = this.state.playing;
		this.setButtonIcon(this.playBtn, p ? "pause" : "play");
		this.playBtn.setAttr("aria-label", p ? t("conv.pause") : t("conv.play"));
		this.playBtn.setAttr("title", p ? t("conv.pause") : t("conv.play"));
		this.playBtn.toggleClass("is-playing", p);
		// Read each sum aloud only when stepping by hand; while playing it would flood a screen reader.
		this.sumEl.setAttr("aria-live", p ? "off" : "polite");
	}

	private redraw(): void {
		for (const g of this.allGrids()) g.redraw();
	}

	private onKey(e: KeyboardEvent): void {
		const target = e.target as HTMLElement;
		if (target.tagName === "SELECT" || target.tagName === "INPUT") return;
		if (target.tagName === "BUTTON" && (e.key === " " || e.key === "Enter")) return;
		if (this.opts.arrowKeys === false && e.key.startsWith("Arrow")) return;
		const a = keyAction(e.key);
		if (!a) return;
		e.preventDefault();
		this.dispatch(a);
	}

	private async copyStep(): Promise<void> {
		const text = stepMarkdown(this.model, stepInfo(this.model, this.state.index), this.opts.decimals);
		let ok = false;
		try {
			const clip = this.win.navigator.clipboard;
			if (clip) {
				await clip.writeText(text);
				ok = true;
			}
		} catch {
			ok = false;
		}
		this.opts.onCopied?.(ok);
	}

	// ------------------------------------------------------------------ the animation loop

	private startLoop(): void {
		if (this.rafId !== 0 || !this.visible || this.destroyed || !this.state.playing) return;
		this.lastTime = -1;
		this.rafId = this.win.requestAnimationFrame(this.frame);
	}

	private stopLoop(): void {
		if (this.rafId !== 0) this.win.cancelAnimationFrame(this.rafId);
		this.rafId = 0;
	}

	private readonly frame = (now: number): void => {
		this.rafId = 0;
		if (this.destroyed || !this.visible || !this.state.playing) return;
		if (this.lastTime < 0) this.lastTime = now;
		const [n, carry] = dueTicks(this.carry, now - this.lastTime, this.speed);
		this.lastTime = now;
		this.carry = carry;
		for (let i = 0; i < n && this.state.playing; i++) this.apply("tick");
		if (this.state.playing) this.rafId = this.win.requestAnimationFrame(this.frame);
	};

	private observeVisibility(): void {
		const IO = (this.win as Window & { IntersectionObserver?: typeof IntersectionObserver }).IntersectionObserver;
		if (!IO) return;
		const obs = new IO((entries) => {
			const e = entries[entries.length - 1];
			if (!e) return;
			this.visible = e.isIntersecting;
			if (this.visible) this.startLoop();
			else this.stopLoop();
		});
		obs.observe(this.el);
		this.cleanups.push(() => obs.disconnect());
	}
}
