import type { Param } from "../layer";
import { checkParams, type Optimizer } from "./optimizer";

export interface AdamOptions {
	lr: number;
	beta1?: number;
	beta2?: number;
	eps?: number;
	weightDecay?: number;
}

/**
 * Adam as torch.optim.Adam 1.13 (not AdamW, not the "eps-hat" form): g = grad + wd·p, m and v as usual, and
 * p −= (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps).
 */
export class Adam implements Optimizer {
	lr: number;
	readonly beta1: number;
	readonly beta2: number;
	readonly eps: number;
	readonly weightDecay: number;
	private readonly params: readonly Param[];
	private readonly m: Float32Array[];
	private readonly v: Float32Array[];
	private t = 0;

	constructor(params: readonly Param[], opts: AdamOptions) {
		checkParams(params);
		this.params = params;
		this.lr = opts.lr;
		this.beta1 = opts.beta1 ?? 0.9;
		this.beta2 = opts.beta2 ?? 0.999;
		this.eps = opts.eps ?? 1e-8;
		this.weightDecay = opts.weightDecay ?? 0;
		this.m = params.map((p) => new Float32Array(p.value.length));
		this.v = params.map((p) => new Float32Array(p.value.length));
	}

	get steps(): number {
		return this.t;
	}

	step(): void {
		const t = ++this.t;
		const b1 = this.beta1;
		const b2 = this.beta2;
		const eps = this.eps;
		const wd = this.weightDecay;
		const stepSize = this.lr / (1 - Math.pow(b1, t));
		const bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
		for (let k = 0; k < this.params.length; k++) {
			const w = this.params[k].value;
			const g = this.params[k].grad;
			const m = this.m[k];
			const v = this.v[k];
			const n = w.length;
			for (let i = 0; i < n; i++) {
				const gi = g[i] + wd * w[i];
				const mi = b1 * m[i] + (1 - b1) * gi;
				const vi = b2 * v[i] + (1 - b2) * gi * gi;
				m[i] = mi;
				v[i] = vi;
				w[i] -= (stepSize * mi) / (Math.sqrt(vi) / bc2Sqrt + eps);
			}
		}
	}

	state(): Record<string, Record<string, Float32Array | number>> {
		const out: Record<string, Record<string, Float32Array | number>> = {};
		this.params.forEach((p, k) => {
			out[p.name] = { step: this.t, exp_avg: this.m[k].slice(), exp_avg_sq: this.v[k].slice() };
		});
		return out;
	}
}
