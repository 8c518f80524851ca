import type { InputShape, LayerSpec, Pair } from "../../engine/model-spec";
import type { Diagnostic, Severity } from "../../notation/diagnostic";
import type { LayerLine } from "../../notation/cnn/types";
import { poolOut, stepShape, type WalkShape } from "../export/shape-walk";
import type { PyCall } from "./python-calls";
import { t, type Key } from "../../i18n";
import "../../i18n/strings-interop";

/** Zero padding read from ZeroPad2d / ZeroPadding2D, waiting for the layer after it. */
interface PendingPad {
	top: number;
	bottom: number;
	left: number;
	right: number;
	call: PyCall;
}

/** Collects layers in order, follows the shape when the input is known, and folds explicit padding into the next layer. */
export class NetworkBuilder {
	readonly layers: LayerLine[] = [];
	readonly diagnostics: Diagnostic[] = [];
	shape: WalkShape | null;
	private pending: PendingPad | null = null;

	constructor(
		private readonly src: string,
		input: InputShape | null,
	) {
		this.shape = input ? { c: input[0], h: input[1], w: input[2], flat: false } : null;
	}

	text(call: PyCall): string {
		const s = this.src.slice(call.start, call.end).replace(/\s+/g, " ").trim();
		return s.length > 160 ? `${s.slice(0, 157)}…` : s;
	}

	diag(call: PyCall, severity: Severity, key: Key, vars?: Record<string, string | number>, suggestion?: string): void {
		this.diagnostics.push({
			line: call.line,
			column: call.column,
			endColumn: call.column + call.name.length,
			severity,
			message: t(key, vars),
			suggestion,
		});
	}

	padBefore(call: PyCall, top: number, bottom: number, left: number, right: number): void {
		if (this.pending) this.flushPad();
		this.pending = { top, bottom, left, right, call };
	}

	private flushPad(): void {
		if (!this.pending) return;
		this.diag(this.pending.call, "error", "import.padAlone");
		this.pending = null;
	}

	/** Adds a layer written by `call`; `extraText` marks layers the call implies (an activation= argument). */
	add(spec: LayerSpec, call: PyCall): void {
		let layer = spec;
		const p = this.pending;
		if (p) {
			this.pending = null;
			layer = this.foldPad(layer, p) ?? layer;
		}
		if (this.shape) {
			const r = stepShape(this.shape, layer);
			if (r.implicitFlatten && !(this.shape.h === 1 && this.shape.w === 1)) {
				this.diag(call, "error", "import.denseSpatial", { shape: `${this.shape.h}×${this.shape.w}×${this.shape.c}` }, "flatten");
			}
			if (r.error) {
				this.diag(call, "error", "import.badShape", { why: r.error });
				this.shape = null;
			} else {
				this.shape = r.out;
			}
		}
		this.layers.push({ spec: layer, line: call.line, text: this.text(call) });
	}

	/** Padding in front of a conv adds to its own; in front of a pool it must be expressible as pool padding (+ ceil). */
	private foldPad(layer: LayerSpec, p: PendingPad): LayerSpec | null {
		if (layer.type === "conv") {
			const end: Pair = layer.padEnd ?? layer.pad;
			const pad: Pair = [layer.pad[0] + p.top, layer.pad[1] + p.left];
			const padEnd: Pair = [end[0] + p.bottom, end[1] + p.right];
			const same = pad[0] === padEnd[0] && pad[1] === padEnd[1];
			const { padEnd: _drop, ...rest } = layer;
			void _drop;
			return same ? { ...rest, pad } : { ...rest, pad, padEnd };
		}
		if ((layer.type === "maxpool" || layer.type === "avgpool") && layer.pad[0] === 0 && layer.pad[1] === 0 && !layer.ceil) {
			const pad: Pair = [p.top, p.left];
			if (p.top === p.bottom && p.left === p.right) {
				return { ...layer, pad, countIncludePad: true };
			}
			// Extra padding at the end is PyTorch's ceil mode when it gives the same size (as CNN Lab exports it).
			if (this.shape && p.bottom >= p.top && p.right >= p.left) {
				const s = this.shape;
				const wantH = poolOut(s.h + p.top + p.bottom, layer.kernel[0], layer.stride[0], 0, false);
				const wantW = poolOut(s.w + p.left + p.right, layer.kernel[1], layer.stride[1], 0, false);
				const gotH = poolOut(s.h, layer.kernel[0], layer.stride[0], p.top, true);
				const gotW = poolOut(s.w, layer.kernel[1], layer.stride[1], p.left, true);
				if (wantH === gotH && wantW === gotW) return { ...layer, pad, ceil: true, countIncludePad: true };
			}
		}
		this.diag(p.call, "error", "import.padUnsupported");
		return null;
	}

	/**
	 * Adaptive / global pooling to `out` cells a side: a plain pool whose window and stride are input / out, which is
	 * what the frameworks compute when the input divides evenly. Needs the input size.
	 */
	adaptivePool(call: PyCall, type: "maxpool" | "avgpool", out: Pair, thenFlatten: boolean): void {
		const s = this.shape;
		if (!s || s.flat) {
			this.diag(call, "error", s ? "import.badShape" : "import.needsInput", { why: "a pooling layer after flatten" });
			return;
		}
		if (out[0] < 1 || out[1] < 1 || s.h % out[0] !== 0 || s.w % out[1] !== 0) {
			this.diag(call, "error", "import.adaptive", { h: s.h, w: s.w, oh: out[0], ow: out[1] });
			return;
		}
		const kernel: Pair = [s.h / out[0], s.w / out[1]];
		this.add({ type, kernel, stride: kernel, pad: [0, 0], ceil: false, countIncludePad: true }, call);
		if (thenFlatten) this.add({ type: "flatten" }, call);
	}

	finish(): void {
		this.flushPad();
	}
}
