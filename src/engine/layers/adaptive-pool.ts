import type { Layer, Param } from "../layer";
import { adaptiveAvgPoolBackward, adaptiveAvgPoolForward, type AdaptivePoolGeom } from "../ops/adaptive-avg-pool";
import type { AdaptivePoolSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

type Spec = AdaptivePoolSpec | { type: "gap" };

/**
 * Adaptive average pooling of [C, H, W] samples to [C, oh, ow], or global average pooling to [C] (the 1×1 grid,
 * already flat, as PyTorch's AdaptiveAvgPool2d(1) followed by Flatten): a dense layer can follow it directly.
 */
export class AdaptivePoolLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[] = [];
	private geom: AdaptivePoolGeom;
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;

	constructor(readonly spec: Spec, inShape: number[]) {
		if (inShape.length !== 3) throw new Error(`${spec.type}: needs a [C, H, W] input, got [${inShape.join(", ")}]`);
		const [c, h, w] = inShape;
		const [oh, ow] = spec.type === "gap" ? [1, 1] : spec.size;
		if (!(oh >= 1 && ow >= 1)) throw new Error(`${spec.type}: the output size must be at least 1×1, got ${oh}×${ow}`);
		this.inShape = inShape.slice();
		this.outShape = spec.type === "gap" ? [c] : [c, oh, ow];
		this.geom = { n: 0, c, h, w, oh, ow };
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor): Tensor {
		const n = batchOf(x, this.inShape, this.spec.type);
		if (this.geom.n !== n) this.geom = { ...this.geom, n };
		const y = this.out.forBatch(n);
		adaptiveAvgPoolForward(this.geom, x.data, y.data);
		return y;
	}

	backward(dy: Tensor): Tensor {
		const dx = this.dIn.forBatch(this.geom.n);
		adaptiveAvgPoolBackward(this.geom, dy.data, dx.data);
		return dx;
	}
}
