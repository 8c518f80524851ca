import type { Param } from "../layer";
import { checkParams, type Optimizer } from "./optimizer";

export interface SgdOptions {
	lr: number;
	momentum?: number;
	weightDecay?: number;
}

/**
 * SGD as torch.optim.SGD 1.13 with dampening 0 and no Nesterov: g = grad + wd·p; with momentum the buffer is g on
 * the first step and momentum·buf + g after; p −= lr·g.
 */
export class Sgd implements Optimizer {
	lr: number;
	readonly momentum: number;
	readonly weightDecay: number;
	private readonly params: readonly Param[];
	private readonly buffers: Float32Array[];
	private t = 0;

	constructor(params: readonly Param[], opts: SgdOptions) {
		checkParams(params);
		this.params = params;
		this.lr = opts.lr;
		this.momentum = opts.momentum ?? 0;
		this.weightDecay = opts.weightDecay ?? 0;
		this.buffers = this.momentum !== 0 ? params.map((p) => new Float32Array(p.value.length)) : [];
	}

	get steps(): number {
		return this.t;
	}

	step(): void {
		const lr = this.lr;
		const mu = this.momentum;
		const wd = this.weightDecay;
		const first = this.t === 0;
		for (let k = 0; k < this.params.length; k++) {
			const p = this.params[k];
			const w = p.value;
			const g = p.grad;
			const n = w.length;
			if (mu === 0) {
				for (let i = 0; i < n; i++) w[i] -= lr * (g[i] + wd * w[i]);
			} else {
				const buf = this.buffers[k];
				for (let i = 0; i < n; i++) {
					const gi = g[i] + wd * w[i];
					const b = first ? gi : mu * buf[i] + gi;
					buf[i] = b;
					w[i] -= lr * b;
				}
			}
		}
		this.t++;
	}

	state(): Record<string, Record<string, Float32Array | number>> {
		const out: Record<string, Record<string, Float32Array | number>> = {};
		this.params.forEach((p, k) => {
			out[p.name] = this.momentum !== 0 && this.t > 0 ? { momentum_buffer: this.buffers[k].slice() } : {};
		});
		return out;
	}
}
