/**
 * The WebAssembly memory a training run will need, priced from a built model before any batch runs: each layer's
 * products and direct convolutions, chosen as src/engine/ops/conv2d.ts chooses them on the SIMD backend (direct
 * stride-1 kernels, operands copied into the module), sized with the layouts SimdGemm itself uses (memory.ts). The
 * module's memory only grows to the largest of them, so the price is the memory the run will hold.
 */
import type { ConvGeom } from "../im2col";
import { Conv2dLayer } from "../layers/conv";
import { ConvTranspose2dLayer } from "../layers/conv-transpose";
import { DenseLayer } from "../layers/dense";
import { ResidualLayer } from "../layers/residual";
import type { Layer } from "../layer";
import { chunkImages, plain, transposedGeom } from "../ops/conv2d";
import { size } from "../tensor";
import { convForwardLayout, convWeightGradLayout, gemmFloats, wasmBytesFor, WASM_MAX_BYTES } from "./memory";

/** conv2dForward on the SIMD backend: the direct kernel for stride 1, else one product per group on a chunk of columns. */
function convForwardFloats(g: ConvGeom): number {
	// (Winograd needs stride 1 too, where the direct kernel is taken first: it never runs on this backend.)
	if (g.sh === 1 && g.sw === 1 && plain(g)) return convForwardLayout(g).end;
	const K = g.cin * g.kh * g.kw;
	const ld = chunkImages(g) * g.ho * g.wo;
	return gemmFloats(g.cout / g.groups, ld, K / g.groups, false, false);
}

/** conv2dBackward on the SIMD backend (operands gathered per chunk, not read in place), with or without dx and dw. */
function convBackwardFloats(g: ConvGeom, dx: boolean, dw: boolean): number {
	const t = dx ? transposedGeom(g) : null;
	const direct = t !== null;
	let need = t ? convForwardLayout(t).end : 0;
	if (!dw && (!dx || direct)) return need;
	if (dw && g.sh === 1 && g.sw === 1 && plain(g) && (!dx || direct)) return Math.max(need, convWeightGradLayout(g).end);
	const K = g.cin * g.kh * g.kw;
	const ld = chunkImages(g) * g.ho * g.wo;
	const kg = K / g.groups;
	const cg = g.cout / g.groups;
	if (dw) need = Math.max(need, gemmFloats(cg, kg, ld, false, true));
	if (dx && !direct) need = Math.max(need, gemmFloats(kg, ld, cg, true, false));
	return need;
}

/**
 * Floats one layer's products need, forward and backward, for batches of up to `batch` (the run's evaluation and
 * sample predictions go in batches no larger than its training batch).
 */
export function layerWasmFloats(layer: Layer, batch: number): number {
	const dx = layer.needInputGrad !== false;
	if (layer instanceof ResidualLayer) {
		// the branches' layers run one after another on the one module: the memory holds the largest of theirs
		let most = 0;
		for (const l of [...layer.body, ...layer.shortcut]) most = Math.max(most, layerWasmFloats(l, batch));
		return most;
	}
	if (layer instanceof Conv2dLayer) {
		const g = layer.geometry(batch);
		return Math.max(convForwardFloats(g), convBackwardFloats(g, dx, true));
	}
	if (layer instanceof ConvTranspose2dLayer) {
		// its forward is the undone convolution's input gradient; its input gradient that convolution's forward
		const g = layer.geometry(batch);
		return Math.max(convBackwardFloats(g, true, false), dx ? convForwardFloats(g) : 0, convBackwardFloats(g, false, true));
	}
	if (layer instanceof DenseLayer) {
		const inF = size(layer.inShape);
		const outF = layer.spec.units;
		return Math.max(gemmFloats(batch, outF, inF, false, true), dx ? gemmFloats(batch, inF, outF, false, false) : 0, gemmFloats(outF, inF, batch, true, false));
	}
	// pooling, activations, batch norm, dropout, softmax: no products (a residual block's add neither)
	return 0;
}

export interface WasmPrice {
	/** Bytes the module's memory grows to (whole pages). */
	bytes: number;
	/** Index of the layer whose product needs the most (−1 when none has a product). */
	layer: number;
}

/** What a run of `layers` at this batch needs of the module's memory, and which layer needs it. */
export function trainingWasmPrice(layers: readonly Layer[], batch: number): WasmPrice {
	let floats = 0;
	let at = -1;
	for (let i = 0; i < layers.length; i++) {
		const f = layerWasmFloats(layers[i], batch);
		if (f > floats) {
			floats = f;
			at = i;
		}
	}
	return { bytes: wasmBytesFor(floats), layer: at };
}

/** The largest batch (below `batch`) whose run fits the module's memory; 0 when not even one image fits. */
export function largestWasmBatch(layers: readonly Layer[], batch: number): number {
	let lo = 0;
	let hi = batch;
	// the price only grows with the batch: bisect
	while (lo < hi) {
		const mid = Math.ceil((lo + hi) / 2);
		if (trainingWasmPrice(layers, mid).bytes <= WASM_MAX_BYTES) lo = mid;
		else hi = mid - 1;
	}
	return lo;
}
