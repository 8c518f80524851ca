import type { EngineContext } from "../context";
import type { Activation, Layer, LayerState, Param } from "../layer";
import { layerLabel } from "../layer-label";
import type { LayerSpec, ResidualSpec } from "../model-spec";
import type { Rng } from "../rng";
import { size, type Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** createLayer, passed in so that this file and layers/index.ts do not import each other. */
export type LayerFactory = (spec: LayerSpec, inShape: number[], rng: Rng, ctx: EngineContext) => Layer;

/** y = a + b, elementwise (the block's add); its backward hands dy to both branches unchanged. */
function addForward(a: Float32Array, b: Float32Array, y: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) y[i] = a[i] + b[i];
}

/** dx = dxBody + dxShortcut: the block's input feeds both branches, so its gradient is the sum of theirs. */
function addBackward(dBody: Float32Array, dShortcut: Float32Array, dx: Float32Array, len: number): void {
	for (let i = 0; i < len; i++) dx[i] = dBody[i] + dShortcut[i];
}

/** An inner activation list moved under `prefix` (paths are relative to the block that reports them). */
function rebase(list: readonly Activation[], prefix: string): Activation[] {
	return list.map((a) => ({ ...a, path: `${prefix}.${a.path ?? ""}`, ...(a.inner ? { inner: rebase(a.inner, prefix) } : {}) }));
}

const shapeText = (s: readonly number[]): string => `[${s.join(", ")}]`;

/** Builds one branch's layers in a row from `inShape`; the branch's output shape is the last layer's. */
function buildBranch(specs: readonly LayerSpec[], inShape: number[], rng: Rng, ctx: EngineContext, make: LayerFactory): Layer[] {
	const out: Layer[] = [];
	let shape = inShape;
	for (const s of specs) {
		const l = make(s, shape, rng.fork(), ctx);
		out.push(l);
		shape = l.outShape;
	}
	return out;
}

/** The branch's arrays under PyTorch's state_dict names relative to the block ("body.0.weight"); same storage. */
function prefixed<T extends { name: string }>(layers: readonly Layer[], branch: string, pick: (l: Layer) => readonly T[] | undefined): T[] {
	return layers.flatMap((l, j) => (pick(l) ?? []).map((a) => ({ ...a, name: `${branch}.${j}.${a.name}` })));
}

/**
 * A residual block, y = body(x) + shortcut(x), as one layer of the stack: the body's and the shortcut's layers are
 * ordinary layers built for the block's input shape (a residual block among them nests), the shortcut empty for
 * the identity. The backward sends dy down both branches and sums the two input gradients. Parameters and state
 * are the sublayers' own arrays under PyTorch's names relative to the block (`body.<j>.<name>`,
 * `shortcut.<j>.<name>`), so init, the optimiser and the weight files reach them like any layer's.
 */
