import convnetjs, { type Vol } from "convnetjs";
import type { Runner } from "./timing";
import { randomArray } from "./timing";

/** NCHW float data for one image copied into a ConvNetJS Vol (x-fastest, depth innermost). */
function toVol(data: Float32Array, off: number, c: number, h: number, w: number): Vol {
	const v = new convnetjs.Vol(w, h, c, 0);
	for (let ch = 0; ch < c; ch++)
		for (let y = 0; y < h; y++)
			for (let x = 0; x < w; x++) v.w[(y * w + x) * c + ch] = data[off + (ch * h + y) * w + x];
	return v;
}

export function convnetVols(n: number, c: number, h: number, w: number, seed: number): Vol[] {
	const data = randomArray(n * c * h * w, seed);
	return Array.from({ length: n }, (_, i) => toVol(data, i * c * h * w, c, h, w));
}

/** A conv forward over a batch, one Vol at a time (ConvNetJS has no batch dimension). */
export function convnetConvForward(n: number, c: number, h: number, w: number, filters: number, k: number, pad: number): Runner {
	const vols = convnetVols(n, c, h, w, 11);
	const layer = new convnetjs.ConvLayer({ in_sx: w, in_sy: h, in_depth: c, sx: k, filters, stride: 1, pad });
	return {
		run() {
			for (const v of vols) layer.forward(v, false);
		},
	};
}

export type NetDef = Record<string, number | string>[];

/** One training batch of `batch` samples with ConvNetJS's own trainer (SGD, momentum 0.9). */
export function convnetTrain(defs: NetDef, c: number, h: number, w: number, batch: number, samples: number): Runner {
	const net = new convnetjs.Net();
	net.makeLayers(defs);
	const trainer = new convnetjs.Trainer(net, { method: "sgd", learning_rate: 0.01, momentum: 0.9, batch_size: batch, l2_decay: 0 });
	const vols = convnetVols(samples, c, h, w, 12);
	const labels = Array.from({ length: samples }, (_, i) => (i * 7) % 10);
	let at = 0;
	return {
		run() {
			for (let i = 0; i < batch; i++) {
				trainer.train(vols[at], labels[at]);
				at = (at + 1) % samples;
			}
		},
	};
}

export const convnetW4: NetDef = [
	{ type: "input", out_sx: 28, out_sy: 28, out_depth: 1 },
	{ type: "conv", sx: 5, filters: 8, stride: 1, pad: 2, activation: "relu" },
	{ type: "pool", sx: 2, stride: 2 },
	{ type: "conv", sx: 5, filters: 16, stride: 1, pad: 0, activation: "relu" },
	{ type: "pool", sx: 2, stride: 2 },
	{ type: "fc", num_neurons: 64, activation: "relu" },
	{ type: "softmax", num_classes: 10 },
];

export const convnetW5: NetDef = [
	{ type: "input", out_sx: 8, out_sy: 8, out_depth: 1 },
	{ type: "conv", sx: 3, filters: 8, stride: 1, pad: 1, activation: "relu" },
	{ type: "pool", sx: 2, stride: 2 },
	{ type: "softmax", num_classes: 10 },
];
