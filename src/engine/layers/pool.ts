import type { Layer, Param } from "../layer";
import { avgPoolBackward, avgPoolForward, maxPoolBackward, maxPoolForward, poolGeom, type PoolGeom } from "../ops/pool";
import type { PoolSpec } from "../model-spec";
import type { Tensor } from "../tensor";
import { BatchBuffer, batchOf } from "./buffers";

/** Max or average pooling over [C, H, W] samples. */
export class Pool2dLayer implements Layer {
	readonly inShape: number[];
	readonly outShape: number[];
	readonly params: Param[] = [];
	private geom: PoolGeom;
	private readonly out: BatchBuffer;
	private readonly dIn: BatchBuffer;
	private argmax = new Int32Array(0);

	constructor(readonly spec: PoolSpec, inShape: number[]) {
		if (inShape.length !== 3) throw new Error(`${spec.type}: needs a [C, H, W] input, got [${inShape.join(", ")}]`);
		this.inShape = inShape.slice();
		this.geom = poolGeom([1, ...inShape], spec);
		this.outShape = [inShape[0], this.geom.ho, this.geom.wo];
		this.out = new BatchBuffer(this.outShape);
		this.dIn = new BatchBuffer(this.inShape);
	}

	forward(x: Tensor): Tensor {
		const n = batchOf(x, this.inShape, this.spec.type);
		if (this.geom.n !== n) this.geom = { ...this.geom, n };
		const y = this.out.forBatch(n);
		if (this.spec.type === "maxpool") {
			if (this.argmax.length !== y.data.length) this.argmax = new Int32Array(y.data.length);
			maxPoolForward(this.geom, x.data, y.data, this.argmax);
		} else {
			avgPoolForward(this.geom, x.data, y.data, this.spec.countIncludePad);
		}
		return y;
	}

	backward(dy: Tensor): Tensor {
		const dx = this.dIn.forBatch(this.geom.n);
		if (this.spec.type === "maxpool") maxPoolBackward(this.geom, dy.data, this.argmax, dx.data);
		else avgPoolBackward(this.geom, dy.data, dx.data, this.spec.countIncludePad);
		return dx;
	}
}