export class ResidualLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[];
	readonly state: LayerState[];
	readonly body: readonly Layer[];
	readonly shortcut: readonly Layer[];
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	/** Each sublayer's output tensor from the last forward (the sublayer's own buffer). */
	private readonly bodyOut: Tensor[];
	private readonly shortcutOut: Tensor[];
	/** The gradient each sublayer's output received in the last backward (the next sublayer's buffer, or dy). */
	private readonly bodyGrad: Tensor[];
	private readonly shortcutGrad: Tensor[];
	private lastX: Tensor | null = null;
	private lastDy: Tensor | null = null;
	private n = 0;
	private wantInputGrad = true;

	constructor(readonly spec: ResidualSpec, inShape: number[], rng: Rng, ctx: EngineContext, make: LayerFactory) {
		this.inShape = inShape.slice();
		this.body = buildBranch(spec.body, this.inShape, rng, ctx, make);
		this.shortcut = buildBranch(spec.shortcut, this.inShape, rng, ctx, make);
		const bodyShape = this.body.length ? this.body[this.body.length - 1].outShape : this.inShape;
		const shortShape = this.shortcut.length ? this.shortcut[this.shortcut.length - 1].outShape : this.inShape;
		if (bodyShape.join(",") !== shortShape.join(",")) {
			const what = this.shortcut.length ? "the projection shortcut gives" : "the identity shortcut passes the input on as";
			throw new Error(`residual: the body ends in ${shapeText(bodyShape)} but ${what} ${shapeText(shortShape)}; the two must agree to be added`);
		}
		this.outShape = bodyShape.slice();
		this.params = [...prefixed(this.body, "body", (l) => l.params), ...prefixed(this.shortcut, "shortcut", (l) => l.params)];
		this.state = [...prefixed(this.body, "body", (l) => l.state), ...prefixed(this.shortcut, "shortcut", (l) => l.state)];
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
		const none: Tensor = { shape: [0], data: new Float32Array(0) };
		this.bodyOut = this.body.map(() => none);
		this.shortcutOut = this.shortcut.map(() => none);
		this.bodyGrad = this.body.map(() => none);
		this.shortcutGrad = this.shortcut.map(() => none);
	}

	/** Reaches the first layer of each branch: they are the ones that read the block's input. */
	get needInputGrad(): boolean {
		return this.wantInputGrad;
	}

	set needInputGrad(v: boolean) {
		this.wantInputGrad = v;
		if (this.body.length) this.body[0].needInputGrad = v;
		if (this.shortcut.length) this.shortcut[0].needInputGrad = v;
	}

	forward(x: Tensor, training: boolean): Tensor {
		this.n = batchOf(x, this.inShape, "residual");
		let b = x;
		for (let j = 0; j < this.body.length; j++) this.bodyOut[j] = b = this.body[j].forward(b, training);
		let s = x;
		for (let j = 0; j < this.shortcut.length; j++) this.shortcutOut[j] = s = this.shortcut[j].forward(s, training);
		const y = this.out.forBatch(this.n);
		addForward(b.data, s.data, y.data, y.data.length);
		this.lastX = x;
		return y;
	}

	backward(dy: Tensor): Tensor {
		if (!this.lastX) throw new Error("residual: backward before forward");
		this.lastDy = dy;
		let gb = dy;
		for (let j = this.body.length - 1; j >= 0; j--) {
			this.bodyGrad[j] = gb;
			gb = this.body[j].backward(gb);
		}
		let gs = dy;
		for (let j = this.shortcut.length - 1; j >= 0; j--) {
			this.shortcutGrad[j] = gs;
			gs = this.shortcut[j].backward(gs);
		}
		const dx = this.dIn.forBatch(this.n);
		if (this.wantInputGrad) addBackward(gb.data, gs.data, dx.data, dx.data.length);
		return dx;
	}

	innerActivations(n: number): Activation[] {
		const x = this.lastX;
		if (!x) throw new Error("residual: no forward pass yet");
		const out: Activation[] = [];
		const take = (l: Layer | null, t: Tensor, shape: readonly number[], path: string, label: string): void => {
			const per = size(shape);
			const a: Activation = { label, path, shape: shape.slice(), data: t.data.slice(n * per, (n + 1) * per) };
			const inner = l?.innerActivations?.(n);
			if (inner) a.inner = rebase(inner, path);
			out.push(a);
		};
		this.body.forEach((l, j) => take(l, this.bodyOut[j], l.outShape, `body.${j}`, layerLabel(l.spec)));
		if (this.shortcut.length === 0) take(null, x, this.inShape, "shortcut", "identity");
		this.shortcut.forEach((l, j) => take(l, this.shortcutOut[j], l.outShape, `shortcut.${j}`, layerLabel(l.spec)));
		take(null, this.out.tensor, this.outShape, "add", "add");
		return out;
	}

	innerGradient(path: string, n: number): Float32Array | null {
		const dy = this.lastDy;
		if (!dy) return null;
		const per = size(this.outShape);
		// the sum and the identity shortcut both receive the block's dy
		if (path === "add" || (path === "shortcut" && this.shortcut.length === 0)) return dy.data.slice(n * per, (n + 1) * per);
		const m = /^(body|shortcut)\.(\d+)(?:\.(.+))?$/.exec(path);
		if (!m) return null;
		const layers = m[1] === "body" ? this.body : this.shortcut;
		const grads = m[1] === "body" ? this.bodyGrad : this.shortcutGrad;
		const j = Number(m[2]);
		const l = layers[j];
		if (!l) return null;
		if (m[3] !== undefined) return l.innerGradient?.(m[3], n) ?? null;
		const len = size(l.outShape);
		return grads[j].data.slice(n * len, (n + 1) * len);
	}
}
